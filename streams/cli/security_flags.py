"""Kafka security flags for every command with broker flags (each is also a ``NEWSMON_*`` variable).

There is deliberately no ``--sasl-password``: a password on the command line shows in ``ps`` and shell
history. It comes from ``NEWSMON_SASL_PASSWORD`` or, better, ``--sasl-password-file``.
"""

from __future__ import annotations

import argparse
from typing import Any

from streams.settings import Settings

SECURITY_FLAGS = {  # flag -> setting
    "--security-protocol": "security_protocol", "--ssl-ca-file": "ssl_ca_file", "--ssl-cert-file": "ssl_cert_file",
    "--ssl-key-file": "ssl_key_file", "--ssl-check-hostname": "ssl_check_hostname",
    "--sasl-mechanism": "sasl_mechanism", "--sasl-username": "sasl_username",
    "--sasl-password-file": "sasl_password_file",
}


def flag_help(name: str) -> str:
    """The setting's description and its default, never a secret's value (secrets default to unset)."""
    field = Settings.model_fields[name]
    default = "unset" if field.default is None else field.default
    return f"{field.description or name} (default {default}; env {'NEWSMON_' + name.upper()})"


def add_security_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("Kafka security (TLS, SASL)")
    for flag, name in SECURITY_FLAGS.items():
        group.add_argument(flag, dest=name, help=flag_help(name))


def security_overrides(args: argparse.Namespace) -> dict[str, Any]:
    """The security flags given on the command line, as ``Settings.from_env`` overrides."""
    return {name: getattr(args, name) for name in SECURITY_FLAGS.values() if getattr(args, name, None) is not None}
