"""``newsmon bench --memory N``: does one process running the whole pipeline reach a plateau?

Feeds N articles, each with words no earlier article had (``corpus(fresh=True)``: names, numbers,
an organisation), through one in-process ``ArticleProcessor`` — the analyzer (what an NLP process
runs) plus the near-duplicate index and the alert engine (what the worker's main process keeps) —
and samples at intervals this process's RSS, the spaCy string stores and lexeme counts, and the size
of every bounded structure. The slope is a least-squares fit over the samples from N/4 on, per
10,000 articles. Faust's own tables (the novelty changelog) are not in it: they live in the worker.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any

from streams.bench.corpus import iter_corpus
from streams.heap_trim import trim_heap


def rss_mb() -> float:
    """This process's resident set (VmRSS), MiB."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _cache_len(obj: object, *names: str) -> int | None:
    for name in names:
        value = getattr(obj, name, None)
        if value is not None:
            return len(value)
    return None


def sizes(processor: Any) -> dict[str, int | None]:
    """Every structure that could grow with traffic, by name (per language for the NLP ones)."""
    from streams.nlp import fingerprint

    out: dict[str, int | None] = {}
    for lang, nlp in sorted(processor.analyzer._nlps.items()):
        out[f"{lang}.strings"] = len(nlp.vocab.strings)
        out[f"{lang}.lexemes"] = sum(1 for _ in nlp.vocab)  # len(vocab) counts additions, never removals
        names = dict(nlp.pipeline)
        if "newsmon_lemmatizer" in names:
            out[f"{lang}.lemma_cache"] = _cache_len(names["newsmon_lemmatizer"], "cache", "_cache")
        out[f"{lang}.actor_word_cache"] = _cache_len(names["newsmon_actors"], "_facts", "_seen")
        out[f"{lang}.topic_word_cache"] = _cache_len(names["newsmon_topics"], "_cache")
        lexicon = getattr(names["newsmon_claims"], "lexicon", None)
        tag = getattr(lexicon, "tag", None)
        if tag is not None and hasattr(tag, "cache_info"):
            out[f"{lang}.claim_word_cache"] = tag.cache_info().currsize
    out["simhash_word_cache"] = len(fingerprint._word_hashes)
    out["duplicate_index"] = len(processor.duplicates)
    out["novelty_entries"] = len(processor.engine.state)
    return out


def slope_per_10k(points: list[tuple[int, float]]) -> float | None:
    """Least-squares slope of value over articles, times 10,000."""
    if len(points) < 2:
        return None
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    if not sxx:
        return None
    return round(sum((x - mx) * (y - my) for x, y in points) / sxx * 10_000, 3)


