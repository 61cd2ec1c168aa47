"""Run a soak: broker, steady feed, workers, one fault per round, settle, drain, verify."""

from __future__ import annotations

import asyncio
import logging
import random
import shutil
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path

import orjson
from aiokafka.admin import AIOKafkaAdminClient

from schemas import EnrichedArticle
from streams.kafka.admin import ensure_topics, topic_specs
from streams.kafka.broker import EmbeddedBroker
from streams.kafka.consume import read_topic
from streams.kafka.ghost_leader import free_group
from streams.kafka.journal import ENV as JOURNAL_ENV
from streams.kafka.journal import read_journal
from streams.kafka.offsets import committed_offsets
from streams.kafka.security import env_security_kwargs
from streams.settings import Settings
from streams.soak.faults import Fault, Fleet, choose
from streams.soak.feed import Feed
from streams.soak.group import leaderless
from streams.soak.processes import descendants, wait_gone
from streams.soak.verify import Output, Verdict, check_alerts, check_ids, check_lag, percentile
from streams.soak.witness import Witness
from streams.worker_process import WorkerProcess, local_env

log = logging.getLogger(__name__)
SESSION_TIMEOUT = 6.0
GHOST_EVERY = 5.0  # seconds between looks for a group kept by a departed leader


@dataclass
class SoakOptions:
    rounds: int = 5
    seed: int = 0
    rate: float = 20.0
    workers: int = 2
    max_workers: int = 3
    dwell: float = 3.0  # steady seconds after a round recovered, before the next fault
    recover_timeout: float = 180.0
    drain_timeout: float = 240.0
    broker: str | None = None
    keep_logs: bool = False
    partitions: int = 4
    stagger: float = 0.0  # seconds between the two faults of a double
    free_ghost_leader: bool = True  # free a group the broker keeps with a departed leader (a broker fault, counted)


@dataclass
class Round:
    number: int
    faults: list[str]
    victims: list[int]
    recovery_s: float | None  # fault to "everything produced before it is committed"; None: never
    orphans: list[int] = field(default_factory=list)
    stall: str | None = None  # why it never recovered, when known: "broker_leaderless_group" (streams/soak/group.py)
    ghosts_freed: list[str] = field(default_factory=list)  # departed leaders the broker kept naming, freed meanwhile


def _crash_line(worker: WorkerProcess) -> str:
    """The reason a worker gave for exiting, e.g. Faust's ConsistencyError at table recovery."""
    lines = [line for line in worker.log_tail(20000).splitlines() if "Crashed reason=" in line or "Error" in line]
    return lines[0][:300] if lines else f"exit code {worker.process.returncode if worker.process else None}"


def _group_stall(fleet: Fleet) -> str | None:
    """The broker keeps the group without a live leader (every live worker joins and never syncs)."""
    logs = [worker.log_tail(200_000) for worker in fleet.workers if worker.running]
    return "broker_leaderless_group" if leaderless(logs) else None


def say(message: str) -> None:
    print(f"[soak] {message}", flush=True, file=__import__("sys").stderr)


async def _settled(admin: AIOKafkaAdminClient, group: str, targets: dict[tuple[str, int], int]) -> bool:
    committed = await committed_offsets(admin, group, targets)
    return all(committed.get(tp, 0) >= hw for tp, hw in targets.items())


class GhostDoctor:
    """Frees the group when the broker keeps a departed leader (streams/kafka/ghost_leader.py), at most every
    ``GHOST_EVERY`` seconds, and remembers whom it freed: a broker fault, reported apart from the workers'."""

    def __init__(self, bootstrap: str, group: str, enabled: bool, security: dict):
        self.bootstrap, self.group, self.enabled, self.security = bootstrap, group, enabled, security
        self.freed: list[str] = []
        self._last = 0.0

    async def check(self, fleet: Fleet) -> None:
        if not self.enabled or time.monotonic() - self._last < GHOST_EVERY or _group_stall(fleet) is None:
            return
        self._last = time.monotonic()
        try:
            ghost = await free_group(self.bootstrap, self.group, session_ms=int(SESSION_TIMEOUT * 1000),
                                     **self.security)
        except Exception as exc:  # noqa: BLE001 - a failed cure leaves the stall to be reported, as without it
            say(f"freeing the group's departed leader failed: {exc!r}")
            return
        if ghost:
            say(f"the broker kept departed member {ghost} as leader; took its place, assigned nothing, left")
            self.freed.append(ghost)


