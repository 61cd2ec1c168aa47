"""Shared fixtures by concern: the local broker (session), per-test topic names, the seeds."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from streams.kafka.admin import ensure_topics, topic_specs
from streams.kafka.broker import EmbeddedBroker
from streams.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory):
    """One embedded broker for the whole session on a free loopback port."""
    log = tmp_path_factory.mktemp("broker") / "tansu.log"
    with EmbeddedBroker(log_path=log) as running:
        yield running


@pytest.fixture
def settings(broker: EmbeddedBroker, tmp_path: Path) -> Settings:
    """Settings with a unique topic prefix and group id per test, tuned for the local broker."""
    tag = uuid.uuid4().hex[:8]
    return Settings(
        broker=broker.bootstrap,
        app_id=f"newsmon-test-{tag}",
        topic_prefix=f"t{tag}.",
        partitions=4,
        web_bind="127.0.0.1",
        data_dir=tmp_path / "data",
        session_timeout=6.0,
        heartbeat_interval=1.0,
        rebalance_timeout=6.0,
    )


@pytest.fixture
async def topics(settings: Settings) -> Settings:
    """Create this test's topics explicitly (the local broker would auto-create with 4 partitions)."""
    await ensure_topics(settings.broker, topic_specs(settings))
    return settings


@pytest.fixture
def start_worker(topics: Settings, tmp_path: Path):
    """Start real worker processes for this test's topics and group; all are stopped at teardown."""
    from tests.fixtures.worker import worker_for

    started = []

    def start(**env: str):  # noqa: ANN202
        worker = worker_for(topics, tmp_path / f"worker-{len(started)}.log", **env).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
