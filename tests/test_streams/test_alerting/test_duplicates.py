"""Near-duplicate stories: the LSH index, and near-copies not counted as independent sources."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from schemas import RawArticle
from streams.alerting import AlertEngine, DuplicateIndex, NoveltyState, load_rules, mark_duplicate
from streams.nlp.fingerprint import simhash

from .factories import T0, article, claim

SEEDS = Path(__file__).resolve().parents[3] / "seeds"


def fp(text: str) -> str:
    return f"{simhash(text):016x}"


@pytest.fixture(scope="module")
def story() -> str:
    return next(SEEDS.glob("002_*.txt")).read_text(encoding="utf-8")


def test_near_copy_points_to_the_original_and_never_to_itself(story: str):
    index = DuplicateIndex()
    assert index.check_and_add("orig", fp(story), T0) is None
    assert index.check_and_add("orig", fp(story), T0) is None  # same id: never itself
    copy = story.replace("Washington", "Die US-Regierung", 1) + "\nDieser Artikel wurde aktualisiert."
    assert index.check_and_add("copy", fp(copy), T0 + timedelta(hours=2)) == "orig"
    assert index.check_and_add("copy", fp(copy), T0 + timedelta(hours=2)) == "orig"  # replay: same answer
    assert index.check_and_add("copy2", fp(copy + " Nachtrag."), T0 + timedelta(hours=3)) == "orig"
    other = next(SEEDS.glob("000_*.txt")).read_text(encoding="utf-8")
    assert index.check_and_add("other", fp(other), T0) is None


def test_candidates_found_across_bands_are_confirmed_by_exact_distance():
    index = DuplicateIndex(max_distance=6)
    base = 0x0123456789ABCDEF
    index.check_and_add("base", f"{base:016x}", T0)
    spread = base ^ 0x0101010101010000  # 6 bits, one in each of six different bytes
    assert index.check_and_add("near", f"{spread:016x}", T0) == "base"
    far = base ^ 0x0101010101010101  # 8 bits from base (2 from "near", so a fresh index)
    fresh = DuplicateIndex(max_distance=6)
    fresh.check_and_add("base", f"{base:016x}", T0)
    assert fresh.check_and_add("far", f"{far:016x}", T0) is None


def test_index_is_windowed_and_bounded(story: str):
    index = DuplicateIndex(window=timedelta(days=7), max_entries=3)
    index.check_and_add("orig", fp(story), T0)
    assert index.check_and_add("late", fp(story), T0 + timedelta(days=8)) is None  # original left the window
    for i in range(5):
        index.check_and_add(f"x{i}", fp(f"völlig anderer Text {i} " * 10), T0 + timedelta(days=8))
    assert len(index) == 3
    assert index.expire(T0 + timedelta(days=30)) == 3 and len(index) == 0


@pytest.fixture(scope="module")
def analyzer():
    from streams.nlp.analyzer import Analyzer

    return Analyzer()


def test_near_copy_article_is_marked_and_not_independent(analyzer, story: str):
    """Real texts through the analyzer: a re-published copy is no second source; another outlet is."""
    index = DuplicateIndex()
    eng = AlertEngine(load_rules(), NoveltyState())
    when = T0.isoformat()
    first = mark_duplicate(analyzer.analyze(RawArticle(id="agency", text=story, published_at=when)), index)
    copy_text = story.replace("Washington", "Die US-Regierung", 1) + "\nLesen Sie auch: Kommentare"
    copy = mark_duplicate(analyzer.analyze(RawArticle(id="reprint", text=copy_text, published_at=when)), index)
    assert first.duplicate_of is None and copy.duplicate_of == "agency"
    assert first.claims, "extraction found no claim in seed 002"
    eng.process(first)
    reprinted = [a for a in eng.process(copy) if a.rule_id == "ru-kp-transfer"]
    assert reprinted and all(a.novelty == "repeat" for a in reprinted)
    assert all((a.corroborations.count, a.corroborations.independent_sources) == (2, 1) for a in reprinted)


def test_fingerprint_distance_decides_independence_without_the_index(story: str):
    text = story
    eng = AlertEngine(load_rules(), NoveltyState())
    eng.process(article("a1", [claim()], text=text))
    [copy] = [a for a in eng.process(article("a2", [claim()], text=text + " Ende.")) if a.rule_id == "ru-kp-transfer"]
    assert (copy.corroborations.count, copy.corroborations.independent_sources) == (2, 1)
    other = article("a3", [claim()], text=next(SEEDS.glob("000_*.txt")).read_text(encoding="utf-8"))
    [indep] = [a for a in eng.process(other) if a.rule_id == "ru-kp-transfer"]
    assert (indep.corroborations.count, indep.corroborations.independent_sources) == (3, 2)
    flagged = article("a4", [claim()], text=next(SEEDS.glob("001_*.txt")).read_text(encoding="utf-8"),
                      duplicate_of="a1")
    [dup] = [a for a in eng.process(flagged) if a.rule_id == "ru-kp-transfer"]
    assert (dup.corroborations.count, dup.corroborations.independent_sources) == (4, 2)
