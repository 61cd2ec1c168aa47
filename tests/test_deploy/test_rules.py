"""Structure of the alerting rules: labels, annotations, runbooks and unit-test coverage."""

from __future__ import annotations

import re

import pytest
import yaml
from promql import ROOT, load_rules

RULES = load_rules()
ALERTS = [r for g in RULES["groups"] for r in g["rules"] if "alert" in r]
RECORDS = [r for g in RULES["groups"] for r in g["rules"] if "record" in r]
TESTS = yaml.safe_load((ROOT / "deploy/prometheus/rules_test.yml").read_text())
README = (ROOT / "deploy/README.md").read_text(encoding="utf-8")

REQUIRED_ALERTS = {
    "NewsmonWorkerDown",
    "NewsmonNoArticles",
    "NewsmonDeadLetterRate",
    "NewsmonConsumerLagGrowing",
    "NewsmonLatencySLOBurn",
    "NewsmonNewAlertSpike",
    "NewsmonAlertmanagerForwardingFailing",
    "NewsmonAlertsNotDelivered",
}


def github_anchor(heading: str) -> str:
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_required_alerts_exist():
    assert {a["alert"] for a in ALERTS} >= REQUIRED_ALERTS


def test_recording_rule_names_follow_the_convention():
    names = [r["record"] for r in RECORDS]
    assert len(names) == len(set(names))
    for name in names:
        assert re.fullmatch(r"newsmon:[a-z0-9_]+:[a-z0-9_]+", name), name


def test_rule_files_of_the_unit_tests_are_the_rules():
    assert TESTS["rule_files"] == ["rules.yml"]


@pytest.mark.parametrize("rule", ALERTS, ids=[f"{a['alert']}:{a['labels']['severity']}" for a in ALERTS])
def test_alert_is_documented(rule):
    assert rule["labels"]["severity"] in {"info", "warning", "critical"}
    annotations = rule["annotations"]
    assert {"summary", "description", "runbook"} <= set(annotations)
    anchor = annotations["runbook"].split(":", 1)[0]
    assert anchor == f"deploy/README.md#{rule['alert'].lower()}", anchor
    headings = {github_anchor(h) for h in re.findall(r"^#+\s+(.+)$", README, flags=re.M)}
    assert rule["alert"].lower() in headings, f"deploy/README.md needs a heading '{rule['alert']}'"


@pytest.mark.parametrize("name", sorted({a["alert"] for a in ALERTS}))
def test_alert_has_unit_tests_that_fire_and_stay_quiet(name):
    cases = [c for t in TESTS["tests"] for c in t.get("alert_rule_test", []) if c["alertname"] == name]
    assert any(c["exp_alerts"] for c in cases), f"{name}: no unit test in which it fires"
    assert any(not c["exp_alerts"] for c in cases), f"{name}: no unit test in which it stays quiet"
    severities = {a["labels"]["severity"] for a in ALERTS if a["alert"] == name}
    fired = {e["exp_labels"]["severity"] for c in cases for e in c["exp_alerts"]}
    assert severities <= fired, f"{name}: no unit test fires severity {severities - fired}"
