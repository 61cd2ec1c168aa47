"""The Alertmanager client against a real Alertmanager: accepted, refused, down then up, over budget."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import pytest
from prometheus_client import REGISTRY

from streams.alerting.alertmanager import postable_alert
from streams.alerting.engine import AlertEngine
from streams.alerting.novelty import NoveltyState
from streams.alerting.rules import load_rules
from streams.kafka.broker import free_port
from streams.sinks.alertmanager import AlertmanagerClient, classify
from tests.fixtures.alertmanager import AlertmanagerProcess, WebhookReceiver, alertmanager_config
from tests.test_streams.test_alerting.factories import article, claim


@pytest.fixture
def hook():
    with WebhookReceiver() as receiver:
        yield receiver


@pytest.fixture
def am(tmp_path, hook):
    with AlertmanagerProcess(tmp_path / "am", alertmanager_config(hook.url)) as running:
        yield running


def _body() -> list[dict]:
    alert = next(a for a in AlertEngine(load_rules(), NoveltyState()).process(article("s1", [claim()]))
                 if a.rule_id == "ru-kp-transfer")
    return [postable_alert(alert, datetime.now(UTC), timedelta(hours=1))]


def _retries(reason: str) -> float:
    return REGISTRY.get_sample_value("newsmon_alertmanager_retries_total", {"reason": reason}) or 0.0


def _failing() -> float | None:
    return REGISTRY.get_sample_value("newsmon_alertmanager_failing")


def test_status_codes_are_accepted_retried_or_rejected():
    assert classify("u", 200, "").accepted
    assert classify("u", 503, "busy").reason == "server_error"
    assert classify("u", 429, "").reason == "server_error"
    assert classify("u", 400, "bad labels").rejected


async def test_an_accepted_alert_is_active_in_alertmanager_with_its_labels(am):
    client = AlertmanagerClient([am.url], retry_for=5)
    body = _body()
    try:
        delivery = await client.deliver(body)
    finally:
        await client.close()
    assert delivery.outcome == "sent" and delivery.accepted_by == [am.url]
    (active,) = await asyncio.to_thread(am.alerts)
    assert active["labels"] == body[0]["labels"]
    assert active["annotations"]["evidence"] == body[0]["annotations"]["evidence"]
    assert active["status"]["state"] == "active"


async def test_an_alert_alertmanager_refuses_is_rejected_without_retries(am):
    client = AlertmanagerClient([am.url], retry_for=30)
    before = _retries("server_error") + _retries("unreachable")
    try:
        delivery = await client.deliver([{"labels": {}, "annotations": {}}])  # no label: Alertmanager says 400
    finally:
        await client.close()
    assert delivery.outcome == "rejected"
    assert "HTTP 400" in delivery.errors[am.url]
    assert _retries("server_error") + _retries("unreachable") == before


async def test_retries_while_alertmanager_is_down_and_delivers_when_it_starts(tmp_path, hook):
    port = free_port()
    am = AlertmanagerProcess(tmp_path / "am", alertmanager_config(hook.url), port=port)
    client = AlertmanagerClient([am.url], retry_for=120, max_delay=1.0)
    before = _retries("unreachable")
    try:
        sending = asyncio.create_task(client.deliver(_body()))
        await asyncio.sleep(2.5)
        assert not sending.done()
        assert _retries("unreachable") > before and _failing() == 1
        await asyncio.to_thread(am.start)
        delivery = await asyncio.wait_for(sending, 30)
        assert delivery.outcome == "sent"
        assert len(await asyncio.to_thread(am.alerts)) == 1
        assert _failing() == 0
    finally:
        await client.close()
        am.stop()


async def test_no_instance_accepting_within_the_budget_is_unavailable_and_the_outage_counts_once():
    url = f"http://127.0.0.1:{free_port()}"
    client = AlertmanagerClient([url], retry_for=1.0, max_delay=0.2)
    try:
        start = time.monotonic()
        first = await client.deliver(_body())
        assert first.outcome == "unavailable" and url in first.errors
        assert time.monotonic() - start >= 1.0
        retried = _retries("unreachable")
        second = await client.deliver(_body())  # the outage already used the budget: one attempt, no retry
        assert second.outcome == "unavailable"
        assert _retries("unreachable") == retried
        assert _failing() == 1
    finally:
        await client.close()


async def test_an_instance_down_past_the_budget_is_left_out_when_another_accepted(am):
    down = f"http://127.0.0.1:{free_port()}"
    client = AlertmanagerClient([am.url, down], retry_for=0.5, max_delay=0.2)
    try:
        delivery = await client.deliver(_body())
    finally:
        await client.close()
    assert delivery.outcome == "sent"
    assert delivery.accepted_by == [am.url]
    assert down in delivery.errors


async def test_a_stopping_worker_abandons_the_retries_at_once():
    url = f"http://127.0.0.1:{free_port()}"
    client = AlertmanagerClient([url], retry_for=300, first_delay=5.0)
    stopping = False
    try:
        sending = asyncio.create_task(client.deliver(_body(), stop=lambda: stopping))
        await asyncio.sleep(1.0)  # first attempt failed, waiting 5 s to retry
        assert not sending.done()
        stopping = True
        delivery = await asyncio.wait_for(sending, 3.0)  # well before the 5 s retry
    finally:
        await client.close()
    assert delivery.outcome == "abandoned" and url in delivery.errors
