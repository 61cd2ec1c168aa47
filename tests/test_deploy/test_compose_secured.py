"""The compose profile ``secured``: a worker against a TLS/SASL cluster, its secrets only ever as files."""

from __future__ import annotations

import yaml
from promql import ROOT

from streams.settings import ENV_PREFIX, Settings

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SECURED = COMPOSE["services"]["worker-secured"]


def test_the_secured_worker_is_opt_in_and_scraped_like_the_other_workers():
    assert SECURED["profiles"] == ["secured"]
    assert "worker" in SECURED["networks"]["default"]["aliases"]  # the Prometheus job's DNS name
    assert SECURED["environment"]["NEWSMON_SECURITY_PROTOCOL"] == "SASL_SSL"
    assert "SCRAM-SHA-512" in SECURED["environment"]["NEWSMON_SASL_MECHANISM"]


def test_every_variable_it_sets_is_a_setting():
    known = {ENV_PREFIX + name.upper() for name in Settings.model_fields}
    assert set(SECURED["environment"]) - known == set()


def test_its_password_and_ca_arrive_as_secret_files_never_as_values():
    env = SECURED["environment"]
    assert "NEWSMON_SASL_PASSWORD" not in env
    declared = COMPOSE["secrets"]
    assert set(SECURED["secrets"]) <= set(declared)
    mounted = {f"/run/secrets/{name}" for name in SECURED["secrets"]}
    assert {env["NEWSMON_SASL_PASSWORD_FILE"], env["NEWSMON_SSL_CA_FILE"]} <= mounted
    ignore = (ROOT / "deploy" / "secrets" / ".gitignore").read_text().split()
    assert "*" in ignore  # everything in deploy/secrets/ stays out of git ...
    for spec in declared.values():
        path = ROOT / spec["file"]
        assert path.parent == ROOT / "deploy" / "secrets"
        assert f"!{path.name}" not in ignore, f"{spec['file']} would be committed"  # ... secrets without exception
