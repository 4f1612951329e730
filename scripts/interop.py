#!/usr/bin/env python3
"""Interop test between `zoo` and the official Python `safetensors` package.

Usage: python3 scripts/interop.py PATH/TO/zoo

1. Files written by `safetensors.numpy.save_file` in every dtype the package can write from numpy
   (BF16 and FP8 through `ml_dtypes` when it is installed) go through
   `zoo convert a.safetensors b.zckpt` and `zoo convert b.zckpt c.safetensors` with each codec;
   c must equal a byte for byte, and `zoo verify b.zckpt` must pass.
2. The reverse: files that zoo writes are loaded by the package and compared value by value,
   including from a hand-written header that is not in the canonical layout.
3. dtypes zoo cannot store (U16, U32, U64) and damaged files must fail cleanly: exit status 1 and
   a message naming the problem, never a crash.
Prints one line per check and closes with `N passed, N failed` (and `N skipped` when `ml_dtypes`
is missing); exits non-zero on any failure.
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np
import safetensors
from safetensors.numpy import load_file, save_file

try:
    import ml_dtypes
except ImportError:  # BF16/FP8 cases are reported as skipped, never as passed
    ml_dtypes = None

ZOO = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else "zoo"
CODECS = ["raw", "deflate", "planes"]
results = {"passed": 0, "failed": 0, "skipped": 0}


def report(ok, name, detail=""):
    results["passed" if ok else "failed"] += 1
    print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail and not ok else ''}", flush=True)


def skip(name, why):
    results["skipped"] += 1
    print(f"skip {name}: {why}", flush=True)


def zoo(*args):
    run = subprocess.run([ZOO, *args], capture_output=True, text=True, timeout=600)
    return run.returncode, run.stdout, run.stderr


def read(path):
    with open(path, "rb") as f:
        return f.read()


def tensors_for(dtype, rng):
    """A few tensors of one dtype: random values, a scalar, an empty tensor, one over a 1 MiB chunk
    for the wide float types (so chunking is crossed)."""
    def values(shape):
        if dtype == np.bool_:
            return rng.integers(0, 2, size=shape).astype(np.bool_)
        if np.issubdtype(np.dtype(dtype), np.integer):
            info = np.iinfo(dtype)
            return rng.integers(info.min, info.max, size=shape, dtype=dtype, endpoint=True)
        # Trained-weight-like floats (small normals) plus special values.
        return (rng.standard_normal(size=shape) * 0.05).astype(dtype)

    def values_array(shape):
        return np.ascontiguousarray(np.asarray(values(shape), dtype=dtype))

    out = {
        "layers.0.weight": values_array((16, 8)),
        "layers.0.bias": values_array((16,)),
        "scalar": values_array(()),
        "empty": values_array((0, 3)),
    }
    if dtype in (np.float32, np.float16):
        out["big.weight"] = values_array((300_000 if dtype == np.float32 else 600_000,))
    if dtype in (np.float32, np.float64, np.float16):
        out["special"] = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-8, 65504.0], dtype=dtype)
    return out


def round_trip(name, path, tmp, expect_identical=True):
    """safetensors -> zckpt (each codec) -> safetensors; returns nothing, reports checks."""
    original = read(path)
    for codec in CODECS:
        z = os.path.join(tmp, f"{name}.{codec}.zckpt")
        back = os.path.join(tmp, f"{name}.{codec}.safetensors")
        code, _, err = zoo("convert", path, z, "--codec", codec)
        if code != 0:
            report(False, f"{name} {codec}: convert to zckpt", err.strip())
            continue
        code, _, err = zoo("verify", z)
        report(code == 0, f"{name} {codec}: verify", err.strip())
        code, out, err = zoo("inspect", z, "--json")
        try:
            info = json.loads(out)
            want = {k: (v["dtype"], v["shape"]) for k, v in json.loads(header_of(original)).items() if k != "__metadata__"}
            got = {t["name"]: (t["dtype"], t["shape"]) for t in info["tensors"]}
            report(code == 0 and got == want and all(t["codec"] == codec for t in info["tensors"]),
                   f"{name} {codec}: inspect lists every tensor with its dtype, shape and codec")
        except (ValueError, KeyError) as e:
            report(False, f"{name} {codec}: inspect --json", f"{e}; {err.strip()}")
        code, _, err = zoo("convert", z, back)
        if code != 0:
            report(False, f"{name} {codec}: convert back to safetensors", err.strip())
            continue
        if expect_identical:
            same = read(back) == original
            report(same, f"{name} {codec}: byte-identical round trip", "bytes differ")
        same_values = compare_files(path, back)
        report(same_values is None, f"{name} {codec}: python reads the same tensors and metadata", same_values or "")


def header_of(data):
    (n,) = struct.unpack("<Q", data[:8])
    return data[8:8 + n].decode("utf-8")


def compare_files(a, b):
    """None when both files hold the same tensors (dtype, shape, bytes) and metadata, per the
    package's own reader (`safetensors.deserialize`, which handles every dtype)."""
    def load(p):
        data = read(p)
        meta = json.loads(header_of(data)).get("__metadata__")
        return {name: (t["dtype"], list(t["shape"]), bytes(t["data"])) for name, t in safetensors.deserialize(data)}, meta
    ta, ma = load(a)
    tb, mb = load(b)
    if ta.keys() != tb.keys():
        return f"names differ: {sorted(ta.keys() ^ tb.keys())}"
    for k in ta:
        if ta[k] != tb[k]:
            return f"tensor {k!r} differs"
    if (ma or {}) != (mb or {}):
        return f"metadata differs: {ma} vs {mb}"
    return None


