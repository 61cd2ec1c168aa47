"""``newsmon soak``: faults at random against real workers, then proof from the topics that nothing was lost."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import Coroutine
from typing import Any

import orjson


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "soak", help="chaos soak: inject worker faults while replaying, then verify nothing was lost",
        description="Start the embedded broker (or use --broker), replay uniquely identified articles with poison "
        "messages mixed in at a steady rate, and for --rounds N inject one fault per round chosen at random with "
        "--seed (kill -9, SIGTERM, a worker joining, a worker leaving, two at once, SIGSTOP past the session "
        "timeout). After each fault wait until everything produced before it is committed. Then drain and verify "
        "from the topics: every raw id enriched or dead-lettered, poison on the DLQ with its reason, no alert id "
        "new twice in a window, every matching article held by its alert, lag 0, no orphan processes. "
        "Exit code 1 on any loss or failed check.")
    p.add_argument("--rounds", type=int, default=5, help="fault rounds (default 5)")
    p.add_argument("--seed", type=int, default=0, help="seed of the faults and the texts (default 0)")
    p.add_argument("--rate", type=float, default=20.0, help="messages per second (default 20)")
    p.add_argument("--workers", type=int, default=2, help="workers at the start (default 2)")
    p.add_argument("--max-workers", type=int, default=3, help="at most this many workers (default 3)")
    p.add_argument("--dwell", type=float, default=3.0, help="seconds of steady state between faults (default 3)")
    p.add_argument("--broker", help="use this bootstrap HOST:PORT instead of starting the embedded broker")
    p.add_argument("--stagger", type=float, default=0.0,
                   help="seconds between the two faults of a double (default 0: at once; the local broker can lose "
                   "the group leader when two members leave within milliseconds, see README 'Soak')")
    p.add_argument("--no-free-ghost-leader", dest="free_ghost_leader", action="store_false",
                   help="do not free a group the local broker keeps with a departed leader (the round then never "
                   "recovers and the soak fails); see README 'Soak'")
    p.add_argument("--keep-logs", action="store_true", help="keep broker and worker logs (kept anyway on failure)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of the summary")
    p.set_defaults(run=run)


async def _until_stopped(soak: Coroutine[Any, Any, dict]) -> dict:
    """SIGTERM or Ctrl-C cancels the soak, so it stops the broker and workers it started (its ``finally``)."""
    task = asyncio.current_task()
    assert task is not None
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, task.cancel)
    return await soak


def run(args: argparse.Namespace) -> int:
    from streams.soak.report import render
    from streams.soak.runner import SoakOptions, run_soak

    options = SoakOptions(rounds=args.rounds, seed=args.seed, rate=args.rate, workers=args.workers,
                          max_workers=args.max_workers, dwell=args.dwell, broker=args.broker,
                          keep_logs=args.keep_logs, stagger=args.stagger,
                          free_ghost_leader=args.free_ghost_leader)
    try:
        result = asyncio.run(_until_stopped(run_soak(options)))
    except asyncio.CancelledError:
        print("newsmon soak: stopped; its broker and workers were stopped too", file=sys.stderr)
        return 130
    if args.json:
        sys.stdout.buffer.write(orjson.dumps(result, option=orjson.OPT_INDENT_2) + b"\n")
    else:
        print(render(result))
    sys.stdout.flush()
    return 0 if result["ok"] else 1
