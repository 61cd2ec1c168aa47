"""The transfer sentence classifier: its training data, training, saving, and how claims use its scores.

The claim tests set ``doc._.transfer_scores`` by hand (the classifier's output), so they pin what the
claim extractor does with a score, independent of the shipped weights.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import spacy

from streams.cli import main as cli_main
from streams.nlp.confidence import load_confidence
from streams.nlp.pipeline import build_nlp, load_nlp, save_nlp
from streams.nlp.transfer_classifier import (
    FAMILIES,
    LabelledText,
    SentenceScores,
    TransferClassifier,
    read_hydrated,
    sentence_splitter,
    train,
    training_sentences,
)

POSITIVE = "Pyongyang shipped artillery shells to Moscow. Officials met in Vladivostok."


def span_of(text: str, sentence: str) -> tuple[int, int]:
    start = text.index(sentence)
    return start, start + len(sentence)


def test_training_sentences_teach_labelled_sentences_and_negative_articles_only():
    splitter = sentence_splitter("en")
    positive = LabelledText("en", POSITIVE, [(*span_of(POSITIVE, "Pyongyang shipped artillery shells to Moscow."),
                                              "munitions", False)])
    rows = list(training_sentences(positive, splitter))
    # the second sentence of a positive article may repeat the claim unlabelled: it is left out
    assert [(r.text, r.cats["munitions"], r.cats["personnel"]) for r in rows] == [
        ("Pyongyang shipped artillery shells to Moscow.", 1.0, 0.0)]
    negative = LabelledText("en", "Russia vetoed the resolution. North Korea praised the veto.")
    assert [sum(r.cats.values()) for r in training_sentences(negative, splitter)] == [0.0, 0.0]
    optional = LabelledText("en", POSITIVE, [(*span_of(POSITIVE, "Pyongyang shipped artillery shells to Moscow."),
                                              "munitions", True)])
    assert list(training_sentences(optional, splitter)) == []  # ambiguous: taught neither way


TEXTS = [
    ("Pyongyang sent thousands of soldiers to fight for Moscow.", "personnel"),
    ("North Korean troops are deployed in the Kursk region.", "personnel"),
    ("Kim dispatched more battalions to the Russian front.", "personnel"),
    ("North Korea shipped millions of artillery shells to Russia.", "munitions"),
    ("Russia fired ballistic missiles made in North Korea.", "munitions"),
    ("Containers of ammunition left the port of Rajin for Russia.", "munitions"),
    ("Moscow gave Pyongyang satellite technology and know-how.", "technology"),
    ("Russian engineers helped with the rocket engine design.", "technology"),
    ("Russia shared submarine technology with the North.", "technology"),
    ("Russia vetoed the resolution on the sanctions panel.", None),
    ("Russian tourists flew to the beach resort of Wonsan.", None),
    ("The two leaders signed a treaty and exchanged gifts.", None),
    ("A new rail bridge over the Tumen river was opened.", None),
]


@pytest.fixture(scope="module")
def trained() -> spacy.language.Language:
    texts = [LabelledText("en", t, [(0, len(t), family, False)] if family else []) for t, family in TEXTS]
    classifier, sentences, positives = train(texts, epochs=20, seed=1)
    assert (sentences, positives) == (13, 9)
    return classifier


def test_a_trained_classifier_separates_families_on_sentences_it_did_not_see(trained, tmp_path):
    classifier = TransferClassifier(trained)
    doc = sentence_splitter("en")("More North Korean soldiers were sent to Kursk. The resort of Wonsan opened.")
    troops, resort = classifier.score(list(doc.sents))
    assert troops["personnel"] > max(troops["munitions"], troops["technology"], resort["personnel"])
    classifier.save(tmp_path / "model")
    reloaded = TransferClassifier.load(tmp_path / "model").score(list(doc.sents))
    assert reloaded == [troops, resort]
    assert set(troops) == set(FAMILIES)


def test_the_pipeline_scores_sentences_only_of_articles_naming_both_states_and_saves_with_them(tmp_path):
    nlp = build_nlp("en")
    both = nlp("North Korea sent shells to Russia. Officials met.")._.transfer_scores.of([0, 1])
    assert set(both) == {0, 1} and set(both[0]) == set(FAMILIES)
    assert nlp("Germany sent tanks to Ukraine.")._.transfer_scores is None
    reloaded = load_nlp(save_nlp(nlp, tmp_path / "en"))
    assert reloaded("North Korea sent shells to Russia. Officials met.")._.transfer_scores.of([0, 1]) == both


def claims_with_scores(text: str, lang: str, scores: dict[int, dict[str, float]]) -> list:
    """Run the pipeline with the classifier's output replaced: sentence index -> family probabilities."""
    nlp = _pipeline(lang)
    doc = nlp.make_doc(text)
    for name, proc in nlp.pipeline:
        if name == "newsmon_transfer":
            doc._.transfer_scores = SentenceScores(list(doc.sents), _given(scores, list(doc.sents)))
        else:
            doc = proc(doc)
    return doc._.claims


