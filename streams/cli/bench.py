"""``newsmon bench``: throughput, latency and memory of the pipeline on this machine, in one run."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

import orjson


def _positive_int(value: str) -> int:
    n = int(value)
    if n < 1:
        raise argparse.ArgumentTypeError("must be >= 1")
    return n


def _positive_float(value: str) -> float:
    x = float(value)
    if x <= 0:
        raise argparse.ArgumentTypeError("must be > 0")
    return x


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "bench", help="measure throughput, latency and memory (starts its own broker and workers)",
        description="Measure on this machine, side by side in one run, on N distinct texts (realistic corpus by "
        "default: general news in de/en/fr, every 20th article a claim-bearing seed; --stress: seeds only), every "
        "figure --repeat times interleaved (median, min-max, load average before and after): the bare spaCy "
        "tokenizer (NLP floor), the full pipeline in-process (no Kafka), a "
        "raw aiokafka consume->produce passthrough (transport ceiling), articles.raw -> articles.enriched "
        "through real 'newsmon worker' processes (start-up and group join excluded), produce->enriched "
        "latency at a fixed rate with one worker, a worker's peak memory including its NLP pool, and one vs two "
        "workers each pinned to its own core with the CPU seconds of main and NLP process per 1,000 articles. "
        "Starts the embedded broker (or uses --broker) and stops everything it started. Progress goes to "
        "stderr; the result to stdout. Settings come from NEWSMON_* (e.g. NEWSMON_NLP_PROCESSES, "
        "NEWSMON_BATCH_SIZE, NEWSMON_BATCH_WITHIN).")
    p.add_argument("--articles", type=_positive_int, default=500, help="articles per measurement (default 500)")
    p.add_argument("--stress", action="store_true",
                   help="the all-claims corpus (every article a Russia–North Korea seed article) instead of the "
                        "realistic one (one article in 20 carries a claim)")
    p.add_argument("--repeat", type=_positive_int, default=3,
                   help="measure every figure this many times, interleaved; report median and min-max (default 3)")
    p.add_argument("--no-pin", dest="pin", action="store_false",
                   help="scale-out without confining each worker to its own core")
    p.add_argument("--memory", type=_positive_int, metavar="N",
                   help="only the memory run: feed N articles with fresh words through one in-process pipeline, "
                        "report RSS and sizes at intervals and the slope per 10,000 articles")
    p.add_argument("--memory-every", type=_positive_int, metavar="K", help="memory run: sample every K articles")
    p.add_argument("--workers", type=int, choices=(1, 2), default=2,
                   help="2 (default): also one vs two workers (1 NLP process each, each pinned to its own core) "
                        "for the scale-out factor")
    p.add_argument("--rate", type=_positive_float, default=50.0,
                   help="articles/s for the latency measurement (default 50)")
    p.add_argument("--latency-seconds", type=_positive_float, default=20.0,
                   help="duration of the latency measurement (default 20)")
    p.add_argument("--latency-batch-within", type=_positive_float, default=0.02,
                   help="NEWSMON_BATCH_WITHIN of the latency worker, seconds (default 0.02)")
    p.add_argument("--seed", type=int, default=0, help="seed of the text variation (default 0)")
    p.add_argument("--nlp", action="store_true", help="only the NLP part: tokenizer vs full pipeline, no Kafka")
    p.add_argument("--broker", help="use this bootstrap HOST:PORT instead of starting the embedded broker")
    p.add_argument("--keep-logs", action="store_true", help="keep the broker and worker logs (path on stderr)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from streams.bench.report import render_table
    from streams.bench.runner import BenchOptions, run_bench, say

    mode = "stress" if args.stress else "realistic"
    if args.memory:
        from streams.bench.memory import render_memory, run_memory

        return _emit(run_memory(args.memory, seed=args.seed, every=args.memory_every, mode=mode, say=say),
                     args.json, render_memory)
    options = BenchOptions(articles=args.articles, workers=args.workers, rate=args.rate,
                           latency_seconds=args.latency_seconds, latency_batch_within=args.latency_batch_within,
                           seed=args.seed, nlp_only=args.nlp, broker=args.broker, keep_logs=args.keep_logs,
                           mode=mode, repeat=args.repeat, pin=args.pin)
    return _emit(run_bench(options), args.json, render_table)


def _emit(result: dict, as_json: bool, render: Callable[[dict], str]) -> int:
    if as_json:
        sys.stdout.buffer.write(orjson.dumps(result, option=orjson.OPT_INDENT_2) + b"\n")
    else:
        print(render(result))
    sys.stdout.flush()
    return 0
