"""Language identification on realistic news paragraphs; every enriched article carries its language."""

from __future__ import annotations

import pytest

from streams.nlp import language

from .helpers import analyze

PARAGRAPHS = {
    "de": [
        "Russland und Nordkorea haben ihre Zusammenarbeit in den vergangenen Monaten deutlich ausgebaut. "
        "Westliche Geheimdienste beobachten die Entwicklung mit Sorge und sprechen von einer neuen Achse.",
        "Kim Jong Un besichtigte am Dienstag eine Munitionsfabrik bei Pjöngjang, meldete die Staatsagentur KCNA. "
        "Er forderte die Arbeiter auf, die Produktion deutlich zu steigern.",
    ],
    "en": [
        "Russia and North Korea have sharply expanded their cooperation in recent months. "
        "Western intelligence agencies are watching the development with concern and speak of a new axis.",
        "Kim Jong Un inspected a munitions factory near Pyongyang on Tuesday, state media reported. "
        "He urged workers to raise production sharply before the end of the year.",
    ],
    "fr": [
        "La Russie et la Corée du Nord ont nettement renforcé leur coopération ces derniers mois. "
        "Les services de renseignement occidentaux observent cette évolution avec inquiétude.",
        "Kim Jong Un a inspecté mardi une usine de munitions près de Pyongyang, a rapporté l'agence officielle. "
        "Il a exhorté les ouvriers à augmenter fortement la production avant la fin de l'année.",
    ],
}
CASES = [(lang, text) for lang, texts in PARAGRAPHS.items() for text in texts]


@pytest.mark.parametrize(("expected", "text"), CASES, ids=[f"{lang}{i}" for i, (lang, _) in enumerate(CASES)])
def test_detects_language_of_news_paragraph(expected, text):
    assert language.detect(text) == expected


@pytest.mark.parametrize(("expected", "text"), CASES, ids=[f"{lang}{i}" for i, (lang, _) in enumerate(CASES)])
def test_a_producer_hint_does_not_override_clear_text(expected, text):
    wrong = "fr" if expected != "fr" else "de"
    assert language.detect(text, hint=wrong) == expected


def test_hint_is_used_when_there_is_no_text():
    assert language.detect("", hint="fr") == "fr"
    assert language.detect("   ", hint="EN") == "en"


def test_detect_only_returns_iso_639_1_codes():
    for code in language.LANGUAGES:
        assert len(code) == 2 and code.islower()


@pytest.mark.parametrize("lang", ["de", "en", "fr"])
def test_every_enriched_article_carries_its_language(analyzer, lang):
    for text in PARAGRAPHS[lang]:
        article = analyze(analyzer, text)
        assert article.language == lang
        assert article.pipeline.language_model


def test_enriched_article_language_for_other_languages_is_iso_code_without_claims(analyzer):
    text = ("Rusia y Corea del Norte han ampliado su cooperación en los últimos meses. Los servicios de "
            "inteligencia occidentales observan la evolución con preocupación y hablan de un nuevo eje.")
    article = analyze(analyzer, text)
    assert article.language == "es"
    assert article.claims == []
