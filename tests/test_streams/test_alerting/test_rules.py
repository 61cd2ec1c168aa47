"""The rules data file: the default set loads; a bad file names the rule id and the field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from streams.alerting.rules import RULES_PATH, Rule, conditions_met, load_rules
from streams.nlp.data_files import DataFileError

from .factories import article, claim

DEFAULT_IDS = {"ru-kp-transfer", "arms-to-russia", "tech-to-north-korea", "kp-personnel-abroad", "new-claimant",
               "ru-kp-confirmation", "ru-kp-escalation", "ru-kp-new-item"}


def test_default_rules_load_with_version_and_ids():
    rules = load_rules()
    assert rules.version
    assert {r.id for r in rules.rules} == DEFAULT_IDS
    ru_kp = next(r for r in rules.rules if r.id == "ru-kp-transfer")
    assert (ru_kp.severity, ru_kp.signature, ru_kp.either_direction) == ("critical", "family", True)
    assert next(r for r in rules.rules if r.id == "new-claimant").severity == "info"


def _write(tmp_path: Path, rules: list[dict]) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump({"version": "test", "rules": rules}), encoding="utf-8")
    return path


GOOD = {"id": "good", "title": "Good", "severity": "warning", "recipient": ["RUS"]}


@pytest.mark.parametrize(("bad", "expected"), [
    ({"id": "fam", "title": "T", "severity": "info", "families": ["drones"]}, ["'fam'", "families.0"]),
    ({"id": "sev", "title": "T", "severity": "urgent"}, ["'sev'", "severity"]),
    ({"title": "No id", "severity": "info"}, ["rules.1.id", "Field required"]),
    ({"id": "iso", "title": "T", "severity": "info", "supplier": ["Russia"]}, ["'iso'", "supplier.0"]),
    ({"id": "typo", "title": "T", "severity": "info", "familys": ["munitions"]}, ["'typo'", "familys"]),
    ({"id": "mod", "title": "T", "severity": "info", "modalities": ["rumour"]}, ["'mod'", "modalities.0"]),
    ({"id": "dir", "title": "T", "severity": "info", "either_direction": True}, ["'dir'", "either_direction"]),
    ({"id": "sig", "title": "T", "severity": "info", "signature": "claimant"}, ["'sig'", "signature"]),
])
def test_bad_rule_names_id_and_field(tmp_path: Path, bad: dict, expected: list[str]):
    with pytest.raises(DataFileError) as err:
        load_rules(_write(tmp_path, [GOOD, bad]))
    for fragment in expected:
        assert fragment in str(err.value)


def test_duplicate_rule_id_is_an_error(tmp_path: Path):
    with pytest.raises(DataFileError, match="duplicate rule id 'good'"):
        load_rules(_write(tmp_path, [GOOD, GOOD]))


@pytest.mark.parametrize(("field", "value"), [("topics", "arms-transfers"), ("items", "missile"),
                                              ("actors", "vladimir-putn")])
def test_unknown_topic_item_or_actor_is_an_error(tmp_path: Path, field: str, value: str):
    with pytest.raises(DataFileError, match=f"rules.1 \\(id 'ref'\\) field {field}: unknown .* '{value}'"):
        load_rules(_write(tmp_path, [GOOD, {"id": "ref", "title": "T", "severity": "info", field: [value]}]))


def test_unreadable_or_empty_file_is_an_error(tmp_path: Path):
    with pytest.raises(DataFileError):
        load_rules(tmp_path / "missing.yaml")
    (tmp_path / "empty.yaml").write_text("version: x\nrules: []\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="rules"):
        load_rules(tmp_path / "empty.yaml")


def test_rules_file_is_the_shipped_one():
    assert RULES_PATH.name == "rules.yaml" and RULES_PATH.is_file()


RU_KP = Rule(id="x", title="X", severity="critical", supplier=["PRK", "RUS"], recipient=["PRK", "RUS"],
             either_direction=True, families=["munitions", "technology", "personnel"])
TO_RUS = Rule(id="y", title="Y", severity="warning", recipient=["RUS"], families=["munitions"])


@pytest.mark.parametrize(("rule", "c", "ok"), [
    (RU_KP, claim("PRK", "RUS"), True),
    (RU_KP, claim("RUS", "PRK", family="technology"), True),
    (RU_KP, claim(None, None, parties=["PRK", "RUS"]), True),  # direction unknown
    (RU_KP, claim("PRK", None, parties=["PRK", "RUS"]), True),
    (RU_KP, claim("IRN", "RUS"), False),
    (RU_KP, claim(None, None, parties=["IRN", "RUS"]), False),
    (TO_RUS, claim("IRN", "RUS"), True),
    (TO_RUS, claim("RUS", "PRK"), False),
    (TO_RUS, claim(None, None, parties=["PRK", "RUS"]), False),  # a directional rule needs a direction
    (TO_RUS, claim("IRN", "RUS", family="technology", item="military-technology"), False),
])
def test_direction_and_family_conditions(rule: Rule, c, ok: bool):
    assert (conditions_met(rule, c, article("a", [c])) is not None) is ok


def test_either_direction_swaps_sides_and_explains():
    rule = Rule(id="z", title="Z", severity="info", supplier=["PRK"], recipient=["RUS"], either_direction=True)
    c = claim("RUS", "PRK")
    assert conditions_met(rule, c, article("a", [c])) == [
        "supplier PRK in [PRK] (sides swapped: either direction)",
        "recipient RUS in [RUS] (sides swapped: either direction)"]
    assert conditions_met(rule.model_copy(update={"either_direction": False}), c, article("a", [c])) is None


def test_article_conditions_topics_and_actors():
    from schemas.enriched import TopicTag

    rule = Rule(id="t", title="T", severity="info", topics=["arms-transfer"], actors=["RUS"],
                modalities=["allegation"])
    c = claim()
    tagged = article("a", [c], topics=[TopicTag(id="arms-transfer", label="Arms transfer", score=0.9)])
    assert conditions_met(rule, c, tagged) == ["modality allegation in [allegation]",
                                               "topic arms-transfer in [arms-transfer]", "actor RUS in [RUS]"]
    assert conditions_met(rule, c, article("b", [c])) is None
    assert conditions_met(rule, claim(modality="denial"), tagged) is None


def test_claims_below_the_rules_min_confidence_do_not_match():
    rule = RU_KP.model_copy(update={"min_confidence": 0.6})
    sure, unsure = claim("PRK", "RUS"), claim("PRK", "RUS").model_copy(update={"confidence": 0.45})
    assert conditions_met(rule, unsure, article("a", [unsure])) is None
    assert conditions_met(rule, sure, article("b", [sure]))[-1] == "confidence 1.00 >= 0.60"


def test_min_confidence_is_a_probability(tmp_path: Path):
    path = tmp_path / "rules.yaml"
    path.write_text('version: "1"\nrules:\n  - {id: x, title: X, severity: info, min_confidence: 1.5}\n',
                    encoding="utf-8")
    with pytest.raises(DataFileError, match="min_confidence"):
        load_rules(path, check_references=False)
