"""Novelty, replays, window expiry, merging, explanations and the JSON-able state (no NLP, no Kafka)."""

from __future__ import annotations

from datetime import timedelta

import orjson

from schemas import Alert
from streams.alerting import AlertEngine, ClaimMatch, NoveltyState, apply, load_rules, make_alert_id, match
from streams.alerting.novelty import signature

from .factories import T0, article, claim

RULES = load_rules()


def critical(alerts: list[Alert]) -> list[Alert]:
    return [a for a in alerts if a.rule_id == "ru-kp-transfer"]


def engine(window_days: float = 30, **state_options) -> AlertEngine:
    return AlertEngine(RULES, NoveltyState(window=timedelta(days=window_days), **state_options))


def test_first_sighting_is_new_then_repeat_updates_the_same_alert():
    eng = engine()
    [new] = critical(eng.process(article("a1", [claim(item="missiles")])))
    assert new.novelty == "new" and new.severity == "critical" and new.signature == "PRK>RUS:munitions"
    assert new.alert_id == make_alert_id("ru-kp-transfer", "PRK>RUS:munitions")
    later = T0 + timedelta(days=3)
    [rep] = critical(eng.process(article("a2", [claim(item="artillery-shells", claimant="UKR")], published_at=later)))
    assert rep.novelty == "repeat" and rep.alert_id == new.alert_id
    assert (rep.first_seen, rep.last_seen) == (T0, later)
    assert rep.corroborations.count == 2 and rep.corroborations.independent_sources == 2
    assert rep.corroborations.article_ids == ["a1", "a2"]
    assert rep.corroborations.claimants == ["USA", "UKR"]
    assert "missiles, artillery-shells" in rep.summary  # finer items are kept at family granularity


def test_alert_explains_itself():
    c = claim(modality="allegation", sentence="Washington beschuldigte Nordkorea, Raketen nach Russland zu schicken.")
    [alert] = critical(engine().process(article("a1", [c])))
    assert alert.title and alert.rule_id == "ru-kp-transfer"
    assert alert.matched == ["supplier PRK in [PRK, RUS]", "recipient RUS in [PRK, RUS]",
                             "family munitions in [munitions, technology, personnel]", "confidence 1.00 >= 0.50"]
    assert alert.evidence == c.evidence and alert.claim.claimant == "USA"
    assert alert.summary.startswith("North Korea → Russia: munitions [weapons] (allegation, claimant USA) — "
                                    "'Washington beschuldigte")


def test_same_article_again_changes_nothing():
    eng = engine()
    first = eng.process(article("a1", [claim()]))
    assert first
    before = orjson.dumps(dict(eng.state.mapping))
    assert eng.process(article("a1", [claim()])) == []
    assert orjson.dumps(dict(eng.state.mapping)) == before
    assert eng.process(article("a2", [claim()]))[0].corroborations.count == 2
    assert eng.process(article("a1", [claim()])) == []  # still a replay after another article


def test_claims_with_one_signature_in_one_article_merge_into_one_update():
    eng = engine()
    alerts = eng.process(article("a1", [claim(item="missiles"), claim(item="ammunition", claimant="UKR")]))
    [alert] = critical(alerts)
    assert len({a.alert_id for a in alerts}) == len(alerts)
    assert alert.corroborations.count == 1 and alert.corroborations.claimants == ["USA", "UKR"]
    assert "missiles, ammunition" in alert.summary
    assert alert.claim.item == "missiles"


def test_window_expiry_is_event_time_based_and_keeps_the_id():
    eng = engine(window_days=30)
    [first] = critical(eng.process(article("a1", [claim()], published_at=T0)))
    [inside] = critical(eng.process(article("a2", [claim()], published_at=T0 + timedelta(days=30))))
    assert inside.novelty == "repeat"
    # 31 days after the *last* sighting (a2), not after the first one
    late = T0 + timedelta(days=61)
    [again] = critical(eng.process(article("a3", [claim()], published_at=late)))
    assert again.novelty == "new" and again.alert_id == first.alert_id
    assert again.first_seen == late and again.corroborations.count == 1
    assert again.corroborations.article_ids == ["a3"]


def test_event_time_falls_back_to_fetched_then_processed():
    no_dates = article("a1", [claim()], published_at=None)
    [m] = [m for m in match(no_dates, RULES) if m.rule_id == "ru-kp-transfer"]
    assert m.event_time == no_dates.processed_at
    fetched = no_dates.model_copy(update={"fetched_at": T0 - timedelta(days=1)})
    assert match(fetched, RULES)[0].event_time == T0 - timedelta(days=1)


def test_expire_drops_old_entries_and_bounds_memory():
    eng = engine(window_days=10)
    for day in range(40):
        eng.process(article(f"a{day}", [claim(supplier="PRK", recipient="RUS", item=f"item{day}")],
                            published_at=T0 + timedelta(days=day)))
        eng.process(article(f"b{day}", [claim(supplier=None, recipient=None, parties=["PRK", "RUS"])],
                            published_at=T0 + timedelta(days=day)))
    keys_before = len(eng.state)
    dropped = eng.state.expire(T0 + timedelta(days=100))
    assert dropped == keys_before and len(eng.state) == 0


