"""A trim hands back heap that freed objects left mapped; the trimmer runs at most once per interval."""

from __future__ import annotations

from streams.heap_trim import HeapTrimmer, trim_heap


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024


def test_a_trim_hands_back_what_scattered_survivors_kept_mapped() -> None:
    trim_heap()
    blocks = [bytes(4096) for _ in range(20_000)]  # ~80 MB from glibc's heap (too large for CPython's arenas)
    survivors = blocks[::100]  # one in a hundred pins the heap around the freed ones
    del blocks
    before = rss_mb()
    assert trim_heap()
    assert before - rss_mb() > 40
    assert len(survivors) == 200


def test_the_trimmer_waits_for_its_interval() -> None:
    trimmer = HeapTrimmer(interval=3600)
    assert trimmer.maybe() is False
    last = trimmer._last
    trimmer.interval = 0
    trimmer.maybe()  # trims now (whether anything was handed back depends on the heap)
    assert trimmer._last > last
