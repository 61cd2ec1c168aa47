"""Prometheus metrics of the ingest process (contract: ``ingest_metrics`` in deploy/prometheus/metric_contract.yml).

They live in the default registry of the ingest process only; a worker never imports this module.
"""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import Counter, Gauge, Histogram, disable_created_metrics

disable_created_metrics()  # as the worker: *_created series only double the scrape size

POLL_OUTCOMES = ("ok", "not_modified", "error")
FETCH_ERRORS = ("no_text", "http_error", "not_html", "too_large")  # the ingest dead-letter reasons
SKIP_REASONS = ("robots_disallowed",)
FETCH_KINDS = ("feed", "page")

FEED_POLLS = Counter("newsmon_ingest_feed_polls", "Feed polls, by outcome.", ["source", "outcome"])
FOUND = Counter("newsmon_ingest_articles_found", "Entries listed by a feed (every poll).", ["source"])
NEW = Counter("newsmon_ingest_articles_new", "Entries whose normalised URL was not seen before.", ["source"])
PRODUCED = Counter("newsmon_ingest_articles_produced", "Articles produced to articles.raw.", ["source"])
FETCH_ERRORS_TOTAL = Counter("newsmon_ingest_fetch_errors", "Article pages dead-lettered, by reason.", ["reason"])
SKIPPED = Counter("newsmon_ingest_pages_skipped", "Article pages not fetched, by reason.", ["reason"])
FETCH_SECONDS = Histogram("newsmon_ingest_fetch_seconds", "Time of one successful HTTP fetch, retries included.",
                          ["kind"], buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
LAST_SUCCESS = Gauge("newsmon_ingest_last_successful_poll_timestamp_seconds",
                     "Unix time of the source's last successful poll (process start until the first).", ["source"])
POLL_INTERVAL = Gauge("newsmon_ingest_poll_interval_seconds", "Configured poll interval of the source.", ["source"])


def initialise(sources: Iterable[tuple[str, float]], started: float) -> None:
    """Every closed-set child at 0, so rate() sees the first event; 'silent since start' until a success."""
    for name, interval in sources:
        for outcome in POLL_OUTCOMES:
            FEED_POLLS.labels(name, outcome)
        FOUND.labels(name)
        NEW.labels(name)
        PRODUCED.labels(name)
        LAST_SUCCESS.labels(name).set(started)
        POLL_INTERVAL.labels(name).set(interval)
    for reason in FETCH_ERRORS:
        FETCH_ERRORS_TOTAL.labels(reason)
    for reason in SKIP_REASONS:
        SKIPPED.labels(reason)
    for kind in FETCH_KINDS:
        FETCH_SECONDS.labels(kind)
