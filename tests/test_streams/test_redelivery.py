"""When a stalled partition is read again, and when a hole in it is accepted as real."""

from streams.redelivery import Action, PartitionState, StallTracker

TP = ("articles.raw", 0)


def state(committed: int | None, read: int | None, highwater: int | None = 100, in_flight: bool = False):
    return PartitionState(committed=committed, read=read, highwater=highwater, in_flight=in_flight)


def test_a_partition_without_progress_below_its_highwater_is_read_again_after_the_stall_time():
    tracker = StallTracker(stall_after=10)
    assert tracker.observe(TP, state(40, 99), now=0) is None
    assert tracker.observe(TP, state(40, 99), now=9.9) is None
    assert tracker.observe(TP, state(40, 99), now=10) is Action.REREAD
    assert tracker.observe(TP, state(40, 99), now=15) is None  # the clock starts again after a re-read


def test_progress_of_the_commit_or_of_the_reads_restarts_the_clock():
    tracker = StallTracker(stall_after=10)
    tracker.observe(TP, state(40, 60), now=0)
    assert tracker.observe(TP, state(40, 70), now=8) is None
    assert tracker.observe(TP, state(50, 70), now=16) is None
    assert tracker.observe(TP, state(50, 70), now=25) is None
    assert tracker.observe(TP, state(50, 70), now=26) is Action.REREAD


def test_a_caught_up_partition_or_one_with_records_in_flight_is_never_stalled():
    tracker = StallTracker(stall_after=10)
    for now in range(0, 100, 5):
        assert tracker.observe(TP, state(100, 99, highwater=100), now=now) is None
        assert tracker.observe(("t", 1), state(40, 99, in_flight=True), now=now) is None
        assert tracker.observe(("t", 2), state(None, None, highwater=None), now=now) is None


def test_records_finishing_in_flight_do_not_count_as_time_without_progress():
    tracker = StallTracker(stall_after=10)
    tracker.observe(TP, state(40, 99, in_flight=True), now=0)
    tracker.observe(TP, state(40, 99, in_flight=True), now=30)
    assert tracker.observe(TP, state(40, 99), now=31) is None
    assert tracker.observe(TP, state(40, 99), now=41) is Action.REREAD


def test_a_hole_that_stays_after_repeated_rereads_is_accepted_once_then_watched_again():
    tracker = StallTracker(stall_after=10, accept_after=3)
    actions = []
    now = 0.0
    for _ in range(5):
        tracker.observe(TP, state(40, 39), now=now)  # a seek resets the read offset to the commit
        now += 10
        actions.append(tracker.observe(TP, state(40, 99), now=now))  # read to the end, commit still stuck
        tracker.observe(TP, state(40, 99), now=now + 1)
        now += 11
        actions.append(tracker.observe(TP, state(40, 99), now=now))
    decided = [a for a in actions if a is not None]
    assert decided[:4] == [Action.REREAD, Action.REREAD, Action.REREAD, Action.ACCEPT_HOLE]


def test_rereads_are_counted_per_committed_offset():
    tracker = StallTracker(stall_after=10, accept_after=1)
    tracker.observe(TP, state(40, 99), now=0)
    assert tracker.observe(TP, state(40, 99), now=10) is Action.REREAD
    tracker.observe(TP, state(60, 99), now=11)  # the re-read moved the commit: a new stall starts afresh
    assert tracker.observe(TP, state(60, 99), now=21) is Action.REREAD
    assert tracker.observe(TP, state(60, 99), now=31) is Action.ACCEPT_HOLE


def test_a_revoked_partition_is_forgotten():
    tracker = StallTracker(stall_after=10)
    tracker.observe(TP, state(40, 99), now=0)
    tracker.forget(TP)
    assert tracker.observe(TP, state(40, 99), now=10) is None


def test_the_metric_names_the_same_actions_as_the_guard():
    from streams.metrics import REREAD_ACTIONS

    assert set(REREAD_ACTIONS) == {a.value for a in Action}
