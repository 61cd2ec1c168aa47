"""The five seeds in chronological order through one AlertEngine (DESIGN.md "Seeds")."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.alerting import AlertEngine, NoveltyState, load_rules
from streams.sources.files import read_articles

SEEDS = Path(__file__).resolve().parents[3] / "seeds"
ORDER = ["003", "004", "002", "000", "001"]

# What a careful analyst reads in the seeds, as ru-kp-transfer (signature -> novelty) per article.
EXPECTED = {
    "003": {},
    "004": {"PRK>RUS:munitions": "new"},
    "002": {"PRK>RUS:munitions": "repeat", "RUS>PRK:technology": "new"},
    "000": {"PRK>RUS:munitions": "repeat", "RUS>PRK:technology": "repeat"},
    "001": {"PRK>RUS:munitions": "repeat", "RUS>PRK:technology": "repeat", "PRK>RUS:personnel": "new"},
}


@pytest.fixture(scope="module")
def enriched():
    from streams.nlp.analyzer import Analyzer

    analyzer = Analyzer()
    articles = {}
    for prefix in ORDER:
        [item] = list(read_articles([next(SEEDS.glob(f"{prefix}_*.txt"))]))
        articles[prefix] = analyzer.analyze(item.article)
    return articles


@pytest.fixture(scope="module")
def run(enriched):
    engine = AlertEngine(load_rules(), NoveltyState())
    return engine, {prefix: engine.process(enriched[prefix]) for prefix in ORDER}


def ru_kp(alerts) -> dict[str, str]:
    return {a.signature: a.novelty for a in alerts if a.rule_id == "ru-kp-transfer"}


@pytest.mark.parametrize("prefix", ORDER)
def test_seed_alerts(run, prefix: str):
    _, by_seed = run
    assert ru_kp(by_seed[prefix]) == EXPECTED[prefix]


def test_nothing_at_all_for_003(run):
    assert run[1]["003"] == []


def test_each_signature_keeps_one_alert_id_and_counts_up(run):
    _, by_seed = run
    ids: dict[str, set[str]] = {}
    for alerts in by_seed.values():
        for a in alerts:
            if a.rule_id == "ru-kp-transfer":
                ids.setdefault(a.signature, set()).add(a.alert_id)
    assert all(len(v) == 1 for v in ids.values())
    munitions = [a for a in by_seed["001"] if a.signature == "PRK>RUS:munitions" and a.rule_id == "ru-kp-transfer"]
    assert munitions and munitions[0].corroborations.count == 4  # 004, 002, 000, 001


def test_analysing_the_same_input_twice_mints_nothing(run, enriched):
    engine, _ = run
    before = dict(engine.state.mapping)
    for prefix in ORDER:
        assert engine.process(enriched[prefix]) == []
    assert dict(engine.state.mapping) == before
