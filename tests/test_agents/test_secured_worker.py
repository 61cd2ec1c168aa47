"""Real workers against the local broker behind a TLS/SASL front (tests/fixtures/tls_proxy.py): the seeds end to
end over mutual TLS, SASL_SSL with SCRAM without the password showing anywhere the worker wrote, and a worker
that cannot authenticate exiting non-zero with one line naming the setting."""

from __future__ import annotations

import subprocess
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient

from schemas import Alert
from streams.kafka.consume import read_topic
from streams.kafka.replay import replay
from streams.kafka.security import aiokafka_security_kwargs
from streams.settings import Settings
from streams.worker_process import WorkerProcess, local_env
from tests.fixtures.tls_certs import TestPki, make_pki
from tests.fixtures.tls_proxy import SecuredBroker

pytestmark = pytest.mark.broker
PASSWORD = "pw-" + uuid.uuid4().hex  # unique, so finding it anywhere means it leaked
USERS = {"newsmon-worker": PASSWORD}


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> TestPki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def mtls_broker(pki: TestPki, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecuredBroker]:
    with SecuredBroker(log_path=tmp_path_factory.mktemp("mtls") / "tansu.log", cert=pki.server.cert,
                       key=pki.server.key, client_ca=pki.ca) as secured:
        yield secured


@pytest.fixture(scope="module")
def sasl_broker(pki: TestPki, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecuredBroker]:
    with SecuredBroker(log_path=tmp_path_factory.mktemp("sasl") / "tansu.log", cert=pki.server.cert,
                       key=pki.server.key, sasl_users=USERS, sasl_mechanisms=("PLAIN", "SCRAM-SHA-512")) as secured:
        yield secured


def settings_for(secured: SecuredBroker, tmp_path: Path, **security: object) -> Settings:
    tag = uuid.uuid4().hex[:8]
    return Settings(broker=secured.bootstrap, app_id=f"newsmon-secure-{tag}", topic_prefix=f"s{tag}.",
                    partitions=2, web_bind="127.0.0.1", data_dir=tmp_path / "data", **security)


def security_env(settings: Settings, **files: Path) -> dict[str, str]:
    env = {"NEWSMON_SECURITY_PROTOCOL": settings.security_protocol}
    for name in ("ssl_ca_file", "ssl_cert_file", "ssl_key_file", "sasl_username"):
        value = getattr(settings, name)
        if value is not None:
            env[f"NEWSMON_{name.upper()}"] = str(value)
    if settings.security_protocol.startswith("SASL_"):
        env["NEWSMON_SASL_MECHANISM"] = settings.sasl_mechanism
    env.update({f"NEWSMON_{k.upper()}": str(v) for k, v in files.items()})
    return env


def status(url: str, method: str = "GET") -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.fixture
def workers() -> Iterator[list[WorkerProcess]]:
    started: list[WorkerProcess] = []
    yield started
    for worker in started:
        worker.stop()


def launch(workers: list[WorkerProcess], settings: Settings, log: Path, env: dict[str, str]) -> WorkerProcess:
    worker = WorkerProcess(local_env(settings, NEWSMON_BATCH_WITHIN="0.05", NEWSMON_NLP_PROCESSES="0", **env), log)
    workers.append(worker)
    return worker.launch()


async def test_seeds_end_to_end_over_mutual_tls(mtls_broker, pki, seeds_dir, tmp_path, workers):
    settings = settings_for(mtls_broker, tmp_path, security_protocol="SSL", ssl_ca_file=pki.ca,
                            ssl_cert_file=pki.client.cert, ssl_key_file=pki.client.key)
    worker = launch(workers, settings, tmp_path / "worker.log", security_env(settings)).wait_ready(120)
    security = aiokafka_security_kwargs(settings)
    report = await replay([seeds_dir], settings.broker, settings.topics.raw, security=security)
    assert report.sent == 5
    enriched = await read_topic(settings.broker, settings.topics.enriched, expect=5, timeout=120, security=security)
    assert len({r.key for r in enriched}) == 5
    alerts = [Alert.model_validate(orjson.loads(r.value)) for r in
              await read_topic(settings.broker, settings.topics.alerts, idle=3, timeout=60, security=security)]
    assert {a.signature for a in alerts if a.rule_id == "ru-kp-transfer"} >= {"PRK>RUS:munitions",
                                                                            "RUS>PRK:technology"}
    # every connection went through the front, which admits only certificates signed by the test CA
    assert mtls_broker.front.log.client_subjects.count("newsmon-client") >= 3
    assert "created topics" in workers[0].log_path.read_text()  # the worker's admin client came over TLS too
    # the web port reads, never writes: /metrics and / only, no table or router views, no other methods
    assert (status(f"{worker.url}/metrics"), status(f"{worker.url}/")) == (200, 200)
    assert status(f"{worker.url}/table/") == 404 and status(f"{worker.url}/router/") == 404
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        assert status(f"{worker.url}/metrics", method) in (404, 405)
        assert status(f"{worker.url}/", method) in (404, 405)


