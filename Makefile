# Two entry points for a fresh machine: `make demo` and `make test`. Both set up .venv themselves.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test lint install-dev install-broker prometheus alertmanager openssl schemas eval hydrate train bench soak clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Re-install whenever pyproject.toml changes.
$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

$(VENV)/.broker-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[broker]'
	touch $@

install-dev: $(VENV)/.dev-installed
install-broker: $(VENV)/.broker-installed

# promtool (Debian package prometheus) is needed by the deploy tests.
prometheus:
	@command -v promtool >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends prometheus >/dev/null; }
	@promtool --version | head -1

# A real Alertmanager (and amtool) for the forwarding and deploy/alertmanager tests (Debian package).
alertmanager:
	@command -v prometheus-alertmanager >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
	  prometheus-alertmanager >/dev/null; }
	@prometheus-alertmanager --version 2>&1 | head -1

# The openssl CLI makes the CA and certificates of the TLS tests (Debian package openssl).
openssl:
	@command -v openssl >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends openssl >/dev/null; }

demo: install-broker
	$(BIN)/newsmon demo

test: install-dev prometheus alertmanager openssl
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

lint: install-dev
	$(BIN)/ruff check .

schemas: install-dev
	$(BIN)/newsmon schemas

# Written sets, then the real-reporting set when its texts are hydrated here (it says so when not).
eval: install-dev
	$(BIN)/python -m tests.evaluate --set devset
	$(BIN)/python -m tests.evaluate --set holdout
	$(BIN)/python -m tests.evaluate --set real --by-batch --baseline --thresholds

# Texts of the real set: {"url", "text"} JSON lines (default .newsmon/real-fetched/), checked against the hashes.
FETCHED ?= .newsmon/real-fetched
# Retrain the transfer sentence classifier (needs the hydrated real set; later batches stay out until scored).
train: install-dev
	$(BIN)/newsmon train $(if $(BATCHES),--batches $(BATCHES),)

hydrate: install-dev
	$(BIN)/python -m tests.real_corpus hydrate $(FETCHED)

bench: install-broker
	$(BIN)/newsmon bench

# The long chaos soak (a 2-round one runs in `make test`).
ROUNDS ?= 100
SEED ?= 1
soak: install-broker
	$(BIN)/newsmon soak --rounds $(ROUNDS) --seed $(SEED)

clean:
	rm -rf $(VENV) .pytest_cache .newsmon
