"""The written timeline through a real worker on the local broker: the change alerts arrive on the
compacted alerts topic, each change under its own alert id."""

from pathlib import Path

import orjson
import pytest

from schemas import Alert
from streams.kafka.consume import read_topic
from streams.kafka.replay import replay

from .test_timeline import CHANGE_RULES, EXPECTED, TIMELINE

pytestmark = pytest.mark.broker


async def test_timeline_through_a_worker_raises_the_change_alerts(topics, start_worker, tmp_path: Path):
    start_worker()
    lines = TIMELINE.read_text(encoding="utf-8").splitlines()
    for n, line in enumerate(lines, 1):  # one at a time, so the worker sees them in date order
        path = tmp_path / f"{n:02d}.jsonl"
        path.write_text(line + "\n", encoding="utf-8")
        assert (await replay([path], topics.broker, topics.topics.raw)).sent == 1
        await read_topic(topics.broker, topics.topics.enriched, expect=n, timeout=60)
    records = await read_topic(topics.broker, topics.topics.alerts, idle=3, timeout=60)
    alerts = [Alert.model_validate(orjson.loads(r.value)) for r in records]
    assert all(r.key.decode() == orjson.loads(r.value)["alert_id"] for r in records)
    changes = {(a.article_id, a.rule_id, a.change.fact) for a in alerts if a.rule_id in CHANGE_RULES}
    expected = {(article_id, rule, fact) for article_id, found in EXPECTED.items() for rule, fact, *_ in found}
    assert changes == expected
    # each change under its own id (a redelivery may restate one: same id, same fact, still `new`)
    facts = {a.alert_id: {b.change.fact for b in alerts if b.alert_id == a.alert_id}
             for a in alerts if a.rule_id in CHANGE_RULES}
    assert len(facts) == len(expected) and all(len(f) == 1 for f in facts.values())
    assert all(a.novelty == "new" for a in alerts if a.rule_id in CHANGE_RULES)
