#!/usr/bin/env bash
# `make bench` loads a real server with wrk (tests/perf/test_server_pages.py): Debian's package.
set -euo pipefail
command -v wrk >/dev/null && exit 0
echo "== installing from Debian: wrk"
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null
command -v wrk >/dev/null