@pytest.mark.parametrize("mechanism", ["SCRAM-SHA-512", "PLAIN"])
async def test_a_sasl_worker_never_writes_its_password_anywhere(sasl_broker, pki, seeds_dir, tmp_path, workers,
                                                                 mechanism):
    """At debug level too, where aiokafka logs every request (PLAIN's token carries the password itself)."""
    password_file = tmp_path / "kafka-password"
    password_file.write_text(PASSWORD + "\n")
    settings = settings_for(sasl_broker, tmp_path, security_protocol="SASL_SSL", ssl_ca_file=pki.ca,
                            sasl_mechanism=mechanism, sasl_username="newsmon-worker", sasl_password=PASSWORD)
    log = tmp_path / "worker.log"
    worker = launch(workers, settings, log, {**security_env(settings, sasl_password_file=password_file),
                                             "NEWSMON_LOG_LEVEL": "debug"}).wait_ready(120)
    security = aiokafka_security_kwargs(settings)
    assert (await replay([seeds_dir], settings.broker, settings.topics.raw, security=security)).sent == 5
    producer = AIOKafkaProducer(bootstrap_servers=settings.broker, **security)
    await producer.start()
    try:
        await producer.send_and_wait(settings.topics.raw, b"not json {", key=b"poison")  # a dead letter too
    finally:
        await producer.stop()
    await read_topic(settings.broker, settings.topics.enriched, expect=5, timeout=120, security=security)
    await read_topic(settings.broker, settings.topics.dlq, expect=1, timeout=60, security=security)
    assert ("newsmon-worker", mechanism) in sasl_broker.front.log.authenticated
    logged = log.read_text()
    assert "SaslAuthenticateRequest(<redacted>)" in logged and "Logging error" not in logged  # logged, tokens cut

    written = {"log": log.read_text(errors="replace"), "metrics": worker.metrics()}
    with urllib.request.urlopen(f"{worker.url}/", timeout=5) as page:
        written["/"] = page.read().decode(errors="replace")
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.broker, **security)
    await admin.start()
    try:
        ours = [t for t in await admin.list_topics() if t.startswith((settings.topic_prefix, settings.app_id))]
    finally:
        await admin.close()
    assert settings.topics.dlq in ours and any(t.endswith("-changelog") for t in ours)
    for topic in ours:
        for record in await read_topic(settings.broker, topic, idle=1.5, timeout=30, security=security):
            written[f"{topic}[{record.partition}]@{record.offset}"] = (
                (record.key or b"") + b" " + (record.value or b"") + b"".join(v for _, v in record.headers or ()))
    assert len(written) > 10 and "newsmon_worker_info" in written["metrics"]
    assert settings.broker not in written["metrics"] and "newsmon-worker" not in written["metrics"]  # nor user
    assert worker.terminate() == 0
    written["log"] = log.read_text(errors="replace")  # with the shutdown
    leaked = [where for where, text in written.items()
              if PASSWORD in (text if isinstance(text, str) else text.decode(errors="replace"))]
    assert leaked == []


@pytest.mark.parametrize("case", ["wrong_password", "untrusted_ca", "plaintext_against_tls"])
async def test_a_worker_that_cannot_connect_securely_exits_non_zero_naming_the_setting(
        case, sasl_broker, mtls_broker, pki, tmp_path, workers):
    wrong = "wrong-" + PASSWORD
    if case == "wrong_password":
        settings = settings_for(sasl_broker, tmp_path, security_protocol="SASL_SSL", ssl_ca_file=pki.ca,
                                sasl_mechanism="SCRAM-SHA-512", sasl_username="newsmon-worker", sasl_password=wrong)
        env, expected = {**security_env(settings), "NEWSMON_SASL_PASSWORD": wrong}, "NEWSMON_SASL_PASSWORD"
    elif case == "untrusted_ca":
        settings = settings_for(mtls_broker, tmp_path, security_protocol="SSL", ssl_ca_file=pki.other_ca,
                                ssl_cert_file=pki.client.cert, ssl_key_file=pki.client.key)
        env, expected = security_env(settings), "NEWSMON_SSL_CA_FILE"
    else:
        settings = settings_for(mtls_broker, tmp_path)
        env, expected = security_env(settings), "NEWSMON_SECURITY_PROTOCOL=SSL"
    log = tmp_path / "worker.log"
    worker = launch(workers, settings, log, env)
    assert worker.process is not None
    try:
        code = worker.process.wait(90)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the worker kept retrying instead of exiting; log:\n{worker.log_tail()}")
    output = log.read_text(errors="replace")
    assert code == 2, output
    lines = [line for line in output.splitlines() if "newsmon worker: cannot connect to Kafka" in line]
    assert len(lines) == 1 and expected in lines[0], output
    assert "Traceback" not in output
    assert wrong not in output and PASSWORD not in output
