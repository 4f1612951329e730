#!/usr/bin/env python3
"""Split zoo/datasets/digits.csv.gz into a source and a target task for the transfer experiments.

Source task: digits 0-4 (labels unchanged), every row            -> zoo/datasets/digits-source.csv.gz
Target task: digits 5-9 relabelled 0-4 (label - 5), per class a seeded
  TRAIN_PER_CLASS rows for training                               -> zoo/datasets/digits-target-train.csv.gz
  and the rest as the held-out test set                           -> zoo/datasets/digits-target-test.csv.gz

Run from the repository root: python3 scripts/make_digits_tasks.py
The output is byte-for-byte reproducible (fixed seed, gzip mtime 0).
"""
import gzip
import io
import random

SEED = 5
TRAIN_PER_CLASS = 100
SRC = "zoo/datasets/digits.csv.gz"


def write(path, rows):
    text = "".join(",".join(str(v) for v in row) + "\n" for row in rows)
    buf = io.BytesIO()
    # mtime=0 and no file name, so the same rows give the same bytes.
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as f:
        f.write(text.encode())
    with open(path, "wb") as f:
        f.write(buf.getvalue())
    print(f"{path}: {len(rows)} rows, {len(buf.getvalue())} bytes")


def main():
    with gzip.open(SRC, "rt") as f:
        rows = [[int(v) for v in line.split(",")] for line in f if line.strip()]
    source = [r for r in rows if r[-1] <= 4]
    rng = random.Random(SEED)
    train, test = [], []
    for label in range(5, 10):
        group = [r[:-1] + [label - 5] for r in rows if r[-1] == label]
        rng.shuffle(group)
        train += group[:TRAIN_PER_CLASS]
        test += group[TRAIN_PER_CLASS:]
    write("zoo/datasets/digits-source.csv.gz", source)
    write("zoo/datasets/digits-target-train.csv.gz", train)
    write("zoo/datasets/digits-target-test.csv.gz", test)


if __name__ == "__main__":
    main()
