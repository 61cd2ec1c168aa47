"""Kafka security in one place: the ``NEWSMON_SECURITY_*``/``SSL_*``/``SASL_*`` settings turned into the
arguments of every client newsmon runs (aiokafka producers, consumers and admin clients, and Faust's
``broker_credentials``), and a preflight that turns a refused connection into one line naming the setting.

aiokafka retries a refused bootstrap silently and ends with "Unable to bootstrap from [...]"; an ops team
pointing newsmon at a secured cluster needs to know *which* setting is wrong, so the worker probes one
connection before it starts and exits non-zero with that line.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import struct
from typing import Any

import faust
from aiokafka.conn import create_conn
from aiokafka.errors import (
    KafkaConnectionError,
    KafkaError,
    SaslAuthenticationFailed,
    UnsupportedSaslMechanismError,
)
from aiokafka.helpers import create_ssl_context
from aiokafka.protocol.metadata import MetadataRequest

from streams.settings import ENV_PREFIX, Settings


class KafkaSecurityError(RuntimeError):
    """A secured connection that cannot work as configured; the message names the setting to fix."""


class ClosedAfterHandshake(Exception):
    """The TLS handshake completed and the broker closed the connection before answering anything."""


def _env(name: str) -> str:
    return ENV_PREFIX + name.upper()


class _RedactSasl(logging.Filter):
    """aiokafka logs every request at debug level, SaslAuthenticateRequest included: with PLAIN its token *is*
    the password. Cut those tokens, and any configured password, from records of the Kafka client loggers."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 — a broken record is not ours to fix
            return True
        head, found, _ = message.partition("SaslAuthenticateRequest")
        if not found and not any(secret in message for secret in self.secrets):
            return True
        if found:
            message = head + "SaslAuthenticateRequest(<redacted>)"
        for secret in self.secrets:
            message = message.replace(secret, "**********")
        record.msg, record.args = message, ()
        return True


_REDACT = _RedactSasl()
_REDACTED_LOGGERS = ("aiokafka", "aiokafka.conn", "aiokafka.client", "faust", "faust.transport.drivers.aiokafka")


def _keep_out_of_logs(secret: str) -> None:
    """A logger's filters see only records logged on that logger itself, so each Kafka client logger gets one."""
    _REDACT.secrets.add(secret)
    for name in _REDACTED_LOGGERS:
        logger = logging.getLogger(name)
        if _REDACT not in logger.filters:
            logger.addFilter(_REDACT)


def _sasl_password(settings: Settings) -> str:
    assert settings.sasl_password is not None  # Settings refuses SASL without a password
    secret = settings.sasl_password.get_secret_value()
    _keep_out_of_logs(secret)
    return secret


def ssl_context(settings: Settings) -> ssl.SSLContext | None:
    """The TLS context for SSL and SASL_SSL (None otherwise): verifies the broker against the CA file or the
    system trust store, checks the host name unless turned off, and presents the client certificate if given."""
    if settings.security_protocol not in ("SSL", "SASL_SSL"):
        return None
    try:
        context = create_ssl_context(cafile=settings.ssl_ca_file)
    except (ssl.SSLError, OSError) as exc:
        raise KafkaSecurityError(f"{_env('ssl_ca_file')}={settings.ssl_ca_file}: not a PEM CA certificate "
                                 f"({_reason(exc)})") from None
    if settings.ssl_cert_file is not None:
        try:
            context.load_cert_chain(settings.ssl_cert_file, settings.ssl_key_file)
        except (ssl.SSLError, OSError) as exc:
            raise KafkaSecurityError(
                f"{_env('ssl_cert_file')}={settings.ssl_cert_file} / {_env('ssl_key_file')}={settings.ssl_key_file}: "
                f"not a PEM certificate with its (unencrypted) private key ({_reason(exc)})") from None
    context.check_hostname = settings.ssl_check_hostname
    return context