def main():
    rng = np.random.default_rng(2024)
    tmp = tempfile.mkdtemp(prefix="zoo-interop-")
    dtypes = [("f64", np.float64), ("f32", np.float32), ("f16", np.float16), ("i64", np.int64),
              ("i32", np.int32), ("i16", np.int16), ("i8", np.int8), ("u8", np.uint8), ("bool", np.bool_)]
    extra = [("bf16", "bfloat16"), ("f8_e4m3", "float8_e4m3fn"), ("f8_e5m2", "float8_e5m2")]
    if ml_dtypes is not None:
        dtypes += [(label, getattr(ml_dtypes, attr)) for label, attr in extra]
    else:
        for label, _ in extra:
            skip(f"{label} round trip", "ml_dtypes is not installed, so numpy cannot make this dtype")

    # 1. One file per dtype, with the metadata transformers writes.
    for label, dtype in dtypes:
        path = os.path.join(tmp, f"{label}.safetensors")
        save_file(tensors_for(dtype, rng), path, metadata={"format": "pt"})
        round_trip(label, path, tmp)

    # Every dtype in one file, no metadata: the writer's dtype-alignment ordering across types.
    mixed = {}
    for label, dtype in dtypes:
        for k, v in tensors_for(dtype, rng).items():
            if k != "big.weight":
                mixed[f"{label}.{k}"] = v
    path = os.path.join(tmp, "mixed.safetensors")
    save_file(mixed, path)
    round_trip("mixed", path, tmp)

    # Several metadata keys: the package writes them in a random order (a Rust HashMap), which a
    # .zckpt index (a map) does not keep, so only values are compared unless the order is sorted.
    meta = {"format": "pt", "license": "apache-2.0", "source": "interop \"test\" \u00e9\n", "b": "2", "a": "1"}
    path = os.path.join(tmp, "metadata.safetensors")
    save_file({"w": np.arange(6, dtype=np.float32).reshape(2, 3)}, path, metadata=meta)
    keys = list(json.loads(header_of(read(path)))["__metadata__"].keys())
    if keys != sorted(keys):
        print(f"note metadata: the package wrote the keys in the order {keys}; a .zckpt index keeps "
              "metadata as a map, so zoo writes them sorted and only values are compared here", flush=True)
    round_trip("metadata", path, tmp, expect_identical=keys == sorted(keys))

    # 2. The reverse: a hand-written, non-canonical header (unsorted keys, spaces, fields out of
    # order); zoo must read it, and what zoo writes must load in the package with equal values.
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    b = np.array([1, -2, 3], dtype=np.int16)
    header = json.dumps({"b": {"shape": [3], "dtype": "I16", "data_offsets": [48, 54]},
                         "__metadata__": {"note": "hand made"},
                         "a": {"data_offsets": [0, 48], "dtype": "F32", "shape": [3, 4]}}, indent=1).encode()
    path = os.path.join(tmp, "handmade.safetensors")
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(header)) + header + a.tobytes() + b.tobytes())
    z = os.path.join(tmp, "handmade.zckpt")
    out = os.path.join(tmp, "handmade.out.safetensors")
    ok = zoo("convert", path, z)[0] == 0 and zoo("convert", z, out)[0] == 0
    report(ok, "non-canonical header: convert there and back")
    if ok:
        loaded = load_file(out)
        with safetensors.safe_open(out, "np") as f:
            meta_out = f.metadata()
        report(np.array_equal(loaded["a"], a) and np.array_equal(loaded["b"], b) and meta_out == {"note": "hand made"},
               "non-canonical header: python loads zoo's file with equal values and metadata")
    for label, dtype in dtypes[:9]:
        src = os.path.join(tmp, f"{label}.safetensors")
        out = os.path.join(tmp, f"{label}.zoo.safetensors")
        code, _, err = zoo("convert", os.path.join(tmp, f"{label}.planes.zckpt"), out)
        if code != 0:
            report(False, f"{label}: zoo writes safetensors", err.strip())
            continue
        want, got = load_file(src), load_file(out)
        same = want.keys() == got.keys() and all(
            want[k].dtype == got[k].dtype and want[k].shape == got[k].shape and np.array_equal(want[k], got[k], equal_nan=want[k].dtype.kind == "f")
            for k in want)
        report(same, f"{label}: python's numpy loader reads zoo's safetensors with equal values")

    # 3. Refusals: dtypes zoo cannot store, and damaged files.
    for label, dtype in [("u16", np.uint16), ("u32", np.uint32), ("u64", np.uint64)]:
        path = os.path.join(tmp, f"{label}.safetensors")
        save_file({"t": np.arange(4, dtype=dtype)}, path)
        code, _, err = zoo("convert", path, os.path.join(tmp, f"{label}.zckpt"))
        report(code == 1 and label.upper() in err and err.startswith("error:") and not os.path.exists(os.path.join(tmp, f"{label}.zckpt")),
               f"{label}: refused with exit 1 and a message naming the dtype", f"exit {code}: {err.strip()}")
    good = read(os.path.join(tmp, "f32.safetensors"))
    damaged = {
        "truncated": good[:-3],
        "header length past the end": struct.pack("<Q", 1 << 40) + good[8:],
        "header not JSON": good[:8] + b"}" + good[9:],
    }
    for what, data in damaged.items():
        path = os.path.join(tmp, "damaged.safetensors")
        with open(path, "wb") as f:
            f.write(data)
        code, _, err = zoo("inspect", path)
        report(code == 1 and err.startswith("error:") and "Traceback" not in err and "Fatal" not in err,
               f"damaged safetensors ({what}): inspect exits 1 with an error", f"exit {code}: {err.strip()}")
    z = os.path.join(tmp, "f32.planes.zckpt")
    data = bytearray(read(z))
    data[len(data) // 3] ^= 0x10  # inside the big tensor's stream
    bad = os.path.join(tmp, "flipped.zckpt")
    with open(bad, "wb") as f:
        f.write(bytes(data))
    code, _, err = zoo("verify", bad)
    report(code == 1 and err.startswith("error:") and "tensor '" in err,
           "flipped bit in a .zckpt: verify exits 1 naming the tensor", f"exit {code}: {err.strip()}")

    print(f"{results['passed']} passed, {results['failed']} failed" +
          (f", {results['skipped']} skipped" if results["skipped"] else ""))
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
