"""A plain aiokafka consumer that reads what the broker holds, during the run and not via any group.

It keeps every record it was ever served (topic, partition, offset -> key) and the fetch highwater of
every partition (the local broker's end offsets are wrong after batched produces). Compared with a
read-back at the end, it tells a record the broker served and then lost from one it never had.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer, TopicPartition

from streams.kafka.security import env_security_kwargs

Position = tuple[str, int, int]  # topic, partition, offset


@dataclass
class Witness:
    bootstrap: str
    topics: list[str]
    seen: dict[Position, bytes | None] = field(default_factory=dict)
    highwater: dict[tuple[str, int], int] = field(default_factory=dict)
    next_offset: dict[tuple[str, int], int] = field(default_factory=dict)
    _consumer: AIOKafkaConsumer | None = None
    _task: asyncio.Task | None = None

    async def start(self, timeout: float = 30.0) -> Witness:
        consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, enable_auto_commit=False,
                                    auto_offset_reset="earliest", fetch_max_wait_ms=100,
                                    fetch_max_bytes=16 * 1024 * 1024, max_partition_fetch_bytes=8 * 1024 * 1024,
                                    **env_security_kwargs())
        await consumer.start()
        self._consumer = consumer
        tps = []
        deadline = time.monotonic() + timeout
        for topic in self.topics:
            while (parts := consumer.partitions_for_topic(topic)) is None and time.monotonic() < deadline:
                await consumer._client.force_metadata_update()
                await asyncio.sleep(0.2)
            tps += [TopicPartition(topic, p) for p in sorted(parts or ())]
        consumer.assign(tps)
        await consumer.seek_to_beginning()
        self._task = asyncio.create_task(self._run())
        return self

    async def _run(self) -> None:
        consumer = self._consumer
        assert consumer is not None
        while True:
            batch = await consumer.getmany(timeout_ms=200)
            for tp, records in batch.items():
                for r in records:
                    self.seen[(tp.topic, tp.partition, r.offset)] = r.key
                    self.next_offset[(tp.topic, tp.partition)] = r.offset + 1
            for tp in consumer.assignment():
                hw = consumer.highwater(tp)
                if hw is not None:
                    self.highwater[(tp.topic, tp.partition)] = hw

    def caught_up(self) -> bool:
        """Has read every partition up to the highwater it last saw."""
        return bool(self.highwater) and all(self.next_offset.get(tp, 0) >= hw for tp, hw in self.highwater.items())

    def highwaters(self, topic: str) -> dict[int, int]:
        return {p: hw for (t, p), hw in self.highwater.items() if t == topic}

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        if self._consumer is not None:
            await self._consumer.stop()
