"""World news geoparsing: LGL and GeoVirus (../shared/data/dev/geoparsing), gold toponyms with offsets.

    python eval/score_geoparsing.py [--shared ../shared] [--corpus lgl GeoVirus] [--limit N]
                                    [--by-kind] [--errors FILE.tsv] [--json FILE.json] [--cross-validate]

Per corpus:

- gold span alone: ``Gazetteer.lookup(phrase)`` for each gold toponym, without its article;
- gold span in context (the figure Mordecai-style geoparsers report): the gold toponyms of an
  article become ``PlaceMention`` s (sentences from ``geo.nlp.build_pipeline()``) resolved
  together by ``geo.resolve.resolve_mentions``, each the others' context, then read again
  beside their outlet's home province and moved where the corpus's other articles agree, as a
  run does (``geo.collection``; the outlet is the article's ``domain``, else its URL's host); a
  province fallback counts as the answer given (``fallback`` says how many);
- each gold span mode gives, as in Gritta et al. 2018: Acc@161 km, mean and median error in km,
  AUC of the log error curve (the area under ln(1 + error) scaled by ln(20039), the largest
  error on Earth; lower is better), and how many find nothing (counted as 20039 km off);
- end to end: the corpus as one run of the pipeline (``process_documents``, offline; each
  article with its URL): toponym
  precision, recall and F1 by character-offset overlap, and the share of gold toponyms found
  and placed within 161 km.

``--by-kind``: Acc@161 and count per GeoNames feature code of the gold toponym (PPL, PCLI,
ADM1, ...; codes with fewer than 30 toponyms as "other"), both gold span modes; LGL only
(GeoVirus gives no feature codes). ``--errors``: a TSV of the in-context misses (beyond 161 km
or nothing found), worst first: corpus, article, phrase, fcode, gold point, the place found
(name, kind, country, point), error, and whether it was a province fallback. ``--json``: all
figures, per corpus.

GeoVirus offsets count from 1 (text[start - 1:end - 1] is the name); :func:`read_corpus` moves
any gold span off by one character onto its phrase.

Nothing here is tuned on these corpora but the ranker, which learns from them too
(eval/train_ranker.py): ``--cross-validate`` resolves each fold of articles with a ranker
fitted on the other folds, the figure for articles it has not seen.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import json
import math
import statistics
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import date
from pathlib import Path
from typing import NamedTuple

from conflictmap.gazetteer import Candidate, Gazetteer
from conflictmap.gazetteer.distance import haversine_km
from conflictmap.geo.collection import NameVotes, OutletHomes, agree, look_again, outlet_of, provinces_named, votes_of
from conflictmap.geo.document import Document
from conflictmap.geo.nlp import build_pipeline, compass_bearing
from conflictmap.geo.pipeline import process_documents
from conflictmap.geo.resolve import PlaceMention, resolve_mentions

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_ranker import article_fold, fold_rankers, ranker_in_use  # noqa: E402

DEFAULT_SHARED = Path(__file__).resolve().parents[1].parent / "shared"
KM = 161.0
EARTH_MAX_KM = 20039.0
MIN_KIND = 30  # feature codes with fewer gold toponyms are scored together as "other"
ERROR_COLUMNS = ("corpus", "article", "phrase", "fcode", "gold_lat", "gold_lon", "found_name", "found_kind",
                 "found_country", "found_lat", "found_lon", "error_km", "fallback")


class Toponym(NamedTuple):
    start: int
    end: int
    phrase: str
    lat: float
    lon: float
    fcode: str  # GeoNames feature code; "" when the corpus gives none


class Article(NamedTuple):
    text: str
    gold: list[Toponym]
    url: str | None = None  # where it was published: LGL's domain, GeoVirus's source page

    def document(self, doc_id: str) -> Document:
        return Document(doc_id=doc_id, text=self.text, published=date(2010, 1, 1), url=self.url)


class Answer(NamedTuple):
    """What one gold toponym was resolved to (None: nothing)."""

    article: int
    toponym: Toponym
    place: Candidate | None
    fallback: bool = False

    @property
    def error_km(self) -> float | None:
        return None if self.place is None else haversine_km(self.place.lat, self.place.lon,
                                                            self.toponym.lat, self.toponym.lon)


def _aligned(text: str, start: int, end: int, phrase: str) -> tuple[int, int]:
    """The span moved by one character when that puts it on its phrase (GeoVirus counts from 1)."""
    for shift in (0, -1, 1):
        if text[start + shift:end + shift] == phrase:
            return start + shift, end + shift
    return start, end


def read_corpus(path: Path) -> list[Article]:
    """The articles with their gold toponyms; toponyms without coordinates are left out."""
    articles = []
    for article in ET.parse(path).getroot():
        text = article.findtext("text") or ""
        gold = []
        for t in article.iter():
            if t.tag not in ("toponym", "location"):
                continue
            lat = t.findtext("gaztag/lat") or t.findtext("lat")
            lon = t.findtext("gaztag/lon") or t.findtext("lon")
            if lat and lon:
                phrase = t.findtext("phrase") or t.findtext("name") or ""
                start, end = _aligned(text, int(t.findtext("start")), int(t.findtext("end")), phrase)
                gold.append(Toponym(start, end, phrase, float(lat), float(lon), t.findtext("gaztag/fcode") or ""))
        domain = (article.findtext("domain") or "").strip()
        url = f"http://{domain}/" if domain else (article.findtext("url") or article.findtext("source") or "").strip()
        articles.append(Article(text, gold, url or None))
    return articles


def metrics(errors: list[float | None]) -> dict:
    """Gritta et al. 2018's figures for a list of errors in km (None: nothing found, scored as
    the largest error on Earth)."""
    km = [EARTH_MAX_KM if e is None else e for e in errors]
    if not km:
        return {"toponyms": 0}
    auc = statistics.mean(math.log1p(e) / math.log(EARTH_MAX_KM) for e in km)
    return {"toponyms": len(km), "acc@161": round(sum(e <= KM for e in km) / len(km), 4),
            "mean_km": round(statistics.mean(km)), "median_km": round(statistics.median(km)),
            "auc": round(auc, 4), "found_nothing": sum(e is None for e in errors)}


def score(answers: list[Answer]) -> dict:
    out = metrics([a.error_km for a in answers])
    if any(a.fallback for a in answers):
        out["fallback"] = sum(a.fallback for a in answers)
    return out


def answers_alone(gaz: Gazetteer, articles: list[Article]) -> list[Answer]:
    """Each gold toponym looked up by its phrase alone."""
    return [Answer(i, t, gaz.lookup(t.phrase)) for i, a in enumerate(articles) for t in a.gold]


def sentence_starts(nlp, articles: list[Article]) -> list[list[tuple[int, str]]]:
    """Per article, each sentence's first character and text (as ``geo.resolve.mentions_of`` keeps it)."""
    out = []
    with nlp.select_pipes(disable=["conflictmap_actors", "conflictmap_places"]):  # sentences only
        for article, doc in zip(articles, nlp.pipe(a.text for a in articles)):
            out.append([(s.start_char, article.text[s.start_char:s.end_char].strip()) for s in doc.sents])
    return out


