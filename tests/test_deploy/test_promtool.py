"""promtool validates the Prometheus config, the rules, their unit tests and the dashboard's PromQL."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from promql import ROOT, dashboard_expressions

PROMETHEUS_DIR = ROOT / "deploy" / "prometheus"


@pytest.fixture(scope="module")
def promtool() -> str:
    found = shutil.which("promtool") or next(
        (p for p in ("/usr/bin/promtool", "/usr/local/bin/promtool") if Path(p).is_file()), None
    )
    if not found:
        pytest.fail(
            "promtool not found on PATH or in /usr/bin. Run `make test`, which installs Debian's "
            "`prometheus` package (or: sudo apt-get install -y prometheus). These checks must not be skipped."
        )
    return found


def run(promtool: str, *args: str, cwd: Path = ROOT) -> str:
    proc = subprocess.run([promtool, *args], cwd=cwd, capture_output=True, text=True, timeout=120)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"promtool {' '.join(args)} failed:\n{output}"
    return output


def test_check_config(promtool):
    # also checks that the rule_files it names exist and parse
    out = run(promtool, "check", "config", "deploy/prometheus/prometheus.yml")
    assert "1 rule files found" in out


def test_check_rules(promtool):
    run(promtool, "check", "rules", "deploy/prometheus/rules.yml")


def test_rules_unit_tests(promtool):
    run(promtool, "test", "rules", "deploy/prometheus/rules_test.yml")


def test_dashboard_queries_parse(promtool, tmp_path):
    """Each dashboard query (Grafana variables substituted) as a recording rule: promtool parses it."""
    exprs = dashboard_expressions(ROOT)
    rules = {
        "groups": [
            {
                "name": "dashboard",
                "rules": [{"record": f"dashboard:expr_{i}:check", "expr": expr} for i, (_, expr) in enumerate(exprs)],
            }
        ]
    }
    path = tmp_path / "dashboard_rules.yml"
    path.write_text(yaml.safe_dump(rules, sort_keys=False))
    proc = subprocess.run([promtool, "check", "rules", str(path)], capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        names = "\n".join(f"dashboard:expr_{i}:check = {where}" for i, (where, _) in enumerate(exprs))
        pytest.fail(f"promtool rejects dashboard queries:\n{proc.stdout}{proc.stderr}\n{names}")
