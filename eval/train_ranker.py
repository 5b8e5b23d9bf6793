"""Learn the candidate ranker (geo/data/ranker.json) from coded events and gold toponyms.

    python eval/train_ranker.py [--shared ../shared] [--limit N] [--out geo/data/ranker.json]

Three dev sources in ../shared (kept there: ACLED terms), each article through the pipeline up
to resolution; every candidate of every event mention gets the features of
:func:`geo.resolve.ranked_candidates` and a label:

- ACLED's Syria/Iraq notes: within 10 km of a place coded for the note with geo_precision 1
  (or, for "X province", the coded place's province);
- UCDP's Iraq headlines: within 10 km of the coded place (where_prec 1-2);
- LGL and GeoVirus world news: within 161 km of the gold toponym the mention's span overlaps
  (a mention overlapping none teaches nothing). Without them the weights learn that only the
  theatre exists, and world places go unresolved. Where no candidate is that near, a country
  or first-order division the gold point lies in is right (:func:`_right`): the corpora put
  Russia at 60, 100 (LGL) and 60, 90 (GeoVirus), 247 and 309 km from the gazetteer's point,
  and labelled by distance alone the trees learned that "Russia" is no country (in context
  0.177, so nothing was found). With these labels, cross-validated: LGL gold spans in context
  0.826 -> 0.829 (mean error 819 -> 763 km, nothing found 113 -> 103), GeoVirus 0.826 -> 0.829
  (929 -> 755 km, 77 -> 59), ACLED dev recall / precision 0.794 / 0.803 -> 0.794 / 0.805.
  Countries alone: LGL 0.825, GeoVirus 0.826.

A coded note's mention with no candidate at a coded place (:func:`_locating`) is labelled too:
"X province" is right as the coded place's province; a name with a candidate within
``UNCODED_KM`` of a coded place teaches nothing (the coders may have left it out: Damascus in a
note coded at a suburb); any other is right as the coded places' province or country, and
otherwise has no right candidate (a village the gazetteer lacks, found as namesakes far away).

Gradient-boosted trees (scikit-learn's HistGradientBoostingClassifier, for training only: the
trees are written as arrays and the pipeline walks them with numpy) learn from every labelled
mention, those without a right candidate too: there the trees learn how sure to be when
nothing fits. Taught only by mentions with a right candidate (as before 2026-11-30), they
picked one candidate of every mention with confidence once the features compared rivals
(``geo.resolve.RELATIVE``): cross-validated at 0.2, ACLED recall / precision 0.790 / 0.749.
Taught by every mention, with all of a mention's candidates wrong where none lies at a coded
place, provinces and countries named beside the coded town were learned to be wrong ("a
village in Idlib province" 0.08, so its event went to the article's other province), though
the figures were as good (0.783 / 0.784 at 0.1, LGL and GeoVirus gold spans in context 0.829
and 0.826; with these labels and the same features, 0.775 / 0.783, 0.827 and 0.825 at 0.2).

The threshold is the one that maximises right minus wrong choices among mentions with a right
candidate (``WRONG_COST`` 1), or ``--threshold``. The shipped file was written with
``--threshold 0.2``, chosen on the end figures (ACLED dev recall / precision, LGL and GeoVirus
gold spans in context, in sample; seeds' reference events), measured with all of today's
features and the sure places' comparisons among them: 0.828 / 0.784, 0.838, 0.832, 10 of 10
at 0.1; 0.826 / 0.794, 0.838, 0.831, 10 at 0.15; 0.824 / 0.802, 0.839, 0.830, 10 at 0.2;
0.818 / 0.815, 0.833, 0.831, 9 at 0.3; 0.806 / 0.822, 0.825, 0.831, 9 at 0.4. The shipped
file is trained on the code of 4c44f62 with the division labels above (50 features): 0.831 /
0.821, 0.840, 0.833, 10 of 10. The file before it (trained on 7728f6b, labels by distance
alone) scored 0.832 / 0.822, 0.840, 0.828, 10 of 10 on the same code. The seeds' event
precision fell 0.975 -> 0.909: "Tel Shayer", which the gazetteer lacks, now takes a Tall
Sha`ir 115 km north of the al-Dashisha it lies beside (0.28, the threshold 0.2; before, below it).

Everything is reported under 5-fold cross-validation grouped by coded place name (ACLED,
UCDP) or by article (world news), per source, beside a logistic regression on the same
features (the model before: 85.4% top-1 against the trees' 87.6%), the hand-set rule that
came before it, and the file in use. The model written is fitted on all rows.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
from collections import defaultdict
from contextlib import contextmanager
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parent))
import score_acled  # noqa: E402

from conflictmap.gazetteer import Gazetteer  # noqa: E402
from conflictmap.gazetteer.distance import haversine_km  # noqa: E402
from conflictmap.geo import resolve  # noqa: E402
from conflictmap.geo.document import Document  # noqa: E402
from conflictmap.geo.nlp import build_pipeline  # noqa: E402
from conflictmap.geo.resolve import FEATURES, RANKER_FILE, Ranker, mentions_of, ranked_candidates  # noqa: E402

LABEL_KM = 10.0  # the theatre's coded events: the village itself
UNCODED_KM = 50.0  # a coded note's other names this near its coded places may be right but uncoded
WORLD_LABEL_KM = 161.0  # world news corpora: the geoparsing literature's tolerance (Acc@161)
# A wrong village costs three quarters of what a right one gains (a mention left unplaced goes to
# the geocoder or its province, geo_precision 3: honest, but no help to a reader after the town).
WRONG_COST = 1.0
SOURCES = ("ACLED notes (Syria, Iraq 2018)", "UCDP GED headlines (Iraq 2014-2018)",
           "LGL and GeoVirus world news (gold toponyms)")
# Boosting rounds and depth: each candidate walks DEPTH steps down TREES trees in the pipeline.
# Cross-validated top-1: 100 trees of depth 5 0.875, 200 of depth 5 0.878, 150 of depth 4 0.874,
# 200 of 15 leaves (depth up to 12, 5x the steps) 0.876; the linear model 0.854. With today's
# features (pooled / ACLED / world news): 100 of depth 5 0.913 / 0.901 / 0.893; 150 of depth 6
# with at least 100 candidates a leaf 0.921 / 0.906 / 0.907 (40 a leaf 0.922, 200 a leaf 0.919;
# depth 8 0.920; 63 leaves unbounded in depth 0.922); 200 of depth 5, 50 a leaf, learning rate
# 0.05: 0.913.
TREES = 150
DEPTH = 6
MIN_LEAF = 100  # candidates a leaf at least: a leaf stands for a pattern seen in many mentions
C = 1.0  # the linear baseline's inverse regularisation strength (scikit-learn's default)


def acled(shared: Path) -> tuple[list[Document], dict, dict, dict]:
    """ACLED notes: the documents, the coded points of each (geo_precision 1), its coded
    provinces and its fold."""
    rows = score_acled.read_rows(shared / "data" / "dev" / "acled_sy_iq_2018_dev.csv.gz")
    points, provinces = defaultdict(list), defaultdict(set)
    for row in rows:
        if row["geo_precision"] == "1":
            points[row["doc_id"]].append((row["lat"], row["lon"]))
        provinces[row["doc_id"]].add(row["admin1"])
    return score_acled.documents(rows), points, provinces, score_acled.note_folds(rows)


def ucdp(shared: Path) -> tuple[list[Document], dict, dict, dict]:
    """UCDP GED Iraq: each headline with the place coded for it (where_prec 1-2: the place, or
    within 25 km of it); folds by coded place name, as for ACLED."""
    documents, points, provinces, fold_of = [], {}, {}, {}
    with open(shared / "data" / "dev" / "ucdp_ged_iraq_2014_2018.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["where_prec"] not in ("1", "2") or not row["source_headline"].strip():
                continue
            doc_id = f"ucdp-{row['id']}"
            documents.append(Document(doc_id=doc_id, text=row["source_headline"],
                                      published=date.fromisoformat(row["source_date"][:10])))
            points[doc_id] = [(float(row["latitude"]), float(row["longitude"]))]
            provinces[doc_id] = {row["adm_1"]}
            name = row["where_coordinates"].casefold()
            fold_of[doc_id] = int(hashlib.sha1(name.encode()).hexdigest(), 16) % score_acled.N_FOLDS
    return documents, points, provinces, fold_of


def geoparsing(shared: Path) -> tuple[list[Document], dict, dict, dict]:
    """LGL and GeoVirus: each article with its gold toponyms' points; folds by article."""
    from score_geoparsing import read_corpus

    documents, points, fold_of = [], {}, {}
    for name in ("lgl", "GeoVirus"):
        for i, (text, gold, _) in enumerate(read_corpus(shared / "data" / "dev" / "geoparsing" / f"{name}.xml")):
            doc_id = f"{name}-{i}"
            documents.append(Document(doc_id=doc_id, text=text, published=date(2010, 1, 1)))
            points[doc_id] = [(t.lat, t.lon, t.start, t.end) for t in gold]
            fold_of[doc_id] = article_fold(name, i)
    return documents, points, defaultdict(set), fold_of


