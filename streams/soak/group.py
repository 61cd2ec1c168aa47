"""Tell a consumer group the broker left without a live leader from a worker fault, from the workers' logs.

Seen in a 25-round soak (seed 2) and reproduced with plain aiokafka consumers, no Faust: when the group leader
leaves (SIGTERM: LeaveGroup) together with another member, the local broker (Tansu 0.6.0) can keep naming the
departed member as leader in every JoinGroup response. No live member is elected, so none sends the assignment;
each follower's SyncGroup fails ("rebalance in progress") and it joins again at the same generation every few
seconds, for good. Nothing is processed or committed, so nothing is committed past either: a stall, not a loss.
In a worker's log (aiokafka at INFO) that reads as "Joined group" over and over at one generation with no
"Elected group leader" and no "Successfully synced group" after it.
"""

from __future__ import annotations

import re

JOINED = re.compile(r"Joined group '[^']*' \(generation (-?\d+)\)")
SYNCED = "Successfully synced group"
ELECTED = "Elected group leader"
MIN_JOINS = 3  # join cycles without a sync before the group counts as leaderless (about 8 s each here)


def waiting_for_a_leader(log: str) -> bool:
    """Since its last successful sync, this worker joined at least ``MIN_JOINS`` times, always at one generation,
    and was never the elected leader."""
    tail = log.rpartition(SYNCED)[2]
    generations = JOINED.findall(tail)
    return len(generations) >= MIN_JOINS and len(set(generations[-MIN_JOINS:])) == 1 and ELECTED not in tail


def leaderless(logs: list[str]) -> bool:
    """Every live worker waits for a leader that never assigns: the broker's fault, not a worker's."""
    return bool(logs) and all(waiting_for_a_leader(log) for log in logs)
