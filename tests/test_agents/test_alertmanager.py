"""Alerts of a real worker reach a real Alertmanager: labels and evidence, one notification per group,
replays that add nothing, an outage that loses nothing, and the DLQ when no Alertmanager ever answers."""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path

import orjson
import pytest

from schemas import Alert, DeadLetter
from streams.kafka.broker import free_port
from streams.kafka.consume import read_topic
from streams.kafka.replay import replay
from streams.sources.files import read_articles
from tests.fixtures.alertmanager import AlertmanagerProcess, WebhookReceiver, alertmanager_config

pytestmark = pytest.mark.broker
CHRONOLOGICAL = ["003", "004", "002", "000", "001"]
EXPECTED_NEW = {"PRK>RUS:munitions": "004", "RUS>PRK:technology": "002", "PRK>RUS:personnel": "001"}


def _seed(seeds_dir: Path, name: str) -> Path:
    return next(seeds_dir.glob(f"{name}_*.txt"))


def _metric(text: str, name: str, labels: str = "") -> float:
    pattern = rf"^{re.escape(name)}{re.escape('{' + labels + '}') if labels else ''} (\S+)$"
    found = re.search(pattern, text, flags=re.M)
    return float(found.group(1)) if found else 0.0


async def _wait_metric(worker, name: str, at_least: float, labels: str = "", timeout: float = 60) -> float:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    value = 0.0
    while time.monotonic() < deadline:
        value = _metric(worker.metrics(), name, labels)
        if value >= at_least:
            return value
        await asyncio.sleep(0.25)
    raise AssertionError(f"{name}{{{labels}}} = {value}, expected >= {at_least}")


async def _replay_in_order(topics, seeds_dir: Path, names: list[str], enriched_before: int = 0) -> None:  # noqa: ANN001
    for i, name in enumerate(names, 1):  # one at a time: the worker sees them in chronological order
        assert (await replay([_seed(seeds_dir, name)], topics.broker, topics.topics.raw)).sent == 1
        await read_topic(topics.broker, topics.topics.enriched, expect=enriched_before + i, timeout=60)


async def _alert_records(topics) -> list[Alert]:  # noqa: ANN001
    records = await read_topic(topics.broker, topics.topics.alerts, idle=3, timeout=60)
    return [Alert.model_validate(orjson.loads(r.value)) for r in records]


def _latest(alerts: list[Alert]) -> dict[str, Alert]:
    """Latest state per alert id (the compacted topic's view): the one with the most corroborations."""
    latest: dict[str, Alert] = {}
    for alert in alerts:
        if alert.alert_id not in latest or alert.corroborations.count >= latest[alert.alert_id].corroborations.count:
            latest[alert.alert_id] = alert
    return latest


def _missing(latest: dict[str, Alert], active: list[dict]) -> dict[str, tuple[str, str | None]]:
    """Alert ids not in Alertmanager with their latest corroboration count: id -> (expected, shown)."""
    counts = {a["annotations"].get("alert_id"): a["annotations"].get("corroborations") for a in active}
    return {i: (str(a.corroborations.count), counts.get(i)) for i, a in latest.items()
            if counts.get(i) != str(a.corroborations.count)}


def _in_alertmanager(latest: dict[str, Alert]):  # noqa: ANN202
    """Every alert id is in Alertmanager with its latest corroboration count."""
    return lambda active: not _missing(latest, active)


