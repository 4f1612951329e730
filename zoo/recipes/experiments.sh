#!/usr/bin/env bash
# Runs the transfer-learning experiments on the bundled zoo and writes their reports (JSON, SVG,
# index.html) to docs/experiments/, the numbers and plots the README shows.
#   bash zoo/recipes/experiments.sh
# Works on a copy of zoo/ (warmstart stores its best trial), so the bundled store stays as shipped.
set -euo pipefail
cd "$(dirname "$0")/../.."
ZOO=${ZOO:-.build/release/zoo}
if [ ! -x "$ZOO" ]; then swift build -c release --product zoo >&2; fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp -R zoo "$WORK/zoo"
export ZOO_PATH="$WORK/zoo"
OUT=docs/experiments
D=zoo/datasets
TRAIN=$D/digits-target-train.csv.gz
TEST=$D/digits-target-test.csv.gz
run() { printf '\n$ zoo %s\n' "$*"; "$ZOO" "$@"; }

for model in digits-mlp digits-cnn; do
    run experiment transfer $model:pretrained --data $TRAIN --test $TEST \
        --sizes 1,2,5,10,25,50 --seeds 5 --epochs 30 --lr 1e-3 --out $OUT/transfer-$model
    run experiment depth $model:pretrained --data $TRAIN --test $TEST --seeds 3 --out $OUT/depth-$model
done
run lr-find digits-mlp:pretrained --data $TRAIN --new-head --freeze none --out $OUT/lr-find-digits-mlp
run experiment warmstart digits-mlp:pretrained --data $TRAIN --val $TEST \
    --grid lr=1e-3,3e-3,1e-2,wd=0,1e-4 --target 0.9 --out $OUT/warmstart-digits-mlp
