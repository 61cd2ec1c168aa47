"""Change rules (new-modality, quantity-escalation, new-item) on the pure engine: property-style checks
against a small reference model, redelivery, windows and caps (no NLP, no Kafka)."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from schemas import Alert, Quantity
from schemas.enriched import Claim
from streams.alerting import AlertEngine, NoveltyState, apply, load_rules, make_alert_id
from streams.alerting.changes import number
from streams.alerting.rules import Rule, RuleSet

from .factories import T0, article, claim

RULES = load_rules()
CHANGE_RULES = {"ru-kp-confirmation", "ru-kp-escalation", "ru-kp-new-item"}
SIG = "PRK>RUS:personnel"


def engine(window_days: float = 30, **options) -> AlertEngine:
    return AlertEngine(RULES, NoveltyState(window=timedelta(days=window_days), **options))


def changes(alerts: list[Alert]) -> list[tuple[str, str]]:
    return [(a.rule_id, a.change.fact) for a in alerts if a.rule_id in CHANGE_RULES and a.change]


def troops(value: float | None = None, modality: str = "allegation", claimant: str | None = "USA",
           item: str = "troops", text: str | None = None) -> Claim:
    c = claim(family="personnel", item=item, modality=modality, claimant=claimant,
              sentence=text or f"{claimant} says {value or 'some'} {item} {modality}.")
    return c.model_copy(update={"quantity": Quantity(text=f"{value:g}", value=value)}) if value else c


def day(n: int):  # noqa: ANN201
    return T0 + timedelta(days=n)


# -- rules ----------------------------------------------------------------------------------------

def test_default_change_rules_load_with_their_settings():
    rules = {r.id: r for r in RULES.rules}
    assert rules["ru-kp-confirmation"].trigger == "new-modality"
    assert rules["ru-kp-confirmation"].watched_modalities == ["confirmation", "denial", "intent"]
    assert (rules["ru-kp-escalation"].trigger, rules["ru-kp-escalation"].escalation_factor) == (
        "quantity-escalation", 1.5)
    assert rules["ru-kp-new-item"].trigger == "new-item" and rules["ru-kp-new-item"].signature == "family"
    assert {rules[r].severity for r in CHANGE_RULES} == {"critical", "warning", "info"}


@pytest.mark.parametrize("fields, message", [
    ({"trigger": "new-signature", "factor": 2.0}, "factor needs trigger quantity-escalation"),
    ({"trigger": "quantity-escalation", "factor": 1.0}, "greater than 1"),
    ({"trigger": "new-claimant", "change_modalities": ["denial"]}, "change_modalities needs trigger new-modality"),
    ({"trigger": "new-modality", "change_modalities": []}, "must not be empty"),
    ({"trigger": "new-modality", "change_modalities": ["rumour"]}, "confirmation"),
    ({"trigger": "new-item", "signature": "item"}, "needs signature family"),
])
def test_settings_that_do_not_fit_the_trigger_are_errors(fields, message):
    with pytest.raises(ValueError, match=message):
        Rule(id="x", title="x", severity="info", **fields)


# -- new-modality ---------------------------------------------------------------------------------

def test_first_denial_and_confirmation_by_a_party_alert_with_the_state_before():
    eng = engine()
    assert changes(eng.process(article("a1", [troops(modality="allegation", claimant="USA")]))) == []
    [denial] = [a for a in eng.process(article("a2", [troops(modality="denial", claimant="RUS")], day(1)))
                if a.rule_id == "ru-kp-confirmation"]
    assert denial.change.fact == "denial:RUS" and denial.novelty == "new" and denial.severity == "critical"
    assert denial.alert_id == make_alert_id("ru-kp-confirmation", SIG, "denial:RUS")
    assert (denial.change.before, denial.change.now) == ("allegation by USA", "denial by RUS")
    assert denial.summary.startswith("denied by Russia: North Korea → Russia")
    assert changes(eng.process(article("a3", [troops(modality="denial", claimant="RUS")], day(2)))) == []
    [conf] = eng.process(article("a4", [troops(modality="confirmation", claimant="RUS")], day(3)))[-1:]
    assert conf.change.fact == "confirmation:RUS" and conf.alert_id != denial.alert_id
    assert conf.change.before == "allegation by USA; denial by RUS" and conf.change.headline == "confirmed by Russia"


def test_officials_speak_for_their_state_and_non_parties_never_alert():
    eng = engine()
    eng.process(article("a1", [troops(modality="allegation", claimant="KOR")]))
    assert changes(eng.process(article("a2", [troops(modality="confirmation", claimant="USA")], day(1)))) == []
    alerts = eng.process(article("a3", [troops(modality="denial", claimant="russian-foreign-ministry")], day(2)))
    assert changes(alerts) == [("ru-kp-confirmation", "denial:RUS")]


def test_a_party_confirming_at_first_sighting_alerts_with_nothing_before():
    [conf] = [a for a in engine().process(article("a1", [troops(modality="intent", claimant="PRK")]))
              if a.rule_id == "ru-kp-confirmation"]
    assert conf.change.fact == "intent:PRK" and conf.change.before == "nothing stated in the window"


def test_two_parties_confirming_in_one_article_make_one_alert():
    alerts = engine().process(article("a1", [troops(modality="confirmation", claimant="RUS"),
                                             troops(modality="confirmation", claimant="PRK", text="Pyongyang too.")]))
    assert changes(alerts) == [("ru-kp-confirmation", "confirmation:PRK+confirmation:RUS")]


def test_new_modality_property_against_a_reference_model():
    rng = random.Random(17)
    for _ in range(30):
        eng, seen, expected, got = engine(), set(), [], []
        for n in range(rng.randint(1, 12)):
            modality = rng.choice(["allegation", "confirmation", "denial", "intent", "suspicion"])
            who = rng.choice(["USA", "KOR", "RUS", "PRK", None])
            fact = f"{modality}:{who}"
            if modality in ("confirmation", "denial", "intent") and who in ("RUS", "PRK") and fact not in seen:
                expected.append(("ru-kp-confirmation", fact))
                seen.add(fact)
            got += [c for c in changes(eng.process(article(f"a{n}", [troops(modality=modality, claimant=who)],
                                                           day(n)))) if c[0] == "ru-kp-confirmation"]
        assert got == expected


# -- quantity-escalation --------------------------------------------------------------------------

def test_escalation_needs_the_factor_and_reads_as_a_change():
    eng = engine()
    assert changes(eng.process(article("a1", [troops(3000)]))) == []  # the first figure is the baseline
    assert changes(eng.process(article("a2", [troops(4000)], day(1)))) == []  # 1.33x: below 1.5
    [esc] = [a for a in eng.process(article("a3", [troops(10000)], day(2))) if a.rule_id == "ru-kp-escalation"]
    assert esc.change.headline == "4,000 → 10,000 troops" and esc.change.fact == "troops:10000"
    assert esc.severity == "warning" and esc.summary.startswith("4,000 → 10,000 troops: North Korea → Russia")
    assert changes(eng.process(article("a4", [troops(10000)], day(3)))) == []  # the same figure again
    assert changes(eng.process(article("a5", [troops(14000)], day(4)))) == []  # 1.4x
    assert changes(eng.process(article("a6", [troops(21000)], day(5)))) == [("ru-kp-escalation", "troops:21000")]


def test_units_compare_only_with_themselves():
    eng = engine()
    eng.process(article("a1", [troops(10000)]))
    assert changes(eng.process(article("a2", [troops(50000, item="workers")], day(1)))) == [
        ("ru-kp-new-item", "item:workers")]


def test_largest_figure_older_than_the_window_is_forgotten():
    eng = engine(window_days=10)
    eng.process(article("a1", [troops(1000)]))
    eng.process(article("a2", [troops(600)], day(8)))  # keeps the signature alive
    # on day 16, 1000 (day 0) is out of the window: the largest is 600, and 900 is 1.5 times that
    [esc] = [a for a in eng.process(article("a3", [troops(900)], day(16))) if a.rule_id == "ru-kp-escalation"]
    assert esc.change.headline == "600 → 900 troops"


@pytest.mark.parametrize("seed", range(25))
def test_escalation_property_against_a_reference_model(seed):
    rng = random.Random(seed)
    eng, largest, expected, got = engine(), None, [], []
    for n in range(rng.randint(1, 10)):
        value = float(rng.choice([500, 1000, 1500, 2000, 3000, 4500, 10000, 15000, 1e6]))
        if largest is not None and value >= 1.5 * largest:
            expected.append(("ru-kp-escalation", f"troops:{value:g}"))
        largest = value if largest is None else max(largest, value)
        got += [c for c in changes(eng.process(article(f"a{n}", [troops(value)], day(n))))
                if c[0] == "ru-kp-escalation"]
    assert got == expected


def test_number_formatting():
    assert [number(v) for v in (3000, 15000, 1e6, 1.5e7, 2.5, 1234567)] == [
        "3,000", "15,000", "1 million", "15 million", "2.5", "1,234,567"]


# -- new-item -------------------------------------------------------------------------------------

def test_new_item_alerts_once_per_item_and_not_at_first_sighting():
    eng = engine()
    assert changes(eng.process(article("a1", [troops(), troops(item="engineers", text="Engineers too.")]))) == []
    assert changes(eng.process(article("a2", [troops(item="engineers")], day(1)))) == []
    [new] = [a for a in eng.process(article("a3", [troops(item="workers")], day(2))) if a.rule_id == "ru-kp-new-item"]
    assert new.change.headline == "new item: workers" and new.change.before == "troops, engineers"
    assert new.severity == "info" and new.alert_id == make_alert_id("ru-kp-new-item", SIG, "item:workers")
    assert changes(eng.process(article("a4", [troops(item="workers")], day(3)))) == []


# -- at-least-once --------------------------------------------------------------------------------

def _story() -> list:
    return [
        article("s1", [troops(3000, claimant="KOR")]),
        article("s2", [troops(modality="denial", claimant="RUS")], day(1)),
        article("s3", [troops(10000)], day(2)),
        article("s4", [troops(modality="confirmation", claimant="RUS")], day(3)),
        article("s5", [troops(item="engineers", claimant="KOR")], day(4)),
    ]


def test_redelivery_mints_no_new_id_and_restates_the_same_change():
    eng = engine()
    first = {a.alert_id: a for art in _story() for a in eng.process(art) if a.rule_id in CHANGE_RULES}
    assert len(first) == 4
    assert [a for art in _story() for a in eng.process(art)] == []  # replay: nothing
    for art in _story():  # a worker redelivery restates what the article published, nothing else
        for m in eng.match(art):
            again = apply(m, eng.state, restate=True)
            if again is not None and m.rule_id in CHANGE_RULES:
                assert again.alert_id in first and again.novelty == "new"
                # the same change; the rest is the current state (same or newer), as for every restated alert
                assert again.change == first[again.alert_id].change and again.article_id == m.article_id
    fresh = engine()
    assert {a.alert_id for art in _story() for a in fresh.process(art) if a.rule_id in CHANGE_RULES} == set(first)


def test_change_state_stays_bounded_and_json():
    eng = engine(max_article_ids=5, max_claimants=3, max_quantities=4)
    for n in range(40):
        eng.process(article(f"b{n}", [troops(float(1000 + 700 * n), claimant=f"X{n:02d}"[:3].upper()),
                                      troops(float(n + 1), item=f"item{n}", text=f"i{n}")], day(n % 20)))
    for raw in eng.state.mapping.values():
        assert len(raw["quantities"]) <= 4 and all(len(q) <= 4 for q in raw["quantities"].values())
        assert all(len(who) <= 3 for who in raw["stated"].values()) and len(raw["changes"]) <= 5


def test_old_claim_matches_without_the_new_fields_still_apply():
    m = next(m for m in engine().match(article("c1", [troops(modality="denial", claimant="RUS")]))
             if m.rule_id == "ru-kp-confirmation")
    legacy = m.model_validate({k: v for k, v in m.model_dump(mode="json").items() if k != "claims"})
    alert = apply(legacy, NoveltyState())
    assert alert is not None and alert.change.fact == "denial:RUS"


def test_a_custom_rule_set_with_other_settings():
    rule = Rule(id="kp-x2", title="x2", severity="warning", trigger="quantity-escalation", factor=2.0,
                supplier=["PRK"], families=["personnel"])
    eng = AlertEngine(RuleSet(version="t", rules=[rule]), NoveltyState())
    eng.process(article("a1", [troops(1000)]))
    assert eng.process(article("a2", [troops(1900)], day(1))) == []
    [a] = eng.process(article("a3", [troops(3800)], day(2)))
    assert a.change.headline == "1,900 → 3,800 troops"


def test_a_fact_capped_out_of_the_entry_is_not_announced_twice():
    eng = engine(max_claimants=2)
    assert changes(eng.process(article("d1", [troops(modality="denial", claimant="RUS")]))) == [
        ("ru-kp-confirmation", "denial:RUS")]
    for n, who in enumerate(["USA", "KOR", "JPN"], 2):
        eng.process(article(f"d{n}", [troops(modality="denial", claimant=who)], day(n)))
    assert "RUS" not in eng.state.get(f"ru-kp-confirmation|{SIG}").stated["denial"]
    assert changes(eng.process(article("d9", [troops(modality="denial", claimant="RUS")], day(9)))) == []
