"""The bench plumbing: distinct deterministic texts, targets, the JSON keys of a tiny run (no timing asserts)."""

from __future__ import annotations

import argparse
import json

import pytest

from streams.bench.corpus import corpus, load_seeds
from streams.bench.report import render_table, targets
from streams.bench.runner import percentile
from streams.bench.workers import descendants

KEYS = {"tokenizer_articles_per_s", "nlp_articles_per_s", "kafka_passthrough_per_s", "e2e_articles_per_s",
        "latency_p50_ms", "latency_p99_ms", "worker_rss_mb", "e2e_over_nlp", "nlp_over_tokenizer", "scale_out",
        "machine"}


def parse(*argv: str) -> argparse.Namespace:
    from streams.cli import bench

    parser = argparse.ArgumentParser()
    bench.add_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["bench", *argv])


def test_corpus_is_distinct_and_deterministic() -> None:
    first, again, other = corpus(60), corpus(60), corpus(60, seed=1)
    assert len({a.text for a in first}) == 60
    assert len({a.id for a in first}) == 60
    assert [a.text for a in first] == [a.text for a in again]
    assert [a.text for a in first] != [a.text for a in other]
    seeds = load_seeds()
    assert not {a.text for a in first} & {s.text for s in seeds}


def test_variants_keep_title_first_and_size() -> None:
    seeds = load_seeds()
    for seed, article in zip(seeds, corpus(len(seeds)), strict=True):
        assert article.text.splitlines()[0] == seed.text.splitlines()[0]
        assert 0.9 < len(article.text) / len(seed.text) < 1.2


def test_targets_and_percentile() -> None:
    result = {"e2e_over_nlp": 0.9, "nlp_over_tokenizer": 0.2, "latency_p99_ms": None, "worker_rss_mb": 300.0}
    t = targets(result)
    assert t["e2e_over_nlp"]["met"] is True
    assert t["nlp_over_tokenizer"]["met"] is False
    assert t["latency_p99_ms"]["met"] is None
    assert "scale_out" not in t
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 0.5) == 3.0
    assert percentile(list(map(float, range(1, 101))), 0.99) == 99.0
    assert percentile([], 0.5) is None


def test_descendants_include_self() -> None:
    import os

    assert os.getpid() in descendants(os.getpid())


def test_nlp_only_run(capsys: pytest.CaptureFixture[str]) -> None:
    args = parse("--nlp", "--articles", "20", "--json")
    assert args.run(args) == 0
    result = json.loads(capsys.readouterr().out)
    assert {"tokenizer_articles_per_s", "nlp_articles_per_s", "nlp_over_tokenizer", "machine"} <= set(result)
    assert result["details"]["nlp"]["articles"] == 20


@pytest.mark.broker
@pytest.mark.timeout(180)
def test_tiny_full_run(broker, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: ANN001
    args = parse("--articles", "20", "--workers", "1", "--latency-seconds", "1", "--rate", "10",
                 "--broker", broker.bootstrap, "--json")
    assert args.run(args) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) >= KEYS
    assert result["scale_out"] is None  # one worker only
    assert result["details"]["e2e1"]["complete"] is True
    assert result["details"]["latency"]["received"] == 10
    assert result["worker_rss_mb"] > 0
    assert set(result["targets"]) == {"e2e_over_nlp", "nlp_over_tokenizer", "latency_p99_ms", "worker_rss_mb",
                                      "scale_out"}
    assert "target" in render_table(result)
