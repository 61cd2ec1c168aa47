"""Repeated measurements: median and spread, so one lucky or unlucky run on a shared machine shows."""

from __future__ import annotations

import os
import statistics


def spread(values: list[float | None]) -> dict:
    """Median, min, max and every run of one figure (runs that gave nothing are left out)."""
    got = [v for v in values if v is not None]
    if not got:
        return {"median": None, "min": None, "max": None, "runs": []}
    return {"median": round(statistics.median(got), 3), "min": min(got), "max": max(got), "runs": got}


def loadavg() -> list[float]:
    """1, 5 and 15 minute load averages."""
    return [round(x, 2) for x in os.getloadavg()]
