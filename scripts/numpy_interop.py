#!/usr/bin/python3
"""Interop of zoo's .npy/.npz reader and writer with numpy (Debian's python3-numpy).

Usage: /usr/bin/python3 scripts/numpy_interop.py PATH/TO/zoo

Through the CLI, on a model that is one `flatten` layer (its raw outputs are its inputs):
1. `zoo predict M --data x.npy --output out.npy` for x saved by np.save in every numeric dtype,
   little- and big-endian, C and Fortran order: out must equal x.astype(float32) reshaped to
   [N, -1], and out.npy must be byte for byte what np.save writes for that array.
2. The same from np.savez and np.savez_compressed archives (x and y), and the labels y must come
   back as the rows' true classes in `zoo predict --json`.
3. Damaged files (truncated, a flipped byte in a compressed member, an object array, a missing
   x) must fail with exit status 1 and a message naming the file, never a crash.
"""
import io
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

ZOO = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else "zoo"
results = {"passed": 0, "failed": 0}


def report(ok, name, detail=""):
    results["passed" if ok else "failed"] += 1
    print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail and not ok else ''}", flush=True)


def zoo(*args):
    run = subprocess.run([ZOO, *args], capture_output=True, text=True, timeout=600)
    return run.returncode, run.stdout, run.stderr


def main():
    rng = np.random.default_rng(3)
    with tempfile.TemporaryDirectory() as tmp:
        store = os.path.join(tmp, "zoo")
        zoo("init", store)
        code, _, err = zoo("create", "ident", "--input", "3x4", "--layers", "flatten", "--zoo", store)
        assert code == 0, err
        base = rng.normal(size=(5, 3, 4)) * 40
        for dtype in ["<f2", "<f4", "<f8", ">f4", ">f8", "|i1", "<i2", ">i2", "<i4", "<i8", ">i8", "<u2", "<u4", "<u8", "|b1", "|u1"]:
            for order in ["C", "F"]:
                values = np.abs(base) if dtype[1] in "ub" else base
                x = np.asarray(values.astype(dtype), order=order)
                if dtype == "|u1":
                    x = x.reshape(5, 12)  # uint8 of 3 or 4 dimensions are images; 2-D are features
                path = os.path.join(tmp, "x.npy")
                np.save(path, x)
                out = os.path.join(tmp, "out.npy")
                code, _, err = zoo("predict", "ident", "--data", path, "--output", out, "--zoo", store)
                name = f"np.save {dtype} order {order}"
                if code != 0:
                    report(False, name, err.strip())
                    continue
                got = np.load(out)
                want = x.astype(np.float32).reshape(5, -1)
                buffer = io.BytesIO()
                np.save(buffer, want)
                report(got.dtype == np.float32 and np.array_equal(got, want, equal_nan=True), name + ": values")
                report(open(out, "rb").read() == buffer.getvalue(), name + ": out.npy is np.save's bytes")
        x = rng.normal(size=(6, 3, 4)).astype(np.float32)
        y = np.array([3, 0, 11, 5, 5, 1], dtype=np.int64)
        for saver in ["savez", "savez_compressed"]:
            path = os.path.join(tmp, f"{saver}.npz")
            getattr(np, saver)(path, x=x, y=y)
            out = os.path.join(tmp, "out.npy")
            code, _, err = zoo("predict", "ident", "--data", path, "--output", out, "--zoo", store)
            report(code == 0 and np.array_equal(np.load(out), x.reshape(6, -1)), f"np.{saver}: x", err.strip())
            code, stdout, err = zoo("predict", "ident", "--data", path, "--json", "--zoo", store)
            truth = [p.get("true_class") for p in json.loads(stdout)["predictions"]] if code == 0 else None
            report(truth == y.tolist(), f"np.{saver}: y as true classes", err.strip())
        # Damaged and unsupported files.
        good = os.path.join(tmp, "savez_compressed.npz")
        data = open(good, "rb").read()
        cases = {"truncated.npz": data[: len(data) // 2], "flipped.npz": data[:60] + bytes([data[60] ^ 0xFF]) + data[61:]}
        buffer = io.BytesIO()
        np.save(buffer, np.array([{"a": 1}] * 5, dtype=object), allow_pickle=True)
        cases["object.npy"] = buffer.getvalue()
        buffer = io.BytesIO()
        np.savez(buffer, inputs=x)
        cases["no-x.npz"] = buffer.getvalue()
        buffer = io.BytesIO()
        np.save(buffer, x)
        cases["cut.npy"] = buffer.getvalue()[:-7]
        for name, blob in cases.items():
            path = os.path.join(tmp, name)
            open(path, "wb").write(blob)
            code, _, err = zoo("predict", "ident", "--data", path, "--output", os.path.join(tmp, "o.npy"), "--zoo", store)
            report(code == 1 and name in err and err.startswith("error: "), f"refuses {name}", f"status {code}: {err.strip()}")
    print(f"{results['passed']} passed, {results['failed']} failed")
    sys.exit(1 if results["failed"] else 0)


if __name__ == "__main__":
    main()
