"""Real ``newsmon worker`` subprocesses for the benchmark, and their memory (process tree via /proc)."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from streams.kafka.broker import free_port

ROOT = Path(__file__).resolve().parents[2]
_CONSUMED = re.compile(r"^newsmon_articles_consumed_total\{[^}]*\}\s+([0-9.eE+]+)", re.M)


class WorkerError(RuntimeError):
    pass


class BenchWorker:
    """``python -m streams.cli worker`` in its own session (so the NLP pool dies with it)."""

    def __init__(self, env: dict[str, str], log_path: Path):
        self.web_port = free_port()
        self.log_path = log_path
        self.env = {**os.environ, **env, "NEWSMON_WEB_PORT": str(self.web_port), "NEWSMON_WEB_BIND": "127.0.0.1"}
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def launch(self) -> BenchWorker:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "streams.cli", "worker"], env=self.env,
                                            stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)
        return self

    def wait_ready(self, timeout: float = 90.0) -> None:
        """Until /metrics answers (topics exist, NLP pool warmed up, Faust web server started)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            try:
                self.metrics()
                return
            except OSError:
                time.sleep(0.2)
        raise WorkerError(f"worker did not serve /metrics within {timeout:.0f}s; log tail:\n{self.log_tail()}")

    def check_alive(self) -> None:
        if self.process is None or self.process.poll() is not None:
            code = None if self.process is None else self.process.returncode
            raise WorkerError(f"worker exited (code {code}); log tail:\n{self.log_tail()}")

    def metrics(self) -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.web_port}/metrics", timeout=2) as resp:
            return resp.read().decode()

    def consumed(self) -> float:
        try:
            return sum(float(v) for v in _CONSUMED.findall(self.metrics()))
        except OSError:
            return 0.0

    def log_tail(self, chars: int = 4000) -> str:
        with contextlib.suppress(OSError):
            return self.log_path.read_text(errors="replace")[-chars:]
        return ""

    def stop(self, timeout: float = 20.0) -> None:
        proc = self.process
        if proc is None:
            return
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)  # the pool and the forkserver share the session
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(5)


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
