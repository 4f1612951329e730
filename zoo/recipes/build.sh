#!/usr/bin/env bash
# Rebuilds every bundled model from its data with fixed seeds, into STORE (default: a new store in
# a temporary folder), and prints each model's digest. The same recipe gives the same digests, so
#   bash zoo/recipes/build.sh --check
# rebuilds into a temporary store and compares the digests with those of the bundled zoo/ store.
#
# Models (source task: digits 0-4, zoo/datasets/digits-source.csv.gz, 901 rows, 20% held out):
#   digits-mlp:pretrained  64 -> dense 128 -> relu -> dense 64 -> relu -> dense 5
#   digits-cnn:pretrained  1x8x8 -> conv 16 3x3 pad 1 -> relu -> maxpool 2 -> conv 32 3x3 pad 1 -> relu
#                          -> flatten -> dense 5
set -euo pipefail
cd "$(dirname "$0")/../.."
ZOO=${ZOO:-.build/release/zoo}
if [ ! -x "$ZOO" ]; then swift build -c release --product zoo >&2; fi

check=0
if [ "${1:-}" = "--check" ]; then check=1; shift; fi
STORE=${1:-$(mktemp -d)/zoo}
[ -f "$STORE/oci-layout" ] || "$ZOO" init "$STORE" >/dev/null
z() { "$ZOO" "$@" --zoo "$STORE"; }
D=zoo/datasets
labels=0,1,2,3,4
card=(--task "classification of 8x8 handwritten digit images (0-4); the source task for transfer to 5-9"
      --license CC-BY-4.0
      --source "UCI Optical Recognition of Handwritten Digits (Alpaydin and Kaynak, 1998), zoo/datasets/digits-source.csv.gz")

z create digits-mlp --input 64 --layers dense:128,relu,dense:64,relu,dense:5 \
    --init pytorch --seed 1 --labels $labels "${card[@]}" \
    --notes "recipe: zoo/recipes/build.sh; Adam lr 1e-3, cosine, 30 epochs, batch 32, inputs /16, seed 1; metrics in the lineage" >/dev/null
z train digits-mlp:1 --data $D/digits-source.csv.gz --val-fraction 0.2 --normalize scale:16 \
    --epochs 30 --batch 32 --lr 1e-3 --optimizer adam --schedule cosine --seed 1 \
    --as digits-mlp:pretrained

z create digits-cnn --input 1x8x8 --layers conv2d:16:3:pad1,relu,maxpool2d:2,conv2d:32:3:pad1,relu,flatten,dense:5 \
    --init pytorch --seed 1 --labels $labels "${card[@]}" \
    --notes "recipe: zoo/recipes/build.sh; Adam lr 2e-3, cosine, 20 epochs, batch 32, inputs /16, seed 1; metrics in the lineage" >/dev/null
z train digits-cnn:1 --data $D/digits-source.csv.gz --val-fraction 0.2 --normalize scale:16 \
    --epochs 20 --batch 32 --lr 2e-3 --optimizer adam --schedule cosine --seed 1 \
    --as digits-cnn:pretrained

echo
echo "store: $STORE"
digests() { "$ZOO" list --json --zoo "$1" | python3 -c '
import json, sys
for v in sorted(json.load(sys.stdin), key=lambda v: (v["name"], v["version"])):
    print(v["name"] + ":" + str(v["version"]), v["digest"])'; }
digests "$STORE"
if [ $check = 1 ]; then
    if diff <(digests zoo) <(digests "$STORE"); then
        echo "check: the rebuilt models have the bundled digests"
    else
        echo "check: the rebuilt digests differ from the bundled zoo/ (above)" >&2
        exit 1
    fi
fi
