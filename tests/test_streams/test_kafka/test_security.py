"""Kafka security settings and the client arguments built from them (no broker; see test_security_tls.py)."""

from __future__ import annotations

import ssl
import subprocess
import sys
from pathlib import Path

import faust
import pytest

from streams.kafka.security import (
    KafkaSecurityError,
    aiokafka_security_kwargs,
    explain,
    faust_credentials,
    ssl_context,
)
from streams.settings import Settings
from tests.fixtures.tls_certs import TestPki, make_pki

ROOT = Path(__file__).resolve().parents[3]
SECRET = "correct-horse-battery-staple"


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> TestPki:
    return make_pki(tmp_path_factory.mktemp("pki"))


def refused(environ: dict[str, str]) -> str:
    with pytest.raises(SystemExit) as caught:
        Settings.from_env(environ)
    return str(caught.value)


def test_plaintext_is_the_default_and_adds_no_client_arguments():
    settings = Settings.from_env({})
    assert settings.security_protocol == "PLAINTEXT"
    assert aiokafka_security_kwargs(settings) == {}
    assert faust_credentials(settings) is None


def test_sasl_password_is_read_from_the_file_without_its_trailing_newline(tmp_path):
    secret = tmp_path / "password"
    secret.write_text(SECRET + "\n")
    settings = Settings.from_env({"NEWSMON_SECURITY_PROTOCOL": "SASL_PLAINTEXT", "NEWSMON_SASL_USERNAME": "newsmon",
                                  "NEWSMON_SASL_MECHANISM": "SCRAM-SHA-512",
                                  "NEWSMON_SASL_PASSWORD_FILE": str(secret)})
    assert settings.sasl_password is not None and settings.sasl_password.get_secret_value() == SECRET
    kwargs = aiokafka_security_kwargs(settings)
    assert kwargs == {"security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": "SCRAM-SHA-512",
                      "sasl_plain_username": "newsmon", "sasl_plain_password": SECRET}


def test_the_password_never_shows_in_the_settings_repr_dump_or_faust_credentials():
    settings = Settings.from_env({"NEWSMON_SECURITY_PROTOCOL": "SASL_PLAINTEXT", "NEWSMON_SASL_USERNAME": "newsmon",
                                  "NEWSMON_SASL_PASSWORD": SECRET})
    credentials = faust_credentials(settings)
    assert isinstance(credentials, faust.SASLCredentials) and credentials.password == SECRET
    for shown in (repr(settings), str(settings), settings.model_dump_json(), repr(credentials)):
        assert SECRET not in shown


@pytest.mark.parametrize(("environ", "names"), [
    ({"NEWSMON_SECURITY_PROTOCOL": "SASL_SSL", "NEWSMON_SASL_PASSWORD": SECRET}, "NEWSMON_SASL_USERNAME"),
    ({"NEWSMON_SECURITY_PROTOCOL": "SASL_SSL", "NEWSMON_SASL_USERNAME": "u"}, "NEWSMON_SASL_PASSWORD_FILE"),
    ({"NEWSMON_SASL_USERNAME": "u", "NEWSMON_SASL_PASSWORD": SECRET}, "NEWSMON_SECURITY_PROTOCOL=PLAINTEXT"),
    ({"NEWSMON_SSL_CA_FILE": "/etc/hostname"}, "NEWSMON_SSL_CA_FILE"),
    ({"NEWSMON_SECURITY_PROTOCOL": "SSL", "NEWSMON_SSL_CA_FILE": "/nonexistent/ca.pem"}, "NEWSMON_SSL_CA_FILE"),
    ({"NEWSMON_SECURITY_PROTOCOL": "SSL", "NEWSMON_SSL_KEY_FILE": "/etc/hostname"}, "NEWSMON_SSL_CERT_FILE"),
    ({"NEWSMON_SECURITY_PROTOCOL": "TLS"}, "NEWSMON_SECURITY_PROTOCOL"),
    ({"NEWSMON_SECURITY_PROTOCOL": "SASL_SSL", "NEWSMON_SASL_MECHANISM": "GSSAPI"}, "NEWSMON_SASL_MECHANISM"),
    ({"NEWSMON_SECURITY_PROTOCOL": "SASL_SSL", "NEWSMON_SASL_USERNAME": "u",
      "NEWSMON_SASL_PASSWORD_FILE": "/nonexistent/password"}, "NEWSMON_SASL_PASSWORD_FILE"),
])
def test_a_half_configured_secured_connection_is_refused_naming_the_variable(environ, names):
    message = refused(environ)
    assert names in message
    assert SECRET not in message


