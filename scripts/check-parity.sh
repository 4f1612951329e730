#!/usr/bin/env bash
# Parity of the recognised architectures with PyTorch, in a release build (whole networks are too
# slow in debug): torchvision's ResNets and MobileNets and timm's MobileNets with seeded random
# weights, imported without a description, in eval mode at 224x224; ResNet-18/50, MobileNetV2,
# MobileNetV3-Small (torchvision and timm) in train mode and after one SGD step at 64x64; the real
# MobileNetV2 weights on a photo. See scripts/parity.py. Usage: bash scripts/check-parity.sh
# (exit 1 on any mismatch; ZOO_TEST_DATA names the fetched test data, as .ci/run sets it).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product zoo >/dev/null
swift build -c release --product zoo-bench >/dev/null
/usr/bin/python3 scripts/parity.py --zoo .build/release/zoo --bench .build/release/zoo-bench \
    --data "${ZOO_TEST_DATA:-.build/test-data}"
