"""Real ``newsmon worker`` subprocesses for the benchmark, and their memory (process tree via /proc)."""

from __future__ import annotations

import contextlib
import os
import re
import threading
from dataclasses import dataclass, field

from streams.worker_process import WorkerError, WorkerProcess

__all__ = ["BenchWorker", "MemorySampler", "WorkerError", "cpu_seconds", "pin"]
_CONSUMED = re.compile(r"^newsmon_articles_consumed_total\{[^}]*\}\s+([0-9.eE+]+)", re.M)


class BenchWorker(WorkerProcess):
    def consumed(self) -> float:
        try:
            return sum(float(v) for v in _CONSUMED.findall(self.metrics()))
        except OSError:
            return 0.0


# ---------------------------------------------------------------- CPU pinning and CPU time


def pin(root: int, cpus: set[int]) -> int:
    """Confine ``root`` and every descendant to ``cpus``; processes started later inherit it.
    Returns how many processes were pinned."""
    n = 0
    for pid in descendants(root):
        with contextlib.suppress(OSError):
            os.sched_setaffinity(pid, cpus)
            n += 1
    return n


def _cpu_ticks(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            stat = fh.read()
    except OSError:
        return 0
    fields = stat[stat.rindex(")") + 2:].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def cpu_seconds(root: int) -> dict[str, float]:
    """CPU seconds (user + system) so far of the worker's main process and of all its descendants
    (the NLP pool process(es); the forkserver and resource tracker are idle)."""
    tick = os.sysconf("SC_CLK_TCK")
    others = [p for p in descendants(root) if p != root]
    return {"main": _cpu_ticks(root) / tick, "nlp": sum(_cpu_ticks(p) for p in others) / tick}


# ---------------------------------------------------------------- memory of a process tree


def descendants(root: int) -> list[int]:
    """``root`` and all its descendants (the forkserver, its pool processes, the resource tracker)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, ()))
    return out


def _status_kb(pid: int) -> dict[str, int]:
    values = {}
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    key, value = line.split(":", 1)
                    values[key] = int(value.split()[0])
    except OSError:
        pass
    return values


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


@dataclass
class MemorySampler:
    """Samples the process trees of some workers every ``interval`` s; figures are MiB, summed per tree."""

    roots: list[int]
    interval: float = 0.25
    peak_rss_mb: float = 0.0  # max over samples of sum(VmRSS) of one tree
    peak_pss_mb: float = 0.0  # same with PSS (shared pages split between processes)
    hwm_kb: dict[int, dict[int, int]] = field(default_factory=dict)  # root -> pid -> VmHWM
    processes: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def sample(self) -> None:
        for root in self.roots:
            pids = descendants(root)
            self.processes = max(self.processes, len(pids))
            rss = pss = 0
            hwm = self.hwm_kb.setdefault(root, {})
            for pid in pids:
                status = _status_kb(pid)
                rss += status.get("VmRSS", 0)
                hwm[pid] = max(hwm.get(pid, 0), status.get("VmHWM", 0))
                pss += _pss_kb(pid)
            self.peak_rss_mb = max(self.peak_rss_mb, rss / 1024)
            self.peak_pss_mb = max(self.peak_pss_mb, pss / 1024)

    @property
    def hwm_mb(self) -> float:
        """Largest tree's sum of VmHWM (each process's own peak; they need not coincide in time)."""
        return max((sum(t.values()) / 1024 for t in self.hwm_kb.values()), default=0.0)

    def _loop(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(Exception):
                self.sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> MemorySampler:
        self._thread = threading.Thread(target=self._loop, name="bench-rss", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(5)
        with contextlib.suppress(Exception):
            self.sample()
