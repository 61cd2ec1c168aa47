"""The Grafana dashboard and the rules reference only metrics and labels of the metrics contract."""

from __future__ import annotations

import re

import pytest
from promql import (
    EXPECTED_EMPTY,
    ROOT,
    all_promql_expressions,
    base_metric_name,
    dashboard_expressions,
    iter_panels,
    load_contract,
    load_dashboard,
    load_rules,
    metric_names,
    recording_rule_refs,
    rule_expressions,
    substitute_grafana_variables,
)

DATASOURCE_UID = "newsmon-prometheus"
ALWAYS_ALLOWED_LABELS = {"job", "instance"}

CONTRACT = load_contract()
# worker metrics and those of `newsmon ingest`: the dashboard and the rules may use both
DECLARED = CONTRACT["metrics"] + CONTRACT["ingest_metrics"]
METRICS = {m["name"]: m for m in DECLARED}
EXPRESSIONS = all_promql_expressions(ROOT)
RECORDS = {r["record"] for g in load_rules()["groups"] for r in g["rules"] if "record" in r}


def prom_float(value: float) -> str:
    """`le` as prometheus_client writes it (0.25 -> '0.25', 1 -> '1.0')."""
    return repr(float(value))


# --- the contract itself ------------------------------------------------------------------------


def test_contract_is_well_formed():
    assert len(METRICS) == len(DECLARED), "duplicate metric names in metric_contract.yml"
    for name, m in METRICS.items():
        assert re.fullmatch(r"newsmon_[a-z_]+", name), name
        assert m["type"] in {"counter", "gauge", "histogram"}, name
        assert isinstance(m.get("labels"), list), name
        assert m.get("help"), name
        if m["type"] == "counter":
            assert name.endswith("_total"), f"{name}: counters are exposed with _total"
        else:
            assert not name.endswith("_total"), name
        if "buckets" in m:
            assert m["type"] == "histogram", name
            assert m["buckets"] == sorted(m["buckets"]), name
        assert set(m.get("label_values", {})) <= set(m["labels"]), name
        assert "le" not in m["labels"] and "job" not in m["labels"] and "instance" not in m["labels"], name


def test_contract_keeps_the_slo_bucket():
    buckets = METRICS["newsmon_end_to_end_latency_seconds"]["buckets"]
    assert 0.25 in buckets, 'the latency SLO (rules.yml) selects le="0.25"'


# --- dashboard structure -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def dashboard():
    return load_dashboard()


def test_dashboard_is_a_provisionable_dashboard(dashboard):
    assert dashboard["uid"] and dashboard["title"]
    assert 36 <= dashboard["schemaVersion"] <= 41
    assert "id" not in dashboard or dashboard["id"] is None, "provisioned dashboards must not carry a database id"
    panels = list(iter_panels(dashboard))
    ids = [p["id"] for p in panels]
    assert len(ids) == len(set(ids)), "panel ids must be unique"
    titles = [p["title"] for p in panels]
    assert len(titles) == len(set(titles)), "panel titles must be unique (they name the expressions)"


def test_panels_do_not_overlap(dashboard):
    boxes = []
    for p in iter_panels(dashboard):
        g = p["gridPos"]
        assert g["x"] >= 0 and g["w"] >= 1 and g["x"] + g["w"] <= 24, p["title"]
        assert g["h"] >= 1 and g["y"] >= 0, p["title"]
        for title, (x, y, w, h) in boxes:
            overlap = g["x"] < x + w and x < g["x"] + g["w"] and g["y"] < y + h and y < g["y"] + g["h"]
            assert not overlap, f"{p['title']!r} overlaps {title!r}"
        boxes.append((p["title"], (g["x"], g["y"], g["w"], g["h"])))


def test_every_query_uses_the_provisioned_datasource(dashboard):
    for panel in iter_panels(dashboard):
        if panel["type"] == "row":
            continue
        assert panel["datasource"]["uid"] == DATASOURCE_UID, panel["title"]
        assert panel["targets"], f"{panel['title']}: no queries"
        for target in panel["targets"]:
            assert target["datasource"] == {"type": "prometheus", "uid": DATASOURCE_UID}, panel["title"]
            assert target["expr"].strip(), panel["title"]
    for ann in dashboard["annotations"]["list"]:
        assert ann["datasource"]["uid"] == DATASOURCE_UID, ann["name"]
    for var in dashboard["templating"]["list"]:
        if var["type"] == "query":
            assert var["datasource"]["uid"] == DATASOURCE_UID, var["name"]


def test_datasource_provisioning_matches_the_dashboard():
    import yaml

    ds = yaml.safe_load((ROOT / "deploy/grafana/provisioning/datasources/prometheus.yml").read_text())
    (source,) = ds["datasources"]
    assert source["uid"] == DATASOURCE_UID
    assert source["type"] == "prometheus"
    assert source["url"] == "http://prometheus:9090"


