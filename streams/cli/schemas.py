"""``newsmon schemas``: regenerate (or check) the exported JSON Schema files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from schemas.export import SCHEMA_DIR, drifted, write_all


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("schemas", help="write the JSON Schema files of the message contracts",
                       description="Regenerate the JSON Schema files of RawArticle, EnrichedArticle, Alert "
                       "and DeadLetter from the pydantic models.")
    p.add_argument("--dir", type=Path, default=SCHEMA_DIR, help=f"output directory (default {SCHEMA_DIR})")
    p.add_argument("--check", action="store_true", help="only check; exit 1 when files drift from the models")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.check:
        stale = drifted(args.dir)
        for name in stale:
            print(f"out of date: {args.dir / name}", file=sys.stderr)
        return 1 if stale else 0
    for path in write_all(args.dir):
        print(path)
    return 0
