"""Topics: multi-label tags with scores and evidence terms from the versioned taxonomy."""

from __future__ import annotations

import pytest

from .helpers import analyze

SANCTIONS_AND_SUMMIT = {
    "de": ("Die Europäische Union hat am Montag neue Sanktionen gegen Russland beschlossen. Die Sanktionen richten "
           "sich gegen Banken und Reedereien. Zugleich bereiten sich die Staats- und Regierungschefs auf den Gipfel "
           "in Brüssel vor, bei dem über weitere Sanktionspakete beraten wird. Diplomaten erwarten einen schwierigen "
           "Gipfel und lange Gespräche.", "sanktionen", "gipfel"),
    "en": ("The European Union adopted new sanctions against Russia on Monday. The sanctions target banks and "
           "shipping companies. At the same time, leaders are preparing for the summit in Brussels, where further "
           "sanctions packages will be discussed. Diplomats expect a difficult summit with long talks.",
           "sanctions", "summit"),
    "fr": ("L'Union européenne a adopté lundi de nouvelles sanctions contre la Russie. Les sanctions visent des "
           "banques et des armateurs. Dans le même temps, les dirigeants préparent le sommet de Bruxelles, où seront "
           "discutés de nouveaux paquets de sanctions. Les diplomates s'attendent à un sommet difficile.",
           "sanctions", "sommet"),
}


@pytest.mark.parametrize("lang", ["de", "en", "fr"])
def test_article_about_sanctions_and_summit_gets_both_topics(analyzer, lang):
    text, sanctions_term, summit_term = SANCTIONS_AND_SUMMIT[lang]
    article = analyze(analyzer, text, lang)
    topics = {t.id: t for t in article.topics}
    assert {"sanctions", "diplomacy-summit"} <= set(topics), list(topics)
    assert sanctions_term in topics["sanctions"].evidence
    assert summit_term in topics["diplomacy-summit"].evidence
    for tag in article.topics:
        assert 0 < tag.score <= 1
        assert tag.label and tag.evidence


def test_topics_are_ordered_by_score(analyzer):
    article = analyze(analyzer, SANCTIONS_AND_SUMMIT["de"][0], "de")
    scores = [t.score for t in article.topics]
    assert scores == sorted(scores, reverse=True)


def test_more_evidence_gives_a_higher_score(analyzer):
    few = analyze(analyzer, "Die EU beschloss neue Sanktionen. Die Sanktionen gelten ab Montag für mehrere Banken.",
                  "de")
    many = analyze(analyzer, "Die EU beschloss neue Sanktionen. Die Sanktionen gelten ab Montag. Weitere Sanktionen "
                             "und ein Embargo sollen folgen, die Sanktionsliste wächst.", "de")
    score = lambda a: next(t.score for t in a.topics if t.id == "sanctions")  # noqa: E731
    assert score(many) > score(few)


def test_arms_transfer_and_troop_topics_for_a_transfer_story(analyzer):
    text = ("Nordkorea hat nach Angaben aus Seoul erneut Granaten und Raketen an Russland geliefert. "
            "Zudem sollen tausende nordkoreanische Soldaten an der Front in Kursk im Einsatz sein.")
    ids = {t.id for t in analyze(analyzer, text, "de").topics}
    assert {"arms-transfer", "troop-deployment"} <= ids


def test_unrelated_text_gets_no_topic(analyzer):
    text = ("Das Wetter bleibt am Wochenende freundlich, mit viel Sonne und milden Temperaturen. "
            "Erst in der neuen Woche ziehen von Westen Wolken auf, und es kann regnen.")
    assert analyze(analyzer, text, "de").topics == []


def test_eszett_spelling_counts_as_evidence(analyzer):
    """'Strafmaßnahmen' is listed as 'strafmaßnahme*'; the ß spelling must match, not only 'strafmassnahme'."""
    text = ("Die Strafmaßnahmen treffen vor allem Reedereien. Weitere Strafmaßnahmen sind in Vorbereitung, "
            "und auch die bisherigen Strafmaßnahmen werden verlängert.")
    topics = {t.id: t for t in analyze(analyzer, text, "de").topics}
    assert "sanctions" in topics, list(topics)
    assert "strafmaßnahmen" in topics["sanctions"].evidence