def article_fold(corpus: str, number: int) -> int:
    """The fold of a world news article (its corpus and number in it): folds by article."""
    return int(hashlib.sha1(f"{corpus}-{number}".encode()).hexdigest(), 16) % score_acled.N_FOLDS


def collect(sources: list[tuple[list[Document], dict, dict, dict]], limit: int | None
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Features, labels, mention number, fold and source of every candidate of every event mention."""
    nlp, gaz = build_pipeline(), Gazetteer()
    X, y, mention, fold, source = [], [], [], [], []
    number = 0
    for s, (documents, points, provinces, fold_of) in enumerate(sources):
        km = WORLD_LABEL_KM if SOURCES[s].startswith("LGL") else LABEL_KM
        names = {name for names in provinces.values() for name in names}
        province = {name: _province(gaz, name) for name in names}  # (country, province) as the gazetteer has them
        provinces = {doc_id: {province[n] for n in names} - {None} for doc_id, names in provinces.items()}
        number = _collect(nlp, gaz, documents[:limit], points, provinces, fold_of, km, s, X, y, mention, fold,
                          source, number)
    return np.array(X), np.array(y), np.array(mention), np.array(fold), np.array(source)


def _province(gaz: Gazetteer, name: str) -> tuple[str, str] | None:
    """The country and the gazetteer's name of a province as a coder spells it ("Idleb", "Al
    Anbār province")."""
    bare = re.sub(r"\s+(?:province|governorate)$", "", name.strip(), flags=re.I)
    found = [c for c in gaz.candidates(bare, limit=20) if c.kind == "admin1"]
    return (found[0].country, found[0].admin1) if found else None


def _coded_points(m, points: list[tuple]) -> list[tuple[float, float]]:
    """The points a mention is right at: any coded for its note (ACLED, UCDP: ``(lat, lon)``),
    or, in world news (``(lat, lon, start, end)``), the gold toponym its own span overlaps; a
    mention overlapping none teaches nothing. Labelled by any toponym of the article instead, a
    village that shares a state's old name counted as right whenever the article named its
    state ("California" as Califon, New Jersey) and the trees learned to prefer it."""
    if not points or len(points[0]) == 2:
        return points
    return [(lat, lon) for lat, lon, start, end in points if m.start_char < end and start < m.end_char]


def _locating(m, scored: list, coded_provinces: set[tuple[str, str]], coded: list[tuple[float, float]]
              ) -> list[bool] | None:
    """Labels for a coded note's mention with no candidate at a coded place. "X province" is
    right as the province of a coded place. Else, if some candidate lies within UNCODED_KM of a
    coded place, the name may be a place the coders left out (Damascus in a note coded at a
    suburb), which teaches nothing (None). Else the province or country the coded places lie in
    is right ("Syria", "the Idleb countryside"), and where there is none, no candidate is (a
    village the gazetteer lacks, found as namesakes far away)."""
    countries = {country for country, _ in coded_provinces}
    province = [c.kind == "admin1" and (c.country, c.admin1) in coded_provinces for c, _ in scored]
    if m.cue in ("province", "governorate"):
        return province
    if any(haversine_km(c.lat, c.lon, lat, lon) <= UNCODED_KM for c, _ in scored for lat, lon in coded):
        return None
    return [p or (c.kind == "country" and c.country in countries) for p, (c, _) in zip(province, scored)]


class DivisionAt:
    """The country and first-order division a point lies in, as those of the gazetteer's
    nearest town (a ball tree over every populated place; a point at sea takes the nearest
    coast's)."""

    def __init__(self, gaz: Gazetteer):
        from sklearn.neighbors import BallTree

        rows = gaz._rows_for("SELECT lat, lon, country, admin1 FROM places WHERE kind = 'populated place' "
                             "AND country IS NOT NULL", ())
        self.division = [(r[2], r[3]) for r in rows]
        self.tree = BallTree(np.radians([(r[0], r[1]) for r in rows]), metric="haversine")

    def __call__(self, lat: float, lon: float) -> tuple[str, str | None]:
        return self.division[int(self.tree.query(np.radians([[lat, lon]]), k=1)[1][0][0])]


def _right(scored: list, coded: list[tuple[float, float]], km: float, division_at: DivisionAt | None) -> list[bool]:
    """Whether each candidate is at a coded place (within ``km``). In world news, where no
    candidate is, a country or first-order division is right when the gold point lies in it:
    the corpora put them at their own sources' points (Russia at 60, 100 in LGL and 60, 90 in
    GeoVirus, 247 and 309 km from the gazetteer's; Ontario 200 km off), and a country named is
    that country however far the points differ. Not where a town is right: "New York" at the
    city does not make the state right."""
    near = [any(haversine_km(c.lat, c.lon, lat, lon) <= km for lat, lon in coded) for c, _ in scored]
    if any(near) or division_at is None:
        return near
    at = [division_at(lat, lon) for lat, lon in coded]
    return [(c.kind == "country" and any(country == c.country for country, _ in at))
            or (c.kind == "admin1" and (c.country, c.admin1) in at) for c, _ in scored]


def _collect(nlp, gaz, documents, points, provinces, fold_of, km, s, X, y, mention, fold, source, number) -> int:
    division_at = DivisionAt(gaz) if SOURCES[s].startswith("LGL") else None
    for doc, document in nlp.pipe(((d.text, d) for d in documents), as_tuples=True):
        for m, scored in ranked_candidates(mentions_of(doc, document.doc_id), gaz):
            if m.role != "event" or not scored:
                continue
            coded = _coded_points(m, points[document.doc_id])
            if not coded:
                continue
            near = _right(scored, coded, km, division_at)
            if not any(near) and (coded_provinces := provinces.get(document.doc_id)):
                near = _locating(m, scored, coded_provinces, coded)
                if near is None:
                    continue
            for (c, features), right in zip(scored, near):
                X.append([float(x) for x in features])
                y.append(right)
                mention.append(number)
                fold.append(fold_of[document.doc_id])
                source.append(s)
            number += 1
    return number


def fold_rankers(shared: Path, folder: Path, threshold: float | None = None) -> dict[int, Path]:
    """One ranker file per fold in ``folder``, each fitted on the other folds of every source
    (the split above: ACLED and UCDP by place name, world news by article), with the shipped
    file's threshold unless one is given: the scorers' ``--cross-validate`` score each fold's
    documents with the ranker that never saw them."""
    X, y, mention, fold, _ = collect([acled(shared), ucdp(shared), geoparsing(shared)], None)
    if threshold is None:
        threshold = Ranker(RANKER_FILE).threshold
    paths = {}
    for k in sorted(set(fold.tolist())):
        model = fit(X[fold != k], y[fold != k])
        paths[k] = folder / f"ranker-fold{k}.json"
        paths[k].write_text(json.dumps({"features": list(FEATURES), **export(model), "threshold": threshold},
                                       separators=(",", ":")), encoding="utf-8")
    return paths


@lru_cache(maxsize=8)
def _ranker(path: Path) -> Ranker:
    return Ranker(path)


@contextmanager
def ranker_in_use(path: Path | None):
    """Within the block, resolution in this process uses the ranker in ``path`` (None: the
    shipped one). For the scorers alone: worker processes would not see it."""
    if path is None:
        yield
        return
    shipped = resolve.default_ranker
    resolve.default_ranker = lambda: _ranker(path)
    try:
        yield
    finally:
        resolve.default_ranker = shipped


def choices(p: np.ndarray, y: np.ndarray, mention: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per mention: the best probability, whether that candidate is right, whether any is."""
    order = np.lexsort((-p, mention))
    first = np.ones(len(order), dtype=bool)
    first[1:] = mention[order][1:] != mention[order][:-1]
    best = order[first]
    has_right = np.zeros(mention.max() + 1, dtype=bool)
    np.logical_or.at(has_right, mention, y)
    return p[best], y[best], has_right[mention[best]]


def best_threshold(p: np.ndarray, right: np.ndarray) -> float:
    """The acceptance threshold that maximises right minus WRONG_COST times wrong choices."""
    grid = np.linspace(0.02, 0.9, 89)
    gains = [np.sum(right[p >= t]) - WRONG_COST * np.sum(~right[p >= t]) for t in grid]
    return float(grid[int(np.argmax(gains))])


def figures(p: np.ndarray, right: np.ndarray, has_right: np.ndarray, threshold: float) -> dict:
    accepted = p >= threshold
    answerable = has_right.sum()
    return {
        "mentions": int(len(p)),
        "answerable": int(answerable),  # some candidate lies within 10 km of a coded place
        "top1_answerable": round(float(right[has_right].mean()), 4),  # the best candidate is right
        "right_accepted_of_answerable": round(float((right & accepted).sum() / answerable), 4),
        "wrong_accepted": int((~right & accepted).sum()),
        "threshold": round(threshold, 3),
    }


def fit(X: np.ndarray, y: np.ndarray) -> HistGradientBoostingClassifier:
    # No early stopping: scikit-learn's (on by default above 10,000 rows) never stopped before
    # TREES here, but held out a random tenth of the candidates to decide, so the trees learned
    # from 90% of the rows and one mention more or less moved the file (cross-validated top-1
    # 0.947 -> 0.943 for one changed ACLED mention). Without it the fit is deterministic and
    # learns from every row: on the same rows (2026-12-01) top-1 0.941 -> 0.943, right and
    # accepted 0.933 -> 0.936, wrong accepted 1,713 -> 1,697.
    return HistGradientBoostingClassifier(max_iter=TREES, learning_rate=0.1, max_depth=DEPTH, max_leaf_nodes=None,
                                          min_samples_leaf=MIN_LEAF, early_stopping=False, random_state=0).fit(X, y)


def export(model: HistGradientBoostingClassifier) -> dict:
    """The fitted trees as plain arrays (geo.resolve.Ranker walks them with numpy): per node the
    feature and threshold it splits on (a value <= threshold goes left), its children, whether
    it is a leaf, and the leaf's value; the raw score is the baseline plus one leaf per tree.
    Thresholds are kept to the last bit: some are data values, and a rounded one flips them."""
    trees, depth = [], 0
    for (predictor,) in model._predictors:  # one per boosting round (binary: one tree each)
        nodes = predictor.nodes
        trees.append({"feature": nodes["feature_idx"].tolist(), "threshold": nodes["num_threshold"].tolist(),
                      "left": nodes["left"].tolist(), "right": nodes["right"].tolist(),
                      "leaf": nodes["is_leaf"].astype(int).tolist(), "value": nodes["value"].tolist()})
        depth = max(depth, int(nodes["depth"].max()))
    return {"baseline": round(float(np.ravel(model._baseline_prediction)[0]), 6), "depth": depth, "trees": trees}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=score_acled.DEFAULT_SHARED)
    parser.add_argument("--limit", type=int, default=None, help="only the first N notes (a quick look)")
    parser.add_argument("--out", type=Path, default=RANKER_FILE)
    parser.add_argument("--threshold", type=float, default=None,
                        help="the acceptance threshold to write instead of the one chosen by right minus wrong "
                             "(its curve is flat: between WRONG_COST 1 and 1.25 it jumps from 0.1 to 0.45)")
    args = parser.parse_args(argv)

    X, y, mention, fold, source = collect([acled(args.shared), ucdp(args.shared), geoparsing(args.shared)], args.limit)
    print(f"{mention.max() + 1:,} event mentions, {len(y):,} candidates, {y.mean():.3f} of them right")

    # Every mention teaches, those without a right candidate too (see the module's note).
    # Cross-validated: fit on four folds of place names, choose on the fifth.
    p_cv = np.zeros(len(y))
    for k in sorted(set(fold)):
        train, test = fold != k, fold == k
        p_cv[test] = fit(X[train], y[train]).predict_proba(X[test])[:, 1]
    best_p, right, has_right = choices(p_cv, y, mention)
    threshold = best_threshold(best_p[has_right], right[has_right]) if args.threshold is None else args.threshold
    print("learned, cross-validated by place name:", figures(best_p, right, has_right, threshold))
    p_linear = np.zeros(len(y))
    for k in sorted(set(fold)):
        train, test = fold != k, fold == k
        p_linear[test] = LogisticRegression(C=C, max_iter=2000).fit(X[train], y[train]).predict_proba(X[test])[:, 1]
    linear_p, linear_right, _ = choices(p_linear, y, mention)
    print("a logistic regression on the same features, cross-validated:",
          figures(linear_p, linear_right, has_right, best_threshold(linear_p[has_right], linear_right[has_right])))
    for s, name in enumerate(SOURCES):
        mine = source == s
        print(f"  {name}:", figures(*choices(p_cv[mine], y[mine], np.unique(mention[mine], return_inverse=True)[1]),
                                    threshold))
    # The hand-set additive rule this ranker replaced (geo/resolve.py before it), on the same
    # features: the name score plus bonuses and penalties, accepted from 0.78.
    hand = {"name_score": 1, "sentence_country": 0.15, "near_sentence": 0.08, "far_from_sentence": -0.1,
            "main_country": 0.08, "article_province": 0.06, "parent_match": 0.12, "parent_mismatch": -0.12,
            "admin_not_wanted": -0.15}
    p_hand = X @ np.array([hand.get(f, 0.0) for f in FEATURES])
    print("hand-set rule it replaced:", figures(*choices(p_hand, y, mention), 0.78))
    if RANKER_FILE.exists():
        try:
            current = Ranker(RANKER_FILE)
        except (ValueError, KeyError) as exc:
            print(f"weights in use: cannot be read by this version ({exc!r})")
        else:
            p_now = current.probabilities(X)
            print("weights in use:", figures(*choices(p_now, y, mention), current.threshold))

    model = fit(X, y)
    args.out.write_text(json.dumps({
        "features": list(FEATURES),
        **export(model),
        "threshold": round(threshold, 3),
        "trained_on": "ACLED Syria/Iraq 2018 dev notes, UCDP GED Iraq headlines, LGL and GeoVirus world news (eval/train_ranker.py)",
        "cross_validated": figures(best_p, right, has_right, threshold),
    }, separators=(",", ":")) + "\n", encoding="utf-8")
    # The file must give what scikit-learn gives: the pipeline walks these arrays alone.
    gap = np.abs(Ranker(args.out).probabilities(X) - model.predict_proba(X)[:, 1]).max()
    if gap > 1e-4:
        raise SystemExit(f"{args.out}: the exported trees differ from the fitted model by {gap:.2g}")
    print(f"wrote {args.out} (its trees reproduce the fitted model within {gap:.1g})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
