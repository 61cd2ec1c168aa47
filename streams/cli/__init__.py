"""The ``newsmon`` command: one subcommand per module in this package."""

from __future__ import annotations

import argparse
import sys

from streams import __version__
from streams.cli import analyze, bench, broker, demo, ingest, replay, schemas, soak, train, worker

COMMANDS = [broker, replay, ingest, analyze, worker, demo, bench, soak, train, schemas]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsmon",
        description="Stream-processing monitor for news articles: extracts actors, topics and "
        "arms-transfer claims (Russia <-> North Korea first) and raises alerts, on Kafka with Faust.",
    )
    parser.add_argument("--version", action="version", version=f"newsmon {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in COMMANDS:
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except KeyboardInterrupt:
        return 130
    except SystemExit:
        raise
    except Exception as exc:  # a CLI user gets one clear line, not a traceback
        if getattr(args, "debug", False):
            raise
        print(f"newsmon {args.command}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
