"""Table recovery reads a changelog to where its log really ends, not where the local broker says it does."""

import uuid

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from streams.kafka.highwater import log_end_offsets

pytestmark = pytest.mark.broker


async def test_end_offsets_are_raised_to_the_end_of_the_log(broker):
    topic = f"endprobe-{uuid.uuid4().hex[:8]}"
    producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap, linger_ms=50)
    await producer.start()
    try:
        for size in (25, 7):  # two batches: the local broker reports the last one's base offset + 1
            futures = [await producer.send(topic, b"x", partition=0) for _ in range(size)]
            for future in futures:
                await future
    finally:
        await producer.stop()
    tp = TopicPartition(topic, 0)
    consumer = AIOKafkaConsumer(bootstrap_servers=broker.bootstrap)
    await consumer.start()
    try:
        reported = await consumer.end_offsets([tp])
    finally:
        await consumer.stop()
    assert (await log_end_offsets(broker.bootstrap, [tp], reported))[tp] == 32
    assert await log_end_offsets(broker.bootstrap, [tp], {tp: 0}) == {tp: 0}  # nothing to read: kept
