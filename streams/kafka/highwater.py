"""End offsets read from the log itself, for the changelog recovery of Faust tables.

The local broker answers ListOffsets(latest) with the last batch's base offset + 1 after batched produces
(FAUST_PITFALLS.md), so Faust's table recovery, which reads a changelog partition up to that "end", stops
short of the last batch and the recovered table misses its updates (a corroboration never counted, a
signature announced ``new`` twice). Reading from the reported end - 1 shows where the log really ends: the
last record fetched and the fetch highwater. Against Kafka the answer equals ``end_offsets``; it costs one
short-lived consumer per recovery.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping, Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

log = logging.getLogger(__name__)


async def log_end_offsets(bootstrap: str, partitions: Sequence[Any], reported: Mapping[Any, int],
                          timeout: float = 10.0, security: Mapping[str, Any] | None = None) -> dict[Any, int]:
    """``reported`` (partition -> end offset), raised to where each partition's log really ends. The keys are
    returned as given (Faust's TP or aiokafka's TopicPartition); on any failure ``reported`` is kept."""
    out = {tp: reported[tp] for tp in partitions if tp in reported}
    probe = {TopicPartition(tp.topic, tp.partition): tp for tp in partitions if (reported.get(tp) or 0) > 0}
    if not probe:
        return out
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, fetch_max_wait_ms=100,
                                auto_offset_reset="latest", max_partition_fetch_bytes=8 * 1024 * 1024,
                                **(security or {}))
    try:
        await consumer.start()
        consumer.assign(list(probe))
        for ktp, tp in probe.items():
            consumer.seek(ktp, reported[tp] - 1)
        pending = set(probe)
        deadline = time.monotonic() + timeout
        while pending and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=200)
            for ktp, records in batch.items():
                if records:
                    tp = probe[ktp]
                    out[tp] = max(out[tp], records[-1].offset + 1)
            for ktp in list(pending):
                highwater = consumer.highwater(ktp)
                if highwater is not None:
                    out[probe[ktp]] = max(out[probe[ktp]], highwater)
                    pending.discard(ktp)
        for tp in probe.values():
            if out[tp] != reported[tp]:
                log.warning("%s[%d]: the broker reports end offset %d, the log ends at %d; recovering up to %d",
                            tp.topic, tp.partition, reported[tp], out[tp], out[tp])
    except Exception:  # noqa: BLE001 — never worse than what the broker reported
        log.exception("reading the end of %d changelog partitions failed; using the reported end offsets", len(probe))
        return {tp: reported[tp] for tp in partitions if tp in reported}
    finally:
        await asyncio.shield(consumer.stop())
    return out
