"""A broken NLP pool costs no valid article: rebuilt and retried, split down to an article that kills it."""

import asyncio
from concurrent.futures.process import BrokenProcessPool

from streams import nlp_pool
from streams.nlp_pool import NlpPool

_sleep = asyncio.sleep


class FakePool(NlpPool):
    def __init__(self, breaks_left: int = 0, killer: bytes | None = None):
        self.processes, self.rebuilds, self.executor = 1, 0, None
        self.breaks_left, self.killer = breaks_left, killer

    def _make(self):  # noqa: ANN202
        return None

    def _rebuild(self) -> None:
        self.rebuilds += 1

    async def _run(self, payloads):  # noqa: ANN001, ANN202
        if self.breaks_left > 0 or self.killer in payloads:
            self.breaks_left -= 1
            raise BrokenProcessPool("a process died")
        return [(True, p) for p in payloads]


def run(pool: NlpPool, payloads: list[bytes]):  # noqa: ANN201
    return asyncio.run(pool._analyze(payloads))


def test_a_transient_break_is_retried_and_nothing_fails(monkeypatch):
    monkeypatch.setattr(nlp_pool.asyncio, "sleep", lambda _s: _sleep(0))
    pool = FakePool(breaks_left=2)
    assert run(pool, [b"a", b"b", b"c"]) == [(True, b"a"), (True, b"b"), (True, b"c")]
    assert pool.rebuilds == 2


def test_only_the_article_that_kills_a_process_every_time_fails(monkeypatch):
    monkeypatch.setattr(nlp_pool.asyncio, "sleep", lambda _s: _sleep(0))
    pool = FakePool(killer=b"k")
    out = run(pool, [b"a", b"k", b"b", b"c", b"d"])
    assert [ok for ok, _ in out] == [True, False, True, True, True]
    assert "BrokenProcessPool" in out[1][1]
