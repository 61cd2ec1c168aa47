"""Enrich agent: articles.raw -> articles.enriched (bad input -> articles.dlq)."""

from __future__ import annotations

import logging
import os
import time
from datetime import timedelta

from faust.types import EventT

from schemas import DeadLetter, RawArticle
from streams import metrics
from streams.alerting.duplicates import DuplicateIndex
from streams.app import app, settings
from streams.dead_letter import Rejected, decode_raw
from streams.delivery import dead_letter_send, deliver, track_lag
from streams.kafka.journal import from_env as journal_from_env
from streams.nlp_pool import ArticleFacts, NlpPool, PipelineUnavailable
from streams.redelivery import guard_topics
from streams.runtime import runtime
from streams.topics import dlq_topic, enriched_topic, raw_topic

log = logging.getLogger(__name__)
EXIT_PIPELINE_UNAVAILABLE = 78  # EX_CONFIG
duplicates = DuplicateIndex(window=timedelta(days=settings.novelty_window_days))
guard_topics(set(settings.topics.sources), on_gap=metrics.count_gap)  # count every gap held back
journal = journal_from_env()  # the soak's record of what the broker acknowledged


async def _send_enriched(key: bytes, body: bytes):  # noqa: ANN202 — Faust's FutureMessage
    future = await enriched_topic.send(key=key, value=body)
    if journal is not None:
        journal.watch(key, future)
    return future


def _letter(event: EventT, kind: str, message: str) -> DeadLetter:
    msg = event.message
    return DeadLetter.from_bytes(msg.value, kind, message, topic=msg.topic, partition=msg.partition,  # type: ignore
                                 offset=msg.offset, key=msg.key)


async def process_batch(events: list[EventT], pool: NlpPool) -> None:
    """Every event ends as one enriched article or one dead letter; nothing escapes this function."""
    metrics.BATCH.observe(len(events))
    sends = []
    valid: list[tuple[EventT, RawArticle]] = []
    for event in events:
        metrics.CONSUMED.labels(event.message.topic).inc()
        try:
            valid.append((event, decode_raw(event.message.value, settings.max_article_bytes)))
        except Rejected as exc:
            sends.append(dead_letter_send(dlq_topic, _letter(event, exc.kind, exc.message), event.message.key))
    results = await pool.analyze([raw for _, raw in valid]) if valid else []
    for (event, _raw), (ok, value) in zip(valid, results, strict=True):
        if not ok:
            sends.append(dead_letter_send(dlq_topic, _letter(event, "processing_error", str(value)),
                                          event.message.key))
            continue
        try:
            facts: ArticleFacts = value  # type: ignore[assignment]
            original = duplicates.check_and_add(facts.article_id, facts.fingerprint, facts.event_time)
            if original is not None:
                facts = facts.as_duplicate_of(original)
            metrics.observe_article(facts.language, facts.stage_seconds, facts.claim_families, facts.actors,
                                    facts.duplicate_of is not None, runtime.gazetteer_ids)
            body, key = facts.body, facts.article_id.encode()
            sends.append(lambda body=body, key=key: _send_enriched(key, body))
        except Exception as exc:  # noqa: BLE001
            sends.append(dead_letter_send(dlq_topic, _letter(event, "processing_error", f"{type(exc).__name__}: {exc}"),
                                          event.message.key))
    await deliver(sends)
    now = time.time()
    for event in events:
        metrics.END_TO_END.observe(max(0.0, now - event.message.timestamp))
        track_lag(app, event.message)
    if valid:
        metrics.LAST_PROCESSED.set(now)


async def _process_alone(event: EventT, pool: NlpPool) -> None:
    """One event of a batch that failed as a whole: only an event that fails on its own is dead-lettered."""
    try:
        await process_batch([event], pool)
    except PipelineUnavailable as exc:
        log.critical("NLP pipeline unavailable (%s); exiting without commit", exc)
        os._exit(EXIT_PIPELINE_UNAVAILABLE)
    except Exception as exc:  # noqa: BLE001 — Faust would ack and skip it
        log.exception("unexpected failure on %s[%d]@%d; dead-lettering it", event.message.topic,
                      event.message.partition, event.message.offset)
        reason = f"{type(exc).__name__}: {exc}"[:500]
        await deliver([dead_letter_send(dlq_topic, _letter(event, "processing_error", reason), event.message.key)])


@app.agent(raw_topic, concurrency=1)
async def enrich(stream):  # noqa: ANN001, ANN201
    pool = runtime.pool
    async for events in stream.take_events(settings.batch_size, within=settings.batch_within):
        batch = list(events)
        try:
            await process_batch(batch, pool)
        except PipelineUnavailable as exc:
            # A broken deployment (an invalid data file), not bad input: dead-lettering every article would
            # bury valid ones on the DLQ. Exit without committing, like a broker gone for good
            # (streams/delivery.py); the supervisor restarts the worker and the batch is processed again.
            log.critical("NLP pipeline unavailable (%s); exiting without commit", exc)
            os._exit(EXIT_PIPELINE_UNAVAILABLE)
        except Exception:  # noqa: BLE001 — Faust would ack and skip the whole batch
            log.exception("unexpected failure in a batch of %d; processing its events one by one", len(batch))
            for event in batch:
                await _process_alone(event, pool)
