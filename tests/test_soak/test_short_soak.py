"""A short soak against real workers: two faults, then proof from the topics that nothing was lost."""

import pytest

from streams.soak.runner import SoakOptions, run_soak

pytestmark = pytest.mark.broker


async def test_two_fault_rounds_lose_nothing(broker):
    result = await run_soak(SoakOptions(rounds=2, seed=2, rate=10.0, workers=2, dwell=1.0, broker=broker.bootstrap,
                                        recover_timeout=120.0, drain_timeout=120.0))
    verdict = result["verdict"]
    assert result["rounds"] == 2 and verdict["articles"] > 100 and verdict["poison"] > 0
    assert verdict["lost"] == [], result.get("logs")
    assert not verdict["orphans"], verdict["orphans"]
    assert not verdict["poison_wrong_reason"] and not verdict["lag"], verdict
    failed = {k: verdict[k] for k in ("new_twice", "alerts_missing", "valid_dead_lettered") if verdict[k]}
    assert result["ok"], (failed, result["not_recovered"], result["worker_crashes"], result.get("logs"))
