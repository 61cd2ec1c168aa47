"""NEWSMON_SPACY_MODEL path: an installed or on-disk spaCy pipeline adds its PER entities as actors."""

from __future__ import annotations

from streams.nlp.pipeline import build_nlp, load_nlp, save_nlp

from .conftest import MODEL_ONLY_NAME
from .helpers import analyze

TEXT = (f"{MODEL_ONLY_NAME} sprach am Dienstag in Berlin über die Lage in Russland und Nordkorea. "
        "Er sagte, die Lage sei ernst, und die Regierung müsse handeln.")


def test_model_person_is_an_actor_with_source_model(model_analyzer):
    article = analyze(model_analyzer, TEXT, "de")
    person = next((a for a in article.actors if MODEL_ONLY_NAME in a.surface_forms), None)
    assert person is not None, [a.id for a in article.actors]
    assert (person.type, person.country, person.source, person.name) == ("person", None, "model", MODEL_ONLY_NAME)


def test_model_name_is_recorded_in_pipeline_info(model_analyzer, tiny_model_path):
    article = analyze(model_analyzer, TEXT, "de")
    assert article.pipeline.spacy_model == str(tiny_model_path)


def test_without_model_the_same_person_is_missing(analyzer):
    article = analyze(analyzer, TEXT, "de")
    assert all(MODEL_ONLY_NAME not in a.surface_forms for a in article.actors)
    assert {"RUS", "PRK", "DEU"} <= {a.id for a in article.actors}


def test_gazetteer_wins_over_model_for_known_people(model_analyzer):
    text = ("Wladimir Putin empfing am Mittwoch eine Delegation in Moskau. "
            "Das Treffen dauerte nach Angaben des Kremls drei Stunden.")
    article = analyze(model_analyzer, text, "de")
    putin = [a for a in article.actors if "Wladimir Putin" in a.surface_forms]
    assert [(a.id, a.source, a.country) for a in putin] == [("vladimir-putin", "gazetteer", "RUS")]


def test_model_entities_other_than_persons_are_ignored(model_analyzer):
    text = ("Im Tal von Qorvath wurden am Dienstag Manöver beobachtet. "
            "Die Armee äußerte sich dazu nicht, berichteten Anwohner.")
    article = analyze(model_analyzer, text, "de")
    assert all("Qorvath" not in a.surface_forms for a in article.actors)


def test_build_nlp_with_model_tags_mentions_from_the_model(tiny_model_path):
    nlp = build_nlp("de", spacy_model=str(tiny_model_path))
    doc = nlp(TEXT)
    kinds = {m.text: m.kind for m in doc._.actor_mentions}
    assert kinds.get(MODEL_ONLY_NAME) == "model"
    assert any(e.text == MODEL_ONLY_NAME and e.label_ == "PERSON" for e in doc.ents)


def test_saved_pipeline_keeps_the_model(tiny_model_path, tmp_path):
    nlp = build_nlp("de", spacy_model=str(tiny_model_path))
    loaded = load_nlp(save_nlp(nlp, tmp_path / "pipeline"))
    kinds = {m.text: m.kind for m in loaded(TEXT)._.actor_mentions}
    assert kinds.get(MODEL_ONLY_NAME) == "model"
