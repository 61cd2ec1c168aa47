"""URLs already handled, remembered in a compacted Kafka topic so several processes and restarts agree.

Key: the normalised URL; value: when and how it was handled. The topic is read whole at start and tailed
before every poll; entries older than the window are forgotten (a tombstone lets compaction drop them).
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

    def __contains__(self, url: str) -> bool:
        at = self._seen.get(url)
        return at is not None and datetime.now(UTC) - at < self.window

    def __len__(self) -> int:
        return len(self._seen)

    async def load(self, timeout: float = 30.0) -> int:
        """Read the topic up to its highwater (the fetch highwater: the local broker's end offsets lie)."""
        deadline = time.monotonic() + timeout
        partitions = self.reader.partitions_for_topic(self.topic)
        while not partitions and time.monotonic() < deadline:
            await self.reader._client.force_metadata_update()
            partitions = self.reader.partitions_for_topic(self.topic)
            if not partitions:
                await asyncio.sleep(0.2)
        if not partitions:
            raise RuntimeError(f"topic {self.topic} not found")
        tps = [TopicPartition(self.topic, p) for p in sorted(partitions)]
        self.reader.assign(tps)
        await self.reader.seek_to_beginning(*tps)
        while time.monotonic() < deadline:
            self._apply(await self.reader.getmany(timeout_ms=200))
            if await self._at_end(tps):
                break
        else:
            raise RuntimeError(f"could not read {self.topic} to its end within {timeout:g}s")
        await self._forget_expired()
        return len(self._seen)

    async def _at_end(self, tps: list[TopicPartition]) -> bool:
        for tp in tps:
            highwater = self.reader.highwater(tp)
            if highwater is None or await self.reader.position(tp) < highwater:
                return False
        return True

    async def refresh(self) -> None:
        """Take in what other ingest processes remembered since the last look."""
        self._apply(await self.reader.getmany(timeout_ms=50))

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
