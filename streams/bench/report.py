"""Targets and the readable table."""

from __future__ import annotations

import operator

# key, comparison, threshold, description
TARGETS = [
    ("e2e_over_nlp", ">=", 0.8, "e2e / nlp (Faust + Kafka overhead small beside NLP)"),
    ("nlp_over_tokenizer", ">=", 0.5, "nlp / tokenizer (pipeline within 2x of the bare tokenizer)"),
    ("latency_p99_ms", "<=", 250.0, "p99 produce -> enriched at the latency rate, one worker"),
    ("worker_rss_mb", "<=", 400.0, "peak RSS of one worker incl. its NLP pool"),
    ("scale_out", ">=", 1.6, "two workers vs one (two cores)"),
]
_OPS = {">=": operator.ge, "<=": operator.le}


def targets(result: dict) -> dict:
    out = {}
    for key, op, threshold, what in TARGETS:
        if key not in result:
            continue
        value = result[key]
        out[key] = {"value": value, "target": f"{op} {threshold:g}", "met": None if value is None
                    else bool(_OPS[op](value, threshold)), "what": what}
    return out


def _fmt(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
    return str(value)


def render_table(result: dict) -> str:
    m = result["machine"]
    s = result.get("settings", {})
    d = result.get("details", {})
    lines = [f"newsmon bench — {result['articles']} articles, seed {result['seed']}, {result['elapsed_s']} s",
             f"machine: {m['nproc']} cpu(s), {m['cpu_model']}, Python {m['python']}, load {m['loadavg_1m']}",
             ""]
    rows = [
        ("tokenizer_articles_per_s", "spacy.blank('de'), one core"),
        ("nlp_articles_per_s", f"ArticleProcessor, {result.get('nlp_processes', 1)} process(es)"),
        ("kafka_passthrough_per_s", "aiokafka consume -> produce, no work"),
        ("e2e_articles_per_s", f"1 worker, {s.get('nlp_processes_per_worker', 1)} NLP process(es), "
                               f"batch {s.get('batch_size')}/{s.get('batch_within_s_throughput')} s"),
        ("e2e_2workers_articles_per_s", "2 workers, 1 NLP process each"),
        ("latency_p50_ms", f"at {s.get('latency_rate_per_s', 0):g}/s, batch_within "
                           f"{s.get('batch_within_s_latency')} s"),
        ("latency_p99_ms", result.get("latency_method", "")),
        ("worker_rss_mb", "max of sum(VmRSS) over the worker's process tree"),
        ("worker_rss_hwm_mb", "sum(VmHWM) of the worker's process tree"),
        ("worker_pss_mb", "max of sum(PSS): shared pages counted once"),
    ]
    width = max(len(k) for k, _ in rows)
    lines.append(f"{'measure':<{width}}  {'value':>10}  note")
    for key, note in rows:
        if key in result:
            lines.append(f"{key:<{width}}  {_fmt(result[key]):>10}  {note}")
    lines += ["", f"{'target':<{width}}  {'value':>10}  {'goal':<8} met"]
    for key, t in result.get("targets", {}).items():
        met = {True: "yes", False: "NO", None: "not measured"}[t["met"]]
        lines.append(f"{key:<{width}}  {_fmt(t['value']):>10}  {t['target']:<8} {met}  ({t['what']})")
    lat = d.get("latency")
    if lat:
        lines += ["", f"latency: {lat['received']}/{lat['articles']} received; rate achieved "
                      f"{_fmt(lat['rate_achieved'])}/s; by receive time p50 {_fmt(lat['receive_p50_ms'])} ms, "
                      f"p99 {_fmt(lat['receive_p99_ms'])} ms"]
    for name in ("e2e1", "e2e2"):
        e = d.get(name)
        if e:
            lines.append(f"{name}: {e['articles']} articles in {e['seconds']} s (complete: {e['complete']}); "
                         f"start-up + join {e['startup_and_join_seconds']} s excluded")
    return "\n".join(lines)