def gold_mentions(doc_id: str, article: Article, sentences: list[tuple[int, str]]) -> list[PlaceMention]:
    """One event mention per gold toponym, in the sentence holding its first character, with
    the bearing of a compass word beside it ("northern Virginia"), as the pipeline reads it."""
    starts = [s for s, _ in sentences]
    mentions = []
    for t in article.gold:
        i = max(bisect.bisect_right(starts, t.start) - 1, 0)
        mentions.append(PlaceMention(doc_id=doc_id, text=article.text[t.start:t.end], sentence=sentences[i][1],
                                     sentence_index=i, start_char=t.start, end_char=t.end, cue=None, precision=1,
                                     role="event", bearing=compass_bearing(article.text, t.start, t.end)))
    return mentions


def answers_in_context(gaz: Gazetteer, nlp, articles: list[Article], ranker_of=lambda i: None) -> list[Answer]:
    """Each article's gold toponyms resolved together by ``resolve_mentions``, read again beside
    their outlet's home province, then the doubtful ones moved where the corpus's other articles
    agree, as a run does (``geo.collection``); ``ranker_of``: the ranker file for article i
    (None: the shipped one)."""
    resolved, votes, homes, numbers = [], NameVotes(), OutletHomes(), []
    outlets = [outlet_of(article.document(f"a{i}")) for i, article in enumerate(articles)]
    for i, (article, sentences) in enumerate(zip(articles, sentence_starts(nlp, articles))):
        with ranker_in_use(ranker_of(i)):
            resolved.append(resolve_mentions(gold_mentions(f"a{i}", article, sentences), gaz))
        votes.count(votes_of(resolved[-1]))
        numbers.append(homes.count(outlets[i], provinces_named(resolved[-1])) if outlets[i] else None)
    for i, mentions in enumerate(resolved):
        with ranker_in_use(ranker_of(i)):
            resolved[i] = look_again(mentions, outlets[i], numbers[i], homes, votes, gaz) or mentions
    answers = []
    for i, (article, mentions) in enumerate(zip(articles, resolved)):
        agree(mentions, votes)
        answers += [Answer(i, t, m.place, m.fallback) for t, m in zip(article.gold, mentions)]
    return answers


def by_kind(answers: list[Answer]) -> dict[str, dict]:
    """:func:`score` per feature code, the rare ones together as "other", most frequent first."""
    counts = Counter(a.toponym.fcode for a in answers)
    groups: dict[str, list[Answer]] = {}
    for a in sorted(answers, key=lambda a: -counts[a.toponym.fcode]):
        kind = a.toponym.fcode if counts[a.toponym.fcode] >= MIN_KIND else "other"
        groups.setdefault(kind, []).append(a)
    return {kind: score(group) for kind, group in groups.items()}


def _overlaps(mention: dict, g: Toponym) -> bool:
    return mention["start_char"] < g.end and g.start < mention["end_char"]


