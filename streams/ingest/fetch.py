"""Polite HTTP: a clear User-Agent, robots.txt, per-host concurrency and rate, timeouts, retries with backoff.

Every request of the ingest process goes through one ``PoliteFetcher``, so the limits hold across feeds
that share a host. Only transient failures (connection errors, timeouts, 429 and 5xx) are retried.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Literal
from urllib.robotparser import RobotFileParser

import aiohttp

from streams.ingest.urls import host_of

log = logging.getLogger(__name__)

FetchFailure = Literal["http_error", "too_large"]
ROBOTS_TTL = 3600.0
RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Politeness:
    user_agent: str
    timeout: float = 20.0
    retries: int = 2
    backoff: float = 1.0
    max_bytes: int = 5_000_000
    default_rate: float = 1.0
    default_concurrency: int = 2


@dataclass
class Page:
    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


class FetchError(Exception):
    def __init__(self, reason: FetchFailure, message: str, status: int | None = None):
        super().__init__(message)
        self.reason: FetchFailure = reason
        self.message = message
        self.status = status


class RobotsDisallowed(Exception):
    pass


class HostGate:
    """At most ``concurrency`` requests in flight and one start every ``1 / rate`` seconds per host.

    The next start is counted from when this one really started, not from when it was due: a start
    delayed by a busy event loop must not let the following one go early (no bursts to catch up).
    """

    def __init__(self, rate: float, concurrency: int):
        self.interval = 1.0 / rate
        self._slots = asyncio.Semaphore(concurrency)
        self._lock = asyncio.Lock()
        self._next_start = 0.0

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        async with self._slots:
            async with self._lock:
                wait = self._next_start - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                self._next_start = time.monotonic() + self.interval
            yield


@dataclass
class _Robots:
    parser: RobotFileParser | None  # None: allow everything (no robots.txt)
    disallow_all: bool
    fetched: float


@dataclass
class PoliteFetcher:
    politeness: Politeness
    session: aiohttp.ClientSession
    _gates: dict[str, HostGate] = field(default_factory=dict)
    _robots: dict[str, _Robots] = field(default_factory=dict)
    _robots_locks: dict[str, asyncio.Lock] = field(default_factory=dict)

    def limit_host(self, host: str, rate: float, concurrency: int) -> None:
        """The strictest limits configured for a host win (several sources may share it)."""
        current = self._gates.get(host)
        if current is None or 1.0 / rate > current.interval:
            self._gates[host] = HostGate(rate, concurrency)

    def _gate(self, host: str) -> HostGate:
        if host not in self._gates:
            self._gates[host] = HostGate(self.politeness.default_rate, self.politeness.default_concurrency)
        return self._gates[host]

    async def allowed(self, url: str) -> bool:
        host = host_of(url)
        async with self._robots_locks.setdefault(host, asyncio.Lock()):  # one robots.txt fetch per host at a time
            robots = self._robots.get(host)
            if robots is None or time.monotonic() - robots.fetched > ROBOTS_TTL:
                robots = await self._fetch_robots(url)
                self._robots[host] = robots
        if robots.disallow_all:
            return False
        return robots.parser is None or robots.parser.can_fetch(self.politeness.user_agent, url)

    async def _fetch_robots(self, url: str) -> _Robots:
        """RFC 9309: a missing robots.txt (4xx) allows everything, an unreachable one (5xx) nothing."""
        scheme, _, rest = url.partition("://")
        robots_url = f"{scheme}://{rest.split('/', 1)[0]}/robots.txt"
        try:
            page = await self._request(robots_url, {}, check_robots=False)
        except FetchError as exc:
            if exc.status is not None and 400 <= exc.status < 500:
                return _Robots(None, False, time.monotonic())
            log.warning("robots.txt of %s unreachable (%s): not fetching from that host for now", robots_url, exc)
            return _Robots(None, True, time.monotonic())
        parser = RobotFileParser(robots_url)
        parser.parse(page.body.decode("utf-8", errors="replace").splitlines())
        return _Robots(parser, False, time.monotonic())

    async def get(self, url: str, headers: dict[str, str] | None = None) -> Page:
        """GET with robots.txt, the host's limits and retries; 304 is returned, other 4xx/5xx raise."""
        return await self._request(url, headers or {}, check_robots=True)

    async def _request(self, url: str, headers: dict[str, str], *, check_robots: bool) -> Page:
        if check_robots and not await self.allowed(url):
            raise RobotsDisallowed(f"robots.txt disallows {url}")
        p = self.politeness
        last: FetchError | None = None
        for attempt in range(p.retries + 1):
            if attempt:
                await asyncio.sleep(p.backoff * 2 ** (attempt - 1))
            try:
                return await self._once(url, headers)
            except FetchError as exc:
                last = exc
                if exc.reason != "http_error" or (exc.status is not None and exc.status not in RETRIED_STATUSES):
                    raise
                log.info("GET %s failed (%s), attempt %d of %d", url, exc.message, attempt + 1, p.retries + 1)
        assert last is not None
        raise last

    async def _once(self, url: str, headers: dict[str, str]) -> Page:
        p = self.politeness
        start = time.monotonic()
        async with self._gate(host_of(url)).slot():
            try:
                async with self.session.get(
                    url, headers={"User-Agent": p.user_agent, **headers},
                    timeout=aiohttp.ClientTimeout(total=p.timeout), allow_redirects=True, max_redirects=5,
                ) as resp:
                    if resp.status >= 400:
                        raise FetchError("http_error", f"HTTP {resp.status} from {url}", resp.status)
                    length = resp.content_length
                    if length is not None and length > p.max_bytes:
                        raise FetchError("too_large", f"{length} bytes announced by {url}, over {p.max_bytes}")
                    body = await resp.content.read(p.max_bytes + 1)
                    if len(body) > p.max_bytes:
                        raise FetchError("too_large", f"{url} is over {p.max_bytes} bytes")
                    return Page(str(resp.url), resp.status, {k.lower(): v for k, v in resp.headers.items()},
                                body, time.monotonic() - start)
            except TimeoutError:
                raise FetchError("http_error", f"timed out after {p.timeout:g}s: {url}") from None
            except aiohttp.TooManyRedirects:
                raise FetchError("http_error", f"too many redirects: {url}", 310) from None
            except aiohttp.ClientError as exc:
                raise FetchError("http_error", f"{type(exc).__name__}: {exc} ({url})") from None
