#!/usr/bin/env bash
# Installs the project's system and Python dependencies (idempotent; quiet when already present).
#
# Debian packages:
#   zlib1g-dev, libpng-dev, libjpeg62-turbo-dev   the C libraries behind CZlib, CPNG, CJPEG
#   python3-torch, python3-torchvision             the PyTorch reference, for /usr/bin/python3 (CPU build, ~154 MB)
#   docker-registry, skopeo, apache2-utils, openssl  CNCF Distribution and skopeo for the registry tests
#   dataset-fashion-mnist                          the transfer target of the demo and the experiments
# Python packages for the python3 first on PATH: safetensors, numpy, ml_dtypes (the interop check).
# timm 0.9.16 (pure Python, no dependencies installed; runs on Debian's torch 1.13) in .build/python, for the
# architecture parity check's timm models (scripts/parity.py puts it on /usr/bin/python3's path).
# With --bench: ZipNN for the python3 first on PATH, the reference `zoo-bench format` measures planes
# against. Opt-in because it pulls in a recent torch (hundreds of MB to GBs) that neither the demo nor
# CI needs; the benchmark says so and goes on without it when it is missing.
set -euo pipefail
debs=(zlib1g-dev libpng-dev libjpeg62-turbo-dev python3-torch python3-torchvision
      docker-registry skopeo apache2-utils openssl dataset-fashion-mnist unzip)
missing=()
for d in "${debs[@]}"; do dpkg -s "$d" >/dev/null 2>&1 || missing+=("$d"); done
if [ ${#missing[@]} -gt 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}") </dev/null
fi
if ! python3 -c 'import safetensors, numpy, ml_dtypes' >/dev/null 2>&1; then
    python3 -m pip install -q --disable-pip-version-check safetensors numpy ml_dtypes </dev/null
fi
pylib="$(cd "$(dirname "$0")/.." && pwd)/.build/python"
if [ ! -f "$pylib/timm/__init__.py" ]; then
    python3 -m pip install -q --disable-pip-version-check --no-deps --target "$pylib" timm==0.9.16 </dev/null
fi
if [ "${1:-}" = "--bench" ]; then
    if ! python3 -c 'import zipnn' >/dev/null 2>&1; then
        python3 -m pip install -q --disable-pip-version-check zipnn </dev/null
    fi
fi
