"""A child process that ends when the process it works for ends, even after that one's ``kill -9``.

A ``ProcessPoolExecutor`` on a forkserver context leaves three processes behind a killed worker: the
pool processes block for ever on a call queue whose write end they hold themselves, the forkserver
waits for EOF on an "alive" pipe that those pool processes keep open, and the resource tracker waits
for EOF on a pipe they keep open too. Under a supervisor that restarts workers they pile up. Ending
the pool processes when their owner goes closes those pipes, so the forkserver and the resource
tracker exit on their own as well.

``PR_SET_PDEATHSIG`` alone does not do it: a pool process's parent is the forkserver, not the worker.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import select
import signal
import sys
import threading

log = logging.getLogger(__name__)
PR_SET_PDEATHSIG = 1


def die_with_parent(sig: int = signal.SIGKILL) -> None:
    """Linux: the kernel sends ``sig`` to this process when its parent (thread) exits; no-op elsewhere."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0)


def _wait_for_exit(pid: int, poll_seconds: float) -> None:
    """Block until ``pid`` has exited: a pidfd becomes readable then (no pid-reuse race), else poll."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return
    except (OSError, AttributeError):
        fd = None
    if fd is not None:
        try:
            select.select([fd], [], [])
        finally:
            os.close(fd)
        return
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        except PermissionError:
            pass
        threading.Event().wait(poll_seconds)


def watch_owner(owner_pid: int, poll_seconds: float = 1.0) -> threading.Thread | None:
    """Exit this process at once (no cleanup: the owner is gone) when ``owner_pid`` ends.

    Returns the daemon thread that waits, or None when this process is the owner itself.
    """
    if owner_pid == os.getpid():
        return None

    def run() -> None:
        _wait_for_exit(owner_pid, poll_seconds)
        os._exit(0)

    thread = threading.Thread(target=run, name=f"lifeline-{owner_pid}", daemon=True)
    thread.start()
    return thread