def run_memory(n: int, seed: int = 0, every: int | None = None, mode: str = "realistic",
               processor: Any = None, say: Callable[[str], None] | None = None) -> dict:
    """Feed ``n`` fresh-vocabulary articles; samples at every ``every`` articles (default n/20)."""
    if processor is None:
        from streams.processor import ArticleProcessor
        from streams.settings import Settings

        processor = ArticleProcessor.in_memory(Settings.from_env())
    every = every or max(50, n // 20)
    checkpoints = set(range(every, n + 1, every)) | {n, max(1, n // 4), min(n, 5_000)}
    samples: list[dict] = []
    start = time.perf_counter()
    gc.collect()
    trim_heap()
    samples.append({"articles": 0, "rss_mb": round(rss_mb(), 1), "seconds": 0.0, **sizes(processor)})
    for i, article in enumerate(iter_corpus(n, seed=seed, tag="mem", mode=mode, fresh=True), 1):
        processor.process(article)
        if i in checkpoints:
            gc.collect()
            trim_heap()  # what the process holds, as a worker's NLP process trims each minute (streams/heap_trim.py)
            sample = {"articles": i, "rss_mb": round(rss_mb(), 1),
                      "seconds": round(time.perf_counter() - start, 1), **sizes(processor)}
            samples.append(sample)
            if say:
                say(f"memory: {i}/{n} articles, RSS {sample['rss_mb']} MB, "
                    f"strings {', '.join(f'{k} {v}' for k, v in sample.items() if k.endswith('.strings'))}")
    tail = [s for s in samples if s["articles"] >= n // 4 and s["articles"] > 0]
    at = {s["articles"]: s for s in samples}
    quarter, last = at[max(1, n // 4)], at[n]
    growth = {k: (last[k] - quarter.get(k, 0)) for k, v in last.items()
              if isinstance(v, int | float) and k not in ("articles", "seconds") and v is not None
              and quarter.get(k) is not None}
    result = {
        "articles": n, "mode": mode, "seed": seed, "every": every,
        "seconds": round(time.perf_counter() - start, 1),
        "rss_mb_start": samples[0]["rss_mb"], "rss_mb_quarter": quarter["rss_mb"], "rss_mb_end": last["rss_mb"],
        "rss_slope_mb_per_10k": slope_per_10k([(s["articles"], s["rss_mb"]) for s in tail]),
        "strings_slope_per_10k": {k: slope_per_10k([(s["articles"], s[k]) for s in tail])
                                  for k in last if k.endswith(".strings")},
        "growth_quarter_to_end": {k: round(v, 1) for k, v in growth.items()},
        "samples": samples,
    }
    if 5_000 in at and n > 5_000:
        result["rss_mb_at_5000"] = at[5_000]["rss_mb"]
        result["rss_end_over_5000"] = round(last["rss_mb"] / at[5_000]["rss_mb"], 3)
    result["bounds"] = bounds(processor)
    result["bounds_mb_full"] = round(sum(row["mb_full"] for row in result["bounds"].values()), 1)
    return result


def render_memory(result: dict) -> str:
    lines = [f"newsmon bench --memory {result['articles']} ({result['mode']} corpus, fresh words in every "
             f"article), {result['seconds']} s",
             f"RSS: start {result['rss_mb_start']} MB, after N/4 {result['rss_mb_quarter']} MB, end "
             f"{result['rss_mb_end']} MB; slope from N/4 on {result['rss_slope_mb_per_10k']} MB per 10,000 articles"]
    if "rss_mb_at_5000" in result:
        lines.append(f"RSS after 5,000: {result['rss_mb_at_5000']} MB; end / 5,000: {result['rss_end_over_5000']}")
    lines.append("strings slope per 10,000: " + ", ".join(
        f"{k} {v}" for k, v in result["strings_slope_per_10k"].items()))
    if "bounds" in result:
        lines.append(f"bounds, all full: {result['bounds_mb_full']} MB (entries x bytes per entry, measured): "
                     + ", ".join(f"{k} {v['entries']:,}x{v['bytes_per_entry']} B" for k, v in result["bounds"].items()))
    keys = [k for k in result["samples"][-1] if k not in ("seconds",)]
    lines.append("")
    lines.append("  ".join(f"{k:>12}" for k in keys))
    for s in result["samples"]:
        lines.append("  ".join(f"{'-' if s.get(k) is None else s.get(k):>12}" for k in keys))
    return "\n".join(lines)


def _traced(fn: Callable[[], object]) -> int:
    """Bytes still allocated after ``fn`` (and a collection): what it left in long-lived structures."""
    import tracemalloc

    before = tracemalloc.get_traced_memory()[0]
    fn()
    gc.collect()
    return tracemalloc.get_traced_memory()[0] - before


def _feed(nlp: Any, text: str, pipe: Any, lemmatizer: Any) -> None:
    """One component on a doc of fresh words, in a memory zone (so only what the component keeps remains)."""
    with nlp.memory_zone():
        doc = nlp.make_doc(text)
        if lemmatizer is not None and pipe is not lemmatizer:
            doc = lemmatizer(doc)  # topics read lemmas
        pipe(doc)


def bounds(processor: Any, sample: int = 1_000) -> dict[str, dict[str, float]]:
    """Every size bound at its production cap: entries, bytes per entry (measured by feeding ``sample`` fresh
    words through the real code under tracemalloc) and MB when full. A bound whose MB sum stays well under
    the process's RSS cannot make RSS drift by more than that sum, however long the run."""
    import random
    import tracemalloc
    from datetime import UTC, datetime, timedelta
    from functools import lru_cache, partial

    from streams.alerting.duplicates import DuplicateIndex
    from streams.bench.corpus import _word
    from streams.nlp import fingerprint
    from streams.nlp.bounded import BoundedCache

    def row(entries: int, grew: int, added: int) -> dict[str, float]:
        per = grew / max(1, added)
        return {"entries": entries, "bytes_per_entry": round(per), "mb_full": round(entries * per / 2**20, 2)}

    out: dict[str, dict[str, float]] = {}
    started = not tracemalloc.is_tracing()
    if started:
        tracemalloc.start()
    try:
        base = 7_000_000
        for n, (lang, nlp) in enumerate(sorted(processor.analyzer._nlps.items())):
            words = [_word(base + n * sample + k) for k in range(sample)]
            text = " ".join(w.capitalize() if k % 3 == 0 else w for k, w in enumerate(words))
            pipes = dict(nlp.pipeline)
            with nlp.memory_zone():  # the first zone of a pipeline allocates for good; not a cache's cost
                nlp.make_doc(text)
            for name, key, attr in (("newsmon_lemmatizer", "lemma_cache", "cache"),
                                    ("newsmon_actors", "actor_word_cache", "_facts"),
                                    ("newsmon_topics", "topic_word_cache", "_cache")):
                pipe = pipes.get(name)
                if pipe is None:
                    continue
                kept = getattr(pipe, attr)  # measured on an empty cache of the same size, then put back
                setattr(pipe, attr, BoundedCache(kept.size))
                try:
                    grew = _traced(partial(_feed, nlp, text, pipe, pipes.get("newsmon_lemmatizer")))
                    out[f"{lang}.{key}"] = row(2 * kept.size, grew, len(getattr(pipe, attr)))
                finally:
                    setattr(pipe, attr, kept)
            lexicon = pipes["newsmon_claims"].lexicon
            kept_tag = lexicon.tag
            lexicon.tag = tag = lru_cache(maxsize=kept_tag.cache_info().maxsize)(lexicon._tag)
            try:
                # new str keys, as token.lower_ makes them
                grew = _traced(lambda tag=tag, words=words: [tag(w.upper().lower()) for w in words])
                out[f"{lang}.claim_word_cache"] = row(tag.cache_info().maxsize, grew, tag.cache_info().currsize)
            finally:
                lexicon.tag = kept_tag
        kept = fingerprint._word_hashes
        fingerprint._word_hashes = BoundedCache(kept.size)
        try:
            words = [_word(base - 1 - k) for k in range(sample)]
            grew = _traced(partial(fingerprint.simhash, " ".join(words)))
            out["simhash_word_cache"] = row(2 * kept.size, grew, len(fingerprint._word_hashes))
        finally:
            fingerprint._word_hashes = kept
        index, rng, t = DuplicateIndex(), random.Random(0), datetime(2026, 1, 1, tzinfo=UTC)
        grew = _traced(lambda: [index.check_and_add(f"bounds-0-{k}", f"{rng.getrandbits(64):016x}",
                                                    t + timedelta(seconds=k)) for k in range(sample)])
        out["duplicate_index"] = row(processor.duplicates.max_entries, grew, len(index))
    finally:
        if started:
            tracemalloc.stop()
    return out
