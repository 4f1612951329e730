#!/usr/bin/env bash
# The transfer-learning experiments on a real network: torchvision's ImageNet MobileNetV2 (the
# .pth that scripts/fetch-test-data.sh fetches and checks) transferred to Fashion-MNIST (Debian's
# dataset-fashion-mnist, grayscale product photos). Writes the reports (JSON, SVG, index.html) to
# docs/experiments/*-mobilenet-v2-fashion/, the numbers and plots the README shows.
#   bash scripts/experiments-real.sh [DATA_DIR]     # DATA_DIR: where the .pth is or goes (default /tmp/td)
# Budget for a shared 2-core machine: 64×64 inputs, a few examples per class, 2 seeds, a
# 1,000-image test set (the first 1,000 of t10k), curves and warm-start targets on 200 others.
# Works in a fresh store under a temporary folder; the user's store is not touched.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:-/tmp/td}
PTH=$DATA/mobilenet_v2-b0353104.pth
FASHION=/usr/share/datasets/fashion-mnist
ZOO=${ZOO:-.build/release/zoo}
if [ ! -x "$ZOO" ]; then swift build -c release --product zoo >&2; fi
if [ ! -f "$PTH" ]; then bash scripts/fetch-test-data.sh "$DATA"; fi
if [ ! -f "$FASHION/train-images-idx3-ubyte.gz" ]; then
    echo "Fashion-MNIST is missing: run bash scripts/setup.sh (Debian package dataset-fashion-mnist)" >&2
    exit 1
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export ZOO_PATH="$WORK/zoo"
OUT=docs/experiments
SIZE=${IMAGE_SIZE:-64}
run() { printf '\n$ zoo %s\n' "$*"; local t=$SECONDS; "$ZOO" "$@"; echo "($((SECONDS - t)) s)"; }

# Held-out sets cut from t10k (IDX, gzip): test = images 0-999, val = 5000-5199 (disjoint);
# a small training file (20 per class, the first of each class in train) for warmstart and lr-find.
/usr/bin/env python3 - "$FASHION" "$WORK" <<'EOF'
import gzip, struct, sys
src, out = sys.argv[1], sys.argv[2]
def read(name):
    d = gzip.open(f"{src}/{name}").read()
    magic = struct.unpack(">I", d[:4])[0]
    dims = list(struct.unpack(">" + "I" * (magic & 0xFF), d[4:4 + 4 * (magic & 0xFF)]))
    per = 1
    for x in dims[1:]: per *= x
    return magic, dims, per, d[4 + 4 * len(dims):]
def write(name, magic, dims, per, body, rows):
    dims = [len(rows)] + dims[1:]
    data = b"".join(body[r * per:(r + 1) * per] for r in rows)
    with gzip.open(f"{out}/{name}", "wb") as f:
        f.write(struct.pack(">I", magic) + struct.pack(">" + "I" * len(dims), *dims) + data)
for split, rows in [("test", range(0, 1000)), ("val", range(5000, 5200))]:
    for kind in ["images-idx3", "labels-idx1"]:
        write(f"{split}-{kind}-ubyte.gz", *read(f"t10k-{kind}-ubyte.gz"), list(rows))
labels = read("train-labels-idx1-ubyte.gz")[3]
picked, counts = [], [0] * 10
for i, l in enumerate(labels):
    if counts[l] < 20: picked.append(i); counts[l] += 1
for kind in ["images-idx3", "labels-idx1"]:
    write(f"small-{kind}-ubyte.gz", *read(f"train-{kind}-ubyte.gz"), picked)
EOF
TRAIN=$FASHION/train-images-idx3-ubyte.gz
SMALL=$WORK/small-images-idx3-ubyte.gz
TEST=$WORK/test-images-idx3-ubyte.gz
VAL=$WORK/val-images-idx3-ubyte.gz
started=$SECONDS

run init
run import "$PTH" mobilenet_v2
# Architecture or weights: frozen, fine-tuned, LP-FT and torchvision-initialised scratch.
run experiment transfer mobilenet_v2 --data "$TRAIN" --test "$TEST" --val "$VAL" --image-size "$SIZE" \
    --sizes 5,20 --seeds 2 --epochs 8 --lr 1e-3 --out $OUT/transfer-mobilenet-v2-fashion
# How much of the front: after features.3, .6, .10, .13, .16, .18, and the pooled 1280 features.
run experiment depth mobilenet_v2 --data "$TRAIN" --test "$TEST" --image-size "$SIZE" \
    --cuts 4,7,11,14,17,19,21 --size 10 --seeds 2 --epochs 30 --lr 1e-3 --out $OUT/depth-mobilenet-v2-fashion
# Which lr: the range test on the grafted network (backbone to features.18, a new pooled head).
run slice mobilenet_v2 --until features.18 --as mnv2-backbone
run graft mnv2-backbone --head global_avgpool,dense:10 --seed 1 --as mnv2-fashion
run lr-find mnv2-fashion --data "$SMALL" --image-size "$SIZE" --freeze none --steps 60 --out $OUT/lr-find-mobilenet-v2-fashion
# Can an earlier run warm-start the next: fine-tuning (every sample through the backbone), and
# the frozen backbone (its features cached once for the whole search).
run experiment warmstart mobilenet_v2 --data "$SMALL" --val "$VAL" --image-size "$SIZE" \
    --grid lr=1e-4,3e-4,1e-3 --target 0.6 --epochs 5 --out $OUT/warmstart-mobilenet-v2-fashion
run experiment warmstart mobilenet_v2 --data "$SMALL" --val "$VAL" --image-size "$SIZE" --regime frozen \
    --grid lr=1e-3,3e-3,1e-2 --target 0.6 --epochs 10 --out $OUT/warmstart-frozen-mobilenet-v2-fashion
echo
echo "experiments finished in $((SECONDS - started)) s"
