"""Enrich agent: articles.raw -> articles.enriched (bad input -> articles.dlq)."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from faust.types import EventT

from schemas import DeadLetter, RawArticle
from streams import metrics
from streams.alerting.duplicates import DuplicateIndex
from streams.app import app, settings
from streams.dead_letter import Rejected, decode_raw
from streams.delivery import dead_letter_send, deliver, track_lag
from streams.nlp_pool import ArticleFacts, NlpPool
from streams.runtime import runtime
from streams.topics import dlq_topic, enriched_topic, raw_topic

log = logging.getLogger(__name__)
duplicates = DuplicateIndex(window=timedelta(days=settings.novelty_window_days))


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
            sends.append(lambda body=body, key=key: enriched_topic.send(key=key, value=body))
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


@app.agent(raw_topic, concurrency=1)
async def enrich(stream):  # noqa: ANN001, ANN201
    pool = runtime.pool
    async for events in stream.take_events(settings.batch_size, within=settings.batch_within):
        try:
            await process_batch(list(events), pool)
        except Exception:  # noqa: BLE001 — Faust would ack and skip the whole batch
            log.exception("unexpected failure in a batch of %d; dead-lettering it", len(events))
            await deliver([dead_letter_send(dlq_topic, _letter(e, "processing_error", "batch failed"),
                                            e.message.key) for e in events])
