"""Deliver alerts to Alertmanager's API v2 (``POST /api/v2/alerts``), retrying while it is down.

Every configured URL is one Alertmanager instance. Instances of an HA cluster share silences and the
notification log, not alerts, so each alert goes to every instance. An alert is delivered when every
instance accepted it; an instance that keeps failing longer than the retry budget (counted from its first
failure since it last accepted something, so a long outage does not cost each alert the whole budget again)
is then left out. An alert that *no* instance accepted by then is ``unavailable``; one that an instance
refuses as invalid (HTTP 4xx) is ``rejected`` at once, since sending it again cannot help. The caller
dead-letters both and acks the input only after ``deliver`` returned (at-least-once).
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import aiohttp
import orjson

from streams import metrics

log = logging.getLogger(__name__)
API_PATH = "/api/v2/alerts"
STOP_CHECK = 0.2  # seconds between looks at ``stop()`` while waiting to retry
Outcome = Literal["sent", "rejected", "unavailable", "abandoned"]
RetryReason = Literal["unreachable", "server_error"]


@dataclass(frozen=True)
class Attempt:
    """One request to one instance."""

    url: str
    accepted: bool = False
    rejected: bool = False
    reason: RetryReason | None = None  # why a retryable attempt failed
    detail: str = ""


@dataclass
class Delivery:
    outcome: Outcome
    accepted_by: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # url -> last error, for the dead letter

    def describe(self) -> str:
        failed = "; ".join(f"{url}: {error}" for url, error in self.errors.items())
        return f"{self.outcome}: {failed}" if failed else self.outcome


def classify(url: str, status: int, text: str) -> Attempt:
    """2xx accepted; 408/429/5xx retried (overloaded, restarting); any other 4xx is the payload's fault."""
    if 200 <= status < 300:
        return Attempt(url, accepted=True)
    detail = f"HTTP {status}: {text.strip()[:300]}"
    if status in (408, 429) or status >= 500:
        return Attempt(url, reason="server_error", detail=detail)
    return Attempt(url, rejected=True, detail=detail)


class AlertmanagerClient:
    """Posts alert bodies (``streams.alerting.alertmanager.postable_alert``) to every instance."""

    def __init__(self, urls: list[str], *, timeout: float = 10.0, retry_for: float = 600.0,
                 first_delay: float = 0.5, max_delay: float = 5.0,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep):
        if not urls:
            raise ValueError("no Alertmanager URL (NEWSMON_ALERTMANAGER_URL)")
        self.urls = [u.rstrip("/") for u in urls]
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.retry_for = retry_for
        self.first_delay, self.max_delay = first_delay, max_delay
        self.clock, self.sleep = clock, sleep
        self._failing_since: dict[str, float] = {}  # url -> first failure since it last accepted an alert
        self._session: aiohttp.ClientSession | None = None

    @property
    def failing(self) -> bool:
        return bool(self._failing_since)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
        return self._session

    async def post(self, url: str, body: bytes) -> Attempt:
        try:
            async with self._client().post(url + API_PATH, data=body,
                                           headers={"Content-Type": "application/json"}) as resp:
                return classify(url, resp.status, await resp.text())
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            return Attempt(url, reason="unreachable", detail=f"{type(exc).__name__}: {exc}"[:300])

    def _note(self, attempt: Attempt, now: float) -> None:
        if attempt.accepted:
            if self._failing_since.pop(attempt.url, None) is not None:
                log.info("Alertmanager %s accepts alerts again", attempt.url)
        elif attempt.reason is not None:
            if attempt.url not in self._failing_since:
                log.warning("Alertmanager %s failed (%s); retrying", attempt.url, attempt.detail)
            self._failing_since.setdefault(attempt.url, now)
        metrics.ALERTMANAGER_FAILING.set(1 if self._failing_since else 0)

    async def deliver(self, alerts: list[dict[str, Any]], stop: Callable[[], bool] = lambda: False) -> Delivery:
        """Until every instance accepted ``alerts``, one refused them, or the remaining ones are over budget.

        ``stop()`` true between attempts (the worker stops, or a rebalance waits for the agents) gives up at once
        with ``abandoned``: the caller leaves the input unacked, so it is read again, instead of holding up the
        rebalance or the shutdown for the length of an outage."""
        body = orjson.dumps(alerts)
        pending, accepted, errors = list(self.urls), [], {}
        delay = self.first_delay
        while True:
            attempts = await asyncio.gather(*(self.post(url, body) for url in pending))
            now = self.clock()
            for attempt in attempts:
                self._note(attempt, now)
                if attempt.accepted:
                    accepted.append(attempt.url)
                    errors.pop(attempt.url, None)
                else:
                    errors[attempt.url] = attempt.detail
            if any(a.rejected for a in attempts):
                return Delivery("rejected", accepted, errors)
            pending = [a.url for a in attempts if not a.accepted]
            if not pending:
                return Delivery("sent", accepted, {})
            if all(now - self._failing_since[url] >= self.retry_for for url in pending):
                if accepted:  # delivered; the instances left out are counted as failing until they accept again
                    log.error("Alertmanager %s left out after %.0fs of failures", ", ".join(pending), self.retry_for)
                    return Delivery("sent", accepted, errors)
                return Delivery("unavailable", accepted, errors)
            for attempt in attempts:
                if attempt.reason is not None:
                    metrics.ALERTMANAGER_RETRIES.labels(attempt.reason).inc()
            wake = self.clock() + delay * random.uniform(0.8, 1.2)
            while not stop() and self.clock() < wake:
                await self.sleep(min(STOP_CHECK, max(0.0, wake - self.clock())))
            if stop():
                return Delivery("abandoned", accepted, errors)
            delay = min(delay * 2, self.max_delay)
