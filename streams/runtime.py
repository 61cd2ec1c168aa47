"""Per-process runtime objects of a worker, built once at start-up (not at import)."""

from __future__ import annotations

from dataclasses import dataclass, field

from streams.alerting.engine import AlertEngine
from streams.nlp_pool import NlpPool


@dataclass
class Runtime:
    pool: NlpPool | None = None
    engine: AlertEngine | None = None
    rules_version: str = "unknown"
    gazetteer_ids: frozenset[str] = field(default_factory=frozenset)


runtime = Runtime()