def test_per_alert_lists_are_capped():
    eng = engine(max_article_ids=5, max_fingerprints=3)
    for i in range(20):
        [alert] = critical(eng.process(article(f"a{i}", [claim()], text=f"Ganz anderer Text Nummer {i} " * 5)))
    assert alert.corroborations.count == 20
    assert alert.corroborations.article_ids == [f"a{i}" for i in range(15, 20)]
    [raw] = [v for k, v in eng.state.mapping.items() if k.startswith("ru-kp-transfer|")]
    assert len(raw["fingerprints"]) == 3


def test_direction_unknown_has_its_own_signature():
    eng = engine()
    unknown = claim(supplier=None, recipient=None, parties=["PRK", "RUS"])
    assert signature(unknown) == "?>?:munitions@PRK+RUS"
    [a1] = critical(eng.process(article("a1", [unknown])))
    [a2] = critical(eng.process(article("a2", [claim()])))
    assert a1.novelty == a2.novelty == "new" and a1.alert_id != a2.alert_id
    assert "direction unknown" in a1.summary


def test_state_round_trips_through_json_like_a_faust_table():
    eng = engine()
    eng.process(article("a1", [claim()]))
    restored = orjson.loads(orjson.dumps(eng.state.mapping))  # what a changelog topic would hold
    assert all(isinstance(v, dict) for v in restored.values())
    again = AlertEngine(RULES, NoveltyState(restored))
    assert again.process(article("a1", [claim()])) == []
    [rep] = critical(again.process(article("a2", [claim()])))
    assert rep.novelty == "repeat" and rep.corroborations.count == 2


def test_match_then_apply_through_a_topic():
    """The worker path: ClaimMatch travels as JSON, apply runs where the signature's state lives."""
    state = NoveltyState()
    wire = [m.model_dump_json() for m in match(article("a1", [claim()]), RULES)]
    matches = [ClaimMatch.model_validate_json(w) for w in wire]
    assert {m.key for m in matches} >= {"ru-kp-transfer|PRK>RUS:munitions", "arms-to-russia|PRK>RUS:munitions/weapons"}
    alerts = [a for m in matches if (a := apply(m, state)) is not None]
    assert {a.alert_id for a in alerts} == {m.alert_id for m in matches if m.trigger == "new-signature"}
    assert all(Alert.model_validate_json(a.model_dump_json()) == a for a in alerts)


def test_new_claimant_fires_for_a_further_claimant_of_a_known_signature():
    eng = engine()
    first = eng.process(article("a1", [claim(claimant="USA")]))
    assert not [a for a in first if a.rule_id == "new-claimant"]
    assert not [a for a in eng.process(article("a2", [claim(claimant="USA")])) if a.rule_id == "new-claimant"]
    [alert] = [a for a in eng.process(article("a3", [claim(claimant="UKR")])) if a.rule_id == "new-claimant"]
    assert alert.novelty == "new" and alert.severity == "info"
    assert alert.summary.startswith("new claimant UKR for North Korea → Russia")
    assert alert.corroborations.claimants == ["USA", "UKR"]
    [later] = [a for a in eng.process(article("a4", [claim(claimant="KOR")])) if a.rule_id == "new-claimant"]
    assert later.novelty == "repeat" and later.alert_id == alert.alert_id


def test_no_claims_no_alerts_and_rules_version_exposed():
    eng = engine()
    assert eng.process(article("a1", [])) == []
    assert eng.rules_version == RULES.version


def test_process_expires_state_by_the_event_time_watermark():
    eng = AlertEngine(RULES, NoveltyState(window=timedelta(days=10)), expire_every=1)
    eng.process(article("a1", [claim()], published_at=T0))
    assert len(eng.state) > 0
    eng.process(article("a2", [], published_at=T0 + timedelta(days=11)))
    assert len(eng.state) == 0


def test_a_redelivered_article_restates_its_alert_without_changing_the_state():
    """kill -9 after the state's changelog write reached the broker and the alert did not: the redelivered
    article publishes the alert again from the current state (never a second "new"), and counts nothing twice."""
    eng = engine()
    [m1] = [m for m in eng.match(article("a1", [claim()])) if m.rule_id == "ru-kp-transfer"]
    [m2] = [m for m in eng.match(article("a2", [claim(claimant="UKR")])) if m.rule_id == "ru-kp-transfer"]
    new = eng.apply(m1)
    assert new is not None and new.novelty == "new"
    assert eng.apply(m1) is None  # the in-memory path: a replay says nothing
    again = eng.apply(m1, restate=True)
    assert again is not None and again.model_dump() == new.model_dump() | {"summary": again.summary}
    rep = eng.apply(m2, restate=True)
    assert rep is not None and rep.novelty == "repeat" and rep.corroborations.count == 2
    before = orjson.dumps(dict(eng.state.mapping))
    for m in (m1, m2):
        restated = eng.apply(m, restate=True)
        assert restated is not None and restated.corroborations.count == 2
        assert restated.novelty == ("new" if m is m1 else "repeat")
    assert orjson.dumps(dict(eng.state.mapping)) == before
