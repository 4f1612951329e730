#!/usr/bin/env bash
# The transfer-learning workflow on the bundled digits zoo, start to finish: what scripts/demo.sh
# runs when it cannot fetch the real MobileNetV2 (no network), and on its own with
# `bash scripts/demo.sh --digits`. Works on a copy of the bundled store (zoo/), which stays as shipped.
# ZOO_BIN names a built zoo (demo.sh passes its release build); without it this sets up and builds.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${ZOO_BIN:-}" ]; then
    bash scripts/setup.sh
    echo "building zoo (release; the first build takes a few minutes)..."
    swift build -c release --product zoo 2>&1 | tail -n 1
fi
ZOO="${ZOO_BIN:-$PWD/.build/release/zoo}"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp -R zoo "$WORK/zoo"
export ZOO_PATH="$WORK/zoo"
D=zoo/datasets
TRAIN=$D/digits-target-train.csv.gz
TEST=$D/digits-target-test.csv.gz
started=$(date +%s)

step() { printf '\n\033[1m$ zoo %s\033[0m\n' "$*"; "$ZOO" "$@"; }
accuracy() {
    "$ZOO" evaluate "$1" --data "$TEST" --json |
        python3 -c 'import json, sys; print("%.1f%%" % (100 * json.load(sys.stdin)["accuracy"]))'
}

echo
echo "Source task: digits 0-4 (the bundled models were pretrained on it)."
echo "Target task: digits 5-9, $(gzip -dc $TRAIN | wc -l) labelled rows to train on, $(gzip -dc $TEST | wc -l) held out for testing."
step list
step inspect digits-mlp:pretrained
# Keep every layer but the 0-4 classifier, then put a fresh 5-way head on top.
step slice digits-mlp:pretrained --keep -1 --as mlp-backbone
step graft mlp-backbone --head dense:5 --labels 5,6,7,8,9 --init pytorch --seed 1 --as digits59
step evaluate digits59 --data "$TEST"

# One training budget for every regime: same data, epochs, optimizer and seed.
BUDGET=(--data "$TRAIN" --val-fraction 0.2 --epochs 30 --batch 16 --lr 1e-2 --optimizer adam --schedule cosine --seed 1)
step train digits59:1 "${BUDGET[@]}" --freeze backbone --as digits59:frozen
step train digits59:1 "${BUDGET[@]}" --freeze none --as digits59:finetuned
step create scratch59 --input 64 --layers dense:128,relu,dense:64,relu,dense:5 --init pytorch --seed 1 --labels 5,6,7,8,9
step train scratch59:1 "${BUDGET[@]}" --normalize scale:16 --as scratch59:trained
step lineage digits59:finetuned

echo
echo "Test accuracy on the $(gzip -dc $TEST | wc -l) held-out target rows (digits 5-9):"
printf '  %-46s %s\n' "pretrained backbone, new head, before training" "$(accuracy digits59:1)"
printf '  %-46s %s\n' "pretrained backbone frozen, head trained" "$(accuracy digits59:frozen)"
printf '  %-46s %s\n' "pretrained network fine-tuned end to end" "$(accuracy digits59:finetuned)"
printf '  %-46s %s\n' "same architecture trained from scratch" "$(accuracy scratch59:trained)"
echo
echo "workflow finished in $(( $(date +%s) - started )) s (after the build)"
