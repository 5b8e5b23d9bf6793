"""Pipeline throughput: documents/s for `run --offline` (no map) against spaCy's own tokenizer.

    python bench/bench_pipeline.py [--docs 2000] [--workers 1 2]

The texts are UCDP GED headlines from ../shared (one document each) plus the five seed
articles repeated, so both short and long documents count. The baseline is
spacy.blank("en") tokenizing the same texts in the same process: the ratio is the figure to
compare across machines. With --workers, the same run uses spaCy's n_process.
"""

from __future__ import annotations

import argparse
import csv
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import spacy

from conflictmap.geo.document import Document
from conflictmap.geo.pipeline import process_documents

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def corpus(n: int) -> list[Document]:
    texts = []
    with open(SHARED / "data" / "dev" / "ucdp_ged_iraq_2014_2018.csv", encoding="utf-8", newline="") as fh:
        texts += [r["source_headline"] for r in csv.DictReader(fh) if r["source_headline"].strip()]
    seeds = [p.read_text(encoding="utf-8") for p in sorted((SHARED / "seeds").glob("*.txt"))]
    texts = seeds * 20 + texts
    texts = (texts * (n // len(texts) + 1))[:n]
    return [Document(doc_id=str(i), text=t, published=date(2016, 1, 1)) for i, t in enumerate(texts)]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1])
    parser.add_argument("--memory", type=int, nargs=2, metavar=("SMALL", "LARGE"), default=None,
                        help="also compare peak memory of fresh processes over SMALL and LARGE documents")
    args = parser.parse_args(argv)
    docs = corpus(args.docs)
    chars = sum(len(d.text) for d in docs)

    nlp = spacy.blank("en")
    started = time.perf_counter()
    for _ in nlp.pipe((d.text for d in docs), batch_size=256):
        pass
    tok_rate = len(docs) / (time.perf_counter() - started)
    print(f"{len(docs)} documents, {chars / len(docs):.0f} characters on average")
    print(f"baseline spacy.blank('en') tokenizer: {tok_rate:,.0f} docs/s")

    process_documents(docs[:50])  # load the gazetteer index and lexicons once, outside the timing
    for workers in args.workers:
        started = time.perf_counter()
        result = process_documents(docs, workers=workers)
        rate = len(docs) / (time.perf_counter() - started)
        print(f"pipeline, {workers} worker(s): {rate:,.0f} docs/s, {len(result.events)} events "
              f"(1/{tok_rate / rate:.1f} of tokenizing alone)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of this process: {peak:,.0f} MB")
    if args.memory:
        small, large = (peak_rss_mb(n) for n in args.memory)
        print(f"peak memory, {args.memory[0]:,} docs: {small:,.0f} MB; {args.memory[1]:,} docs: {large:,.0f} MB "
              f"(ratio {large / small:.2f} for {args.memory[1] / args.memory[0]:.0f}x the documents)")
    return 0


def peak_rss_mb(n: int) -> float:
    """Peak RSS of a fresh process that streams n documents through the pipeline."""
    code = ("import resource, sys; sys.path.insert(0, %r); import bench_pipeline as b; "
            "from geo.pipeline import process_documents; "
            "process_documents(iter(b.corpus(%d))); "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)") % (str(Path(__file__).parent), n)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    sys.exit(main())
