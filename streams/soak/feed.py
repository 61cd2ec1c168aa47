"""Produce the soak's messages at a steady rate and remember where the broker put each one."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field

from aiokafka import AIOKafkaProducer

from streams.kafka.security import env_security_kwargs
from streams.soak.corpus import SoakMessage, messages


@dataclass
class Feed:
    bootstrap: str
    topic: str
    rate: float
    seed: int
    tag: str
    produced: dict[str, tuple[int, int]] = field(default_factory=dict)  # key -> (partition, offset), acked
    poison: dict[str, str] = field(default_factory=dict)  # key -> expected dead-letter reason
    failed: list[str] = field(default_factory=list)
    _task: asyncio.Task | None = None
    _stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def start(self) -> Feed:
        self._task = asyncio.create_task(self._run())
        return self

    async def _run(self) -> None:
        producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap, acks="all", linger_ms=5,
                                    max_request_size=8 * 1024 * 1024, **env_security_kwargs())
        await producer.start()
        pending: list[tuple[SoakMessage, asyncio.Future]] = []
        try:
            start = time.monotonic()
            for n, message in enumerate(messages(self.seed, self.tag)):
                if self._stop.is_set():
                    break
                delay = start + n / self.rate - time.monotonic()
                if delay > 0:
                    with contextlib.suppress(asyncio.TimeoutError):
                        await asyncio.wait_for(self._stop.wait(), delay)
                    if self._stop.is_set():
                        break
                pending.append((message, await producer.send(self.topic, message.value, key=message.key.encode())))
                if len(pending) >= 20:
                    await self._settle(pending)
            await self._settle(pending)
        finally:
            await producer.stop()

    async def _settle(self, pending: list[tuple[SoakMessage, asyncio.Future]]) -> None:
        for message, future in pending:
            try:
                meta = await future
            except Exception as exc:  # noqa: BLE001 — never acknowledged: not ours to deliver
                self.failed.append(f"{message.key}: {exc}")
                continue
            self.produced[message.key] = (meta.partition, meta.offset)
            if message.poison_reason:
                self.poison[message.key] = message.poison_reason
        pending.clear()

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            await self._task
