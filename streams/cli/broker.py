"""``newsmon broker``: the embedded Kafka-compatible broker in the foreground."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from streams.kafka.broker import BrokerError, EmbeddedBroker


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("broker", help="run the embedded local Kafka-compatible broker (Tansu)",
                       description="Start the embedded, memory-only Kafka-compatible broker (Tansu, from the "
                       "'broker' extra) in the foreground. Prints the bootstrap address; stops on Ctrl-C or "
                       "SIGTERM. Data is lost when it stops.")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=9092, help="port to listen on (default 9092)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    broker = EmbeddedBroker(args.host, args.port)
    try:
        broker.start()
    except BrokerError as exc:
        print(f"newsmon broker: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    print(f"broker listening; bootstrap address: {broker.bootstrap}", flush=True)
    try:
        while not stop.wait(0.5):
            if broker.process is None or broker.process.poll() is not None:
                print("newsmon broker: the broker process exited", file=sys.stderr)
                return 1
    finally:
        broker.stop()
        print("broker stopped", flush=True)
    return 0
