"""The faults a soak injects, chosen at random with a seed, and the fleet of workers they hit."""

from __future__ import annotations

import asyncio
import enum
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from streams.soak.processes import descendants
from streams.worker_process import WorkerProcess


class Fault(enum.Enum):
    KILL9 = "kill9"  # kill -9 of one worker process (its pool must follow), then a restart
    SIGTERM = "sigterm"  # graceful stop, then a restart
    JOIN = "join"  # one more worker
    LEAVE = "leave"  # graceful stop, no restart
    PAUSE = "pause"  # SIGSTOP past the session timeout, then SIGCONT
    DOUBLE = "double"  # two of the above at once, on different workers


SINGLE = (Fault.KILL9, Fault.SIGTERM, Fault.JOIN, Fault.LEAVE, Fault.PAUSE)


def allowed(fault: Fault, workers: int, min_workers: int, max_workers: int) -> bool:
    """Keep the fleet between its bounds; a victim must exist."""
    if fault is Fault.JOIN:
        return workers < max_workers
    if fault is Fault.LEAVE:
        return workers > min_workers
    if fault is Fault.DOUBLE:
        return workers >= 2
    return workers >= 1


def choose(rng: random.Random, workers: int, min_workers: int = 1, max_workers: int = 3) -> list[Fault]:
    """One round's faults: one, or two at once (on different workers) for ``DOUBLE``."""
    kind = rng.choice([f for f in Fault if allowed(f, workers, min_workers, max_workers)])
    if kind is not Fault.DOUBLE:
        return [kind]
    first = rng.choice([f for f in SINGLE if f is not Fault.JOIN and allowed(f, workers, min_workers, max_workers)])
    after = workers - (first is Fault.LEAVE)
    second = rng.choice([f for f in SINGLE if allowed(f, after, min_workers, max_workers)
                         and not (f is Fault.LEAVE and first is Fault.LEAVE and after - 1 < min_workers)])
    return [first, second]


@dataclass
class Injection:
    """What one round did: the faults, to whom, when, and the processes that must not outlive a killed worker."""

    kinds: list[Fault]
    started: float
    victims: list[int] = field(default_factory=list)
    orphans_watch: list[int] = field(default_factory=list)


class Fleet:
    """The workers of a soak; faults act on them from a thread, so the event loop keeps producing."""

    def __init__(self, make_worker: Callable[[], WorkerProcess], session_timeout: float, rng: random.Random,
                 stagger: float = 0.0):
        self.make_worker = make_worker
        self.session_timeout = session_timeout
        self.rng = rng
        self.stagger = stagger  # seconds between the two faults of a double (both still hit one rebalance)
        self.workers: list[WorkerProcess] = []
        self.retired: list[WorkerProcess] = []
        self.crashes: list[str] = []  # workers that exited without being told to, and why

    def start_one(self) -> WorkerProcess:
        worker = self.make_worker().launch()
        self.workers.append(worker)
        worker.wait_ready()
        return worker

    def _take(self) -> WorkerProcess:
        worker = self.rng.choice(self.workers)
        self.workers.remove(worker)
        self.retired.append(worker)
        return worker

    async def inject(self, kinds: list[Fault]) -> Injection:
        """Apply the faults at once; victims are picked before any of them acts."""
        injection = Injection(kinds, time.monotonic())
        plans = []
        for kind in kinds:
            victim = None if kind is Fault.JOIN else (self._take() if kind is not Fault.PAUSE else
                                                      self.rng.choice(self.workers))
            if victim is not None:
                injection.victims.append(victim.pid)
            plans.append((kind, victim))
        await asyncio.gather(*(self._after(i * self.stagger, kind, victim, injection)
                               for i, (kind, victim) in enumerate(plans)))
        return injection

    async def _after(self, delay: float, kind: Fault, victim: WorkerProcess | None, injection: Injection) -> None:
        await asyncio.sleep(delay)
        await asyncio.to_thread(self._apply, kind, victim, injection)

    def _apply(self, kind: Fault, victim: WorkerProcess | None, injection: Injection) -> None:
        if kind is Fault.KILL9:
            assert victim is not None
            injection.orphans_watch.extend(descendants(victim.pid))
            victim.kill_main()
            self.start_one()
        elif kind in (Fault.SIGTERM, Fault.LEAVE):
            assert victim is not None
            victim.terminate(90)
            if kind is Fault.SIGTERM:
                self.start_one()
        elif kind is Fault.JOIN:
            self.start_one()
        elif kind is Fault.PAUSE:
            assert victim is not None
            victim.pause()
            time.sleep(self.session_timeout + 3)
            victim.resume()

    def stop(self) -> None:
        for worker in self.workers + self.retired:
            worker.stop()
