"""An optional log of the broker's acknowledgements to a worker: which key it acked at which offset.

Set ``NEWSMON_DELIVERY_JOURNAL`` to a file path (the soak does) and the enrich agent appends
``key<TAB>topic<TAB>partition<TAB>offset`` per enriched article the broker acknowledged. A record the
broker acknowledged and no longer holds is the broker's loss, not the worker's.
"""

from __future__ import annotations

import os
from asyncio import Future
from pathlib import Path
from typing import Any, TextIO

ENV = "NEWSMON_DELIVERY_JOURNAL"


class DeliveryJournal:
    def __init__(self, path: str | Path):
        self._fh: TextIO = open(path, "a", buffering=1)  # noqa: SIM115 — line-buffered for the worker's life

    def watch(self, key: bytes, future: Future) -> None:
        future.add_done_callback(lambda fut: self._record(key, fut))

    def _record(self, key: bytes, fut: Future) -> None:
        if fut.cancelled() or fut.exception() is not None:
            return
        meta: Any = fut.result()
        self._fh.write(f"{key.decode(errors='replace')}\t{meta.topic}\t{meta.partition}\t{meta.offset}\n")


def from_env() -> DeliveryJournal | None:
    path = os.environ.get(ENV)
    return DeliveryJournal(path) if path else None


def read_journal(path: Path) -> list[tuple[str, str, int, int]]:
    """Acknowledged (key, topic, partition, offset); a line cut by kill -9 is skipped."""
    out = []
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return out
    for line in lines:
        parts = line.split("\t")
        if len(parts) == 4 and parts[2].isdigit() and parts[3].isdigit():
            out.append((parts[0], parts[1], int(parts[2]), int(parts[3])))
    return out
