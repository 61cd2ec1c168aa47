"""The memory plateau: with fresh words in every article, nothing in one pipeline process keeps growing.

The caches are made small here so that they fill within a short run; what is checked is that once
full they stop (and that spaCy's string store stops growing at all), not the production sizes.
"""

from __future__ import annotations

import pytest

from streams.bench.corpus import corpus, fresh_paragraph
from streams.bench.memory import run_memory, slope_per_10k

N = 600
SMALL = 500


@pytest.fixture
def small_caches(monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    from streams.alerting.duplicates import DuplicateIndex
    from streams.alerting.engine import AlertEngine
    from streams.nlp import analyzer, fingerprint
    from streams.nlp.bounded import BoundedCache
    from streams.nlp.components import actors, lemmatizer, topics
    from streams.processor import ArticleProcessor
    from streams.settings import Settings

    monkeypatch.setattr(analyzer, "WARM_ARTICLES", 20, raising=False)
    monkeypatch.setattr(lemmatizer, "CACHE_SIZE", SMALL, raising=False)
    monkeypatch.setattr(actors, "FACTS_CACHE_SIZE", SMALL, raising=False)
    monkeypatch.setattr(topics, "CACHE_SIZE", SMALL, raising=False)
    if isinstance(fingerprint._word_hashes, BoundedCache):
        monkeypatch.setattr(fingerprint, "_word_hashes", BoundedCache(SMALL))
    settings = Settings.from_env()
    return ArticleProcessor(analyzer.Analyzer(settings.spacy_model), DuplicateIndex(max_entries=SMALL),
                            AlertEngine.from_settings(settings))


def test_fresh_words_are_fresh() -> None:
    a, b = fresh_paragraph(1).split(), fresh_paragraph(2).split()
    assert set(a) - set(b) and len(set(a) - set(b)) >= 10
    assert fresh_paragraph(1) == fresh_paragraph(1)
    texts = [x.text for x in corpus(40, fresh=True)]
    assert len(set(texts)) == 40


def test_slope() -> None:
    assert slope_per_10k([(0, 1.0), (100, 2.0), (200, 3.0)]) == 100.0
    assert slope_per_10k([(0, 5.0), (100, 5.0)]) == 0.0
    assert slope_per_10k([(0, 5.0)]) is None


@pytest.mark.timeout(120)
def test_plateau(small_caches) -> None:  # noqa: ANN001
    result = run_memory(N, every=N // 8, processor=small_caches)
    quarter, end = result["samples"][2], result["samples"][-1]  # after N/4 and after N articles
    assert quarter["articles"] == N // 4 and end["articles"] == N
    for key, value in end.items():
        if key.endswith(".strings") or key.endswith(".lexemes"):
            # every language has finished its warm-up articles by N/4; after that not one string stays
            assert value == quarter[key], (key, quarter[key], value)
        elif key.endswith("_cache"):
            limit = 2 * SMALL if not key.endswith("claim_word_cache") else 100_000  # lexicon.py: lru_cache
            assert value is None or value <= limit, (key, value)
    assert end["duplicate_index"] <= SMALL
    # RSS: with everything bounded and full, the last three quarters add (almost) nothing
    assert result["rss_mb_end"] - result["rss_mb_quarter"] < 4.0, result["growth_quarter_to_end"]
