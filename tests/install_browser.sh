#!/bin/sh
# Installs Debian's chromium for the browser tests (Playwright drives it; no browser download).
set -e
if [ -x "${PARLEY_CHROMIUM:-/usr/bin/chromium}" ]; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
