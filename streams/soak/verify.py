"""What the output topics prove, as pure functions of what was read back (unit-tested without Kafka).

A loss is told apart by where the record went missing:
- ``broker_input``: the raw record the broker acknowledged is not at its offset any more;
- ``broker_output``: an enriched record or dead letter for the id was acknowledged to a worker (journal)
  or served to the witness during the run, and is not on the topic at the end;
- ``worker``: the raw record is on the broker, nothing for it ever reached an output topic.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

TP = tuple[str, int]


@dataclass(frozen=True)
class Loss:
    key: str
    partition: int
    offset: int
    where: str  # worker | broker_input | broker_output
    committed_past: bool | None = None  # the group's committed offset passed it (a skip, not a stall)


@dataclass(frozen=True)
class Output:
    """One record of an output topic that answers a raw id."""

    key: str
    partition: int
    offset: int
    reason: str | None = None  # dead letters: the error kind
    message: str | None = None  # dead letters: the error message


@dataclass
class Verdict:
    articles: int = 0
    poison: int = 0
    enriched: int = 0
    dead_lettered: int = 0
    duplicates: int = 0
    lost: list[Loss] = field(default_factory=list)
    poison_wrong_reason: dict[str, str] = field(default_factory=dict)  # key -> reason found
    valid_dead_lettered: dict[str, str] = field(default_factory=dict)  # valid article on the DLQ: key -> reason
    new_twice: dict[str, int] = field(default_factory=dict)  # alert_id -> "new" records within one window
    alerts_missing: dict[str, list[str]] = field(default_factory=dict)  # alert_id -> matched ids not held
    lag: dict[str, int] = field(default_factory=dict)  # "topic[p]" -> highwater - committed, when not 0
    orphans: list[int] = field(default_factory=list)

    @property
    def worker_lost(self) -> list[Loss]:
        return [x for x in self.lost if x.where == "worker"]

    @property
    def broker_lost(self) -> list[Loss]:
        return [x for x in self.lost if x.where != "worker"]

    @property
    def ok(self) -> bool:
        return not (self.lost or self.poison_wrong_reason or self.valid_dead_lettered or self.new_twice
                    or self.alerts_missing or self.lag or self.orphans)

    def as_dict(self) -> dict:
        out = asdict(self)
        out["lost"] = [asdict(x) for x in self.lost]
        out["worker_lost"], out["broker_lost"] = len(self.worker_lost), len(self.broker_lost)
        out["ok"] = self.ok
        return out


def check_ids(produced: Mapping[str, tuple[int, int]], poison: Mapping[str, str],
              raw_held: Mapping[tuple[int, int], bytes | None], enriched: Iterable[Output], dead: Iterable[Output],
              acked_outputs: set[str], served_outputs: set[str],
              committed: Mapping[int, int], verdict: Verdict) -> None:
    """Every raw id is an enriched article or a dead letter; poison on the DLQ with its reason."""
    enriched_keys = Counter(o.key for o in enriched)
    dead_by_key: dict[str, list[str | None]] = defaultdict(list)
    dead_message: dict[str, str] = {}
    for o in dead:
        dead_by_key[o.key].append(o.reason)
        dead_message.setdefault(o.key, f"{o.reason}: {o.message}" if o.message else str(o.reason))
    verdict.poison = len(poison)
    verdict.articles = len(produced) - len(poison)
    verdict.enriched = sum(1 for k in produced if k in enriched_keys)
    verdict.dead_lettered = sum(1 for k in produced if k in dead_by_key)
    for key, (partition, offset) in produced.items():
        answers = enriched_keys.get(key, 0) + len(dead_by_key.get(key, ()))
        verdict.duplicates += max(0, answers - 1)
        if key in poison:
            reasons = dead_by_key.get(key, [])
            if reasons and poison[key] not in reasons:
                verdict.poison_wrong_reason[key] = ",".join(str(r) for r in reasons)
        elif key in dead_by_key and key not in enriched_keys:
            verdict.valid_dead_lettered[key] = dead_message[key][:300]
        if answers:
            continue
        if raw_held.get((partition, offset)) != key.encode():
            where = "broker_input"
        elif key in acked_outputs or key in served_outputs:
            where = "broker_output"
        else:
            where = "worker"
        past = committed.get(partition)
        verdict.lost.append(Loss(key, partition, offset, where, None if past is None else past > offset))


def check_alerts(alerts: Iterable[Mapping], matched: Mapping[str, set[str]], window: timedelta,
                 verdict: Verdict) -> None:
    """No alert id announced ``new`` twice within one novelty window; every matching article is held by the
    alert (as its article or among the corroborations of some record), the last count covers them all."""
    news: dict[str, dict[str, datetime]] = defaultdict(dict)  # alert_id -> announcing article -> first_seen
    held: dict[str, set[str]] = defaultdict(set)
    last_count: dict[str, int] = {}
    for alert in alerts:
        alert_id = alert["alert_id"]
        if alert["novelty"] == "new":
            # The same announcement published again (a redelivered article restating its alert) is a repeat.
            news[alert_id].setdefault(alert["article_id"], _time(alert["first_seen"]))
        held[alert_id].add(alert["article_id"])
        held[alert_id].update(alert["corroborations"]["article_ids"])
        last_count[alert_id] = alert["corroborations"]["count"]
    for alert_id, by_article in news.items():
        times = sorted(by_article.values())
        close = sum(1 for a, b in zip(times, times[1:], strict=False) if b - a <= window)
        if close:
            verdict.new_twice[alert_id] = close + 1
    for alert_id, ids in matched.items():
        missing = sorted(ids - held.get(alert_id, set()))
        if missing or last_count.get(alert_id, 0) < len(ids):
            verdict.alerts_missing[alert_id] = missing or [f"count {last_count.get(alert_id, 0)} < {len(ids)}"]


def check_lag(committed: Mapping[TP, int], highwater: Mapping[TP, int], verdict: Verdict) -> None:
    """Lag from the fetch highwater; a partition with records and no commit counts as all lag."""
    for (topic, partition), hw in sorted(highwater.items()):
        lag = hw - committed.get((topic, partition), 0)
        if lag > 0:
            verdict.lag[f"{topic}[{partition}]"] = lag


def _time(value: str | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value.replace("Z", "+00:00"))


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]
