"""Real TLS and SASL between aiokafka and the local broker, through a TLS/SASL front on loopback
(tests/fixtures/tls_proxy.py), with a CA and certificates made for the test."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from streams.kafka.broker import free_port, tansu_binary
from streams.kafka.consume import read_topic
from streams.kafka.replay import replay
from streams.kafka.security import KafkaSecurityError, aiokafka_security_kwargs, check_connection
from streams.settings import Settings
from tests.fixtures.tls_certs import TestPki, make_pki
from tests.fixtures.tls_proxy import SecuredBroker

pytestmark = pytest.mark.broker
PASSWORD = "s3cret-" + uuid.uuid4().hex[:8]
USERS = {"newsmon": PASSWORD}


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> TestPki:
    return make_pki(tmp_path_factory.mktemp("pki"))


def _secured(tmp: Path, **options: object) -> Iterator[SecuredBroker]:
    with SecuredBroker(log_path=tmp / "tansu.log", **options) as secured:
        yield secured


@pytest.fixture(scope="module")
def tls_broker(pki: TestPki, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecuredBroker]:
    yield from _secured(tmp_path_factory.mktemp("tls"), cert=pki.server.cert, key=pki.server.key)


@pytest.fixture(scope="module")
def mtls_broker(pki: TestPki, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecuredBroker]:
    yield from _secured(tmp_path_factory.mktemp("mtls"), cert=pki.server.cert, key=pki.server.key, client_ca=pki.ca)


@pytest.fixture(scope="module")
def sasl_ssl_broker(pki: TestPki, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecuredBroker]:
    yield from _secured(tmp_path_factory.mktemp("sasl-ssl"), cert=pki.server.cert, key=pki.server.key,
                        sasl_users=USERS)


@pytest.fixture(scope="module")
def sasl_plaintext_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecuredBroker]:
    yield from _secured(tmp_path_factory.mktemp("sasl-plain"), sasl_users=USERS,
                        sasl_mechanisms=("SCRAM-SHA-256", "SCRAM-SHA-512"))


async def round_trip(settings: Settings, tmp_path: Path) -> None:
    """Produce two articles with ``newsmon replay``'s code and read them back, both with the settings' security."""
    topic = f"secure-{uuid.uuid4().hex[:8]}"
    source = tmp_path / "articles.jsonl"
    source.write_text('{"id": "a1", "text": "eins"}\n{"id": "a2", "text": "zwei"}\n')
    security = aiokafka_security_kwargs(settings)
    report = await replay([source], settings.broker, topic, security=security)
    assert (report.sent, report.failed) == (2, 0)
    records = await read_topic(settings.broker, topic, expect=2, timeout=30, security=security)
    assert sorted(orjson.loads(r.value)["id"] for r in records) == ["a1", "a2"]


async def refusal(settings: Settings) -> str:
    with pytest.raises(KafkaSecurityError) as caught:
        await check_connection(settings, timeout=5)
    return str(caught.value)


async def test_articles_travel_over_tls_verified_against_the_test_ca(tls_broker, pki, tmp_path):
    settings = Settings(broker=tls_broker.bootstrap, security_protocol="SSL", ssl_ca_file=pki.ca)
    await check_connection(settings)
    await round_trip(settings, tmp_path)
    assert tls_broker.front.log.connections >= 2  # bootstrap and the advertised address both went through TLS


@pytest.mark.parametrize("trusted", ["system", "other"])
async def test_a_client_without_the_ca_is_refused_naming_the_ca_setting(tls_broker, pki, trusted):
    settings = Settings(broker=tls_broker.bootstrap, security_protocol="SSL",
                        ssl_ca_file=pki.other_ca if trusted == "other" else None)
    message = await refusal(settings)
    assert "is not trusted" in message and "NEWSMON_SSL_CA_FILE" in message
    assert (str(pki.other_ca) if trusted == "other" else "system trust store") in message


async def test_a_plaintext_client_against_the_tls_listener_is_told_to_use_ssl(tls_broker):
    message = await refusal(Settings(broker=tls_broker.bootstrap))
    assert "is a TLS listener" in message and "NEWSMON_SECURITY_PROTOCOL=SSL" in message


async def test_a_certificate_for_another_host_is_refused_unless_hostname_checks_are_off(pki, tmp_path):
    with SecuredBroker(log_path=tmp_path / "tansu.log", cert=pki.wrong_name.cert, key=pki.wrong_name.key) as wrong:
        settings = Settings(broker=wrong.bootstrap, security_protocol="SSL", ssl_ca_file=pki.ca)
        message = await refusal(settings)
        assert "does not name 127.0.0.1" in message and "NEWSMON_SSL_CHECK_HOSTNAME" in message
        await check_connection(settings.model_copy(update={"ssl_check_hostname": False}))


async def test_mutual_tls_admits_the_client_certificate_and_refuses_a_client_without_one(mtls_broker, pki, tmp_path):
    with_cert = Settings(broker=mtls_broker.bootstrap, security_protocol="SSL", ssl_ca_file=pki.ca,
                         ssl_cert_file=pki.client.cert, ssl_key_file=pki.client.key)
    await round_trip(with_cert, tmp_path)
    assert "newsmon-client" in mtls_broker.front.log.client_subjects
    message = await refusal(with_cert.model_copy(update={"ssl_cert_file": None, "ssl_key_file": None}))
    assert "client certificate" in message and "NEWSMON_SSL_CERT_FILE" in message


@pytest.mark.parametrize("mechanism", ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"])
async def test_sasl_ssl_authenticates_each_mechanism(sasl_ssl_broker, pki, tmp_path, mechanism):
    settings = Settings(broker=sasl_ssl_broker.bootstrap, security_protocol="SASL_SSL", ssl_ca_file=pki.ca,
                        sasl_mechanism=mechanism, sasl_username="newsmon", sasl_password=PASSWORD)
    await round_trip(settings, tmp_path)
    assert ("newsmon", mechanism) in sasl_ssl_broker.front.log.authenticated


@pytest.mark.parametrize("mechanism", ["PLAIN", "SCRAM-SHA-512"])
async def test_a_wrong_password_is_refused_naming_the_password_settings_not_the_password(sasl_ssl_broker, pki,
                                                                                         mechanism):
    wrong = "not-" + PASSWORD
    settings = Settings(broker=sasl_ssl_broker.bootstrap, security_protocol="SASL_SSL", ssl_ca_file=pki.ca,
                        sasl_mechanism=mechanism, sasl_username="newsmon", sasl_password=wrong)
    message = await refusal(settings)
    assert "refused user 'newsmon'" in message and "NEWSMON_SASL_PASSWORD" in message
    assert wrong not in message and PASSWORD not in message


async def test_sasl_plaintext_with_scram_and_an_unoffered_mechanism(sasl_plaintext_broker, tmp_path):
    settings = Settings(broker=sasl_plaintext_broker.bootstrap, security_protocol="SASL_PLAINTEXT",
                        sasl_mechanism="SCRAM-SHA-256", sasl_username="newsmon", sasl_password=PASSWORD)
    await round_trip(settings, tmp_path)
    message = await refusal(settings.model_copy(update={"sasl_mechanism": "PLAIN"}))
    assert "does not offer NEWSMON_SASL_MECHANISM=PLAIN" in message


async def test_a_tls_client_without_sasl_against_a_sasl_listener_is_told_it_needs_sasl(sasl_ssl_broker, pki):
    message = await refusal(Settings(broker=sasl_ssl_broker.bootstrap, security_protocol="SSL", ssl_ca_file=pki.ca))
    assert "may require SASL" in message and "NEWSMON_SECURITY_PROTOCOL=SASL_SSL" in message


@pytest.fixture
def authenticating_broker(tmp_path: Path) -> Iterator[str]:
    """The local broker with ``--authentication``: its own SASL, with no way to create a user (README)."""
    port = free_port()
    url = f"tcp://127.0.0.1:{port}"
    with open(tmp_path / "tansu.log", "wb") as log:
        process = subprocess.Popen([str(tansu_binary()), "broker", "--listener-url", url, "--advertised-listener-url",
                                    url, "--storage-engine", "memory://tansu/", "--authentication"],
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            time.sleep(0.05)
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(10)


async def test_the_local_broker_with_authentication_admits_no_one_and_the_refusal_names_the_credentials(
        authenticating_broker):
    created = subprocess.run([str(tansu_binary()), "user", "create", "--broker", f"tcp://{authenticating_broker}",
                              "--mechanism", "scram256", "newsmon", PASSWORD], capture_output=True, timeout=30)
    assert created.returncode != 0  # NotAuthenticated: users cannot be created once authentication is on
    for mechanism in ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"):
        settings = Settings(broker=authenticating_broker, security_protocol="SASL_PLAINTEXT",
                            sasl_mechanism=mechanism, sasl_username="newsmon", sasl_password=PASSWORD)
        message = await refusal(settings)
        assert "NEWSMON_SASL_USERNAME" in message and "NEWSMON_SASL_PASSWORD" in message, (mechanism, message)
        assert PASSWORD not in message
    message = await refusal(Settings(broker=authenticating_broker))
    assert "may require SASL" in message
