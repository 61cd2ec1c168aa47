"""Bad input never crashes a worker and is never dropped silently: it ends on the DLQ with a reason."""

import orjson
import pytest
from aiokafka import AIOKafkaProducer

from schemas import DeadLetter
from streams.kafka.consume import read_topic

pytestmark = pytest.mark.broker


async def test_poison_messages_go_to_the_dlq_and_valid_articles_around_them_are_enriched(topics, start_worker):
    worker = start_worker()
    big = orjson.dumps({"text": "Nordkorea liefert Granaten. " * 200_000})  # ~5.6 MB
    poison = {
        b"p-not-json": (b"this is not json {", "not_json"),
        b"p-utf8": (b'{"text": "caf\xe9"}', "invalid_utf8"),
        b"p-no-text": (orjson.dumps({"title": "no text here"}), "invalid_schema"),
        b"p-empty": (b"", "empty"),
        b"p-big": (big, "too_large"),
        b"p-array": (b"[1, 2, 3]", "invalid_schema"),
    }
    valid = {f"ok-{i}".encode(): orjson.dumps({"id": f"ok-{i}", "text": f"Artikel {i}: Russland und Nordkorea."})
             for i in range(6)}
    producer = AIOKafkaProducer(bootstrap_servers=topics.broker, max_request_size=8 * 1024 * 1024)
    await producer.start()
    try:
        order = list(zip(valid.items(), poison.items(), strict=True))
        for (vk, vv), (pk, (pv, _)) in order:
            await producer.send_and_wait(topics.topics.raw, vv, key=vk)
            await producer.send_and_wait(topics.topics.raw, pv, key=pk)
    finally:
        await producer.stop()

    enriched = await read_topic(topics.broker, topics.topics.enriched, expect=len(valid), timeout=90)
    assert {r.key for r in enriched} == set(valid)
    letters = await read_topic(topics.broker, topics.topics.dlq, expect=len(poison), timeout=60)
    by_key = {r.key: DeadLetter.model_validate(orjson.loads(r.value)) for r in letters}
    assert set(by_key) == set(poison)
    for key, (payload, reason) in poison.items():
        letter = by_key[key]
        assert letter.error == reason, (key, letter.error, letter.message)
        assert letter.topic == topics.topics.raw and letter.offset is not None and letter.message
        assert letter.payload_size == len(payload)
    assert by_key[b"p-big"].payload_truncated
    metrics = worker.metrics()
    for reason in {r for _, r in poison.values()}:
        count = sum(1 for _, r in poison.values() if r == reason)
        assert f'newsmon_dead_letters_total{{reason="{reason}"}} {float(count)}' in metrics
    assert worker.process.poll() is None, "the worker must survive poison input"
