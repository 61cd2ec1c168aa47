"""A group the broker keeps without a live leader is told apart from a worker fault (streams/soak/group.py)."""

from streams.soak.group import leaderless, waiting_for_a_leader

GROUP = "newsmon-soak-a0731145"


def joined(generation: int, member: str = "faust-0.15.3-fce5756f") -> str:
    return (f"[2026-12-02 01:47:34,613] [9719] [INFO] Joined group '{GROUP}' (generation {generation}) "
            f"with member_id {member} \n")


SYNCED = f"[2026-12-02 01:43:10,452] [9637] [INFO] Successfully synced group {GROUP} with generation 16 \n"
ELECTED = "[2026-12-02 01:43:10,123] [9204] [INFO] Elected group leader -- performing partition assignments\n"
REJOIN = f"[2026-12-02 01:47:39,725] [9719] [INFO] (Re-)joining group {GROUP} \n"


def test_a_follower_joining_at_one_generation_without_a_sync_waits_for_a_leader():
    """As worker-11 of the 25-round soak (seed 2): 'Joined group ... (generation 19)' every ~8 s, for good."""
    stuck = joined(16) + SYNCED + "".join(joined(19) + REJOIN for _ in range(5))
    assert waiting_for_a_leader(stuck)
    assert leaderless([stuck, stuck.replace("fce5756f", "cc12512a")])


def test_a_group_that_syncs_or_elects_a_live_leader_is_not_the_brokers_fault():
    assert not waiting_for_a_leader(joined(19) + joined(19) + SYNCED)  # synced after the joins
    assert not waiting_for_a_leader(joined(19) + joined(19))  # too few join cycles yet
    assert not waiting_for_a_leader(joined(19) + ELECTED + joined(19) + joined(19))  # a live leader: the workers'
    assert not waiting_for_a_leader(joined(17) + joined(18) + joined(19))  # generations move: rebalancing, not stuck
    stuck = "".join(joined(19) for _ in range(4))
    assert not leaderless([stuck, joined(16) + SYNCED])  # one live worker still syncs
    assert not leaderless([])
