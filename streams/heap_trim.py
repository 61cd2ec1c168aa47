"""Hand freed heap back to the operating system (glibc ``malloc_trim``).

CPython returns small-object arenas by itself, but larger buffers (message bytes, spaCy arrays, the
transient dicts of a pipeline build) come from glibc's heap, which keeps freed pages mapped: a worker's
RSS then stays near its highest point long after the memory was freed. A trim after the build and then
once a minute costs a few milliseconds. Elsewhere than on glibc it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import time

INTERVAL = 60.0  # seconds between trims of a running process

_libc: ctypes.CDLL | None = None
if (_name := ctypes.util.find_library("c")) is not None:
    try:
        _libc = ctypes.CDLL(_name)
        _libc.malloc_trim  # noqa: B018 - glibc only
    except (OSError, AttributeError):
        _libc = None


def trim_heap() -> bool:
    """True if memory was handed back."""
    return bool(_libc.malloc_trim(0)) if _libc is not None else False


class HeapTrimmer:
    """Trims at most once per ``interval``; call ``maybe`` wherever the process passes regularly."""

    def __init__(self, interval: float = INTERVAL):
        self.interval = interval
        self._last = time.monotonic()

    def maybe(self) -> bool:
        now = time.monotonic()
        if now - self._last < self.interval:
            return False
        self._last = now
        return trim_heap()
