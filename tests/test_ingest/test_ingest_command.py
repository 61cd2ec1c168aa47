"""`newsmon ingest` as a process: a local feed → articles.raw → a real worker → an alert; its /metrics."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time

import aiohttp
import orjson
import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from schemas import Alert, EnrichedArticle
from streams.kafka.broker import free_port
from streams.kafka.consume import read_topic
from streams.worker_process import local_env
from tests.test_deploy.promql import load_contract
from tests.test_ingest.loopback_site.server import RunningSite, Site

pytestmark = pytest.mark.broker


def check_against_contract(text: str) -> list[str]:
    """The ingest process's /metrics against `ingest_metrics` of metric_contract.yml: names, types, labels,
    buckets, pre-created closed label sets, and no undeclared newsmon_* family."""
    contract = load_contract()["ingest_metrics"]
    families = {f.name: f for f in text_string_to_metric_families(text)}
    failures, declared = [], set()
    for m in contract:
        name = m["name"].removesuffix("_total") if m["type"] == "counter" else m["name"]
        declared.add(name)
        family = families.get(name)
        if family is None or family.type != m["type"] or not family.samples:
            failures.append(f"{m['name']}: missing, empty or not a {m['type']}")
            continue
        for sample in family.samples:
            if set(sample.labels) - {"le"} != set(m["labels"]):
                failures.append(f"{m['name']}: labels {sorted(sample.labels)}, contract {m['labels']}")
        for label, values in m.get("label_values", {}).items():
            seen = {s.labels[label] for s in family.samples}
            if seen != set(values):
                failures.append(f"{m['name']}: {label} values {sorted(seen)}, contract {values}")
        if "buckets" in m:
            les = {float(s.labels["le"]) for s in family.samples if s.name.endswith("_bucket")}
            if les != {float(b) for b in m["buckets"]} | {float("inf")}:
                failures.append(f"{m['name']}: buckets {sorted(les)}, contract {m['buckets']}")
    failures += [f"{n}: exposed, not in ingest_metrics" for n in families
                 if n.startswith("newsmon_") and n not in declared]
    return failures


def value(text: str, family: str, **labels: str) -> float:
    return sum(s.value for f in text_string_to_metric_families(text) if f.name == family for s in f.samples
               if s.name.endswith("_total") and all(s.labels.get(k) == v for k, v in labels.items()))


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as resp:
        return resp.status, await resp.text()


async def test_ingest_feeds_a_worker_that_raises_an_alert_and_serves_metrics(topics, start_worker, tmp_path):
    start_worker()
    site = Site(world=["/news/shells-by-rail", "/news/summit-without-deal", "/news/empty"])
    async with RunningSite(site) as base:
        sources = tmp_path / "sources.yaml"
        sources.write_text(yaml.safe_dump({"version": 1, "sources": [
            {"name": "loopback", "url": f"{base}/feeds/world.xml", "language": "en", "poll_interval": 1,
             "host_rate": 20}]}))
        port = free_port()
        env = {**os.environ, **local_env(topics), "NEWSMON_INGEST_WEB_PORT": str(port), "NEWSMON_WEB_BIND": "127.0.0.1"}
        log = (tmp_path / "ingest.log").open("wb")
        proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "streams.cli", "ingest", str(sources),
                                                    stdout=log, stderr=asyncio.subprocess.STDOUT, env=env)
        try:
            assert await read_topic(topics.broker, topics.topics.alerts, expect=1, timeout=120), \
                (tmp_path / "ingest.log").read_text()[-3000:]
            alerts = [Alert.model_validate(orjson.loads(r.value))
                      for r in await read_topic(topics.broker, topics.topics.alerts, idle=3, timeout=60)]
            (alert,) = [a for a in alerts if a.rule_id == "ru-kp-transfer"]
            assert (alert.novelty, alert.signature) == ("new", "PRK>RUS:munitions")
            enriched = [EnrichedArticle.model_validate(orjson.loads(r.value))
                        for r in await read_topic(topics.broker, topics.topics.enriched, expect=2, timeout=60)]
            assert sorted(a.url for a in enriched) == [f"{base}/news/shells-by-rail",
                                                       f"{base}/news/summit-without-deal"]
            assert alert.article_id == next(a.article_id for a in enriched if a.url.endswith("shells-by-rail"))

            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:  # polls every second: wait for a 304
                status, text = await get(f"http://127.0.0.1:{port}/metrics")
                if value(text, "newsmon_ingest_feed_polls", outcome="not_modified") >= 1:
                    break
                await asyncio.sleep(0.5)
            assert status == 200
            assert check_against_contract(text) == []
            assert value(text, "newsmon_ingest_articles_produced", source="loopback") == 2
            assert value(text, "newsmon_ingest_articles_new", source="loopback") == 3
            assert value(text, "newsmon_ingest_fetch_errors", reason="no_text") == 1
            assert value(text, "newsmon_ingest_feed_polls", source="loopback", outcome="ok") == 1
            assert value(text, "newsmon_ingest_feed_polls", outcome="not_modified") >= 1
            assert (await get(f"http://127.0.0.1:{port}/"))[0] == 200
        finally:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(proc.wait(), 30)
            log.close()
        assert code == 0, (tmp_path / "ingest.log").read_text()[-3000:]
