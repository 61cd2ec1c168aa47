"""``newsmon worker``: run the Faust worker (enrich + alert agents, /metrics)."""

from __future__ import annotations

import argparse
import os
import sys

from streams.cli.security_flags import SECURITY_FLAGS, flag_help
from streams.settings import ENV_PREFIX, Settings

FLAGS = {  # flag -> setting; each is also NEWSMON_<SETTING>
    "--broker": "broker", "--web-port": "web_port", "--web-bind": "web_bind", "--topic-prefix": "topic_prefix",
    "--partitions": "partitions", "--app-id": "app_id", "--store": "store", "--data-dir": "data_dir",
    "--nlp-processes": "nlp_processes", "--batch-size": "batch_size", "--session-timeout": "session_timeout",
    "--heartbeat-interval": "heartbeat_interval", "--rebalance-timeout": "rebalance_timeout",
    "--log-level": "log_level", "--alertmanager-url": "alertmanager_url",
    **SECURITY_FLAGS,
}


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("worker", help="run a stream worker (Faust)",
                       description="Run a Faust worker: articles.raw -> articles.enriched (+ articles.dlq) -> "
                       "alerts, with Prometheus metrics on http://HOST:WEB_PORT/metrics. Every flag has an "
                       "environment variable NEWSMON_<NAME> (e.g. --web-port = NEWSMON_WEB_PORT); flags win. "
                       "Topics are created when missing. Stop with Ctrl-C or SIGTERM: the in-flight batch "
                       "finishes and offsets are committed. Secured clusters: --security-protocol and the "
                       "--ssl-*/--sasl-* flags; the SASL password comes from NEWSMON_SASL_PASSWORD or "
                       "--sasl-password-file, never from a flag. A refused TLS/SASL connection stops the worker "
                       "(exit 2) with a line naming the setting.")
    for flag, name in FLAGS.items():
        field = Settings.model_fields[name]
        p.add_argument(flag, dest=name, help=flag_help(name) if name in SECURITY_FLAGS.values()
                       else f"{field.description or name} (default {field.default})")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    for name in FLAGS.values():
        value = getattr(args, name)
        if value is not None:
            os.environ[ENV_PREFIX + name.upper()] = str(value)
    settings = Settings.from_env()  # fail early, naming the bad variable
    from streams.kafka.security import KafkaSecurityError, aiokafka_security_kwargs

    try:
        aiokafka_security_kwargs(settings)  # an unreadable CA, certificate or key, before Faust is built
    except KafkaSecurityError as exc:
        print(f"newsmon worker: {exc}", file=sys.stderr)
        return 2
    from streams.worker_main import main

    return main()
