#!/usr/bin/env python3
"""Writes the seed inputs of every fuzz target (Fuzzing/, formats/fuzzing.md) into DIR/<target>/.

Seeds come from the project's own vectors and files (formats/vectors, formats/examples, the
embedded zoo/ store, its datasets) and from the official safetensors writer and zlib, so the
fuzzer starts from every structure the readers know. A campaign's corpus, minimised, is what is
committed under Fuzzing/Corpus; this script is how that corpus began, and how to start over.

Usage: python3 scripts/make_fuzz_seeds.py DIR   (the pyenv python: numpy, safetensors, ml_dtypes)
"""
import gzip
import hashlib
import json
import os
import random
import struct
import sys
import zlib

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DTYPES = ["F64", "F32", "F16", "BF16", "F8_E4M3", "F8_E5M2", "I64", "I32", "I16", "I8", "U8", "BOOL"]
CODECS = ["raw", "deflate", "planes"]
WIDTH = {"F64": 8, "I64": 8, "F32": 4, "I32": 4, "F16": 2, "BF16": 2, "I16": 2}


def put(out, target, name, data):
    folder = os.path.join(out, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def zckpt_parts(data):
    """(index JSON bytes, index offset) of a .zckpt file, or None."""
    if len(data) < 104:
        return None
    footer = data[-40:]
    offset, length = struct.unpack_from("<QQ", footer, 8)
    if offset + length != len(data) - 40 or offset > len(data):
        return None
    return data[offset:offset + length], offset


def safetensors_seeds(out):
    from safetensors.numpy import save
    try:
        import ml_dtypes
    except ImportError:
        ml_dtypes = None
    rng = np.random.default_rng(7)
    files = {
        "f32_matrix": ({"weight": rng.standard_normal((4, 3)).astype(np.float32),
                        "bias": rng.standard_normal(4).astype(np.float32)}, None),
        "all_numpy_dtypes": ({t: (rng.standard_normal(5) * 10).astype(t) for t in
                              ["float64", "float16", "int64", "int32", "int16", "int8", "uint8"]}
                             | {"mask": np.array([True, False, True])}, None),
        "metadata": ({"x": np.arange(6, dtype=np.float32).reshape(2, 3)}, {"format": "pt", "note": "é ∑ \"quoted\""}),
        "scalar_and_empty": ({"s": np.array(1.5, dtype=np.float32), "e": np.zeros((0, 4), dtype=np.float32)}, None),
    }
    if ml_dtypes is not None:
        files["low_precision"] = ({"b": rng.standard_normal(8).astype(ml_dtypes.bfloat16),
                                   "e4": rng.standard_normal(8).astype(ml_dtypes.float8_e4m3fn),
                                   "e5": rng.standard_normal(8).astype(ml_dtypes.float8_e5m2)}, None)
    for name, (tensors, metadata) in files.items():
        data = save(tensors, metadata=metadata)
        put(out, "safetensors_file", name + ".safetensors", data)
        (n,) = struct.unpack_from("<Q", data, 0)
        put(out, "safetensors_header", name, struct.pack("<Q", len(data) - 8 - n) + data[8:8 + n])


def zckpt_seeds(out):
    vectors = os.path.join(ROOT, "formats", "vectors")
    for name in sorted(os.listdir(vectors)):
        if not name.endswith(".zckpt"):
            continue
        data = open(os.path.join(vectors, name), "rb").read()
        if len(data) <= 64 << 10:
            put(out, "zckpt_file", name, data)
        parts = zckpt_parts(data)
        if parts is None:
            continue
        index, _ = parts
        put(out, "zckpt_index", name + ".json", index)
        try:
            doc = json.loads(index)
        except ValueError:
            continue
        if isinstance(doc.get("model"), dict):
            put(out, "model_description", name + ".json", json.dumps(doc["model"]).encode())
        for t in doc.get("tensors", []):
            if t.get("dtype") not in DTYPES or t.get("codec") not in CODECS or not t.get("chunks"):
                continue
            width = WIDTH.get(t["dtype"], 1)
            for c, entry in enumerate(t["chunks"][:2]):
                off, stored, raw = entry[:3]
                start = t["offset"] + off
                chunk = data[start:start + stored]
                n = raw // width
                if n >= 1 << 12 or len(chunk) != stored:
                    continue
                head = bytes([DTYPES.index(t["dtype"]), CODECS.index(t["codec"])]) + struct.pack("<H", n)
                put(out, "zckpt_chunk", f"{name}.{t['name']}.{c}", head + chunk)
                if t["codec"] == "planes":
                    # Each Huffman-coded plane (method 1) is a seed of the differential Huffman target.
                    pos = 5 * width
                    for p in range(width):
                        method, length = chunk[5 * p], struct.unpack_from("<I", chunk, 5 * p + 1)[0]
                        if method == 1:
                            put(out, "huffman_zlib", f"{name}.{t['name']}.{c}.{p}", struct.pack("<H", n) + chunk[pos:pos + length])
                        pos += length


def huffman_seeds(out):
    """Literal-only dynamic blocks from zlib itself (Z_HUFFMAN_ONLY), over plane-like bytes."""
    rng = random.Random(13)
    for k, n in enumerate([1, 7, 64, 1000, 4095]):
        # An exponent plane: few distinct values, skewed; a mantissa plane: nearly uniform.
        skewed = bytes(min(255, int(rng.expovariate(0.7)) + 120) for _ in range(n))
        uniform = bytes(rng.randrange(256) for _ in range(n))
        for label, data in (("skewed", skewed), ("uniform", uniform)):
            c = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_HUFFMAN_ONLY)
            stream = c.compress(data) + c.flush()
            put(out, "huffman_zlib", f"zlib_{label}_{n}", struct.pack("<H", n) + stream)
            c = zlib.compressobj(6, zlib.DEFLATED, -15, 8, zlib.Z_DEFAULT_STRATEGY)
            put(out, "zckpt_chunk", f"zlib_deflate_{label}_{n}", bytes([10, 1]) + struct.pack("<H", n) + c.compress(data) + c.flush())


