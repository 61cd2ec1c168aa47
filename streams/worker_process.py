"""A ``newsmon worker`` subprocess, for the demo, the benchmark and the tests."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from streams.kafka.broker import free_port
from streams.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
# The embedded broker holds a group join for half the session timeout and keeps fetches open:
# short timeouts and fetch waits there; Kafka-friendly defaults stay for production.
LOCAL_BROKER_ENV = {
    "NEWSMON_SESSION_TIMEOUT": "6", "NEWSMON_HEARTBEAT_INTERVAL": "1", "NEWSMON_REBALANCE_TIMEOUT": "6",
    "NEWSMON_FETCH_MAX_WAIT": "0.05",
}


def local_env(settings: Settings, **extra: str) -> dict[str, str]:
    """Environment of a worker on the embedded broker, for these settings' broker, group and topics."""
    return {
        **LOCAL_BROKER_ENV,
        "NEWSMON_BROKER": settings.broker,
        "NEWSMON_APP_ID": settings.app_id,
        "NEWSMON_TOPIC_PREFIX": settings.topic_prefix,
        "NEWSMON_PARTITIONS": str(settings.partitions),
        "NEWSMON_DATA_DIR": str(settings.data_dir),
        **extra,
    }


class WorkerError(RuntimeError):
    pass


class WorkerProcess:
    """``python -m streams.cli worker`` in its own session, so its NLP pool dies with it."""

    def __init__(self, env: dict[str, str], log_path: Path, web_port: int | None = None):
        self.web_port = web_port or free_port()
        self.log_path = log_path
        self.env = {**os.environ, **env, "NEWSMON_WEB_PORT": str(self.web_port)}
        self.env.setdefault("NEWSMON_WEB_BIND", "127.0.0.1")
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def launch(self) -> WorkerProcess:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "streams.cli", "worker"], env=self.env,
                                            stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)
        return self

    def wait_ready(self, timeout: float = 90.0) -> WorkerProcess:
        """Until /metrics answers (topics exist, NLP pool warmed up, Faust web server started)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            try:
                self.metrics()
                return self
            except OSError:
                time.sleep(0.2)
        raise WorkerError(f"worker did not serve /metrics within {timeout:.0f}s; log tail:\n{self.log_tail()}")

    def start(self, timeout: float = 90.0) -> WorkerProcess:
        return self.launch().wait_ready(timeout)

    def check_alive(self) -> None:
        if self.process is None or self.process.poll() is not None:
            code = None if self.process is None else self.process.returncode
            raise WorkerError(f"worker exited (code {code}); log tail:\n{self.log_tail()}")

    def metrics(self) -> str:
        with urllib.request.urlopen(f"{self.url}/metrics", timeout=5) as resp:
            return resp.read().decode()

    def log_tail(self, chars: int = 6000) -> str:
        with contextlib.suppress(OSError):
            return self.log_path.read_text(errors="replace")[-chars:]
        return ""

    def kill(self) -> None:
        """kill -9 the worker and its NLP pool: no clean shutdown, no final commit."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(5)

    def kill_main(self) -> None:
        """kill -9 of the worker process alone, as the OOM killer or ``kill -9 PID`` does: its NLP pool,
        forkserver and resource tracker must then exit by themselves (streams/lifeline.py)."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(5)

    def pause(self) -> None:
        """SIGSTOP: no heartbeats, no fetches; the group evicts it after the session timeout."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def terminate(self, timeout: float = 60.0) -> int:
        """SIGTERM and wait: the in-flight batch finishes and offsets are committed. Returns the exit code."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise

    def stop(self, timeout: float = 30.0) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(subprocess.TimeoutExpired, ProcessLookupError):
                self.terminate(timeout)
        self.kill()  # the pool and the forkserver share the session
