"""Fault choice keeps the fleet within its bounds and is reproducible from the seed."""

import asyncio
import random
import time

from streams.soak.faults import Fault, Fleet, choose


def play(seed: int, rounds: int, workers: int = 2, lo: int = 1, hi: int = 3) -> list[list[Fault]]:
    rng, out = random.Random(seed), []
    for _ in range(rounds):
        kinds = choose(rng, workers, lo, hi)
        out.append(kinds)
        workers += sum({Fault.JOIN: 1, Fault.LEAVE: -1}.get(k, 0) for k in kinds)
        assert lo <= workers <= hi, kinds
    return out


def test_same_seed_same_faults_and_every_kind_occurs():
    assert play(7, 50) == play(7, 50)
    seen = {k for kinds in play(7, 200) for k in kinds} | {Fault.DOUBLE for kinds in play(7, 200) if len(kinds) > 1}
    assert seen == set(Fault)


def test_two_at_once_hit_two_workers_and_never_leave_none():
    for seed in range(30):
        for kinds in play(seed, 40):
            assert len(kinds) in (1, 2) and Fault.DOUBLE not in kinds


def test_a_single_worker_is_never_asked_to_leave():
    rng = random.Random(0)
    assert all(Fault.LEAVE not in choose(rng, 1) and Fault.DOUBLE not in choose(rng, 1) for _ in range(100))


def test_a_double_fault_can_be_staggered_and_each_worker_is_hit_once(monkeypatch):
    class Worker:
        def __init__(self, pid: int):
            self.pid = pid

    fleet = Fleet(lambda: None, session_timeout=0.0, rng=random.Random(1), stagger=0.3)
    fleet.workers = [Worker(1), Worker(2), Worker(3)]
    hits: list[tuple[int, float]] = []
    monkeypatch.setattr(fleet, "_apply", lambda kind, victim, injection: hits.append((victim.pid, time.monotonic())))
    injection = asyncio.run(fleet.inject([Fault.LEAVE, Fault.LEAVE]))
    assert sorted(pid for pid, _ in hits) == sorted(injection.victims) and len(set(injection.victims)) == 2
    assert hits[1][1] - hits[0][1] >= 0.25  # the second waited for the stagger