def aiokafka_security_kwargs(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for AIOKafkaProducer, AIOKafkaConsumer and AIOKafkaAdminClient (beside
    ``bootstrap_servers``). Empty for PLAINTEXT, so plaintext call sites stay as they were."""
    if settings.security_protocol == "PLAINTEXT":
        return {}
    kwargs: dict[str, Any] = {"security_protocol": settings.security_protocol}
    context = ssl_context(settings)
    if context is not None:
        kwargs["ssl_context"] = context
    if settings.security_protocol.startswith("SASL_"):
        kwargs.update(sasl_mechanism=settings.sasl_mechanism, sasl_plain_username=settings.sasl_username,
                      sasl_plain_password=_sasl_password(settings))
    return kwargs


def faust_credentials(settings: Settings) -> faust.SASLCredentials | faust.SSLCredentials | None:
    """Faust's ``broker_credentials`` for the same settings (Faust passes them on to its aiokafka clients)."""
    context = ssl_context(settings)
    if settings.security_protocol.startswith("SASL_"):
        return faust.SASLCredentials(username=settings.sasl_username, ssl_context=context,
                                     password=_sasl_password(settings),
                                     mechanism=settings.sasl_mechanism)
    if context is not None:
        return faust.SSLCredentials(context)
    return None


def _reason(exc: BaseException) -> str:
    """A short cause without the exception's arguments (which could echo what was sent)."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        return exc.verify_message or "certificate verify failed"
    if isinstance(exc, ssl.SSLError):
        return exc.reason or type(exc).__name__
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return type(exc).__name__


def _bootstrap_hosts(settings: Settings) -> list[tuple[str, int]]:
    hosts = []
    for server in settings.broker.split(","):
        host, _, port = server.strip().rpartition(":")
        hosts.append((host.strip("[]") or server.strip(), int(port) if port.isdigit() else 9092))
    return hosts


async def _speaks_tls(host: str, port: int, timeout: float) -> bool:
    """Whether the listener completes a TLS handshake (certificate not checked: only the protocol matters)."""
    probe = ssl.create_default_context()
    probe.check_hostname = False
    probe.verify_mode = ssl.CERT_NONE
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, port, ssl=probe), timeout)
    except (OSError, TimeoutError):
        return False
    writer.close()
    with contextlib.suppress(OSError, TimeoutError):
        await asyncio.wait_for(writer.wait_closed(), 1.0)
    return True


def explain(settings: Settings, host: str, port: int, exc: BaseException, *, speaks_tls: bool | None = None) -> str:
    """One line naming the setting to fix, for a connection to ``host:port`` that failed with ``exc``."""
    where = f"{host}:{port}"
    protocol = f"{_env('security_protocol')}={settings.security_protocol}"
    if isinstance(exc, ssl.SSLCertVerificationError):
        message = exc.verify_message or ""
        if "hostname" in message.lower() or "ip address mismatch" in message.lower():
            return (f"TLS: the certificate of {where} does not name {host} ({message}): connect with a name the "
                    f"certificate lists in {_env('broker')}, or set {_env('ssl_check_hostname')}=false "
                    "(not recommended)")
        trust = settings.ssl_ca_file or "the system trust store"
        return (f"TLS: the certificate of {where} is not trusted by {_env('ssl_ca_file')} ({trust}): {message}; "
                f"set {_env('ssl_ca_file')} to the CA that signed the broker's certificate")
    if isinstance(exc, ssl.SSLError):
        reason = _reason(exc)
        lowered = reason.lower()
        if "wrong_version_number" in lowered or "wrong version number" in lowered or "record_layer" in lowered:
            return (f"TLS: {where} does not speak TLS, but {protocol}: use PLAINTEXT or SASL_PLAINTEXT for this "
                    f"listener, or the cluster's TLS listener in {_env('broker')}")
        if "certificate" in lowered or "handshake_failure" in lowered:
            hint = (f"the client certificate in {_env('ssl_cert_file')}={settings.ssl_cert_file} was refused"
                    if settings.ssl_cert_file else
                    f"it needs a client certificate: set {_env('ssl_cert_file')} and {_env('ssl_key_file')}")
            return f"TLS: {where} refused the handshake ({reason}): {hint}"
        return f"TLS: the handshake with {where} failed ({reason}); check {protocol} and {_env('ssl_ca_file')}"
    if isinstance(exc, ClosedAfterHandshake):
        if settings.ssl_cert_file is None:
            return (f"TLS: {where} closed the connection right after the handshake: it probably requires a client "
                    f"certificate (mutual TLS): set {_env('ssl_cert_file')} and {_env('ssl_key_file')}")
        return (f"TLS: {where} closed the connection right after the handshake: it probably refused the client "
                f"certificate in {_env('ssl_cert_file')}={settings.ssl_cert_file} (not signed by a CA it trusts?)")
    if isinstance(exc, UnsupportedSaslMechanismError):
        return (f"SASL: {where} does not offer {_env('sasl_mechanism')}={settings.sasl_mechanism}: set the "
                "mechanism the cluster enables (PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512)")
    if isinstance(exc, SaslAuthenticationFailed):
        return (f"SASL: {where} refused user {settings.sasl_username!r} with {settings.sasl_mechanism}: check "
                f"{_env('sasl_username')} and {_env('sasl_password')} / {_env('sasl_password_file')}")
    if speaks_tls and settings.security_protocol in ("PLAINTEXT", "SASL_PLAINTEXT"):
        return (f"{where} is a TLS listener, but {protocol}: set {_env('security_protocol')}=SSL "
                "(or SASL_SSL) and, for a private CA, " + _env("ssl_ca_file"))
    if settings.security_protocol.startswith("SASL_") and isinstance(exc, KeyError | ValueError):
        return (f"SASL: the {settings.sasl_mechanism} exchange with {where} failed (the broker rejected the "
                f"credentials or the mechanism): check {_env('sasl_username')} and {_env('sasl_password')} / "
                f"{_env('sasl_password_file')}")
    if settings.security_protocol.startswith("SASL_") and isinstance(exc, KafkaError):
        return (f"SASL: {where} closed the connection during authentication ({type(exc).__name__}): check "
                f"{_env('sasl_username')}, {_env('sasl_password')} / {_env('sasl_password_file')} and "
                f"{_env('sasl_mechanism')}")
    if isinstance(exc, OSError | TimeoutError):
        return f"cannot connect to {where} ({_env('broker')}): {_reason(exc)}"
    return f"cannot talk to {where} with {protocol}: {type(exc).__name__}"


async def _tls_failure(host: str, port: int, context: ssl.SSLContext, timeout: float) -> Exception | None:
    """The TLS error behind a connection aiokafka reports only as closed: with TLS 1.3 a refused client
    certificate surfaces on the first read after the handshake, and aiokafka turns that into "closed"."""
    api_versions_v0 = struct.pack(">ihhih", 10, 18, 0, 1, 0)  # size, ApiVersions, v0, correlation id 1, no client id
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(host, port, ssl=context, server_hostname=host), timeout)
    except ssl.SSLError as exc:
        return exc
    except (OSError, TimeoutError):
        return None
    try:
        writer.write(api_versions_v0)
        await writer.drain()
        await asyncio.wait_for(reader.readexactly(4), timeout)
    except ssl.SSLError as exc:
        return exc
    except (asyncio.IncompleteReadError, ConnectionError):  # handshake done, then closed before any answer: a
        return ClosedAfterHandshake()  # refused client certificate looks like this when the broker sends no alert
    except (OSError, TimeoutError):
        return None
    finally:
        writer.close()
    return None


async def _probe(settings: Settings, host: str, port: int, kwargs: dict[str, Any], timeout: float) -> str | None:
    """None when one connection authenticates and answers a metadata request; else the explained failure."""
    try:
        conn = await asyncio.wait_for(
            create_conn(host, port, request_timeout_ms=int(timeout * 1000), **kwargs), timeout)
    except Exception as exc:  # noqa: BLE001 — every failure becomes one explained line
        context = kwargs.get("ssl_context")
        if context is not None and not isinstance(exc, ssl.SSLError | ConnectionRefusedError):
            exc = await _tls_failure(host, port, context, timeout) or exc
        tls = None  # a listener that closed on a plaintext client may be speaking TLS
        if settings.security_protocol in ("PLAINTEXT", "SASL_PLAINTEXT") and isinstance(
                exc, KafkaConnectionError | ConnectionError | TimeoutError) and not isinstance(
                exc, ConnectionRefusedError):
            tls = await _speaks_tls(host, port, min(timeout, 2.0))  # a TLS listener answers a hello at once
        return explain(settings, host, port, exc, speaks_tls=tls)
    try:
        await asyncio.wait_for(conn.send(MetadataRequest([])), timeout)
    except Exception as exc:  # noqa: BLE001
        if not settings.security_protocol.startswith("SASL_"):
            return (f"{host}:{port} closed the connection after the handshake ({type(exc).__name__}): it may "
                    f"require SASL: set {_env('security_protocol')}=SASL_SSL (or SASL_PLAINTEXT) and "
                    f"{_env('sasl_username')}, {_env('sasl_password_file')}")
        return f"{host}:{port} closed the connection after authenticating ({type(exc).__name__})"
    finally:
        conn.close()
    return None


async def check_connection(settings: Settings, timeout: float = 10.0) -> None:
    """Connect to the bootstrap servers with the configured security until one answers a metadata request;
    when none does, raise ``KafkaSecurityError`` with a line naming the setting to fix."""
    kwargs = aiokafka_security_kwargs(settings)
    failures: list[str] = []
    for host, port in _bootstrap_hosts(settings):
        failure = await _probe(settings, host, port, kwargs, timeout)
        if failure is None:
            return
        failures.append(failure)
    raise KafkaSecurityError("; ".join(dict.fromkeys(failures)))


def env_security_kwargs() -> dict[str, Any]:
    """``aiokafka_security_kwargs`` for the ``NEWSMON_*`` environment: for tools (bench, soak) whose clients
    sit beside workers they start, which read the same environment."""
    return aiokafka_security_kwargs(Settings.from_env())
