#!/usr/bin/env bash
# Release-build parity of the convolution and pooling kernels with PyTorch: generates random cases
# with Debian's torch (/usr/bin/python3; groups, depthwise, dilation, strides, per-side padding,
# ceil mode, count_include_pad), small and large enough to cross the SGEMM blocks, and checks
# zoo's outputs and gradients on every kernel this CPU runs (max|diff| / (1 + max|torch|) <= 1e-4).
# Usage: bash scripts/check-kernels.sh   (exit 1 on any mismatch)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product zoo-bench >/dev/null
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
/usr/bin/python3 scripts/torch_conv_reference.py "$dir/small.json"
/usr/bin/python3 scripts/torch_conv_reference.py --large "$dir/large.json"
bench=.build/release/zoo-bench
"$bench" conv-check "$dir/small.json" "$dir/large.json" | tail -n 1
# The AVX2 fallback too (the selected kernel is AVX-512 where the CPU has it).
ZOO_KERNEL=avx2 "$bench" conv-check "$dir/small.json" "$dir/large.json" | tail -n 1
# One thread: the same results, whatever the split.
ZOO_THREADS=1 "$bench" conv-check "$dir/large.json" | tail -n 1
