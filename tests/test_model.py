"""`--model`: a real spaCy pipeline (trained here, in seconds) adds its GPE/LOC/FAC entities to
the place candidates. The sentences are made up for this test."""

import json
import random

import pytest
import spacy
from click.testing import CliRunner
from spacy.language import Language
from spacy.training import Example
from spacy.util import fix_random_seed

from conflictmap.cli import main
from conflictmap.geo.nlp import build_pipeline

# Mamduhah is a real village of Al-Hasakah in the gazetteer, too obscure for the rule-based matcher
# to take without a cue word ("the village of", "near", "in", "bombed"); the model learns it from these.
TRAINING = [
    ("Government helicopters bombed Mamduhah at dawn.", [("Mamduhah", "GPE")]),
    ("Residents fled Mamduhah after the shelling stopped.", [("Mamduhah", "GPE")]),
    ("Rebels shelled Kafrinnah and Bakmazlu overnight.", [("Kafrinnah", "GPE"), ("Bakmazlu", "GPE")]),
    ("Militants overran Mamduhah last week, witnesses said.", [("Mamduhah", "GPE")]),
    ("Drones circled the Qalat ridge for hours.", [("Qalat", "LOC")]),
    ("Engineers repaired the Tishrin dam on Friday.", [("Tishrin", "FAC")]),
    ("Farmers around Bakmazlu lost their harvest on Monday.", [("Bakmazlu", "GPE")]),
    ("A ceasefire held across Mamduhah and Kafrinnah.", [("Mamduhah", "GPE"), ("Kafrinnah", "GPE")]),
    ("The committee met again on Tuesday without any decision.", []),
]
ARTICLE = "Regime helicopters dropped barrel bombs over Mamduhah on Tuesday, killing five people.\n"


def train_ner(epochs: int = 30) -> Language:
    fix_random_seed(0)
    nlp = spacy.blank("en")
    ner = nlp.add_pipe("ner")
    for label in ("GPE", "LOC", "FAC"):
        ner.add_label(label)
    examples = []
    for text, names in TRAINING:
        entities = [(text.index(name), text.index(name) + len(name), label) for name, label in names]
        examples.append(Example.from_dict(nlp.make_doc(text), {"entities": entities}))
    optimizer = nlp.initialize(lambda: examples)
    rng = random.Random(0)
    for _ in range(epochs):
        rng.shuffle(examples)
        nlp.update(examples, sgd=optimizer, drop=0.1)
    return nlp


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("model") / "tiny_ner"
    train_ner().to_disk(folder)
    return folder


def test_the_matcher_alone_does_not_take_the_bare_name(gaz):
    doc = build_pipeline()(ARTICLE)
    assert "Mamduhah" not in [s.text for s in doc.spans["places"]]


def test_model_entities_join_the_place_candidates(model_dir, gaz):
    nlp = build_pipeline(model=str(model_dir))
    assert nlp.pipe_names[0] == "ner" and nlp.pipe_names[-1] == "conflictmap_places"
    doc = nlp(ARTICLE)
    assert "Mamduhah" in [e.text for e in doc.ents]
    places = {s.text: s for s in doc.spans["places"]}
    assert "Mamduhah" in places and places["Mamduhah"]._.cm_role == "event"
    assert "Tuesday" not in places  # whatever the small model thinks of it


def test_run_with_model_folder_finds_the_model_tagged_place(model_dir, tmp_path, gaz):
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "out"

    result = CliRunner().invoke(main, ["run", str(article), "--out", str(out), "--offline", "--model", str(model_dir),
                                       "--published", "2016-02-10", "--no-map"])

    assert result.exit_code == 0, result.output
    mentions = json.loads((out / "mentions.geojson").read_text(encoding="utf-8"))["features"]
    mamduhah = [m["properties"] for m in mentions if m["properties"]["text"] == "Mamduhah"]
    assert mamduhah and mamduhah[0]["place_id"] is not None
    events = json.loads((out / "events.geojson").read_text(encoding="utf-8"))["features"]
    assert [(e["properties"]["admin1"], e["properties"]["fatalities"]) for e in events] == [("Al-Hasakah", 5)]
    assert "Mamduhah" in events[0]["properties"]["notes"]


def test_run_without_the_model_has_no_such_event(tmp_path, gaz):
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "out"

    result = CliRunner().invoke(main, ["run", str(article), "--out", str(out), "--offline", "--no-map"])

    assert result.exit_code == 0, result.output
    events = json.loads((out / "events.geojson").read_text(encoding="utf-8"))["features"]
    assert events == []


@Language.component("test_dependency_annotator")
def _dependency_annotator(doc):
    """Stands in for a trained parser: marks every token with a dependency label, as a parser
    does, after which spaCy refuses new sentence starts (E043)."""
    for token in doc:
        token.dep_ = "dep"
    return doc


def test_a_parser_in_the_model_does_not_break_newline_sentences(tmp_path, gaz):
    nlp = spacy.blank("en")
    nlp.add_pipe("test_dependency_annotator", name="parser")
    nlp.to_disk(tmp_path / "parsed")

    pipeline = build_pipeline(model=str(tmp_path / "parsed"))
    assert pipeline.pipe_names.index("conflictmap_sentences") < pipeline.pipe_names.index("parser")
    doc = pipeline("Jets struck near the town of Hajin\nShells hit the village of Sufuhan in Idlib province.")
    assert doc.has_annotation("DEP")
    assert [s.text for s in doc.spans["places"]] == ["Hajin", "Sufuhan", "Idlib"]
