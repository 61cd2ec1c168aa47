#!/bin/sh
# Image entrypoint: when a spaCy model was baked in at build time (SPACY_MODEL_URL) and
# NEWSMON_SPACY_MODEL is not set, use that model; then replace this shell with the command.
set -eu
if [ -z "${NEWSMON_SPACY_MODEL:-}" ] && [ -s /opt/venv/newsmon-spacy-model ]; then
    NEWSMON_SPACY_MODEL="$(cat /opt/venv/newsmon-spacy-model)"
    export NEWSMON_SPACY_MODEL
fi
exec "$@"
