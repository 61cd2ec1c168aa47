"""docker-compose.yml and the Dockerfile are consistent with the repository and with each other."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from promql import ROOT

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
DOCKERFILE_TEXT = DOCKERFILE.read_text(encoding="utf-8")


def volumes(service: dict) -> list[dict]:
    """Short and long volume syntax as dicts with type/source/target."""
    out = []
    for v in service.get("volumes", []):
        if isinstance(v, dict):
            out.append(v)
            continue
        parts = v.split(":")
        source, target = (parts[0], parts[1]) if len(parts) > 1 else (None, parts[0])
        kind = "bind" if source and source.startswith((".", "/", "~")) else "volume"
        out.append({"type": kind, "source": source, "target": target})
    return out


def seconds(duration: str) -> float:
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}
    return sum(float(n) * units[u] for n, u in re.findall(r"(\d+(?:\.\d+)?)(ms|s|m|h)", duration))


def test_services():
    assert {"kafka", "topic-init", "worker", "replay", "prometheus", "grafana"} <= set(SERVICES)


def test_bind_mounts_exist():
    binds = [(name, v) for name, s in SERVICES.items() for v in volumes(s) if v["type"] == "bind"]
    assert binds
    for name, v in binds:
        assert (ROOT / v["source"]).exists(), f"{name}: bind-mounted {v['source']} does not exist"


def test_named_volumes_are_declared():
    declared = set(COMPOSE.get("volumes") or {})
    for name, s in SERVICES.items():
        for v in volumes(s):
            if v["type"] == "volume" and v["source"]:
                assert v["source"] in declared, f"{name}: volume {v['source']} not declared"


def test_build_contexts_and_dockerfiles_exist():
    built = [(n, s["build"]) for n, s in SERVICES.items() if "build" in s]
    assert {"worker", "replay"} <= {n for n, _ in built}
    for name, build in built:
        context = ROOT / build.get("context", ".")
        assert context.is_dir(), name
        assert (context / build.get("dockerfile", "Dockerfile")).resolve() == DOCKERFILE.resolve(), name


def test_depends_on_refers_to_services_with_sane_conditions():
    for name, s in SERVICES.items():
        deps = s.get("depends_on", {})
        deps = dict.fromkeys(deps, {}) if isinstance(deps, list) else deps
        for dep, spec in deps.items():
            assert dep in SERVICES, f"{name} depends on unknown service {dep}"
            condition = (spec or {}).get("condition", "service_started")
            if condition == "service_healthy":
                assert "healthcheck" in SERVICES[dep], f"{name} waits for {dep} to be healthy; it has no healthcheck"
            if condition == "service_completed_successfully":
                assert SERVICES[dep].get("restart", "no") == "no", f"{dep} must be one-shot"
    assert SERVICES["topic-init"]["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert SERVICES["worker"]["depends_on"]["topic-init"]["condition"] == "service_completed_successfully"


def test_variables_have_defaults():
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    for var in re.findall(r"(?<!\$)\$\{([^}]*)\}", text):
        assert ":-" in var or ":?" in var, f"${{{var}}} has no default: compose warns and uses an empty string"


def test_kafka_is_single_node_kraft():
    kafka = SERVICES["kafka"]
    assert kafka["image"].startswith("apache/kafka:")
    env = kafka["environment"]
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert str(env["KAFKA_NODE_ID"]) == "1"
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"] == "1@kafka:9093"
    assert "PLAINTEXT://kafka:9092" in env["KAFKA_ADVERTISED_LISTENERS"]
    assert "kafka-broker-api-versions.sh" in " ".join(kafka["healthcheck"]["test"])


def test_worker_settings():
    worker = SERVICES["worker"]
    assert seconds(worker["stop_grace_period"]) >= 30
    assert worker["environment"]["NEWSMON_BROKER"] == "kafka:9092"
    assert "ports" not in worker, "a host port prevents `--scale worker=N`"
    assert "container_name" not in worker, "a container_name prevents `--scale worker=N`"
    replay = SERVICES["replay"]
    assert replay["command"][:2] == ["newsmon", "replay"] and "kafka:9092" in replay["command"]
    assert replay.get("profiles") or replay.get("restart") == "no"


def fake_kafka_bin(tmp_path: Path) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for script in ("kafka-topics.sh", "kafka-configs.sh"):
        path = bin_dir / script
        path.write_text(f'#!/bin/sh\necho {script} "$@"\n')
        path.chmod(0o755)
    return bin_dir


@pytest.mark.parametrize("prefix", ["", "staging."])
def test_topic_init_creates_the_topics(tmp_path, prefix):
    """Run topic-init's script (compose's $$ unescaped) against stub kafka-*.sh scripts."""
    init = SERVICES["topic-init"]
    assert init["image"] == SERVICES["kafka"]["image"]
    assert init.get("restart") == "no"
    script = "\n".join(init["command"]) if isinstance(init["command"], list) else init["command"]
    script = script.replace("$$", "$").replace("/opt/kafka/bin", str(fake_kafka_bin(tmp_path)))
    shell = init["entrypoint"]
    env = {"PATH": os.environ["PATH"], "BOOTSTRAP": "kafka:9092", "PREFIX": prefix, "PARTITIONS": "4"}
    proc = subprocess.run([*shell, script], env=env, capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    created = {}
    for line in proc.stdout.splitlines():
        args = line.split()
        if args[0] == "kafka-topics.sh" and "--create" in args:
            assert "--if-not-exists" in args
            configs = [args[i + 1] for i, a in enumerate(args) if a == "--config"]
            created[args[args.index("--topic") + 1]] = (args[args.index("--partitions") + 1], configs)
    assert created == {
        f"{prefix}articles.raw": ("4", []),
        f"{prefix}articles.enriched": ("4", []),
        f"{prefix}articles.dlq": ("4", []),
        f"{prefix}alerts": ("4", ["cleanup.policy=compact"]),
    }
    assert f"--entity-name {prefix}alerts --add-config cleanup.policy=compact" in proc.stdout


def test_topic_init_defaults_match_the_worker():
    assert SERVICES["topic-init"]["environment"]["PARTITIONS"] == "${NEWSMON_PARTITIONS:-4}"
    assert SERVICES["worker"]["environment"]["NEWSMON_PARTITIONS"] == "${NEWSMON_PARTITIONS:-4}"
    assert SERVICES["topic-init"]["environment"]["PREFIX"] == SERVICES["worker"]["environment"]["NEWSMON_TOPIC_PREFIX"]


def test_prometheus_scrapes_every_worker_replica():
    prom = SERVICES["prometheus"]
    assert any(v["target"] == "/etc/prometheus" and v["source"] == "./deploy/prometheus" for v in volumes(prom))
    assert "--config.file=/etc/prometheus/prometheus.yml" in prom["command"]
    config = yaml.safe_load((ROOT / "deploy/prometheus/prometheus.yml").read_text())
    (job,) = [j for j in config["scrape_configs"] if j["job_name"] == "newsmon"]
    (sd,) = job["dns_sd_configs"]
    assert sd["type"] == "A" and sd["names"] == ["worker"] and "worker" in SERVICES
    assert str(sd["port"]) == SERVICES["worker"]["environment"]["NEWSMON_WEB_PORT"] == "6066"
    assert config["global"]["evaluation_interval"] == "15s"


def test_grafana_mounts_match_provisioning():
    grafana = SERVICES["grafana"]
    mounts = {v["target"]: v["source"] for v in volumes(grafana)}
    assert mounts["/etc/grafana/provisioning"] == "./deploy/grafana/provisioning"
    provider = yaml.safe_load((ROOT / "deploy/grafana/provisioning/dashboards/newsmon.yml").read_text())
    (p,) = provider["providers"]
    assert p["type"] == "file"
    assert mounts[p["options"]["path"]] == "./deploy/grafana/dashboards"
    assert (ROOT / "deploy/grafana/dashboards/newsmon.json").is_file()
    home = grafana["environment"].get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH")
    if home:
        assert home.startswith(p["options"]["path"] + "/")
        assert (ROOT / "deploy/grafana/dashboards" / Path(home).name).is_file()
    ds = yaml.safe_load((ROOT / "deploy/grafana/provisioning/datasources/prometheus.yml").read_text())
    assert ds["datasources"][0]["url"] == "http://prometheus:9090" and "prometheus" in SERVICES


# --- Dockerfile ----------------------------------------------------------------------------------


def instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", DOCKERFILE_TEXT)
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def test_dockerfile_runtime_stage():
    ins = instructions()
    final = ins[max(i for i, (w, _) in enumerate(ins) if w == "FROM") :]
    assert any(w == "ARG" and "PYTHON_IMAGE=python:3.11-slim" in r for w, r in ins)
    users = [r for w, r in final if w == "USER"]
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    assert ("CMD", '["newsmon", "worker"]') in final, "exec-form CMD"
    entry = [r for w, r in final if w == "ENTRYPOINT"]
    assert all(r.startswith("[") for r in entry), "exec-form ENTRYPOINT"
    assert ("EXPOSE", "6066") in final
    health = [r for w, r in final if w == "HEALTHCHECK"]
    assert health and "urllib.request" in health[0] and "127.0.0.1" in health[0]
    assert "SPACY_MODEL_URL" in DOCKERFILE_TEXT
    for word, rest in ins:
        if word == "RUN":
            assert not re.search(r"pip install\b.*\bde[-_]core[-_]news", rest), "squatted PyPI name"


def test_dockerfile_copies_exist():
    for word, rest in instructions():
        if word == "COPY" and "--from" not in rest:
            sources = [s for s in rest.split() if not s.startswith("--")][:-1]
            for source in sources:
                assert (ROOT / source).exists(), f"COPY {source}: not in the build context"


def test_dockerignore_lets_in_the_packages():
    allowed = {
        line[1:].strip("/")
        for line in (ROOT / "deploy/Dockerfile.dockerignore").read_text().splitlines()
        if line.startswith("!")
    }
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    for pattern in pyproject["tool"]["setuptools"]["packages"]["find"]["include"]:
        assert pattern.rstrip("*").rstrip(".") in allowed, f"package {pattern} is excluded from the image"
    assert {"pyproject.toml", pyproject["project"]["readme"], "deploy/docker-entrypoint.sh"} <= allowed
    for word, rest in instructions():
        if word == "COPY" and "--from" not in rest:
            for source in [s for s in rest.split() if not s.startswith("--")][:-1]:
                assert source == "." or source in allowed, f"COPY {source} is excluded by the dockerignore"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX shell script")
def test_entrypoint_passes_the_command_through(tmp_path):
    env = {"PATH": os.environ["PATH"], "NEWSMON_SPACY_MODEL": "de_core_news_md"}
    script = ROOT / "deploy/docker-entrypoint.sh"
    proc = subprocess.run(
        ["sh", str(script), "sh", "-c", 'echo "$NEWSMON_SPACY_MODEL" "$0"', "arg0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=10,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "de_core_news_md arg0"