def model_seeds(out):
    for name in sorted(os.listdir(os.path.join(ROOT, "formats", "examples"))):
        text = open(os.path.join(ROOT, "formats", "examples", name), "rb").read()
        doc = json.loads(text)
        # blocks.json holds several worked examples; each description is a seed of its own.
        if isinstance(doc, dict) and "layers" in doc:
            put(out, "model_description", name, text)
        elif isinstance(doc, dict):
            for key, value in doc.items():
                if isinstance(value, dict) and "layers" in value:
                    put(out, "model_description", f"{name}.{key}", json.dumps(value).encode())
        elif isinstance(doc, list):
            for i, value in enumerate(doc):
                put(out, "model_description", f"{name}.{i}", json.dumps(value).encode())
    specs = [
        "dense:128,relu,dropout:0.2,dense:10",
        "64|dense:128,relu,dense:10,softmax",
        "3x32x32|conv2d:16:3:pad1,batchnorm,relu,maxpool2d:2,conv2d:32:3:s2:pad1,global_avgpool,layernorm,dense:10",
        "3x16x16|conv2d:32:3:s2:pad1:g1:d2,relu6,hardswish,hardsigmoid,silu,identity,adaptive_avgpool2d:1,maxpool2d:3:s2:pad1",
        "1x8x8|conv2d:4:3:s2:pad1,batchnorm,relu,maxpool2d:2:s1,avgpool2d:1,global_avgpool,layernorm,gelu,tanh,sigmoid,dropout:0.1,dense:3,softmax",
        "8x4|flatten,linear:5,bn,ln,gap",
    ]
    for i, spec in enumerate(specs):
        put(out, "layer_spec", f"spec_{i}", spec.encode())


def store_seeds(out):
    zoo = os.path.join(ROOT, "zoo")
    put(out, "oci_index", "zoo_index.json", open(os.path.join(zoo, "index.json"), "rb").read())
    put(out, "oci_index", "empty.json", b'{"schemaVersion":2,"manifests":[]}')
    put(out, "oci_index", "foreign.json", json.dumps({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                       "digest": "sha256:" + hashlib.sha256(b"x").hexdigest(), "size": 7,
                       "annotations": {"org.opencontainers.image.ref.name": "other:latest", "k": "\u00e9\\n"}}],
        "annotations": {"a": "b"}, "extra": [1, 2.5e3, None, True]}).encode())
    blobs = os.path.join(zoo, "blobs", "sha256")
    for name in sorted(os.listdir(blobs)):
        data = open(os.path.join(blobs, name), "rb").read()
        try:
            doc = json.loads(data)
        except ValueError:
            continue
        if isinstance(doc, dict) and "layers" in doc and "config" in doc:
            config = open(os.path.join(blobs, doc["config"]["digest"].split(":")[1]), "rb").read()
            put(out, "oci_manifest", name[:16], data + b"\0" + config)
            cdoc = json.loads(config)
            if isinstance(cdoc.get("model"), dict):
                put(out, "model_description", "zoo_" + name[:16], json.dumps(cdoc["model"]).encode())


def csv_seeds(out):
    datasets = os.path.join(ROOT, "zoo", "datasets")
    text = gzip.decompress(open(os.path.join(datasets, "digits-target-test.csv.gz"), "rb").read())
    lines = text.split(b"\n")
    put(out, "csv", "digits_20_rows.csv", b"\n".join(lines[:21]) + b"\n")
    put(out, "csv", "digits_5_rows.csv.gz", gzip.compress(b"\n".join(lines[:6]) + b"\n", mtime=0))
    put(out, "csv", "header_crlf.csv", b"a, b ,label\r\n1.5,-2e3,0\r\n0,0.25,1\r\n")