def _given(scores: dict[int, dict[str, float]], sents: list) -> Callable:
    return lambda asked: [scores.get(sents.index(s), {}) for s in asked]


_PIPELINES: dict[str, spacy.language.Language] = {}


def _pipeline(lang: str) -> spacy.language.Language:
    if lang not in _PIPELINES:
        _PIPELINES[lang] = build_nlp(lang)
    return _PIPELINES[lang]


MIN = load_confidence().classifier.min_probability


def test_a_family_the_rules_missed_becomes_a_claim_with_the_classifier_probability():
    text = "Russia and North Korea grow closer. Thousands of North Korean soldiers suffered losses near Kursk."
    assert not [c for c in claims_with_scores(text, "en", {}) if c.family == "personnel"]
    (claim,) = [c for c in claims_with_scores(text, "en", {1: {"personnel": 0.83}}) if c.family == "personnel"]
    assert (claim.supplier, claim.recipient, claim.item, claim.confidence) == ("PRK", "RUS", "troops", 0.83)
    assert claim.evidence.sentence.startswith("Thousands of North Korean soldiers")
    below = {1: {"personnel": round(MIN - 0.01, 2)}}
    assert not [c for c in claims_with_scores(text, "en", below) if c.family == "personnel"]


@pytest.mark.parametrize(("lang", "text", "sentence", "family"), [
    # no item of the family in the sentence: the model read words the lexicon does not know as moved
    ("en", "Russia and North Korea grow closer. Seoul sees clear evidence of Pyongyang's role in the war.", 1,
     "munitions"),
    # the rules read the roles: the tanks went to Ukraine
    ("en", "Russia and North Korea objected. Western countries delivered tanks to Ukraine.", 1, "munitions"),
    # the rules read the roles: Russia uses drones, nothing says where from
    ("en", "Russia and North Korea held talks. Russia launched hundreds of drones at Ukraine.", 1, "munitions"),
    # the recipient's own troops do not move to it
    ("en", "Russia and North Korea held talks. Russian troops guard the Kursk region.", 1, "personnel"),
    # a condition, not a report
    ("de", "Russland und Nordkorea verhandeln. Sollte Nordkorea Soldaten schicken, reagiert Seoul.", 1, "personnel"),
])
def test_no_classifier_claim_where_the_rules_know_better(lang, text, sentence, family):
    claims = claims_with_scores(text, lang, {sentence: {family: 0.95}})
    assert not [c for c in claims if c.family == family and {c.supplier, c.recipient} == {"RUS", "PRK"}]


def test_no_classifier_claim_for_a_family_the_rules_found():
    text = "North Korea sent shells to Russia. Millions of shells crossed the border by rail."
    rules = claims_with_scores(text, "en", {})
    claims = claims_with_scores(text, "en", {1: {"munitions": 0.99}})
    assert [c.confidence for c in claims if c.family == "munitions"] == [c.confidence for c in rules
                                                                         if c.family == "munitions"]


def test_newsmon_train_writes_a_loadable_model_from_hydrated_excerpts(tmp_path):
    lines = [{"id": f"x{i}", "lang": "en", "batch": "b1" if i % 2 else "b2", "text": text,
              "labels": {"claims": [{"span": [0, len(text)], "family": family, "optional": False,
                                     "supplier": "PRK", "recipient": "RUS"}] if family else []}}
             for i, (text, family) in enumerate(TEXTS)]
    real = tmp_path / "real.jsonl"
    real.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    assert len(read_hydrated(real, {"b1"})) == 6
    out = tmp_path / "model"
    assert cli_main(["train", "--real", str(real), "--batches", "b1,b2", "--written", "", "--out", str(out),
                     "--epochs", "2"]) == 0
    assert TransferClassifier.load(out).score(list(sentence_splitter("en")("Troops went.").sents))
    assert cli_main(["train", "--real", str(tmp_path / "missing.jsonl"), "--out", str(out)]) == 1


def test_the_shipped_model_is_where_the_pipeline_loads_it():
    from streams.nlp.components.transfer import MODEL_DIR

    assert (Path(MODEL_DIR) / "config.cfg").exists()
    assert set(TransferClassifier.load(MODEL_DIR).pipe.labels) == set(FAMILIES)
