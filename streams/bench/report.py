"""Targets and the readable table."""

from __future__ import annotations

import operator

# key, comparison, threshold, description; per corpus, as the performance issue sets them
TARGETS = {
    "realistic": [
        ("e2e_over_nlp", ">=", 0.85, "e2e / nlp (Faust + Kafka overhead small beside NLP)"),
        ("nlp_over_tokenizer", ">=", 0.5, "nlp / tokenizer (pipeline within 2x of the bare tokenizer)"),
        ("latency_p99_ms", "<=", 250.0, "p99 produce -> enriched at the latency rate, one worker"),
        ("worker_rss_mb", "<=", 400.0, "peak RSS of one worker incl. its NLP pool"),
        ("scale_out", ">=", 1.6, "two workers vs one, each pinned to its own core"),
    ],
    "stress": [
        ("e2e_over_nlp", ">=", 0.7, "e2e / nlp when every article fans out into alert-rule matches"),
        ("scale_out", ">=", 1.6, "two workers vs one, each pinned to its own core"),
    ],
}
_OPS = {">=": operator.ge, "<=": operator.le}


def targets(result: dict) -> dict:
    out = {}
    for key, op, threshold, what in TARGETS[result.get("corpus", "realistic")]:
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
    lines = [f"newsmon bench — {result['corpus']} corpus, {result['articles']} articles per measurement, "
             f"{result['repeat']} interleaved runs, seed {result['seed']}, {result['elapsed_s']} s",
             f"machine: {m['nproc']} cpu(s), {m['cpu_model']}, Python {m['python']}; load average (1/5/15 min) "
             f"before {result.get('load_before')}, after {result.get('load_after')}",
             "figures are medians of the runs, with min-max; ratios are of medians", ""]
    rows = [
        ("tokenizer_articles_per_s", "spacy.blank('de'), one core"),
        ("nlp_articles_per_s", f"ArticleProcessor, {result.get('nlp_processes', 1)} process(es)"),
        ("kafka_passthrough_per_s", "aiokafka consume -> produce, no work"),
        ("e2e_articles_per_s", f"1 worker, {s.get('nlp_processes_per_worker', 1)} NLP process(es), "
                               f"batch {s.get('batch_size')}/{s.get('batch_within_s_throughput')} s"),
        ("pinned_1worker_articles_per_s", "1 worker + its NLP process pinned to one core"),
        ("pinned_2workers_articles_per_s", "2 workers, each (+ its NLP process) on its own core"),
        ("cpu_s_per_1000_main", "CPU s per 1,000 articles, pinned worker's main process"),
        ("cpu_s_per_1000_nlp", "CPU s per 1,000 articles, its NLP process"),
        ("latency_p50_ms", f"at {s.get('latency_rate_per_s', 0):g}/s, batch_within "
                           f"{s.get('batch_within_s_latency')} s"),
        ("latency_p99_ms", result.get("latency_method", "")),
        ("worker_rss_mb", "max of sum(VmRSS) over the worker's process tree"),
        ("worker_rss_hwm_mb", "sum(VmHWM) of the worker's process tree"),
        ("worker_pss_mb", "max of sum(PSS): shared pages counted once"),
    ]
    width = max(len(k) for k, _ in rows)
    spreads = result.get("spread", {})
    lines.append(f"{'measure':<{width}}  {'median':>10}  {'min-max':>19}  note")
    for key, note in rows:
        if key in result:
            sp = spreads.get(key)
            rng = f"{_fmt(sp['min'])}-{_fmt(sp['max'])}" if sp and sp["runs"] else ""
            lines.append(f"{key:<{width}}  {_fmt(result[key]):>10}  {rng:>19}  {note}")
    lines += ["", f"{'target':<{width}}  {'value':>10}  {'goal':<8} met"]
    for key, t in result.get("targets", {}).items():
        met = {True: "yes", False: "NO", None: "not measured"}[t["met"]]
        lines.append(f"{key:<{width}}  {_fmt(t['value']):>10}  {t['target']:<8} {met}  ({t['what']})")
    lines += ["", f"{'ratio':<{width}}  {'value':>10}"]
    for key in ("nlp_over_tokenizer", "e2e_over_nlp", "scale_out"):
        if key in result:
            lines.append(f"{key:<{width}}  {_fmt(result[key]):>10}")
    for name, mem in d.get("memory", {}).items():
        lines.append(f"phase {name}: {mem['workers']} worker(s), start-up + join {mem['startup_and_join_seconds']} s "
                     f"excluded, peak RSS {mem['rss_peak_mb']} MB")
    for i, run in enumerate(d.get("runs", []), 1):
        lat = run.get("latency")
        if lat:
            lines.append(f"run {i} latency: {lat['received']}/{lat['articles']} received, rate achieved "
                         f"{_fmt(lat['rate_achieved'])}/s, by receive time p99 {_fmt(lat['receive_p99_ms'])} ms")
    return "\n".join(lines)