def test_dashboard_covers_the_required_views(dashboard):
    exprs = "\n".join(e for _, e in dashboard_expressions(ROOT))
    for needle in [
        "newsmon_articles_consumed_total",
        "newsmon_articles_enriched_total",
        "newsmon_article_processing_seconds_bucket",
        "newsmon_end_to_end_latency_seconds_bucket",
        "newsmon_consumer_lag_messages",
        "newsmon_dead_letters_total",
        "newsmon_alerts_total",
        "newsmon_actor_mentions_total",
        "newsmon_claims_total",
        "newsmon_batch_size_bucket",
        "newsmon_nlp_stage_seconds_sum",
        "newsmon_worker_info",
        "process_resident_memory_bytes",
        'up{job="newsmon"',
        "topk(",
        "histogram_quantile(0.99",
        "histogram_quantile(0.95",
        "histogram_quantile(0.5",
        "by (novelty)",
        "by (reason)",
        "by (family)",
        "by (stage)",
        "by (topic, partition)",
        "by (rule_id, severity)",
        "newsmon_ingest_articles_produced_total",
        "newsmon_ingest_fetch_errors_total",
        "newsmon_ingest_last_successful_poll_timestamp_seconds",
        "newsmon_ingest_fetch_seconds_bucket",
        "newsmon_alertmanager_alerts_sent_total",
        "newsmon_alertmanager_alerts_failed_total",
        "newsmon_alertmanager_retries_total",
        "newsmon_alertmanager_failing",
    ]:
        assert needle in exprs, f"no dashboard query uses {needle!r}"
    annotations = {a["name"]: a["expr"] for a in dashboard["annotations"]["list"]}
    assert 'novelty="new"' in annotations["New alerts"]


# --- expressions against the contract ------------------------------------------------------------


def test_expression_ids_are_unique_and_substituted():
    wheres = [w for w, _ in EXPRESSIONS]
    assert len(wheres) == len(set(wheres))
    for where, expr in EXPRESSIONS:
        assert "$" not in expr and "[[" not in expr, f"{where}: unsubstituted variable in {expr!r}"
    assert any(w.startswith("panel:") for w in wheres) and any(w.startswith("alert:") for w in wheres)


def test_substitution_of_grafana_variables():
    expr = 'rate(x{instance=~"$instance"}[$__rate_interval]) + increase(x[${__range}]) + y[$__interval]'
    assert substitute_grafana_variables(expr, {"instance": ".*"}) == (
        'rate(x{instance=~".*"}[1m]) + increase(x[1h]) + y[15s]'
    )


def test_expected_empty_names_existing_expressions():
    wheres = {w for w, _ in EXPRESSIONS}
    assert set(EXPECTED_EMPTY) <= wheres, set(EXPECTED_EMPTY) - wheres
    alerts = {w for w, _ in rule_expressions(ROOT) if w.startswith("alert:")}
    assert alerts <= set(EXPECTED_EMPTY), "every alert expression is empty on a healthy run"


@pytest.mark.parametrize(("where", "expr"), EXPRESSIONS, ids=[w for w, _ in EXPRESSIONS])
def test_expression_uses_contract_metrics(where, expr):
    for series in metric_names(expr):
        base = base_metric_name(series, CONTRACT)
        assert base in METRICS, f"{where}: {series} is not in deploy/prometheus/metric_contract.yml"
        if series != base:
            assert METRICS[base]["type"] == "histogram"
    for ref in recording_rule_refs(expr):
        assert ref in RECORDS, f"{where}: recording rule {ref} is not defined in rules.yml"


@pytest.mark.parametrize(("where", "expr"), EXPRESSIONS, ids=[w for w, _ in EXPRESSIONS])
def test_expression_uses_contract_labels(where, expr):
    used = metric_names(expr)
    bases = {base_metric_name(s, CONTRACT) for s in used}
    known = set(ALWAYS_ALLOWED_LABELS)
    for base in bases:
        known |= set(METRICS.get(base, {}).get("labels", []))
    if any(s.endswith("_bucket") for s in used):
        known.add("le")
    # selectors: metric{label op "value", ...}
    for series, body in re.findall(r"\b(newsmon_[a-z_]+)\s*\{([^}]*)\}", expr):
        base = base_metric_name(series, CONTRACT)
        allowed = set(METRICS[base]["labels"]) | ALWAYS_ALLOWED_LABELS
        if series.endswith("_bucket"):
            allowed.add("le")
        for label, op, value in re.findall(r'(\w+)\s*(=~|!~|!=|=)\s*"([^"]*)"', body):
            assert label in allowed, f"{where}: {series} has no label {label}"
            closed = METRICS[base].get("label_values", {}).get(label)
            if closed and op == "=":
                assert value in closed, f"{where}: {label}={value!r} is not one of {closed}"
            if label == "le":
                buckets = [prom_float(b) for b in METRICS[base].get("buckets", [])] + ["+Inf"]
                assert value in buckets, f"{where}: {series} has no bucket le={value!r} ({buckets})"
                # Prometheus 3 rewrites le="1.0" to le="1" at scrape time, prometheus_client writes
                # "1.0": only non-integer boundaries select the same series on every version.
                assert value == "+Inf" or not float(value).is_integer(), f"{where}: le={value!r} is version-dependent"
    # aggregation clauses: by (a, b) / without (a, b); recording-rule outputs keep their labels
    if used:
        for clause in re.findall(r"\b(?:by|without)\s*\(([^)]*)\)", expr):
            for label in filter(None, (s.strip() for s in clause.split(","))):
                assert label in known, f"{where}: aggregation label {label!r} is not a label of {sorted(bases)}"


def test_rules_and_dashboard_use_only_contract_or_declared_external_metrics():
    external = {m["name"] for m in CONTRACT["external_metrics"]}
    for where, expr in EXPRESSIONS:
        for name in re.findall(r"\b(up|process_[a-z_]+|python_[a-z_]+)\b\s*[{\[]", expr):
            assert name in external, f"{where}: {name} is not listed under external_metrics"
