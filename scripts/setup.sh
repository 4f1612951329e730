#!/usr/bin/env bash
# Installs the project's system and Python dependencies (idempotent; quiet when already present).
set -euo pipefail
if ! dpkg -s zlib1g-dev >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq zlib1g-dev) </dev/null
fi
if ! python3 -c 'import safetensors, numpy, ml_dtypes' >/dev/null 2>&1; then
    python3 -m pip install -q --disable-pip-version-check safetensors numpy ml_dtypes </dev/null
fi
