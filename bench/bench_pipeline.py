"""Pipeline throughput and scaling, as ratios to spaCy's own tokenizer in the same process.

    python bench/bench_pipeline.py [--docs 1000] [--corpora headlines seed long]
                                   [--workers 1 2] [--dask local:2] [--cold] [--memory 1000 10000]
                                   [--each-article-alone] [--outlet]

Corpora (texts from ../shared, read here, never copied into the repository):

- ``headlines``: UCDP GED source headlines, one document each (~40 words);
- ``seed``: the five seed articles, one document each (~600 words);
- ``long``: the seed articles joined into ~5,000-word documents.

For each corpus: documents/s and words/s of ``process_documents`` (the flow of ``run
--offline`` without writing files) with each number of ``--workers``, and with ``--dask
ADDRESS`` when given; the baseline is ``spacy.blank("en")`` tokenizing the same texts in the
same process, and ``1/x`` says how many times slower the pipeline is. The events of every
configuration are compared with one worker's: they must be identical. ``--outlet`` also runs
one worker with every document credited to an outlet of its own: each article with a name of
more than one province then waits for the run's second round (``geo.collection``'s outlet
home), the cost of that holding; no outlet has other articles, so none has a home and the
same reports and deaths come out, though duplicate reports chaining over days may group
otherwise, as held articles come last (one outlet for all would keep its duplicate reports
apart, as two reports of one outlet are two events).

``--cold`` times a fresh ``conflictmap run --offline --no-map`` on one short article, and
the pipeline's load alone (report.json ``timings_s.load``), against ``python -c pass``.
``--memory SMALL LARGE`` compares the peak RSS of fresh processes streaming SMALL and LARGE
documents (see also bench_memory.py).
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import spacy

from conflictmap.geo.document import Document
from conflictmap.geo.pipeline import process_documents

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
LONG_WORDS = 5000


def corpus(kind: str, n: int) -> list[Document]:
    """n documents of one kind, cycling through the available texts."""
    seeds = [p.read_text(encoding="utf-8") for p in sorted((SHARED / "seeds").glob("*.txt"))]
    if kind == "headlines":
        with open(SHARED / "data" / "dev" / "ucdp_ged_iraq_2014_2018.csv", encoding="utf-8", newline="") as fh:
            texts = [r["source_headline"] for r in csv.DictReader(fh) if r["source_headline"].strip()]
    elif kind == "seed":
        texts = seeds
    elif kind == "long":
        texts = []
        for start in range(len(seeds)):  # five different orders of the seeds, each ~5,000 words
            parts, words, i = [], 0, start
            while words < LONG_WORDS:
                parts.append(seeds[i % len(seeds)])
                words += len(parts[-1].split())
                i += 1
            texts.append("\n\n".join(parts))
    else:
        raise ValueError(kind)
    return [Document(doc_id=f"{kind}-{i}", text=texts[i % len(texts)], published=date(2016, 1, 1 + i % 28))
            for i in range(n)]


def tokenizer_rate(docs: list[Document]) -> float:
    """Documents per second of spacy.blank("en") tokenizing the texts (the baseline)."""
    nlp = spacy.blank("en")
    started = time.perf_counter()
    for _ in nlp.pipe((d.text for d in docs), batch_size=256):
        pass
    return len(docs) / (time.perf_counter() - started)


def fingerprint(events: list[dict], credited: bool = False) -> str:
    """The events as text; ``credited``: runs whose articles carry an outlet, compared with one
    whose do not: the ``source`` column aside, and in any order (held articles come last, so a
    merged event may list its notes in another order, and take its id and text from another
    of its reports; :func:`_reports` checks runs whose duplicates grouped otherwise)."""
    if credited:
        events = sorted(json.dumps({**{k: v for k, v in e.items() if k not in ("source", "event_id", "notes", "source_url")},
                                    "doc_id": sorted(str(e["doc_id"]).split("; "))}, sort_keys=True, default=str)
                        for e in events)
    return json.dumps(events, sort_keys=True, default=str)


def _reports(events: list[dict]) -> tuple[int, int]:
    """How many reports (an event's notes each count) and deaths the events hold: the same
    when only the grouping of duplicate reports differs (merging follows the order they come)."""
    return sum(len(str(e["doc_id"]).split("; ")) for e in events), sum(int(e["fatalities"] or 0) for e in events)


def measure(docs: list[Document], workers: int = 1, dask: str | None = None,
            agree: bool = True) -> tuple[float, list[dict]]:
    """(seconds, the events) for one configuration."""
    started = time.perf_counter()
    if dask:  # the cluster's start counts, as in `run --dask`
        from conflictmap.geo.cluster import DaskRunner  # the dask extra

        with DaskRunner(dask) as runner:
            result = runner.process(docs)
    else:
        result = process_documents(docs, workers=workers, agree_across_articles=agree)
    seconds = time.perf_counter() - started
    events = result.events
    result.close()
    return seconds, events


def bench_corpus(kind: str, n: int, workers: list[int], dask: str | None, alone: bool = False,
                 outlet: bool = False) -> None:
    docs = corpus(kind, n)
    words = sum(len(d.text.split()) for d in docs)
    tok = tokenizer_rate(docs)
    print(f"\n{kind}: {len(docs):,} documents, {words / len(docs):,.0f} words each; "
          f"baseline spacy.blank tokenizer {tok:,.0f} docs/s")
    configurations = [(f"{w} worker(s)", w, None, True) for w in workers] + \
        ([(f"dask {dask}", 1, dask, True)] if dask else []) + ([("1, each alone", 1, None, False)] if alone else []) + \
        ([("1, with outlets", 1, None, None)] if outlet else [])
    reference = None
    for label, w, address, agree in configurations:
        run_docs = docs if agree is not None else [replace(d, source=f"outlet {d.doc_id}") for d in docs]
        seconds, events = measure(run_docs, w, address, agree is not False)
        rate, n_events = len(docs) / seconds, len(events)
        same = "" if reference is None or agree is False else \
            ("; events identical" if fingerprint(events, agree is None) == fingerprint(reference[0], agree is None)
             else "; merged otherwise, same reports" if agree is None and _reports(events) == _reports(reference[0])
             else "; EVENTS DIFFER")
        speedup = "" if reference is None else f", {reference[1] / seconds:.2f}x one worker"
        reference = reference or (events, seconds)
        print(f"  {label:>16}: {rate:8,.1f} docs/s {words / seconds:9,.0f} words/s, {n_events} events, "
              f"{rate / tok:.3f}x the tokenizer (1/{tok / rate:.1f}){speedup}{same}")


def cold_start() -> None:
    """Wall time of a fresh `run` on one article, and of its load, against `python -c pass`."""
    def wall(cmd: list[str]) -> float:
        started = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        return time.perf_counter() - started

    python = min(wall([sys.executable, "-c", "pass"]) for _ in range(3))
    with tempfile.TemporaryDirectory() as tmp:
        article = Path(tmp) / "a.txt"
        article.write_text("Coalition aircraft struck Islamic State positions near Hajin on Tuesday.\n", encoding="utf-8")
        runs, loads = [], []
        for i in range(3):
            out = Path(tmp) / f"out{i}"
            runs.append(wall([sys.executable, "-m", "conflictmap", "run", str(article), "--out", str(out),
                              "--offline", "--no-map", "--published", "2017-05-02"]))
            loads.append(json.loads((out / "report.json").read_text())["timings_s"]["load"])
    print(f"\ncold start: `conflictmap run` on one article {min(runs):.2f} s wall "
          f"({min(runs) / python:.1f}x `python -c pass`, {python:.3f} s); pipeline load {min(loads):.2f} s")


def peak_rss_mb(n: int) -> float:
    """Peak RSS of a fresh process that streams n headline documents through the pipeline."""
    code = ("import resource, sys; sys.path.insert(0, %r); import bench_pipeline as b; "
            "from conflictmap.geo.pipeline import process_documents; "
            "process_documents(iter(b.corpus('headlines', %d))).close(); "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)") % (str(Path(__file__).parent), n)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=1000, help="documents per corpus (long: a fifth of it)")
    parser.add_argument("--corpora", nargs="+", choices=["headlines", "seed", "long"], default=["headlines", "seed", "long"])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--dask", metavar="ADDRESS", default=None, help="also run on Dask (local:N or tcp://host:port)")
    parser.add_argument("--cold", action="store_true", help="also time a fresh run's start-up")
    parser.add_argument("--each-article-alone", action="store_true",
                        help="also run one worker with each article resolved alone (no agreement across articles)")
    parser.add_argument("--outlet", action="store_true",
                        help="also run one worker with every document credited to an outlet of its own")
    parser.add_argument("--memory", type=int, nargs=2, metavar=("SMALL", "LARGE"), default=None,
                        help="also compare peak memory of fresh processes over SMALL and LARGE documents")
    args = parser.parse_args(argv)

    process_documents(corpus("seed", 5)).close()  # open the gazetteer and lexicons once, outside the timings
    for kind in args.corpora:
        bench_corpus(kind, max(10, args.docs // 5) if kind == "long" else args.docs, args.workers, args.dask,
                     args.each_article_alone, args.outlet)
    print(f"\npeak resident memory of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")
    if args.cold:
        cold_start()
    if args.memory:
        small, large = (peak_rss_mb(n) for n in args.memory)
        print(f"peak memory, {args.memory[0]:,} docs: {small:,.0f} MB; {args.memory[1]:,} docs: {large:,.0f} MB "
              f"(ratio {large / small:.2f} for {args.memory[1] / args.memory[0]:.0f}x the documents)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
