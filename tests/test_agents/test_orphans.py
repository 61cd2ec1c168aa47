"""kill -9 of a worker alone (not its process group): its NLP pool, forkserver and resource tracker exit too."""

import pytest

from streams.soak.processes import descendants, wait_gone

pytestmark = pytest.mark.broker


def test_kill_9_of_a_worker_leaves_no_process_behind(start_worker):
    worker = start_worker()
    below = descendants(worker.pid)
    assert len(below) >= 3, f"expected forkserver, pool process and resource tracker below the worker: {below}"
    worker.kill_main()
    assert not worker.running
    left = wait_gone(below, timeout=10)
    assert not left, f"still running 10 s after kill -9 of worker {worker.pid}: {left}"
