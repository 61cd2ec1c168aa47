"""Alertmanager forwarder: alerts topic -> ``POST /api/v2/alerts`` (registered only when NEWSMON_ALERTMANAGER_URL
is set; streams/worker_main.py).

It runs as its own agent on its own topic, so while it waits for a down Alertmanager the other agents keep
enriching and committing; only the alerts topic's commit waits. Faust pauses fetching a partition whose buffer
fills up, never the other topics.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import UTC, datetime, timedelta

from pydantic import ValidationError

from schemas import Alert, DeadLetter, decode
from streams import metrics
from streams.alerting.alertmanager import postable_alert
from streams.app import app, settings
from streams.delivery import dead_letter_send, deliver, track_lag
from streams.redelivery import StallGuard, guard_topics
from streams.sinks.alertmanager import AlertmanagerClient
from streams.topics import alerts_topic, dlq_topic

log = logging.getLogger(__name__)
ACTIVE_FOR = timedelta(seconds=settings.alertmanager_active_for)
# Faust's losses around rebalances (skipped events acked, a head record committed over; streams/redelivery.py)
# are held back for the alerts topic too, now that an agent consumes it.
guard_topics({settings.topics.alerts}, on_gap=metrics.count_gap)


class _Forwarding:
    busy = False  # an alert is being forwarded (for minutes while Alertmanager is down)


class AlertsStallGuard(StallGuard):
    """The stall guard of the source topics, for the alerts topic: a record that vanished between fetch and
    agent (seen after a restart: the new worker never got the alerts the stopped one had let go of) is read
    again. While an alert waits for Alertmanager its partition stands still on purpose, and the wait may be
    longer than the stall time: the guard then starts counting afresh instead of reading it again."""

    async def check(self) -> None:
        if _Forwarding.busy:
            with contextlib.suppress(Exception):  # never raise in a timer; no assignment before the first one
                self.forget(self.app.consumer.assignment())
            return
        await super().check()


guard = AlertsStallGuard(app, {settings.topics.alerts}, settings.stall_after,
                         on_action=lambda topic, action: metrics.REREADS.labels(topic, action.value).inc())


@app.timer(interval=max(0.5, settings.stall_after / 4))
async def _reread_stalled_alerts() -> None:
    await guard.check()


@app.on_partitions_revoked.connect
async def _forget_revoked(sender, revoked, **kwargs) -> None:  # noqa: ANN001, ANN003
    guard.forget(revoked)


def _stopping() -> bool:
    """A rebalance or the shutdown waits for every in-flight event: let go of one that waits for Alertmanager."""
    return app.should_stop or not app.flow_control.is_active()


async def _dead_letter(message, kind: str, text: str) -> None:  # noqa: ANN001
    letter = DeadLetter.from_bytes(message.value, kind, text, topic=message.topic,  # type: ignore[arg-type]
                                   partition=message.partition, offset=message.offset, key=message.key)
    await deliver([dead_letter_send(dlq_topic, letter, message.key)])


async def forward(message, client: AlertmanagerClient) -> bool:  # noqa: ANN001
    """True once Alertmanager accepted the alert or it is on the DLQ with the reason; False when the worker let
    go of it (stopping or rebalancing) and it must be read again."""
    try:
        alert = decode(message.value, Alert)
    except (ValueError, ValidationError) as exc:
        await _dead_letter(message, "invalid_schema", str(exc)[:500])
        return True
    delivery = await client.deliver([postable_alert(alert, datetime.now(UTC), ACTIVE_FOR)], stop=_stopping)
    if delivery.outcome == "abandoned":
        log.warning("alert %s not yet delivered to Alertmanager; left unacked for the next owner of %s[%d]",
                    alert.alert_id, message.topic, message.partition)
        return False
    if delivery.outcome == "sent":
        metrics.ALERTMANAGER_SENT.inc()
        return True
    metrics.ALERTMANAGER_FAILED.labels(delivery.outcome).inc()
    log.error("alert %s not delivered to Alertmanager: %s", alert.alert_id, delivery.describe())
    await _dead_letter(message, f"alertmanager_{delivery.outcome}", delivery.describe())
    return True


@app.agent(alerts_topic, concurrency=1)
async def forward_alerts(stream):  # noqa: ANN001, ANN201
    """Acks by hand, after the alert was accepted or dead-lettered: Faust acks the in-flight event when an agent
    is cancelled, so a worker stopped while Alertmanager is down would otherwise commit past an alert that never
    arrived. Unacked, it is read again after the restart (at-least-once; Alertmanager merges the repeat)."""
    client = AlertmanagerClient(settings.alertmanager_urls, timeout=settings.alertmanager_timeout,
                                retry_for=settings.alertmanager_retry_for)
    manual = stream.noack()
    try:
        async for event in manual.events():
            _Forwarding.busy = True
            try:
                done = await forward(event.message, client)
            except Exception as exc:  # noqa: BLE001 — an escaping exception would crash the agent
                log.exception("forwarding an alert failed")
                await _dead_letter(event.message, "processing_error", repr(exc)[:500])
                done = True
            finally:
                _Forwarding.busy = False
            if done:
                await manual.ack(event)
            else:  # not acked, so never committed; no longer awaited by the rebalance or the shutdown
                app.consumer._unacked_messages.discard(event.message)
            track_lag(app, event.message)
    finally:
        await client.close()
