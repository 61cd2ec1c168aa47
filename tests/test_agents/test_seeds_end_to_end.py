"""The seeds through a real worker on the local broker: enriched events and the alerts of DESIGN.md."""

import orjson
import pytest

from schemas import Alert, EnrichedArticle
from streams.kafka.consume import read_topic
from streams.kafka.replay import replay
from streams.sources.files import read_articles

pytestmark = pytest.mark.broker
CHRONOLOGICAL = ["003", "004", "002", "000", "001"]


async def test_seeds_yield_five_enriched_articles_and_the_expected_alerts(topics, start_worker, seeds_dir):
    start_worker()
    files = [next(seeds_dir.glob(f"{n}_*.txt")) for n in CHRONOLOGICAL]
    for path in files:  # one at a time, so the worker sees them in chronological order
        assert (await replay([path], topics.broker, topics.topics.raw)).sent == 1
        await read_topic(topics.broker, topics.topics.enriched, expect=files.index(path) + 1, timeout=60)
    enriched = [EnrichedArticle.model_validate(orjson.loads(r.value))
                for r in await read_topic(topics.broker, topics.topics.enriched, expect=5, timeout=60)]
    assert len(enriched) == 5
    assert {a.language for a in enriched} == {"de"}
    ids = {path.name[:3]: next(read_articles([path])).article.article_id for path in files}
    by_id = {a.article_id: a for a in enriched}
    assert set(by_id) == set(ids.values())
    by_seed = {name: by_id[article_id] for name, article_id in ids.items()}
    assert by_seed["003"].claims == []
    assert all(r.key.decode() == orjson.loads(r.value)["article_id"]
               for r in await read_topic(topics.broker, topics.topics.enriched, expect=5))

    records = await read_topic(topics.broker, topics.topics.alerts, idle=3, timeout=60)
    alerts = [Alert.model_validate(orjson.loads(r.value)) for r in records]
    ru_kp = [a for a in alerts if a.rule_id == "ru-kp-transfer"]
    new = {a.signature: a for a in ru_kp if a.novelty == "new"}
    assert set(new) == {"PRK>RUS:munitions", "RUS>PRK:technology", "PRK>RUS:personnel"}
    seed_of = {a.article_id: name for name, a in by_seed.items()}
    assert seed_of[new["PRK>RUS:munitions"].article_id] == "004"
    assert seed_of[new["RUS>PRK:technology"].article_id] == "002"
    assert seed_of[new["PRK>RUS:personnel"].article_id] == "001"
    repeats = {(a.signature, seed_of[a.article_id]) for a in ru_kp if a.novelty == "repeat"}
    assert ("PRK>RUS:munitions", "002") in repeats and ("RUS>PRK:technology", "000") in repeats
    assert not any(seed_of[a.article_id] == "003" for a in alerts)
    # compacted by key: one alert id per signature, every record keyed by it
    assert all(r.key.decode() == orjson.loads(r.value)["alert_id"] for r in records)
    assert len({(a.signature, a.alert_id) for a in ru_kp}) == len({a.signature for a in ru_kp})