async def test_seeds_become_alertmanager_alerts_with_evidence_notified_once_per_group(
        topics, start_worker, seeds_dir, tmp_path):
    with WebhookReceiver() as hook, AlertmanagerProcess(tmp_path / "am", alertmanager_config(hook.url)) as am:
        worker = start_worker(NEWSMON_ALERTMANAGER_URL=am.url)
        await _replay_in_order(topics, seeds_dir, CHRONOLOGICAL)
        alerts = await _alert_records(topics)
        latest = _latest(alerts)
        await _wait_metric(worker, "newsmon_alertmanager_alerts_sent_total", len(alerts))
        active = am.wait_for_alerts(_in_alertmanager(latest))

        # one Alertmanager alert per alert id, its labels the bounded identity, evidence in the annotations
        assert len(active) == len(latest)
        assert len({tuple(sorted(a["labels"].items())) for a in active}) == len(latest)
        by_id = {a["annotations"]["alert_id"]: a for a in active}
        titles = {next(read_articles([_seed(seeds_dir, n)])).article.article_id: n for n in CHRONOLOGICAL}
        transfers = {a.signature: a for a in latest.values() if a.rule_id == "ru-kp-transfer"}
        assert set(transfers) == set(EXPECTED_NEW)
        for signature, alert in transfers.items():
            shown = by_id[alert.alert_id]
            supplier, recipient = signature.split(":")[0].split(">")
            assert shown["labels"] == {
                "alertname": "NewsRuKpTransfer", "severity": "critical", "rule_id": "ru-kp-transfer",
                "signature": signature, "supplier": supplier, "recipient": recipient,
                "family": signature.split(":")[1], "novelty": "new", "source": "newsmon"}
            notes = shown["annotations"]
            assert notes["evidence"] == alert.evidence.sentence and notes["evidence"]
            assert notes["modality"] == alert.claim.modality
            assert notes["summary"] == alert.summary
            assert notes["article_title"] == alert.article_title and notes["article_title"]
            assert notes["corroborations"] == str(alert.corroborations.count)
            assert shown["startsAt"].startswith(alert.first_seen.strftime("%Y-%m-%d"))
            assert shown["status"]["state"] == "active"
        assert transfers["PRK>RUS:munitions"].corroborations.count >= 2  # 002 (and 000) repeated it: no new alert
        assert not any(titles.get(a.article_id) == "003" for a in alerts)

        # one notification per group (rule, signature) of the config, each with only that group's alerts
        groups = {(a.rule_id, a.signature) for a in latest.values()}
        deadline = time.monotonic() + 30
        while len(hook.notifications()) < len(groups) and time.monotonic() < deadline:
            await asyncio.sleep(0.25)
        await asyncio.sleep(3)  # nothing more may come
        notified = [(n["groupLabels"]["rule_id"], n["groupLabels"]["signature"]) for n in hook.notifications()]
        assert sorted(notified) == sorted(groups)
        for note in hook.notifications():
            assert {(a["labels"]["rule_id"], a["labels"]["signature"]) for a in note["alerts"]} == {
                (note["groupLabels"]["rule_id"], note["groupLabels"]["signature"])}

        # a second replay restates the alerts: forwarded again, no new Alertmanager alert, no new notification
        sent = _metric(worker.metrics(), "newsmon_alertmanager_alerts_sent_total")
        await _replay_in_order(topics, seeds_dir, CHRONOLOGICAL, enriched_before=5)
        await _wait_metric(worker, "newsmon_alertmanager_alerts_sent_total", sent + 1)
        again = await _alert_records(topics)
        await _wait_metric(worker, "newsmon_alertmanager_alerts_sent_total", len(again))
        await asyncio.sleep(3)
        assert len(am.alerts()) == len(latest)
        assert set(_latest(again)) == set(latest)
        assert sorted((n["groupLabels"]["rule_id"], n["groupLabels"]["signature"])
                      for n in hook.notifications()) == sorted(groups)
        assert _metric(worker.metrics(), "newsmon_alertmanager_alerts_failed_total", 'reason="unavailable"') == 0


async def test_alertmanager_down_while_alerts_arrive_loses_nothing_and_enrichment_goes_on(
        topics, start_worker, seeds_dir, tmp_path):
    port = free_port()
    with WebhookReceiver() as hook:
        am = AlertmanagerProcess(tmp_path / "am", alertmanager_config(hook.url), port=port).start()
        try:
            worker = start_worker(NEWSMON_ALERTMANAGER_URL=am.url, NEWSMON_ALERTMANAGER_RETRY_FOR="300")
            await _replay_in_order(topics, seeds_dir, ["003", "004"])
            before = await _alert_records(topics)
            await _wait_metric(worker, "newsmon_alertmanager_alerts_sent_total", len(before))
            am.wait_for_alerts(_in_alertmanager(_latest(before)))
            am.stop()

            await _replay_in_order(topics, seeds_dir, ["002", "000", "001"], enriched_before=2)  # enriched meanwhile
            during = await _alert_records(topics)
            assert len(during) > len(before)
            await _wait_metric(worker, "newsmon_alertmanager_retries_total", 1, 'reason="unreachable"')
            metrics = worker.metrics()
            assert _metric(metrics, "newsmon_alertmanager_failing") == 1
            assert _metric(metrics, "newsmon_alertmanager_alerts_sent_total") == len(before)

            am = AlertmanagerProcess(tmp_path / "am", alertmanager_config(hook.url), port=port).start()
            await _wait_metric(worker, "newsmon_alertmanager_alerts_sent_total", len(during), timeout=90)
            # Alertmanager keeps alerts in memory: the restarted one holds every alert updated during the outage
            seen_before = {a.model_dump_json() for a in before}
            updated = _latest([a for a in during if a.model_dump_json() not in seen_before])
            am.wait_for_alerts(_in_alertmanager(updated))
            metrics = worker.metrics()
            assert _metric(metrics, "newsmon_alertmanager_failing") == 0
            assert _metric(metrics, "newsmon_alertmanager_alerts_sent_total") == len(during)
            assert not await read_topic(topics.broker, topics.topics.dlq, idle=1, timeout=5)
        finally:
            am.stop()


