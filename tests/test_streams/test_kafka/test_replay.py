import orjson
import pytest

from streams.kafka.consume import read_topic
from streams.kafka.replay import replay
from streams.sources.files import read_articles

pytestmark = pytest.mark.broker


async def test_seeds_replayed_into_broker_come_back_with_titles_ids_and_stable_keys(topics, seeds_dir):
    expected = {i.article.article_id: i.article.title for i in read_articles([seeds_dir])}
    first = await replay([seeds_dir], topics.broker, topics.topics.raw)
    second = await replay([seeds_dir], topics.broker, topics.topics.raw)
    assert (first.sent, first.failed, first.skipped) == (5, 0, 0)
    assert first.keys == second.keys
    records = await read_topic(topics.broker, topics.topics.raw, expect=10)
    assert len(records) == 10
    for rec in records:
        body = orjson.loads(rec.value)
        assert rec.key.decode() == body["id"]
        assert expected[body["id"]] == body["title"]
    assert {r.key.decode() for r in records} == set(expected)


async def test_replay_skips_bad_lines_and_sends_the_rest(topics, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "one"}\n{broken\n{"text": "two"}\n')
    report = await replay([src], topics.broker, topics.topics.raw, repeat=2)
    assert (report.sent, report.skipped) == (4, 1)
    assert "in.jsonl:2: not JSON" in report.errors[0]
