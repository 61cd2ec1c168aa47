"""The memory plateau: with fresh words in every article, nothing in one pipeline process keeps growing.

The target (issue 16) is RSS after 50,000 articles within 10 % of RSS after 5,000. Two tests guard it fast:
``test_plateau`` makes every bound small so that all fill within a short run, and checks that once full
nothing grows at all (spaCy's string store included) -- so nothing unbounded is left; and
``test_bounds_fit_the_target`` measures every bound at its production size (bytes per entry through the
real code, times the cap) and checks that all of them full together stay under 10 % of the process's RSS
-- so filling them after the first 5,000 articles cannot break the target. With the caps before the fix
(20,000-word caches, a 100,000-word claim cache, a 50,000-entry duplicate index) that sum was ~150 MB.
"""

from __future__ import annotations

from functools import lru_cache

import pytest

from streams.bench.corpus import corpus, fresh_paragraph
from streams.bench.memory import bounds, rss_mb, run_memory, slope_per_10k

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
    nlp = analyzer.Analyzer(settings.spacy_model, preload=("de", "en", "fr"))
    for pipeline in nlp._nlps.values():  # lexicon.py: the claim word cache is an lru_cache made per pipeline
        lexicon = pipeline.get_pipe("newsmon_claims").lexicon
        monkeypatch.setattr(lexicon, "tag", lru_cache(maxsize=SMALL)(lexicon._tag))
    return ArticleProcessor(nlp, DuplicateIndex(max_entries=SMALL), AlertEngine.from_settings(settings))


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
            assert value is None or value <= 2 * SMALL, (key, value)
    assert end["duplicate_index"] <= SMALL
    # RSS: with everything bounded and full, the last three quarters add (almost) nothing
    assert result["rss_mb_end"] - result["rss_mb_quarter"] < 4.0, result["growth_quarter_to_end"]


@pytest.mark.timeout(120)
def test_bounds_fit_the_target() -> None:
    from streams.processor import ArticleProcessor
    from streams.settings import Settings

    processor = ArticleProcessor.in_memory(Settings.from_env())
    for article in corpus(60, tag="bounds", fresh=True):  # every language's pipeline built and used
        processor.process(article)
    measured = bounds(processor)
    assert {"de.lemma_cache", "fr.claim_word_cache", "simhash_word_cache", "duplicate_index"} <= set(measured)
    for name, row in measured.items():
        assert row["bytes_per_entry"] > 0, (name, row)  # each one measured, not skipped
    full = sum(row["mb_full"] for row in measured.values())
    assert full <= 0.10 * rss_mb(), (round(full, 1), round(rss_mb()), measured)
