#!/usr/bin/env python3
"""Seeded, stratified subsets of Fashion-MNIST as .npz files, the one place the demo and the
PyTorch parity check (scripts/transfer_parity.py) get their examples from, so both train and test
on exactly the same images.

    fashion_subset.py OUT --per-class N --test-per-class M [--seed S] [--source DIR]

Reads the IDX files of Debian's dataset-fashion-mnist (default /usr/share/datasets/fashion-mnist)
and writes
    OUT/train.npz   x uint8 [10N, 28, 28], y int64: N examples per class from the training set
    OUT/test.npz    x uint8 [10M, 28, 28], y int64: M per class from the test set
    OUT/indices.json  the chosen indices into each IDX file, the seed and the class names
The rule: for each class in order, numpy.random.default_rng(seed) (one generator, train first,
then test) permutes that class's indices and the first N are kept; the kept indices of all
classes are then sorted, so the files keep the IDX order. Runs under numpy 1.24 and 2.x alike.
Prints the class names, comma-separated (the labels the demo grafts).
"""
import argparse
import gzip
import json
import os
import struct

import numpy as np

CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, dtype, dims = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        raise SystemExit(f"error: {path} is not an IDX file of unsigned bytes")
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def choose(labels, per_class, rng):
    kept = []
    for c in range(len(CLASSES)):
        members = np.flatnonzero(labels == c)
        if per_class > len(members):
            raise SystemExit(f"error: class {c} has only {len(members)} examples, fewer than {per_class}")
        kept.extend(rng.permutation(members)[:per_class].tolist())
    return sorted(kept)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out")
    p.add_argument("--per-class", type=int, required=True)
    p.add_argument("--test-per-class", type=int, required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--source", default="/usr/share/datasets/fashion-mnist")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rng = np.random.default_rng(a.seed)
    chosen = {}
    for part, prefix, n in (("train", "train", a.per_class), ("test", "t10k", a.test_per_class)):
        x = read_idx(os.path.join(a.source, f"{prefix}-images-idx3-ubyte.gz"))
        y = read_idx(os.path.join(a.source, f"{prefix}-labels-idx1-ubyte.gz"))
        if x.shape[0] != y.shape[0]:
            raise SystemExit(f"error: {prefix} images and labels differ in count")
        idx = choose(y, n, rng)
        chosen[part] = idx
        np.savez(os.path.join(a.out, f"{part}.npz"), x=x[idx], y=y[idx].astype(np.int64))
    with open(os.path.join(a.out, "indices.json"), "w") as f:
        json.dump({"seed": a.seed, "classes": CLASSES, **chosen}, f)
    print(",".join(CLASSES))


if __name__ == "__main__":
    main()