def end_to_end(articles: list[Article], ranker_of=lambda i: None) -> dict:
    docs = [a.document(f"a{i}") for i, a in enumerate(articles)]
    mentions = []
    for path in {ranker_of(i) for i in range(len(docs))}:  # the articles of each ranker, one run each
        with ranker_in_use(path), process_documents([d for i, d in enumerate(docs) if ranker_of(i) == path]) as result:
            mentions += result.mentions
    by_doc: dict[str, list[dict]] = {}
    for m in mentions:
        by_doc.setdefault(m["doc_id"], []).append(m)
    gold_n = found_n = matched_gold = placed = matched_found = 0
    for i, article in enumerate(articles):
        found, gold = by_doc.get(f"a{i}", []), article.gold
        gold_n += len(gold)
        found_n += len(found)
        matched_found += sum(any(_overlaps(m, g) for g in gold) for m in found)
        for g in gold:
            hits = [m for m in found if _overlaps(m, g)]
            matched_gold += bool(hits)
            placed += any(m["latitude"] is not None and haversine_km(m["latitude"], m["longitude"], g.lat, g.lon) <= KM
                          for m in hits)
    precision = matched_found / found_n if found_n else 0.0
    recall = matched_gold / gold_n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "placed@161": round(placed / gold_n, 4)}


def miss_rows(corpus: str, answers: list[Answer]) -> list[tuple]:
    """The answers beyond 161 km (or none), as rows of :data:`ERROR_COLUMNS`."""
    rows = []
    for a in answers:
        error, p, t = a.error_km, a.place, a.toponym
        if error is not None and error <= KM:
            continue
        found = (p.name, p.kind, p.country or "", round(p.lat, 4), round(p.lon, 4)) if p else ("",) * 5
        rows.append((corpus, a.article, t.phrase, t.fcode, t.lat, t.lon, *found,
                     round(EARTH_MAX_KM if error is None else error), int(a.fallback)))
    return rows


def write_errors(path: Path, rows: list[tuple]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter="\t", lineterminator="\n")
        writer.writerow(ERROR_COLUMNS)
        writer.writerows(sorted(rows, key=lambda r: -r[ERROR_COLUMNS.index("error_km")]))


def print_by_kind(kinds: dict[str, dict[str, dict]]) -> None:
    """Acc@161 per feature code, one column per gold span mode."""
    modes = list(kinds)
    print(f"  by kind (Acc@161): {'fcode':<6} {'n':>5}" + "".join(f" {m:>11}" for m in modes))
    for kind, first in kinds[modes[0]].items():
        print(f"  {'':<18} {kind:<6} {first['toponyms']:>5}"
              + "".join(f" {kinds[m][kind]['acc@161']:>11.3f}" for m in modes))


def score_corpus(name: str, articles: list[Article], gaz: Gazetteer, nlp, want_kinds: bool,
                 ranker_of=lambda i: None) -> tuple[dict, list]:
    """All figures for one corpus (printed as they come), and its in-context misses."""
    print(f"{name}: {len(articles)} articles")
    alone, in_context = answers_alone(gaz, articles), answers_in_context(gaz, nlp, articles, ranker_of)
    figures = {"articles": len(articles), "gold_span_alone": score(alone), "gold_span_in_context": score(in_context)}
    print("  gold span alone:", figures["gold_span_alone"])
    print("  gold span in context:", figures["gold_span_in_context"])
    if want_kinds and any(t.fcode for a in articles for t in a.gold):
        figures["by_kind"] = {"alone": by_kind(alone), "in context": by_kind(in_context)}
        print_by_kind(figures["by_kind"])
    figures["end_to_end"] = end_to_end(articles, ranker_of)
    print("  end to end:", figures["end_to_end"])
    return figures, miss_rows(name, in_context)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--corpus", nargs="+", default=["lgl", "GeoVirus"])
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles of each corpus")
    parser.add_argument("--by-kind", action="store_true", help="Acc@161 per gold feature code (LGL)")
    parser.add_argument("--errors", type=Path, help="write the gold-span-in-context misses to this TSV")
    parser.add_argument("--json", type=Path, help="write all figures to this JSON file")
    parser.add_argument("--cross-validate", action="store_true",
                        help="resolve each fold's articles with a ranker fitted on the other folds "
                             "(eval/train_ranker.py; about a minute more): the shipped ranker has seen them")
    args = parser.parse_args(argv)
    gaz, nlp = Gazetteer(), build_pipeline()
    figures, misses = {}, []
    with tempfile.TemporaryDirectory() as folder:
        rankers = fold_rankers(args.shared, Path(folder)) if args.cross_validate else {}
        for name in args.corpus:
            articles = read_corpus(args.shared / "data" / "dev" / "geoparsing" / f"{name}.xml")[:args.limit]
            ranker_of = (lambda i, name=name: rankers[article_fold(name, i)]) if rankers else (lambda i: None)
            figures[name], rows = score_corpus(name, articles, gaz, nlp, args.by_kind, ranker_of)
            misses += rows
    if args.errors:
        write_errors(args.errors, misses)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