async def _wait_committed(admin: AIOKafkaAdminClient, group: str, targets: dict[tuple[str, int], int],
                          timeout: float, fleet: Fleet, doctor: GhostDoctor | None = None) -> bool:
    deadline = time.monotonic() + timeout
    checked = time.monotonic()
    while time.monotonic() < deadline:
        if await _settled(admin, group, targets):
            return True
        for worker in fleet.workers:
            if not worker.running:  # a worker that died on its own is a finding: restart it like a supervisor
                say(f"worker {worker.pid} exited by itself (code {worker.process.returncode}); restarting")
                fleet.crashes.append(f"{worker.log_path.name}: {_crash_line(worker)}")
                fleet.workers.remove(worker)
                fleet.retired.append(worker)
                await asyncio.to_thread(fleet.start_one)
                break
        if doctor is not None and time.monotonic() - checked > GHOST_EVERY:
            checked = time.monotonic()
            await doctor.check(fleet)
        await asyncio.sleep(0.5)
    return False


async def run_soak(options: SoakOptions) -> dict:
    log_dir = Path(tempfile.mkdtemp(prefix="newsmon-soak-"))
    broker = None
    if options.broker is None:
        broker = EmbeddedBroker(log_path=log_dir / "broker.log").start()
    bootstrap = options.broker or broker.bootstrap  # type: ignore[union-attr]
    tag = uuid.uuid4().hex[:8]
    settings = Settings(broker=bootstrap, app_id=f"newsmon-soak-{tag}", topic_prefix=f"soak{tag}.",
                        partitions=options.partitions, data_dir=log_dir / "data")
    names = settings.topics
    rng = random.Random(options.seed)
    journals: list[Path] = []

    def make_worker() -> WorkerProcess:
        journal = log_dir / f"journal-{len(journals)}.tsv"
        journals.append(journal)
        env = local_env(settings, NEWSMON_BATCH_WITHIN="0.05", **{JOURNAL_ENV: str(journal)})
        return WorkerProcess(env, log_dir / f"worker-{len(journals) - 1}.log")

    fleet = Fleet(make_worker, SESSION_TIMEOUT, rng, options.stagger)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, **env_security_kwargs())
    witness = Witness(bootstrap, [names.raw, names.enriched, names.dlq, names.alerts, names.claims])
    feed = Feed(bootstrap, names.raw, options.rate, options.seed, f"soak-{options.seed}-{tag[:4]}")
    doctor = GhostDoctor(bootstrap, settings.app_id, options.free_ghost_leader, env_security_kwargs())
    rounds: list[Round] = []
    started = time.monotonic()
    try:
        await ensure_topics(bootstrap, topic_specs(settings), security=env_security_kwargs())
        await admin.start()
        await witness.start()
        say(f"broker {bootstrap}, logs in {log_dir}; starting {options.workers} workers")
        await asyncio.gather(*(asyncio.to_thread(fleet.start_one) for _ in range(options.workers)))
        await feed.start()
        raw_tps = {(names.raw, p) for p in range(options.partitions)}
        await asyncio.sleep(options.dwell)
        first = {tp: witness.highwater.get(tp, 0) for tp in raw_tps}
        if not await _wait_committed(admin, settings.app_id, first, options.recover_timeout, fleet, doctor):
            say("the group never caught up before the first fault")
        for number in range(1, options.rounds + 1):
            kinds = choose(rng, len(fleet.workers), 1, options.max_workers)
            at_fault = {tp: witness.highwater.get(tp, 0) for tp in raw_tps}
            say(f"round {number}/{options.rounds}: {'+'.join(k.value for k in kinds)} "
                f"({len(fleet.workers)} workers, {len(feed.produced)} produced)")
            injection = await fleet.inject(kinds)
            orphans = await asyncio.to_thread(wait_gone, injection.orphans_watch, 10.0)
            freed_before = len(doctor.freed)
            ok = await _wait_committed(admin, settings.app_id, at_fault, options.recover_timeout, fleet, doctor)
            recovery = time.monotonic() - injection.started if ok else None
            stall = None if ok else _group_stall(fleet)
            rounds.append(Round(number, [k.value for k in kinds], injection.victims, recovery, orphans, stall,
                                doctor.freed[freed_before:]))
            say(f"round {number}: recovered in {recovery:.1f}s" if ok else
                f"round {number}: NOT recovered" + (f" ({stall})" if stall else ""))
            await asyncio.sleep(options.dwell)
        await feed.stop()
        say(f"draining {len(feed.produced)} messages")
        verdict, evidence = await _drain_and_verify(options, settings, admin, witness, feed, fleet, journals)
        orphans_at_end = [p for w in fleet.workers for p in descendants(w.pid)]
        await asyncio.to_thread(fleet.stop)
        verdict.orphans = sorted({p for r in rounds for p in r.orphans}
                                 | set(await asyncio.to_thread(wait_gone, orphans_at_end, 10.0)))
    finally:
        await feed.stop() if feed._task and not feed._task.done() else None
        await witness.stop()
        await admin.close()
        await asyncio.to_thread(fleet.stop)
        if broker is not None:
            broker.stop()
    result = _result(options, rounds, verdict, evidence, time.monotonic() - started, feed, fleet)
    if not options.keep_logs and verdict.ok:
        shutil.rmtree(log_dir, ignore_errors=True)
    else:
        result["logs"] = str(log_dir)
    return result


