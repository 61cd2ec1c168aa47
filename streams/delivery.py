"""Sending with at-least-once semantics: outputs are on the broker before their inputs are acked."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import Awaitable, Callable

from faust.types import TopicT

from schemas import DeadLetter
from streams.metrics import ASSIGNED, DEAD_LETTERS, LAG

log = logging.getLogger(__name__)
GIVE_UP_AFTER = 120.0  # seconds of failed sends before the worker exits without committing


async def deliver(sends: list[Callable[[], Awaitable[object]]]) -> None:
    """Send and wait for broker acks. A broker that stays unreachable ends the process *without* committing,
    so the batch is read again after the restart: losing it is worse than repeating it."""
    deadline = time.monotonic() + GIVE_UP_AFTER
    pending = sends
    delay = 0.5
    while pending:
        futures = []
        for send in pending:
            try:
                futures.append(await send())
            except Exception as exc:  # noqa: BLE001
                futures.append(exc)
        results = await asyncio.gather(*(f for f in futures if not isinstance(f, Exception)), return_exceptions=True)
        failed_iter = iter(results)
        retry = []
        for send, fut in zip(pending, futures, strict=True):
            outcome = fut if isinstance(fut, Exception) else next(failed_iter)
            if isinstance(outcome, Exception):
                retry.append(send)
        if not retry:
            return
        if time.monotonic() > deadline:
            log.critical("could not deliver %d messages for %.0fs; exiting without commit", len(retry), GIVE_UP_AFTER)
            os._exit(75)
        log.warning("retrying %d failed sends in %.1fs", len(retry), delay)
        await asyncio.sleep(delay)
        delay = min(delay * 2, 10.0)
        pending = retry


def dead_letter_send(topic: TopicT, letter: DeadLetter, key: bytes | None) -> Callable[[], Awaitable[object]]:
    DEAD_LETTERS.labels(letter.error).inc()
    body = letter.model_dump_json().encode()
    return lambda: topic.send(key=key, value=body)


def track_lag(app, event_message) -> None:  # noqa: ANN001
    """Lag from the fetch highwater: the local broker's end offsets are wrong after batched produces."""
    tp = event_message.tp
    try:
        highwater = app.consumer.highwater(tp)
    except Exception:  # noqa: BLE001 — no highwater yet
        return
    if highwater is not None:
        LAG.labels(tp.topic, str(tp.partition)).set(max(0, highwater - event_message.offset - 1))


def forget_partitions(revoked) -> None:  # noqa: ANN001
    for tp in revoked:
        with contextlib.suppress(KeyError):
            LAG.remove(tp.topic, str(tp.partition))


def count_assignment(assigned, topics: list[str]) -> None:  # noqa: ANN001
    """Partitions per source topic after a rebalance: shows how workers share the work."""
    for topic in topics:
        ASSIGNED.labels(topic).set(sum(1 for tp in assigned if tp.topic == topic))
