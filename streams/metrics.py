"""Prometheus metrics of a worker (names and labels: ``deploy/prometheus/metric_contract.yml``)."""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)

from schemas import Alert

disable_created_metrics()  # *_created series only double the scrape size

DEAD_LETTER_REASONS = ("not_json", "invalid_utf8", "invalid_schema", "empty", "too_large", "processing_error",
                       "alertmanager_rejected", "alertmanager_unavailable")
ALERTMANAGER_RETRY_REASONS = ("unreachable", "server_error")
ALERTMANAGER_FAILURE_REASONS = ("rejected", "unavailable")
# streams.redelivery.Action values, and gap_detected: offsets the fetcher skipped, held back (not acked)
REREAD_ACTIONS = ("gap_detected", "reread", "accept_hole")
FAMILIES = ("munitions", "technology", "personnel")
STAGES = ("clean", "language", "tokenize", "sentences", "lemmas", "actors", "topics", "claims", "fingerprint",
          "alerts")

WORKER_INFO = Gauge("newsmon_worker_info", "Constant 1; the labels describe the running worker.",
                    ["version", "spacy_model", "rules_version", "gazetteer_version"])
CONSUMED = Counter("newsmon_articles_consumed", "Messages read from a source topic.", ["topic"])
ENRICHED = Counter("newsmon_articles_enriched", "Enriched articles published.", ["language"])
DEAD_LETTERS = Counter("newsmon_dead_letters", "Raw messages published to the dead-letter topic.", ["reason"])
CLAIMS = Counter("newsmon_claims", "Transfer claims extracted, by family.", ["family"])
ALERTS = Counter("newsmon_alerts", "Alerts published.", ["rule_id", "severity", "novelty"])
ACTOR_MENTIONS = Counter("newsmon_actor_mentions", "Mentions of gazetteer actors.", ["actor_id", "actor_type"])
DUPLICATES = Counter("newsmon_duplicates", "Near-duplicate articles (duplicate_of set).")
PROCESSING = Histogram("newsmon_article_processing_seconds", "Per-article pipeline time.",
                       buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5))
END_TO_END = Histogram("newsmon_end_to_end_latency_seconds",
                       "Kafka timestamp of the raw message to the enriched article being published.",
                       buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
STAGE = Histogram("newsmon_nlp_stage_seconds", "Time per NLP pipeline stage.", ["stage"],
                  buckets=(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1))
BATCH = Histogram("newsmon_batch_size", "Articles per processed batch.", buckets=(1, 2, 5, 10, 20, 50, 100))
LAG = Gauge("newsmon_consumer_lag_messages", "Highwater minus the next offset to process, per partition.",
            ["topic", "partition"])
ASSIGNED = Gauge("newsmon_assigned_partitions", "Partitions of a topic this worker currently owns.", ["topic"])
REREADS = Counter("newsmon_partition_rereads", "Gaps in source partitions: offsets the fetcher skipped, held back "
                  "instead of acked (action=gap_detected); stalled partitions read again from the committed offset "
                  "(action=reread); acked past a hole that never fills (action=accept_hole).", ["topic", "action"])


def count_gap(topic: str, offsets: int) -> None:
    """streams.redelivery's on_gap hook: one increment per gap, whatever its size."""
    REREADS.labels(topic, "gap_detected").inc()
ALERTMANAGER_SENT = Counter("newsmon_alertmanager_alerts_sent", "Alerts accepted by Alertmanager.")
ALERTMANAGER_FAILED = Counter("newsmon_alertmanager_alerts_failed", "Alerts Alertmanager refused (rejected) or that "
                              "no instance accepted within the retry budget (unavailable); both are dead-lettered.",
                              ["reason"])
ALERTMANAGER_RETRIES = Counter("newsmon_alertmanager_retries", "Requests to an Alertmanager instance that failed and "
                               "are tried again.", ["reason"])
ALERTMANAGER_FAILING = Gauge("newsmon_alertmanager_failing", "1 while an Alertmanager instance fails requests (from "
                             "its first failure until it accepts an alert again), else 0.")
LAST_PROCESSED = Gauge("newsmon_last_processed_timestamp_seconds", "Unix time of the last enriched article.")


def initialise(version: str, spacy_model: str | None, rules_version: str, gazetteer_version: str,
               raw_topic: str, rules: list[tuple[str, str]], actors: list[tuple[str, str]],
               languages: list[str], guarded_topics: Iterable[str] = ()) -> None:
    """Create every known series at 0: a counter born at 1 hides its first increase from rate()."""
    WORKER_INFO.labels(version, spacy_model or "none", rules_version, gazetteer_version).set(1)
    CONSUMED.labels(raw_topic)
    for language in languages:
        ENRICHED.labels(language)
    for rule_id, severity in rules:
        for novelty in ("new", "repeat"):
            ALERTS.labels(rule_id, severity, novelty)
    for actor_id, actor_type in actors:
        ACTOR_MENTIONS.labels(actor_id, actor_type)
    for reason in DEAD_LETTER_REASONS:
        DEAD_LETTERS.labels(reason)
    for family in FAMILIES:
        CLAIMS.labels(family)
    for reason in ALERTMANAGER_RETRY_REASONS:
        ALERTMANAGER_RETRIES.labels(reason)
    for reason in ALERTMANAGER_FAILURE_REASONS:
        ALERTMANAGER_FAILED.labels(reason)
    for stage in STAGES:
        STAGE.labels(stage)
    for topic in guarded_topics:
        for action in REREAD_ACTIONS:
            REREADS.labels(topic, action)


def observe_article(language: str, stage_seconds: dict[str, float], claim_families: Iterable[str],
                    actors: Iterable[tuple[str, str, int]], duplicate: bool, gazetteer_ids: frozenset[str]) -> None:
    ENRICHED.labels(language).inc()
    PROCESSING.observe(sum(stage_seconds.values()))
    for stage, seconds in stage_seconds.items():
        STAGE.labels(stage).observe(seconds)
    for family in claim_families:
        CLAIMS.labels(family).inc()
    for actor_id, actor_type, mentions in actors:
        if actor_id in gazetteer_ids:  # unknown people would make the label set unbounded
            ACTOR_MENTIONS.labels(actor_id, actor_type).inc(mentions)
    if duplicate:
        DUPLICATES.inc()


def observe_alert(alert: Alert) -> None:
    ALERTS.labels(alert.rule_id, alert.severity, alert.novelty).inc()


def render() -> tuple[bytes, str]:
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
