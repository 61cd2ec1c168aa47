"""Every PromQL expression of the deploy files, ready to evaluate against a live Prometheus.

Used by the static deploy tests and meant for a live test that scrapes a real worker::

    from tests.test_deploy.promql import EXPECTED_EMPTY, all_promql_expressions, prometheus_config

    config = prometheus_config([f"127.0.0.1:{web_port}"], scrape_interval="1s")
    ... start `prometheus --config.file=...`, let the worker process the seeds, wait a few scrapes ...
    for where, expr in all_promql_expressions(ROOT):
        result = GET /api/v1/query?query=expr
        if where not in EXPECTED_EMPTY:
            assert result["data"]["result"], where   # NaN values (0/0 rates) count as data

Identifiers (``where``), unique across the repository:

- ``record:<record name>`` and ``alert:<alert name>:<severity>`` for deploy/prometheus/rules.yml
  (the alert's ``expr`` alone: non-empty exactly while the alert is pending or firing);
- ``panel:<panel title>:<refId>``, ``annotation:<name>`` for deploy/grafana/dashboards/newsmon.json,
  with Grafana's variables replaced (``$__rate_interval`` -> 1m, ``$__interval`` -> 15s,
  ``$__range`` -> 1h, dashboard variables -> their "All" value ``.*``).

Some alert expressions use recording rules; they only mean something when Prometheus loads
rules.yml (``prometheus_config`` does). Dashboard and recording-rule expressions use raw worker
metrics only.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
RULES = Path("deploy/prometheus/rules.yml")
DASHBOARD = Path("deploy/grafana/dashboards/newsmon.json")
CONTRACT = Path("deploy/prometheus/metric_contract.yml")

#: Grafana's built-in variables and the values used when evaluating outside Grafana.
GRAFANA_BUILTINS = {
    "__rate_interval": "1m",
    "__interval": "15s",
    "__interval_ms": "15000",
    "__range": "1h",
    "__range_s": "3600",
    "__range_ms": "3600000",
}

_ALERT_QUIET = "alert expression: empty unless the alert is pending or firing; a healthy run fires none"

#: Expressions that may legitimately return no data after one worker processed the 5 seed articles
#: while a Prometheus scraped it every second (tests/test_deploy/test_prometheus_live.py).
#: Everything else must return at least one series (a NaN value, e.g. a 0/0 rate, counts as data).
#: Not listed on purpose: the dead-letter expressions. The worker creates every `reason` child at
#: start-up (metric_contract.yml), so they return 0 without any dead letter; empty would mean the
#: pre-creation broke.
#:
#: Known gap (see the docstring of test_prometheus_live.py): counter children with an open label
#: (newsmon_articles_enriched_total{language}, newsmon_alerts_total{rule_id,...},
#: newsmon_actor_mentions_total{actor_id,...}) are created by their first increment, so Prometheus
#: never sees the increments before that child's first scrape; increase()/rate() over them read 0.
EXPECTED_EMPTY: dict[str, str] = {
    "annotation:New alerts": (
        'non-empty only if Prometheus saw newsmon_alerts_total{novelty="new"} increase within the last '
        "1m; an alert child is created by its first alert, so a burst that creates it is not seen"
    ),
    "annotation:Worker restarts": "non-empty only after a worker restarted (process_start_time_seconds changed)",
    "alert:NewsmonWorkerDown:critical": _ALERT_QUIET + " (the worker answers /metrics)",
    "alert:NewsmonNoWorkers:critical": _ALERT_QUIET + " (up == 1 exists)",
    "alert:NewsmonNoArticles:critical": _ALERT_QUIET
    + (
        " (consumed articles were enriched). NOT empty when all seeds are enriched within one scrape: the"
        " enriched child is born at 5, increase() reads 0 (known gap above), and the alert would fire after 5m"
    ),
    "alert:NewsmonInputIdle:info": _ALERT_QUIET + " (articles were consumed in the last 30m)",
    "alert:NewsmonDeadLetterRate:warning": _ALERT_QUIET + " (no dead letters; also needs rules.yml loaded)",
    "alert:NewsmonConsumerLagGrowing:warning": _ALERT_QUIET + " (lag is far below 1000 and not growing)",
    "alert:NewsmonLatencySLOBurn:critical": _ALERT_QUIET + " (5 articles are below the 20-article volume guard)",
    "alert:NewsmonLatencySLOBurn:warning": _ALERT_QUIET + " (5 articles are below the 20-article volume guard)",
    "alert:NewsmonProcessingStalled:critical": _ALERT_QUIET + " (the last article is recent)",
    "alert:NewsmonPartitionGaps:warning": _ALERT_QUIET + " (no gaps held back or re-read)",
    "alert:NewsmonOffsetsSkipped:warning": _ALERT_QUIET + " (no hole was acked)",
    "alert:NewsmonNewAlertSpike:warning": _ALERT_QUIET
    + (
        " (the seeds raise 12 new alerts, but each alert child is born at its value and increase() reads 0,"
        " known gap above; once children are pre-created, a seed replay fires this warning as documented)"
    ),
}

#: `newsmon ingest` metrics: the live test scrapes a worker only; the ingest process's /metrics is
#: checked against the contract in tests/test_ingest/test_ingest_command.py.
_NO_INGEST = "no `newsmon ingest` runs in the live test (its /metrics: tests/test_ingest/test_ingest_command.py)"
EXPECTED_EMPTY.update({
    "panel:Ingest: articles found / new / produced per second:A": _NO_INGEST,
    "panel:Ingest: articles found / new / produced per second:B": _NO_INGEST,
    "panel:Ingest: articles found / new / produced per second:C": _NO_INGEST,
    "panel:Ingest: feed polls by outcome:A": _NO_INGEST,
    "panel:Ingest: time since last successful poll per source:A": _NO_INGEST,
    "panel:Ingest: pages dead-lettered or skipped by reason:A": _NO_INGEST,
    "panel:Ingest: pages dead-lettered or skipped by reason:B": _NO_INGEST,
    "panel:Ingest: fetch latency:A": _NO_INGEST,
    "panel:Ingest: fetch latency:B": _NO_INGEST,
    "alert:NewsmonIngestSourceSilent:warning": _ALERT_QUIET + " (" + _NO_INGEST + ")",
})

EXPECTED_EMPTY.update({
    "alert:NewsmonAlertmanagerForwardingFailing:warning": _ALERT_QUIET + " (forwarding is off in the live test)",
    "alert:NewsmonAlertsNotDelivered:warning": _ALERT_QUIET + " (no alert was dead-lettered)",
})


def load_rules(repo_root: Path = ROOT) -> dict[str, Any]:
    return yaml.safe_load((Path(repo_root) / RULES).read_text(encoding="utf-8"))


def load_dashboard(repo_root: Path = ROOT) -> dict[str, Any]:
    return json.loads((Path(repo_root) / DASHBOARD).read_text(encoding="utf-8"))


def load_contract(repo_root: Path = ROOT) -> dict[str, Any]:
    return yaml.safe_load((Path(repo_root) / CONTRACT).read_text(encoding="utf-8"))


def iter_panels(dashboard: dict[str, Any]):
    """All panels, including those nested in collapsed rows."""
    for panel in dashboard.get("panels", []):
        yield panel
        yield from panel.get("panels", [])


def _template_values(dashboard: dict[str, Any]) -> dict[str, str]:
    values = {}
    for var in dashboard.get("templating", {}).get("list", []):
        if var.get("type") in ("query", "custom"):
            values[var["name"]] = var.get("allValue") or ".*"
        elif var.get("type") in ("constant", "textbox"):
            values[var["name"]] = str(var.get("query", ""))
        elif var.get("type") == "interval":
            values[var["name"]] = "1m"
    return values


def substitute_grafana_variables(expr: str, variables: dict[str, str] | None = None) -> str:
    """Replace $var, ${var}, ${var:format} and [[var]] by plain values; unknown variables raise KeyError."""
    values = {**GRAFANA_BUILTINS, **(variables or {})}

    def repl(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2) or match.group(3)
        return values[name]

    return re.sub(r"\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]|\$(\w+)", repl, expr)


def rule_expressions(repo_root: Path = ROOT) -> list[tuple[str, str]]:
    out = []
    for group in load_rules(repo_root)["groups"]:
        for rule in group["rules"]:
            if "record" in rule:
                where = f"record:{rule['record']}"
            else:
                where = f"alert:{rule['alert']}:{rule.get('labels', {}).get('severity', '')}"
            out.append((where, rule["expr"].strip()))
    return out


def dashboard_expressions(repo_root: Path = ROOT, substitute: bool = True) -> list[tuple[str, str]]:
    dashboard = load_dashboard(repo_root)
    variables = _template_values(dashboard)

    def prep(expr: str) -> str:
        expr = expr.strip()
        return substitute_grafana_variables(expr, variables) if substitute else expr

    out = []
    for panel in iter_panels(dashboard):
        for target in panel.get("targets", []):
            if target.get("expr"):
                out.append((f"panel:{panel['title']}:{target['refId']}", prep(target["expr"])))
    for ann in dashboard.get("annotations", {}).get("list", []):
        if ann.get("expr"):
            out.append((f"annotation:{ann['name']}", prep(ann["expr"])))
    return out


def all_promql_expressions(repo_root: Path = ROOT) -> list[tuple[str, str]]:
    """(where, expr) for every expression in the dashboard (variables substituted) and rules file."""
    return dashboard_expressions(repo_root) + rule_expressions(repo_root)


# --- names used in expressions ---------------------------------------------------------------

_METRIC_RE = re.compile(r"\bnewsmon_[a-z_]+")
_RECORDING_RE = re.compile(r"\bnewsmon:[a-z0-9_:]+")
HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")


def metric_names(expr: str) -> set[str]:
    """newsmon_* series names referenced by an expression, as written (with _bucket etc.)."""
    return set(_METRIC_RE.findall(expr))


def recording_rule_refs(expr: str) -> set[str]:
    return set(_RECORDING_RE.findall(expr))


def base_metric_name(series: str, contract: dict[str, Any]) -> str:
    """Map newsmon_x_seconds_bucket to the contract's histogram newsmon_x_seconds."""
    types = {m["name"]: m["type"] for m in contract["metrics"] + contract.get("ingest_metrics", [])}
    if series in types:
        return series
    for suffix in HISTOGRAM_SUFFIXES:
        base = series.removesuffix(suffix)
        if base != series and types.get(base) == "histogram":
            return base
    return series


def prometheus_config(
    targets: list[str],
    repo_root: Path = ROOT,
    scrape_interval: str = "1s",
    evaluation_interval: str = "1s",
) -> str:
    """A Prometheus config (YAML text) that scrapes `targets` as job "newsmon" and loads rules.yml."""
    config = {
        "global": {"scrape_interval": scrape_interval, "evaluation_interval": evaluation_interval},
        "rule_files": [str((Path(repo_root) / RULES).resolve())],
        "scrape_configs": [{"job_name": "newsmon", "static_configs": [{"targets": list(targets)}]}],
    }
    return yaml.safe_dump(config, sort_keys=False)
