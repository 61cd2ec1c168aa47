"""The soak's summary as text."""

from __future__ import annotations


def render(result: dict) -> str:
    v = result["verdict"]
    lines = [
        f"soak seed {result['seed']}: {result['rounds']} rounds in {result['seconds']:.0f}s "
        f"at {result['rate']:g} msg/s",
        "faults: " + ", ".join(f"{k} {n}" for k, n in sorted(result["faults_by_kind"].items())),
        f"articles {v['articles']} (enriched {v['enriched']}), poison {v['poison']} (dead-lettered "
        f"{v['dead_lettered']}), duplicates {v['duplicates']}",
        f"lost {len(v['lost'])}: worker {v['worker_lost']}, broker {v['broker_lost']}",
        f"recovery after a fault: p50 {_s(result['recovery_p50_s'])}, max {_s(result['recovery_max_s'])}, "
        f"not recovered {result['not_recovered']}"
        + (f" (broker kept the group without a live leader: {result['not_recovered_broker']})"
           if result.get("not_recovered_broker") else ""),
        *([f"broker faults: a departed leader kept by the broker, freed {result['broker_leaderless_freed']} times "
            f"(max recovery without one: {_s(result['recovered_without_broker_fault_max_s'])})"]
          if result.get("broker_leaderless_freed") else []),
        f"alerts: new twice in a window {len(v['new_twice'])}, missing corroborations {len(v['alerts_missing'])}",
        f"lag at the end: {v['lag'] or 0}; orphan processes: {v['orphans'] or 0}",
    ]
    if result.get("worker_crashes"):
        lines.append(f"workers that exited by themselves (restarted): {len(result['worker_crashes'])}")
        lines += [f"  {c}" for c in result["worker_crashes"][:5]]
    for loss in v["lost"][:20]:
        lines.append(f"  LOST {loss['key']} at raw partition {loss['partition']} offset {loss['offset']} "
                     f"({loss['where']}, committed past it: {loss['committed_past']})")
    if v["poison_wrong_reason"]:
        lines.append(f"  poison with a wrong reason: {v['poison_wrong_reason']}")
    if v["valid_dead_lettered"]:
        lines.append(f"  valid articles dead-lettered: {len(v['valid_dead_lettered'])}")
        lines += [f"    {key}: {why}" for key, why in list(v["valid_dead_lettered"].items())[:10]]
    if v["alerts_missing"]:
        lines += [f"  alert {a}: {m[:5]}" for a, m in list(v["alerts_missing"].items())[:10]]
    if "logs" in result:
        lines.append(f"logs: {result['logs']}")
    lines.append("OK" if result["ok"] else "FAILED")
    return "\n".join(lines)


def _s(x: float | None) -> str:
    return "-" if x is None else f"{x:.1f}s"
