"""URLs already handled, remembered in a compacted Kafka topic so several processes and restarts agree.

Key: the normalised URL; value: when and how it was handled. The topic is read whole at start and again up
to its current end before every poll, so a URL another process remembered (acknowledged by the broker)
before this poll began is never fetched again; entries older than the window are forgotten (a tombstone
lets compaction drop them).
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition


class SeenUrls:
    def __init__(self, producer: AIOKafkaProducer, reader: AIOKafkaConsumer, topic: str, window: timedelta):
        self.producer = producer
        self.reader = reader
        self.topic = topic
        self.window = window
        self._seen: dict[str, datetime] = {}
        self._tps: list[TopicPartition] = []

    def __contains__(self, url: str) -> bool:
        at = self._seen.get(url)
        return at is not None and datetime.now(UTC) - at < self.window

    def __len__(self) -> int:
        return len(self._seen)

    async def load(self, timeout: float = 30.0) -> int:
        """Read the whole topic, up to its end as the broker reported it after this call began."""
        deadline = time.monotonic() + timeout
        partitions = self.reader.partitions_for_topic(self.topic)
        while not partitions and time.monotonic() < deadline:
            await self.reader._client.force_metadata_update()
            partitions = self.reader.partitions_for_topic(self.topic)
            if not partitions:
                await asyncio.sleep(0.2)
        if not partitions:
            raise RuntimeError(f"topic {self.topic} not found")
        self._tps = [TopicPartition(self.topic, p) for p in sorted(partitions)]
        self.reader.assign(self._tps)
        await self.reader.seek_to_beginning(*self._tps)
        await self._read_to_end(deadline)
        await self._forget_expired()
        return len(self._seen)

    async def refresh(self, timeout: float = 30.0) -> None:
        """Take in everything other ingest processes remembered before this call began.

        Whatever a short poll happens to return is not enough: under load the reader's fetch may not
        have come back yet, and this process would fetch and produce a page another one already did.
        """
        await self._read_to_end(time.monotonic() + timeout)

    async def _read_to_end(self, deadline: float) -> None:
        """Consume every partition up to a fetch highwater the broker computed after this call began.

        The fetch highwater, not end offsets: the local broker's end offsets lie after batched produces.
        The reader always has one fetch in flight per broker, so the first answer that arrives after the
        start may have been computed before it; the next answer was requested after that one arrived,
        so its highwater counts every record acknowledged before the start.
        """
        started_ms = time.time() * 1000
        first_answer: dict[TopicPartition, int] = {}
        behind = set(self._tps)
        while True:
            self._apply(await self.reader.getmany(timeout_ms=100))
            for tp in list(behind):
                answered_ms = self.reader.last_poll_timestamp(tp)
                if answered_ms is None or answered_ms <= started_ms:
                    continue
                if first_answer.setdefault(tp, answered_ms) == answered_ms:
                    continue
                if await self.reader.position(tp) >= self.reader.highwater(tp):
                    behind.discard(tp)
            if not behind:
                return
            if time.monotonic() >= deadline:
                raise RuntimeError(f"could not read {self.topic} to its end in time")

    def _apply(self, batches: dict) -> None:
        for records in batches.values():
            for record in records:
                url = record.key.decode()
                if record.value is None:
                    self._seen.pop(url, None)
                else:
                    self._seen[url] = datetime.fromisoformat(orjson.loads(record.value)["seen_at"])

    async def _forget_expired(self) -> None:
        now = datetime.now(UTC)
        expired = [url for url, at in self._seen.items() if now - at >= self.window]
        for url in expired:
            del self._seen[url]
        await asyncio.gather(*[await self.producer.send(self.topic, None, key=url.encode()) for url in expired])

    async def remember(self, urls: list[str], outcome: str) -> None:
        """Acknowledged by the broker before returning: only then is a URL done."""
        now = datetime.now(UTC)
        pending = []
        for url in dict.fromkeys(urls):
            value = orjson.dumps({"url": url, "outcome": outcome, "seen_at": now.isoformat()})
            pending.append(await self.producer.send(self.topic, value, key=url.encode()))
            self._seen[url] = now
        await asyncio.gather(*pending)