async def _drain_and_verify(options: SoakOptions, settings: Settings, admin: AIOKafkaAdminClient, witness: Witness,
                            feed: Feed, fleet: Fleet, journals: list[Path]) -> tuple[Verdict, dict]:
    names = settings.topics
    sources = [names.raw, names.enriched, names.claims]
    deadline = time.monotonic() + options.drain_timeout
    drained = False
    while time.monotonic() < deadline and not drained:
        await asyncio.sleep(1.0)
        targets = {tp: hw for tp, hw in witness.highwater.items() if tp[0] in sources}
        drained = witness.caught_up() and await _settled(admin, settings.app_id, targets)
        if drained:  # hold still for a moment: late alert-side output would move the highwaters
            await asyncio.sleep(2.0)
            targets = {tp: hw for tp, hw in witness.highwater.items() if tp[0] in sources}
            drained = await _settled(admin, settings.app_id, targets)
    stall = None
    if not drained:
        stall = _group_stall(fleet)
        say("not drained within the timeout; verifying what is there" + (f" ({stall})" if stall else ""))
    committed = await committed_offsets(admin, settings.app_id,
                                        [(t, p) for t in sources for p in range(options.partitions)])
    highwater = {tp: hw for tp, hw in witness.highwater.items() if tp[0] in sources}
    read = {t: await read_topic(settings.broker, t, idle=2.0, timeout=120, security=env_security_kwargs()) for t in
            (names.raw, names.enriched, names.dlq, names.alerts)}
    raw_held = {(r.partition, r.offset): r.key for r in read[names.raw]}
    enriched = [Output(r.key.decode(), r.partition, r.offset) for r in read[names.enriched] if r.key]
    dead = []
    for r in read[names.dlq]:
        letter = orjson.loads(r.value)
        dead.append(Output(letter.get("key") or (r.key or b"").decode(), r.partition, r.offset, letter.get("error"),
                           letter.get("message")))
    acked = {}
    for journal in journals:
        for key, _topic, partition, offset in read_journal(journal):
            acked[key] = (partition, offset)
    enriched_held = {(r.partition, r.offset): r.key for r in read[names.enriched]}
    acked_lost = {k for k, po in acked.items() if enriched_held.get(po) != k.encode()}
    final_enriched = {(names.enriched, p, o) for (p, o) in enriched_held}
    served = {key.decode() for (t, p, o), key in witness.seen.items()
              if t in (names.enriched, names.dlq) and key and (t != names.enriched or (t, p, o) not in final_enriched)}
    verdict = Verdict()
    check_ids(feed.produced, feed.poison, raw_held, enriched, dead, acked_lost, served,
              {p: off for (t, p), off in committed.items() if t == names.raw}, verdict)
    alerts = [orjson.loads(r.value) for r in read[names.alerts]]
    check_alerts(alerts, _matched(read[names.enriched]), timedelta(days=settings.novelty_window_days), verdict)
    check_lag(committed, highwater, verdict)
    evidence = {
        "enriched_acked_not_held": sorted(acked_lost)[:50],
        "served_then_missing": len({(t, p, o) for (t, p, o) in witness.seen if t == names.enriched} - final_enriched),
        "raw_highwater": {str(p): hw for (t, p), hw in highwater.items() if t == names.raw},
        "raw_held": len(raw_held), "drained": drained, "stall_at_end": stall,
    }
    return verdict, evidence


