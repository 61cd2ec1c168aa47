"""deploy/alertmanager: the config is valid, routes news alerts by severity and rule_id, and the compose stack,
Prometheus and Grafana point at it; a real Alertmanager with it routes and silences a forwarded alert."""

from __future__ import annotations

import shutil
import subprocess
import time
from datetime import UTC, datetime, timedelta

import pytest
import yaml
from promql import ROOT

from streams.alerting.alertmanager import postable_alert
from streams.alerting.engine import AlertEngine
from streams.alerting.novelty import NoveltyState
from streams.alerting.rules import load_rules
from tests.fixtures.alertmanager import AlertmanagerProcess
from tests.test_streams.test_alerting.factories import article, claim

CONFIG = ROOT / "deploy" / "alertmanager" / "alertmanager.yml"
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
MISSING = "amtool not found: `make test` installs Debian's prometheus-alertmanager (it must not be skipped)"


@pytest.fixture(scope="module")
def amtool() -> str:
    path = shutil.which("amtool")
    assert path, MISSING
    return path


def route(amtool: str, *labels: str) -> str:
    out = subprocess.run([amtool, "config", "routes", "test", f"--config.file={CONFIG}", *labels],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_config_is_valid(amtool):
    out = subprocess.run([amtool, "check-config", str(CONFIG)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


@pytest.mark.parametrize(("labels", "receiver"), [
    (["source=newsmon", "severity=critical", "rule_id=ru-kp-transfer"], "news-pager"),
    (["source=newsmon", "severity=critical", "rule_id=ru-kp-confirmation"], "news-pager"),
    (["source=newsmon", "severity=warning", "rule_id=arms-to-russia"], "news"),
    (["source=newsmon", "severity=info", "rule_id=new-claimant"], "news-digest"),
    (["alertname=NewsmonWorkerDown", "severity=critical"], "ops-pager"),
    (["alertname=NewsmonAlertmanagerForwardingFailing", "severity=warning"], "ops"),
])
def test_routes_by_source_severity_and_rule_id(amtool, labels, receiver):
    assert route(amtool, *labels) == receiver


def test_news_alerts_are_grouped_by_rule_and_signature():
    config = yaml.safe_load(CONFIG.read_text())
    (news,) = [r for r in config["route"]["routes"] if r.get("matchers") == ['source="newsmon"']]
    assert news["group_by"] == ["rule_id", "signature"]


def test_compose_prometheus_and_grafana_point_at_the_alertmanager():
    services = COMPOSE["services"]
    am = services["alertmanager"]
    assert "./deploy/alertmanager:/etc/alertmanager:ro" in am["volumes"]
    assert "--config.file=/etc/alertmanager/alertmanager.yml" in am["command"]
    assert "--cluster.listen-address=" in am["command"]
    assert "alertmanager-data" in COMPOSE["volumes"]
    worker_env = services["worker"]["environment"]
    assert worker_env["NEWSMON_ALERTMANAGER_URL"] == "http://alertmanager:9093"
    prometheus = yaml.safe_load((ROOT / "deploy/prometheus/prometheus.yml").read_text())
    (target,) = [t for am_cfg in prometheus["alerting"]["alertmanagers"]
                 for sc in am_cfg["static_configs"] for t in sc["targets"]]
    assert target == "alertmanager:9093"
    grafana = yaml.safe_load((ROOT / "deploy/grafana/provisioning/datasources/alertmanager.yml").read_text())
    (source,) = grafana["datasources"]
    assert source["type"] == "alertmanager" and source["url"] == "http://alertmanager:9093"
    assert source["jsonData"]["implementation"] == "prometheus"


def _news_alert() -> dict:
    alert = next(a for a in AlertEngine(load_rules(), NoveltyState()).process(article("d1", [claim()]))
                 if a.rule_id == "ru-kp-transfer")
    return postable_alert(alert, datetime.now(UTC), timedelta(hours=1))


def test_a_real_alertmanager_with_the_config_routes_and_silences_a_signature(amtool, tmp_path):
    with AlertmanagerProcess(tmp_path, CONFIG.read_text()) as am:
        body = _news_alert()
        assert am.post_alerts([body]) == 200
        (shown,) = am.wait_for_alerts(lambda alerts: len(alerts) == 1, timeout=20)
        assert [r["name"] for r in shown["receivers"]] == ["news-pager"]
        assert shown["status"]["state"] == "active"
        # README: silencing one signature
        subprocess.run([amtool, "silence", "add", f"--alertmanager.url={am.url}", "source=newsmon",
                        'signature="PRK>RUS:munitions"', "--duration=2h", "--author=ops",
                        "--comment=known story, followed by the desk"], check=True, capture_output=True)
        deadline = time.monotonic() + 10
        while am.alerts()[0]["status"]["state"] != "suppressed" and time.monotonic() < deadline:
            time.sleep(0.2)
        assert am.alerts()[0]["status"]["state"] == "suppressed"
