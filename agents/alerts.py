"""Alert agents: articles.enriched -> claims by signature -> alerts (novelty in a Faust Table).

Sends here are buffered, not awaited one by one: Faust flushes the producer before it commits offsets,
so an event's outputs are on the broker before the event counts as done (at-least-once), without a
round trip per event.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from pydantic import ValidationError

from schemas import DeadLetter, EnrichedArticle, decode, encode
from streams import metrics
from streams.alerting.engine import ClaimMatch, apply
from streams.alerting.novelty import NoveltyState
from streams.app import app, settings
from streams.delivery import dead_letter_send, deliver, track_lag
from streams.runtime import runtime
from streams.tables import novelty_table
from streams.topics import alerts_topic, claims_topic, dlq_topic, enriched_topic

log = logging.getLogger(__name__)
WINDOW = timedelta(days=settings.novelty_window_days)


def _letter(message, kind: str, text: str) -> DeadLetter:  # noqa: ANN001
    return DeadLetter.from_bytes(message.value, kind, text, topic=message.topic, partition=message.partition,
                                 offset=message.offset, key=message.key)


@app.agent(enriched_topic, concurrency=1)
async def match_claims(stream):  # noqa: ANN001, ANN201
    """Rules are stateless: match here, then repartition each match by its signature."""
    async for event in stream.events():
        try:
            article = decode(event.message.value, EnrichedArticle)
            for m in runtime.engine.match(article):
                await claims_topic.send(key=m.key.encode(), value=m.model_dump_json().encode())
        except (ValueError, ValidationError) as exc:
            await deliver([dead_letter_send(dlq_topic, _letter(event.message, "invalid_schema", str(exc)[:500]),
                                            event.message.key)])
        except Exception as exc:  # noqa: BLE001
            log.exception("matching claims failed")
            await deliver([dead_letter_send(dlq_topic, _letter(event.message, "processing_error", repr(exc)[:500]),
                                            event.message.key)])
        track_lag(app, event.message)


@app.agent(claims_topic, concurrency=1)
async def raise_alerts(stream):  # noqa: ANN001, ANN201
    """One partition owns a signature, so two workers never both call the same claim new."""
    state = NoveltyState(novelty_table, window=WINDOW)
    async for event in stream.events():
        start = time.perf_counter()
        try:
            match = ClaimMatch.model_validate_json(event.message.value)
            # restate: an article already counted publishes its alert again from the current state, so an
            # alert lost on kill -9 (its changelog write survived) is published when the article is redelivered.
            alert = apply(match, state, restate=True)
            if alert is not None:
                await alerts_topic.send(key=alert.alert_id.encode(), value=encode(alert))
                metrics.observe_alert(alert)
        except Exception as exc:  # noqa: BLE001
            log.exception("raising an alert failed")
            await deliver([dead_letter_send(dlq_topic, _letter(event.message, "processing_error", repr(exc)[:500]),
                                            event.message.key)])
        metrics.STAGE.labels("alerts").observe(time.perf_counter() - start)
        track_lag(app, event.message)