def test_password_and_password_file_together_are_refused(tmp_path):
    secret = tmp_path / "password"
    secret.write_text("other")
    message = refused({"NEWSMON_SECURITY_PROTOCOL": "SASL_SSL", "NEWSMON_SASL_USERNAME": "u",
                       "NEWSMON_SASL_PASSWORD": SECRET, "NEWSMON_SASL_PASSWORD_FILE": str(secret)})
    assert "NEWSMON_SASL_PASSWORD or NEWSMON_SASL_PASSWORD_FILE, not both" in message
    assert SECRET not in message


def test_tls_context_verifies_the_broker_checks_the_hostname_and_presents_the_client_certificate(pki):
    settings = Settings(security_protocol="SSL", ssl_ca_file=pki.ca, ssl_cert_file=pki.client.cert,
                        ssl_key_file=pki.client.key)
    context = ssl_context(settings)
    assert context is not None
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert [c["subject"] for c in context.get_ca_certs()] == [((("commonName", "newsmon-test-ca"),),)]
    kwargs = aiokafka_security_kwargs(settings)
    assert kwargs["security_protocol"] == "SSL" and isinstance(kwargs["ssl_context"], ssl.SSLContext)
    assert isinstance(faust_credentials(settings), faust.SSLCredentials)
    off = ssl_context(settings.model_copy(update={"ssl_check_hostname": False}))
    assert off is not None and not off.check_hostname and off.verify_mode == ssl.CERT_REQUIRED


def test_sasl_ssl_gives_faust_sasl_credentials_over_tls(pki):
    settings = Settings(security_protocol="SASL_SSL", ssl_ca_file=pki.ca, sasl_mechanism="SCRAM-SHA-256",
                        sasl_username="newsmon", sasl_password=SECRET)
    credentials = faust_credentials(settings)
    assert isinstance(credentials, faust.SASLCredentials)
    assert credentials.protocol.value == "SASL_SSL" and credentials.mechanism.value == "SCRAM-SHA-256"
    assert credentials.ssl_context is not None


def test_a_file_that_is_not_a_certificate_is_named_in_the_error(tmp_path, pki):
    junk = tmp_path / "ca.pem"
    junk.write_text("not a certificate\n")
    with pytest.raises(KafkaSecurityError, match="NEWSMON_SSL_CA_FILE"):
        aiokafka_security_kwargs(Settings(security_protocol="SSL", ssl_ca_file=junk))
    with pytest.raises(KafkaSecurityError, match="NEWSMON_SSL_CERT_FILE"):
        aiokafka_security_kwargs(Settings(security_protocol="SSL", ssl_cert_file=pki.client.cert,
                                          ssl_key_file=pki.server.key))  # key of another certificate


def test_an_unreachable_broker_is_named_by_its_setting():
    settings = Settings(broker="127.0.0.1:1")
    message = explain(settings, "127.0.0.1", 1, ConnectionRefusedError(111, "Connection refused"))
    assert message == "cannot connect to 127.0.0.1:1 (NEWSMON_BROKER): Connection refused"


def test_worker_help_documents_every_security_setting_and_never_shows_a_secret():
    env = {"PATH": "/usr/bin:/bin", "NEWSMON_SASL_PASSWORD": SECRET, "NEWSMON_SECURITY_PROTOCOL": "SASL_SSL",
           "NEWSMON_SASL_USERNAME": "newsmon"}
    shown = subprocess.run([sys.executable, "-m", "streams.cli", "worker", "--help"], cwd=ROOT, env=env,
                           capture_output=True, text=True, check=True).stdout
    for flag in ("--security-protocol", "--ssl-ca-file", "--ssl-cert-file", "--ssl-key-file", "--ssl-check-hostname",
                 "--sasl-mechanism", "--sasl-username", "--sasl-password-file"):
        assert flag in shown
    assert "NEWSMON_SASL_PASSWORD or" in " ".join(shown.split())  # the variable is named, its value never
    assert SECRET not in shown
    assert "--sasl-password " not in shown  # no password on a command line (ps, shell history)