async def test_an_alert_no_alertmanager_accepts_goes_to_the_dlq_with_the_reason(topics, start_worker, seeds_dir):
    nowhere = f"http://127.0.0.1:{free_port()}"
    worker = start_worker(NEWSMON_ALERTMANAGER_URL=nowhere, NEWSMON_ALERTMANAGER_RETRY_FOR="1")
    await _replay_in_order(topics, seeds_dir, ["004"])
    alerts = await _alert_records(topics)
    assert alerts
    letters = [DeadLetter.model_validate(orjson.loads(r.value))
               for r in await read_topic(topics.broker, topics.topics.dlq, expect=len(alerts), timeout=60)]
    assert len(letters) == len(alerts)
    assert {letter.error for letter in letters} == {"alertmanager_unavailable"}
    assert all(nowhere in letter.message and letter.topic == topics.topics.alerts for letter in letters)
    assert {Alert.model_validate_json(letter.payload).alert_id for letter in letters} == {a.alert_id for a in alerts}
    await _wait_metric(worker, "newsmon_alertmanager_alerts_failed_total", len(alerts), 'reason="unavailable"')
    assert _metric(worker.metrics(), "newsmon_dead_letters_total", 'reason="alertmanager_unavailable"') == len(alerts)


async def test_a_worker_stopped_while_alertmanager_is_down_commits_no_alert_it_did_not_deliver(
        topics, start_worker, seeds_dir, tmp_path):
    port = free_port()
    env = {"NEWSMON_ALERTMANAGER_URL": f"http://127.0.0.1:{port}", "NEWSMON_ALERTMANAGER_RETRY_FOR": "300"}
    first = start_worker(**env)
    await _replay_in_order(topics, seeds_dir, ["004"])
    latest = _latest(await _alert_records(topics))
    await _wait_metric(first, "newsmon_alertmanager_retries_total", 1, 'reason="unreachable"')
    started = time.monotonic()
    first.terminate(timeout=60)
    stopped_in = time.monotonic() - started
    with WebhookReceiver() as hook, AlertmanagerProcess(tmp_path / "am", alertmanager_config(hook.url),
                                                        port=port) as am:
        start_worker(**env)  # same group: the alerts not delivered are read again
        deadline = time.monotonic() + 90
        while _missing(latest, am.alerts()) and time.monotonic() < deadline:
            await asyncio.sleep(0.5)
        assert not _missing(latest, am.alerts())
    assert not await read_topic(topics.broker, topics.topics.dlq, idle=1, timeout=5)
    assert stopped_in < 30


async def test_a_rebalance_while_alertmanager_is_down_is_not_held_up_and_loses_nothing(
        topics, start_worker, seeds_dir, tmp_path):
    port = free_port()
    env = {"NEWSMON_ALERTMANAGER_URL": f"http://127.0.0.1:{port}", "NEWSMON_ALERTMANAGER_RETRY_FOR": "300"}
    first = start_worker(**env)
    await _replay_in_order(topics, seeds_dir, ["004"])
    await _wait_metric(first, "newsmon_alertmanager_retries_total", 1, 'reason="unreachable"')
    second = start_worker(**env)  # the group rebalances while the first worker waits for Alertmanager
    raw = f'topic="{topics.topics.raw}"'
    deadline = time.monotonic() + 90
    while not all(_metric(w.metrics(), "newsmon_assigned_partitions", raw) > 0 for w in (first, second)):
        assert time.monotonic() < deadline, "the rebalance did not complete while Alertmanager was down"
        await asyncio.sleep(0.5)
    assert "left unacked for the next owner" in first.log_tail(200_000)
    await _replay_in_order(topics, seeds_dir, ["002", "000", "001"], enriched_before=1)
    latest = _latest(await _alert_records(topics))
    with WebhookReceiver() as hook, AlertmanagerProcess(tmp_path / "am", alertmanager_config(hook.url),
                                                        port=port) as am:
        deadline = time.monotonic() + 90
        while _missing(latest, am.alerts()) and time.monotonic() < deadline:
            await asyncio.sleep(0.5)
        assert not _missing(latest, am.alerts())
    assert not await read_topic(topics.broker, topics.topics.dlq, idle=1, timeout=5)