def pytorch_seeds(out):
    folder = os.path.join(ROOT, "formats", "vectors", "pytorch")
    if not os.path.isdir(folder):
        return
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if os.path.isfile(path) and name.split(".")[-1] in ("pt", "pth", "ckpt", "bin") and os.path.getsize(path) <= 64 << 10:
            put(out, "pytorch", name, open(path, "rb").read())


def numpy_seeds(out):
    import io
    rng = np.random.default_rng(5)
    arrays = {
        "f32_2d": rng.standard_normal((3, 4)).astype(np.float32),
        "f64_big_endian": rng.standard_normal(5).astype(">f8"),
        "i64_fortran": np.asfortranarray(np.arange(12, dtype=np.int64).reshape(3, 4)),
        "u8_images": rng.integers(0, 255, (2, 3, 4, 4), dtype=np.uint8),
        "bool_scalar": np.array(True),
        "f16_empty": np.zeros((0, 3), dtype=np.float16),
        "i32_labels": np.array([0, 1, 2, 1], dtype=np.int32),
    }
    for name, a in arrays.items():
        b = io.BytesIO()
        np.save(b, a)
        put(out, "npy", name + ".npy", b.getvalue())
    for label, save in (("stored", np.savez), ("deflated", np.savez_compressed)):
        b = io.BytesIO()
        save(b, x=arrays["u8_images"], y=arrays["i32_labels"], z=arrays["f32_2d"])
        put(out, "npz", label + ".npz", b.getvalue())


def image_seeds(out):
    import io
    try:
        from PIL import Image
    except ImportError:
        # PIL comes with torchvision for /usr/bin/python3 (scripts/setup.sh); the pyenv python has
        # safetensors but no PIL: run just this part there.
        import subprocess
        subprocess.run(["/usr/bin/python3", __file__, "--images", out], check=True)
        return
    rng = np.random.default_rng(3)
    rgb = Image.fromarray(rng.integers(0, 255, (12, 10, 3), dtype=np.uint8), "RGB")
    gray = rgb.convert("L")
    saves = {
        "rgb.png": (rgb, "PNG", {}), "gray.png": (gray, "PNG", {}), "rgba.png": (rgb.convert("RGBA"), "PNG", {}),
        "palette.png": (rgb.convert("P"), "PNG", {}), "gray_alpha.png": (gray.convert("LA"), "PNG", {}),
        "interlaced.png": (rgb, "PNG", {"interlace": 1}),
        "gray16.png": (Image.fromarray((np.arange(64, dtype=np.uint16).reshape(8, 8) * 1000), "I;16"), "PNG", {}),
        "bilevel.png": (gray.convert("1"), "PNG", {}),
        "baseline.jpg": (rgb, "JPEG", {"quality": 80}), "progressive.jpg": (rgb, "JPEG", {"progressive": True}),
        "gray.jpg": (gray, "JPEG", {}), "subsampled.jpg": (rgb, "JPEG", {"subsampling": 2}),
        "cmyk.jpg": (rgb.convert("CMYK"), "JPEG", {}),
        "gray.pgm": (gray, "PPM", {}), "rgb.ppm": (rgb, "PPM", {}),
    }
    for name, (image, fmt, options) in saves.items():
        b = io.BytesIO()
        image.save(b, fmt, **options)
        put(out, "image", name, b.getvalue())
    put(out, "image", "ascii.pgm", b"P2\n# a comment\n3 2\n255\n0 128 255\n1 2 3\n")
    put(out, "image", "maxval16.pgm", b"P5 2 2 65535\n" + bytes(range(8)))


def idx_seeds(out):
    images = bytes([0, 0, 0x08, 3]) + struct.pack(">III", 2, 3, 3) + bytes(range(18))
    put(out, "idx", "u8_images.idx", images)
    put(out, "idx", "labels.idx", bytes([0, 0, 0x08, 1]) + struct.pack(">I", 4) + bytes([1, 0, 3, 2]))
    put(out, "idx", "f32.idx", bytes([0, 0, 0x0D, 2]) + struct.pack(">II", 2, 2) + struct.pack(">4f", 1.5, -2, 0, 3))
    put(out, "idx", "i16.idx.gz", gzip.compress(bytes([0, 0, 0x0B, 1]) + struct.pack(">I", 3) + struct.pack(">3h", -1, 2, 300), mtime=0))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--images":
        image_seeds(sys.argv[2])
        return
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    safetensors_seeds(out)
    zckpt_seeds(out)
    huffman_seeds(out)
    model_seeds(out)
    store_seeds(out)
    csv_seeds(out)
    pytorch_seeds(out)
    numpy_seeds(out)
    image_seeds(out)
    idx_seeds(out)
    for target in sorted(os.listdir(out)):
        print(f"{target}: {len(os.listdir(os.path.join(out, target)))} seeds")


if __name__ == "__main__":
    main()