def _matched(records: list) -> dict[str, set[str]]:
    """alert_id -> ids of the enriched articles whose claims meet a rule that publishes every corroboration."""
    from streams.alerting.engine import match
    from streams.alerting.rules import load_rules

    rules = load_rules()
    publishing = {r.id for r in rules.active if r.trigger == "new-signature"}
    out: dict[str, set[str]] = {}
    done: set[str] = set()
    for record in records:
        article = EnrichedArticle.model_validate_json(record.value)
        if article.article_id in done:
            continue
        done.add(article.article_id)
        for m in match(article, rules):
            if m.rule_id in publishing:
                out.setdefault(m.alert_id, set()).add(article.article_id)
    return out


def _result(options: SoakOptions, rounds: list[Round], verdict: Verdict, evidence: dict, seconds: float,
            feed: Feed, fleet: Fleet) -> dict:
    recoveries = [r.recovery_s for r in rounds if r.recovery_s is not None]
    by_kind: dict[str, int] = {}
    for r in rounds:
        for kind in r.faults:
            by_kind[kind] = by_kind.get(kind, 0) + 1
        if len(r.faults) > 1:
            by_kind[Fault.DOUBLE.value] = by_kind.get(Fault.DOUBLE.value, 0) + 1
    return {
        "seed": options.seed, "rounds": len(rounds), "rate": options.rate, "seconds": round(seconds, 1),
        "faults_by_kind": by_kind,
        "recovery_p50_s": _round(percentile(recoveries, 0.5)), "recovery_max_s": _round(max(recoveries, default=None)),
        "not_recovered": sum(1 for r in rounds if r.recovery_s is None),
        "not_recovered_broker": sum(1 for r in rounds if r.recovery_s is None and r.stall is not None),
        "broker_leaderless_freed": sum(len(r.ghosts_freed) for r in rounds),
        "recovered_without_broker_fault_max_s": _round(max(
            (r.recovery_s for r in rounds if r.recovery_s is not None and not r.ghosts_freed), default=None)),
        "produce_failed": len(feed.failed), "worker_crashes": fleet.crashes,
        "verdict": verdict.as_dict(), "evidence": evidence,
        "round_log": [asdict(r) for r in rounds],
        "ok": verdict.ok and all(r.recovery_s is not None for r in rounds),
    }


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 1)
