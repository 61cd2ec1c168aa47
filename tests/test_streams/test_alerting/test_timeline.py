"""A written de/en/fr timeline (timeline.jsonl, in date order) through the real Analyzer and AlertEngine, as
``newsmon analyze`` runs it: an allegation, repeats, a denial and a confirmation by a party, escalating figures
and a new item raise exactly the expected change alerts, in order; a replay mints no new alert id."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.alerting import AlertEngine, NoveltyState, apply, load_rules
from streams.sources.files import read_articles

TIMELINE = Path(__file__).with_name("timeline.jsonl")
CHANGE_RULES = {"ru-kp-confirmation", "ru-kp-escalation", "ru-kp-new-item"}

# article -> the change alerts it raises: (rule, changed fact, headline, before)
EXPECTED = {
    "tl-01-en": [],  # South Korea alleges 3,000 troops: the signature is new (ru-kp-transfer), no change yet
    "tl-02-de": [],  # South Korea again, no figure: a repeat
    "tl-03-de": [("ru-kp-confirmation", "denial:RUS", "denied by Russia", "allegation by KOR")],
    "tl-04-fr": [("ru-kp-escalation", "troops:10000", "3,000 → 10,000 troops", "3,000 troops")],
    "tl-05-en": [],  # the United States repeat 10,000
    "tl-06-en": [("ru-kp-confirmation", "confirmation:RUS", "confirmed by Russia",
                  "allegation by KOR, USA; denial by RUS")],
    "tl-07-de": [("ru-kp-escalation", "troops:15000", "10,000 → 15,000 troops", "10,000 troops")],
    "tl-08-fr": [("ru-kp-new-item", "item:engineers", "new item: engineers", "troops")],
    "tl-09-fr": [],  # the Kremlin confirms again
    "tl-10-de": [("ru-kp-confirmation", "confirmation:PRK", "confirmed by North Korea",
                  "allegation by KOR, USA; denial by RUS; confirmation by RUS")],
}


@pytest.fixture(scope="module")
def analysed():
    from streams.nlp.analyzer import Analyzer

    analyzer = Analyzer()
    return [analyzer.analyze(item.article) for item in read_articles([TIMELINE])]


def test_the_analyser_reads_the_timeline_as_written(analysed):
    read = [(a.article_id, [(c.supplier, c.recipient, c.item, c.modality, c.claimant,
                             c.quantity.value if c.quantity else None) for c in a.claims]) for a in analysed]
    assert [article_id for article_id, _ in read] == list(EXPECTED)
    assert dict(read)["tl-03-de"] == [("PRK", "RUS", "troops", "denial", "RUS", None)]
    assert dict(read)["tl-07-de"] == [("PRK", "RUS", "troops", "allegation", "KOR", 15000.0)]
    assert dict(read)["tl-08-fr"] == [("PRK", "RUS", "engineers", "allegation", "KOR", None)]


def test_exactly_the_expected_change_alerts_in_order(analysed):
    engine = AlertEngine(load_rules(), NoveltyState())
    got = {}
    transfer = []
    for article in analysed:
        alerts = engine.process(article)
        got[article.article_id] = [(a.rule_id, a.change.fact, a.change.headline, a.change.before)
                                   for a in alerts if a.rule_id in CHANGE_RULES]
        transfer += [a.novelty for a in alerts if a.rule_id == "ru-kp-transfer"]
        assert all(a.novelty == "new" and a.change for a in alerts if a.rule_id in CHANGE_RULES)
    assert got == EXPECTED
    assert transfer == ["new"] + ["repeat"] * 9  # without the change rules, all of it is one repeat


def test_a_replay_of_the_whole_timeline_mints_no_new_alert_id(analysed):
    engine = AlertEngine(load_rules(), NoveltyState())
    first = {a.alert_id for article in analysed for a in engine.process(article)}
    assert [a for article in analysed for a in engine.process(article)] == []
    restated = {alert.alert_id for article in analysed for m in engine.match(article)
                if (alert := apply(m, engine.state, restate=True)) is not None}
    assert restated <= first
    fresh = AlertEngine(load_rules(), NoveltyState())
    assert {a.alert_id for article in analysed for a in fresh.process(article)} == first
