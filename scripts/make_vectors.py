#!/usr/bin/env python3
"""Writes formats/vectors/: good .zckpt files with their expected content and bad files with the
error each must produce, listed in formats/vectors/manifest.json.

This is a second, independent writer of formats/zckpt-v1.md (Python, numpy and zlib only), so the
Swift reader is tested against files it did not write. Deterministic: same output on every run.
Usage: python3 scripts/make_vectors.py
"""
import hashlib
import heapq
import json
import os
import struct
import zlib

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "formats", "vectors")
MAGIC = bytes([0x89, 0x5A, 0x43, 0x4B, 0x50, 0x54, 0x0D, 0x0A])
WIDTH = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "F8_E4M3": 1, "F8_E5M2": 1,
         "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1}
FLOATS = {"F64", "F32", "F16", "BF16", "F8_E4M3", "F8_E5M2"}
UINT = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}


def crc32(b):
    return zlib.crc32(b) & 0xFFFFFFFF


def raw_deflate(data, level=9, strategy=zlib.Z_DEFAULT_STRATEGY):
    c = zlib.compressobj(level, zlib.DEFLATED, -15, 9, strategy)
    return c.compress(data) + c.flush()


def encode_planes(raw, dtype):
    """Spec 5.3: rotate floats (width >= 2) left by 1, split into byte planes, store each plane in
    its smallest form among stored, Huffman-only deflate and full deflate."""
    w = WIDTH[dtype]
    n = len(raw) // w
    v = np.frombuffer(raw, dtype=np.dtype(UINT[w]).newbyteorder("<")).astype(UINT[w])
    if dtype in FLOATS and w >= 2:
        bits = UINT[w](8 * w - 1)
        v = (v << UINT[w](1)) | (v >> bits)
    planes = v.astype(np.dtype(UINT[w]).newbyteorder("<")).tobytes()
    planes = np.frombuffer(planes, dtype=np.uint8).reshape(n, w).T
    header, body = b"", b""
    for p in range(w):
        plane = planes[p].tobytes()
        options = [(0, plane), (1, raw_deflate(plane, 9, zlib.Z_HUFFMAN_ONLY)), (2, raw_deflate(plane, 9))]
        method, stored = min(options, key=lambda o: (len(o[1]), o[0]))
        header += struct.pack("<BI", method, len(stored))
        body += stored
    return header + body


class BitWriter:
    """RFC 1951 bit order: values packed least-significant bit first; Huffman codes reversed."""

    def __init__(self):
        self.acc, self.n, self.out = 0, 0, bytearray()

    def put(self, value, count):
        self.acc |= value << self.n
        self.n += count
        while self.n >= 8:
            self.out.append(self.acc & 0xFF)
            self.acc >>= 8
            self.n -= 8

    def code(self, code, length):
        self.put(int(format(code, "0%db" % length)[::-1], 2), length)

    def finish(self):
        if self.n:
            self.out.append(self.acc & 0xFF)
        return bytes(self.out)


def huffman_lengths(freq):
    """Code lengths of a Huffman code for {symbol: count} (at least two symbols; small inputs only)."""
    heap = [(f, i, [sym]) for i, (sym, f) in enumerate(sorted(freq.items()))]
    heapq.heapify(heap)
    depth = {sym: 0 for sym in freq}
    tie = len(heap)
    while len(heap) > 1:
        fa, _, a = heapq.heappop(heap)
        fb, _, b = heapq.heappop(heap)
        for sym in a + b:
            depth[sym] += 1
        heapq.heappush(heap, (fa + fb, tie, a + b))
        tie += 1
    assert max(depth.values()) <= 15
    return depth


def canonical_codes(lengths):
    codes, code = {}, 0
    for length in range(1, 16):
        for sym in sorted(s for s, l in lengths.items() if l == length):
            codes[sym] = code
            code += 1
        code <<= 1
    return codes


def literal_only_deflate(data, ndist=2, marks=()):
    """One final dynamic block of literals only, declaring `ndist` distance codes (two of length 1,
    the rest unused). Written by hand so the header can say what zlib's deflate never writes.
    With `marks` (increasing literal indices) returns also the bit position of each one's code."""
    freq = {}
    for b in data:
        freq[b] = freq.get(b, 0) + 1
    freq[256] = 1
    lengths = huffman_lengths(freq)
    codes = canonical_codes(lengths)
    w = BitWriter()
    w.put(1, 1)  # BFINAL
    w.put(2, 2)  # dynamic Huffman
    w.put(0, 5)  # HLIT: 257 literal/length codes
    w.put(ndist - 1, 5)  # HDIST
    w.put(15, 4)  # HCLEN: all 19 code-length code lengths
    # Code-length code: symbols 0-15 all 4 bits long (a complete code), 16-18 unused.
    for sym in [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]:
        w.put(0 if sym >= 16 else 4, 3)
    sequence = [lengths.get(sym, 0) for sym in range(257)] + [1, 1] + [0] * (ndist - 2)
    for value in sequence:
        w.code(value, 4)  # all 16 symbols have length 4, so symbol v's canonical code is v
    positions, marks = [], list(marks)
    for i, b in enumerate(data):
        if marks and i == marks[0]:
            positions.append(8 * len(w.out) + w.n)
            marks.pop(0)
        w.code(codes[b], lengths[b])
    w.code(codes[256], lengths[256])
    return (w.finish(), positions) if positions else w.finish()


def indexed_huffman(plane, k=4, lie=None):
    """Plane method 3 (format 1.1): K, K - 1 entry points (the bit of the code of literal
    floor(j * n / K) in the stream), then one Huffman-only block. `lie` edits the entry points."""
    n = len(plane)
    marks = [j * n // k for j in range(1, k)]
    if marks:
        stream, entries = literal_only_deflate(plane, 2, marks)
    else:
        stream, entries = literal_only_deflate(plane, 2), []
    if lie:
        entries = lie(entries)
    return bytes([k]) + b"".join(struct.pack("<I", e) for e in entries) + stream


def planes_chunk(raw, dtype, plane_streams):
    """A planes chunk of `raw` with the given (method, stored bytes) for some planes; others stored."""
    w = WIDTH[dtype]
    n = len(raw) // w
    v = np.frombuffer(raw, dtype=np.dtype(UINT[w]).newbyteorder("<")).astype(UINT[w])
    if dtype in FLOATS and w >= 2:
        v = (v << UINT[w](1)) | (v >> UINT[w](8 * w - 1))
    planes = np.frombuffer(v.astype(np.dtype(UINT[w]).newbyteorder("<")).tobytes(), dtype=np.uint8).reshape(n, w).T
    header, body = b"", b""
    for p in range(w):
        method, stored = plane_streams(p, planes[p].tobytes()) or (0, planes[p].tobytes())
        header += struct.pack("<BI", method, len(stored))
        body += stored
    return header + body


def encode_chunk(raw, dtype, codec):
    if codec == "raw":
        return raw
    if codec == "deflate":
        return raw_deflate(raw, 6)
    return encode_planes(raw, dtype)


class Tensor:
    def __init__(self, name, dtype, shape, raw, codec, chunk_size=1 << 20):
        w = WIDTH[dtype]
        assert len(raw) == int(np.prod(shape, dtype=np.int64)) * w
        self.name, self.dtype, self.shape, self.raw, self.codec = name, dtype, list(shape), raw, codec
        chunk = chunk_size - chunk_size % w
        self.stream, self.chunks = b"", []
        for start in range(0, len(raw), chunk):
            stored = encode_chunk(raw[start:start + chunk], dtype, codec)
            self.chunks.append([len(self.stream), len(stored), len(raw[start:start + chunk]), crc32(stored)])
            self.stream += stored

    def entry(self, offset):
        return {"name": self.name, "dtype": self.dtype, "shape": self.shape, "codec": self.codec,
                "offset": offset, "raw_bytes": len(self.raw), "stored_bytes": len(self.stream),
                "sha256": hashlib.sha256(self.raw).hexdigest(), "chunks": [list(c) for c in self.chunks]}


def index_json(doc):
    return json.dumps(doc, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode("utf-8")


def footer(index_offset, index, major=1, minor=0):
    body = struct.pack("<IQQIHH", 0, index_offset, len(index), crc32(index), major, minor) + MAGIC
    return struct.pack("<I", crc32(body)) + body


def build(tensors, metadata=None, model=None, major=1, minor=0, extra=None, patch_index=None):
    """Lays out a file per spec section 2; `patch_index` may edit the index document first."""
    data = MAGIC + struct.pack("<HH", major, minor) + bytes(52)
    entries = []
    for t in tensors:
        data += bytes((-len(data)) % 64)
        entries.append(t.entry(len(data)))
        data += t.stream
    doc = {"tensors": entries, "metadata": metadata or {}}
    if model is not None:
        doc["model"] = model
    if extra:
        doc.update(extra)
    if patch_index:
        patch_index(doc)
    index = index_json(doc)
    return data + index + footer(len(data), index, major, minor)


def sample(dtype, count, seed):
    """Deterministic raw bytes for `count` elements, with special values for float types."""
    rng = np.random.RandomState(seed)
    if dtype == "F64":
        a = rng.standard_normal(count).astype("<f8")
        special = [np.nan, np.inf, -np.inf, -0.0, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308]
    elif dtype == "F32":
        a = (rng.standard_normal(count) * 0.05).astype("<f4")
        special = [np.nan, np.inf, -np.inf, -0.0, 1e-45, 1.1754942e-38, 3.4028235e38]
    elif dtype == "F16":
        a = rng.standard_normal(count).astype("<f2")
        special = [np.nan, np.inf, -np.inf, -0.0, 6e-8, 6.1e-5, 65504.0]
    elif dtype == "BF16":
        f = (rng.standard_normal(count) * 0.05).astype("<f4").view("<u4")
        a = (f >> 16).astype("<u2")
        special = [0x7FC0, 0x7F80, 0xFF80, 0x8000, 0x0001, 0x007F, 0x7F7F, 0x7FC1]
        for i, s in enumerate(special[:count]):
            a[i] = s
        return a.tobytes()
    elif dtype in ("F8_E4M3", "F8_E5M2", "U8"):
        return rng.randint(0, 256, count).astype(np.uint8).tobytes()
    elif dtype == "BOOL":
        return rng.randint(0, 2, count).astype(np.uint8).tobytes()
    else:
        w = WIDTH[dtype]
        bits = rng.randint(0, 256, count * w).astype(np.uint8).tobytes()
        a = np.frombuffer(bits, dtype="<i%d" % w).copy()
        a[: count // 2] //= 1 << max(0, 8 * w - 9)  # half small values, half full-range bit patterns
        return a.tobytes()
    for i, s in enumerate(special[:count]):
        a[i] = s
    # also a few full-range bit patterns (NaN payloads, denormals) to prove bit exactness
    raw = bytearray(a.tobytes())
    w = WIDTH[dtype]
    raw[-4 * w:] = rng.randint(0, 256, 4 * w).astype(np.uint8).tobytes()
    return bytes(raw)


def expected(tensors, metadata=None, model=None, version="1.0"):
    return {"version": version, "metadata": metadata or {}, "model": model,
            "tensors": [{"name": t.name, "dtype": t.dtype, "shape": t.shape, "codec": t.codec,
                         "raw_bytes": len(t.raw), "sha256": hashlib.sha256(t.raw).hexdigest()} for t in tensors]}


def flip(data, offset, bit=0):
    b = bytearray(data)
    b[offset] ^= 1 << bit
    return bytes(b)


README_HEAD = """# Test vectors for formats/zckpt-v1.md

Written by `python3 scripts/make_vectors.py` (an independent Python writer of the spec: numpy and
zlib only) and run by `Tests/ZooFormatTests/VectorTests.swift`. `manifest.json` is the machine-readable
list: for good files the expected version, metadata, model and each tensor's name, dtype, shape,
codec, raw byte count and SHA-256 of its raw bytes; for bad files the stage that must fail (`open`:
opening the file; `verify`: decoding every tensor and checking every CRC and SHA-256), the error kind
and a substring of the message. Regenerating gives byte-identical files.

## Good files

| file | version | content (dtype/codec) |
| --- | --- | --- |
"""


def main():
    os.makedirs(OUT, exist_ok=True)
    manifest = {"comment": "Written by scripts/make_vectors.py. good: open, compare with `expect`, decode and "
                           "verify every tensor. bad: the error (kind, message substring) at `stage` "
                           "(open = CheckpointReader(path:), verify = CheckpointReader.verify()).",
                "good": [], "bad": []}
    files = {}

    def good(name, tensors, metadata=None, model=None, **kw):
        data = build(tensors, metadata, model, **kw)
        files[name] = data
        version = "%d.%d" % (kw.get("major", 1), kw.get("minor", 0))
        manifest["good"].append({"file": name, "expect": expected(tensors, metadata, model, version)})
        return data

    def bad(name, data, stage, kind, message, why):
        files[name] = data
        manifest["bad"].append({"file": name, "stage": stage, "kind": kind, "message": message, "why": why})

    # One file per codec holding every dtype (special values included for floats).
    for codec in ("raw", "deflate", "planes"):
        tensors = [Tensor("t_%s" % d.lower(), d, [3, 37], sample(d, 111, seed=i + 1), codec)
                   for i, d in enumerate(WIDTH)]
        good("good_%s_all_dtypes.zckpt" % codec, tensors,
             metadata={"format": "pt", "codec": codec, "note": "caf\u00e9 / \u6f22\u5b57 \\ \"q\""})

    # Empty and scalar tensors, with a model description.
    edge = [Tensor("empty", "F32", [0, 3], b"", "planes"),
            Tensor("empty_raw", "I64", [4, 0], b"", "raw"),
            Tensor("scalar", "F32", [], struct.pack("<f", 3.5), "planes"),
            Tensor("scalar_bf16", "BF16", [], struct.pack("<H", 0x3FC0), "deflate"),
            Tensor("scalar_i64", "I64", [], struct.pack("<q", -7), "raw")]
    good("good_empty_and_scalar.zckpt", edge, metadata={},
         model={"layers": [{"name": "l0", "op": "dense", "tensors": ["scalar"]}], "lineage": None, "n": 3})

    # More than one chunk: small chunks (any chunk size up to the cap is valid).
    rng = np.random.RandomState(7)
    f32 = (rng.standard_normal(5000) * 0.02).astype("<f4").tobytes()
    multi = [Tensor("w_planes", "F32", [50, 100], f32, "planes", chunk_size=4096),
             Tensor("w_deflate", "F32", [50, 100], f32, "deflate", chunk_size=6000),
             Tensor("w_raw", "F32", [50, 100], f32, "raw", chunk_size=8192)]
    good("good_multichunk_small_chunks.zckpt", multi)

    # More than one chunk at the default 1 MiB: 1.1 MiB of a repetitive pattern deflates small.
    pattern = (np.arange(1153434 // 2) % 251).astype("<u2").tobytes()
    big = [Tensor("big_bf16", "BF16", [len(pattern) // 2], pattern, "deflate"),
           Tensor("big_planes", "BF16", [len(pattern) // 2], pattern, "planes")]
    good("good_multichunk_1mib.zckpt", big)

    # A newer minor version with unknown keys, extra chunk fields and reserved bytes: must be read.
    newer = [Tensor("a", "F16", [2, 8], sample("F16", 16, 42), "planes", chunk_size=8),
             Tensor("b", "U8", [5], bytes(range(5)), "raw")]

    def add_unknown(doc):
        for e in doc["tensors"]:
            e["future_field"] = {"x": [1, 2, 3]}
            e["chunks"] = [c + [123, "extra"] for c in e["chunks"]]
    data = good("good_newer_minor.zckpt", newer, metadata={"k": "v"}, minor=7,
                extra={"future_top_level": True}, patch_index=add_unknown)
    files["good_newer_minor.zckpt"] = data[:20] + b"\x01\x02" + data[22:]  # reserved preamble bytes

    # Bad files, from a small two-tensor file.
    base_tensors = [Tensor("x", "F32", [64, 16], (rng.standard_normal(1024) * 0.1).astype("<f4").tobytes(),
                           "deflate", chunk_size=1024),
                    Tensor("y", "I32", [16], np.arange(16, dtype="<i4").tobytes(), "raw")]
    base = build(base_tensors, metadata={"m": "1"})
    index_offset, index_length = struct.unpack("<QQ", base[-32:-16])
    x_off = 64

    bad("bad_truncated.zckpt", base[: len(base) // 2], "open", "truncated", "truncated",
        "the second half of the file is missing")
    bad("bad_tiny.zckpt", MAGIC + bytes(20), "open", "truncated", "fewer than the 104",
        "shorter than a preamble and a footer")
    bad("bad_not_a_file.zckpt", b"PK\x03\x04" + bytes(200), "open", "notAFile", "not a .zckpt file",
        "a zip file, not a .zckpt file")
    bad("bad_data_bitflip.zckpt", flip(base, x_off + 100, 3), "verify", "checksumMismatch",
        "tensor 'x' chunk 0: CRC32", "one bit flipped inside tensor x's first chunk")
    bad("bad_index_bitflip.zckpt", flip(base, index_offset + 10, 1), "open", "checksumMismatch",
        "index CRC32", "one bit flipped in the index")
    bad("bad_footer_bitflip.zckpt", flip(base, len(base) - 40 + 9, 0), "open", "checksumMismatch",
        "footer CRC32", "one bit flipped in the footer's index offset")

    def doc_of(data):
        off, length = struct.unpack("<QQ", data[-32:-16])
        return data[:off], json.loads(data[off:off + length])

    def rebuild(data, edit, major=1, minor=0):
        head, doc = doc_of(data)
        edit(doc)
        index = index_json(doc)
        return head + index + footer(len(head), index, major, minor)

    v2 = rebuild(base, lambda d: None, major=2)
    v2 = v2[:8] + struct.pack("<HH", 2, 0) + v2[12:]
    bad("bad_major_version.zckpt", v2, "open", "unsupportedVersion", "is format 2.0; this reader reads format 1.x",
        "major version 2 in preamble and footer")

    def huge(doc):
        doc["tensors"][1]["shape"] = [1000000, 1000000, 1000]
    bad("bad_huge_tensor.zckpt", rebuild(base, huge), "open", "limitExceeded", "more than 1099511627776 elements",
        "the index claims a 10^15-element tensor")

    def overlap(doc):
        doc["tensors"][0]["chunks"][1][0] = doc["tensors"][0]["chunks"][0][1] - 10
    bad("bad_overlapping_chunks.zckpt", rebuild(base, overlap), "open", "malformed", "chunk 1 at stream offset",
        "tensor x's chunk 1 starts inside chunk 0")

    def gap(doc):
        doc["tensors"][0]["chunks"][1][0] += 4
    bad("bad_chunk_gap.zckpt", rebuild(base, gap), "open", "malformed", "leaves a gap",
        "tensor x's chunk 1 starts 4 bytes after chunk 0 ends")

    def lie(doc):
        chunks = doc["tensors"][0]["chunks"]
        chunks[0][2] -= 16
        chunks[1][2] += 16
    bad("bad_chunk_raw_length_lies.zckpt", rebuild(base, lie), "verify", "corruptData",
        "decodes to more bytes than its declared raw length",
        "chunk 0 of x declares 16 raw bytes fewer than it inflates to (chunk 1 16 more, so the sums agree)")

    def overlap_streams(doc):
        doc["tensors"][1]["offset"] = doc["tensors"][0]["offset"]
    bad("bad_overlapping_streams.zckpt", rebuild(base, overlap_streams), "open", "malformed", "overlaps tensor 'x'",
        "tensor y's stream starts where tensor x's does")

    def past_end(doc):
        doc["tensors"][1]["offset"] = index_offset + 64 - index_offset % 64
    bad("bad_offset_past_end.zckpt", rebuild(base, past_end), "open", "malformed", "runs past the start of the index",
        "tensor y's stream lies beyond the index")

    def shape_mismatch(doc):
        doc["tensors"][1]["shape"] = [17]
    bad("bad_shape_bytes_mismatch.zckpt", rebuild(base, shape_mismatch), "open", "malformed",
        "needs 68 raw bytes but raw_bytes is 64", "shape [17] of I32 is 68 bytes, the tensor has 64")

    def unknown_dtype(doc):
        doc["tensors"][1]["dtype"] = "F128"
    bad("bad_unknown_dtype.zckpt", rebuild(base, unknown_dtype), "open", "malformed", "unknown dtype 'F128'",
        "a dtype this version does not define")

    def misaligned(doc):
        doc["tensors"][1]["offset"] += 8
    bad("bad_misaligned_stream.zckpt", rebuild(base, misaligned), "open", "malformed", "not a multiple of 64",
        "tensor y's stream offset is not 64-aligned")

    def no_tensors_key(doc):
        del doc["tensors"]
    bad("bad_index_missing_key.zckpt", rebuild(base, no_tensors_key), "open", "malformed", "missing key 'tensors'",
        "the index has no tensors array")

    big_index = bytearray(base)
    big_index[-24:-16] = struct.pack("<Q", 1 << 40)
    body = bytes(big_index[-36:])
    big_index[-40:-36] = struct.pack("<I", crc32(body))
    bad("bad_index_too_large.zckpt", bytes(big_index), "open", "limitExceeded", "the index is 1099511627776 bytes",
        "the footer claims a 1 TiB index")

    # A planes chunk whose header names an unknown plane method, with its CRC made consistent.
    p = Tensor("p", "F32", [4], struct.pack("<4f", 1, 2, 3, 4), "planes")
    stream = bytearray(p.stream)
    stream[0] = 7
    p.stream = bytes(stream)
    p.chunks[0][3] = crc32(p.stream)
    bad("bad_plane_method.zckpt", build([p]), "verify", "corruptData", "unknown storage method 7",
        "a planes chunk header with method 7")

    # Data that passes its CRC but not the tensor's SHA-256 (chunk re-encoded from other bytes).
    q = Tensor("q", "I32", [8], np.arange(8, dtype="<i4").tobytes(), "raw")
    q.stream = np.arange(1, 9, dtype="<i4").tobytes()
    q.chunks[0][3] = crc32(q.stream)
    bad("bad_sha256.zckpt", build([q]), "verify", "checksumMismatch", "SHA-256 of the decoded bytes",
        "the chunk's CRC matches but the decoded bytes are not the tensor's")

    # Issue 13: an index claiming an 8 GiB F64 tensor in 512 deflate chunks of stored length 0
    # (a 9 KB file). Deflate expands at most 1032:1, so the claim is refused at open, before any
    # memory is allocated for it.
    huge = {"name": "w", "dtype": "F64", "shape": [1 << 30], "codec": "deflate", "offset": 64,
            "raw_bytes": 1 << 33, "stored_bytes": 0, "sha256": "0" * 64,
            "chunks": [[0, 0, 16 << 20, 0] for _ in range(512)]}
    head = MAGIC + struct.pack("<HH", 1, 0) + bytes(52)
    index = index_json({"tensors": [huge], "metadata": {}})
    bad("bad_claims_8gib.zckpt", head + index + footer(len(head), index), "open", "malformed",
        "chunk 0 claims 16777216 raw bytes from 0 stored bytes",
        "the index claims an 8 GiB F64 tensor in 512 deflate chunks of stored length 0 (9 KB file)")

    # Issue 13: a Huffman plane whose dynamic block declares 31 distance codes. RFC 1951 allows 30
    # and zlib refuses more ("too many length or distance symbols"), so the chunk is corrupt even
    # though every code in it would decode.
    h_raw = (np.random.RandomState(31).standard_normal(256) * 0.05).astype("<f4").tobytes()

    def hdist(ndist):
        return lambda p, plane: (1, literal_only_deflate(plane, ndist)) if p == 3 else None
    good30 = planes_chunk(h_raw, "F32", hdist(30))
    plane3 = good30[20 + 3 * 256:]
    assert zlib.decompressobj(-15).decompress(plane3) == planes_chunk(h_raw, "F32", lambda p, x: None)[20 + 3 * 256:]
    h = Tensor("h", "F32", [256], h_raw, "planes")
    h.stream = planes_chunk(h_raw, "F32", hdist(31))
    try:
        zlib.decompressobj(-15).decompress(h.stream[20 + 3 * 256:])
        raise AssertionError("zlib accepted 31 distance codes")
    except zlib.error:
        pass
    h.chunks = [[0, len(h.stream), len(h_raw), crc32(h.stream)]]
    bad("bad_hdist_31.zckpt", build([h]), "verify", "corruptData", "the compressed data is invalid",
        "tensor h's exponent plane is a Huffman block declaring 31 distance codes (RFC 1951 allows 30)")

    # Issue 13: every chunk of a tensor fails its CRC. Decoding it must fail the same way each time
    # without keeping anything (the failures once leaked: Tests/ZooFormatTests/VectorTests.swift).
    leak = Tensor("x", "F32", [4096], (rng.standard_normal(4096) * 0.1).astype("<f4").tobytes(), "planes",
                  chunk_size=1024)
    for c in leak.chunks:
        c[3] ^= 1
    bad("bad_every_chunk_crc.zckpt", build([leak]), "verify", "checksumMismatch", "tensor 'x' chunk 0: CRC32",
        "every one of tensor x's 16 chunks has a wrong CRC32 in the index")

    # Format 1.1: plane method 3, one Huffman-only block with entry points for decoding its
    # quarters at once. Wrong entry points are hints that fail, not errors: the plane still reads.
    rng3 = np.random.RandomState(11)
    w_raw = (rng3.standard_normal(4096) * 0.02).astype("<f4").tobytes()
    b_raw = sample("BF16", 4096, seed=12)
    s_raw = (rng3.standard_normal(2048) * 0.1).astype("<f4").tobytes()

    def exponent_indexed(width, k=4, lie=None):
        return lambda p, plane: (3, indexed_huffman(plane, k, lie)) if p == width - 1 else None

    def indexed_tensor(name, dtype, shape, raw, streams):
        t = Tensor(name, dtype, shape, raw, "planes")
        t.stream = planes_chunk(raw, dtype, streams)
        t.chunks = [[0, len(t.stream), len(raw), crc32(t.stream)]]
        return t
    indexed = [indexed_tensor("w_f32", "F32", [16, 256], w_raw, exponent_indexed(4)),
               indexed_tensor("w_bf16", "BF16", [2, 2048], b_raw, exponent_indexed(2)),
               indexed_tensor("w_one_segment", "F32", [2048], s_raw, exponent_indexed(4, k=1)),
               indexed_tensor("w_wrong_hints", "F32", [2048], s_raw,
                              exponent_indexed(4, lie=lambda e: [e[1], e[0] + 3, 7]))]
    good("good_planes_indexed.zckpt", indexed, metadata={"method": "3"}, minor=1)

    def bad_indexed(name, edit, message, why):
        t = indexed_tensor("v", "F32", [2048], s_raw, lambda p, plane: (3, edit(indexed_huffman(plane))) if p == 3 else None)
        bad(name, build([t], minor=1), "verify", "corruptData", message, why)
    bad_indexed("bad_indexed_no_segments.zckpt", lambda plane: bytes([0]) + plane[13:], "declares 0 segments",
                "an indexed Huffman plane (method 3) declaring 0 segments")
    bad_indexed("bad_indexed_short_table.zckpt", lambda plane: bytes([16]) + plane[1:9], "declares 16 segments in 9 bytes",
                "an indexed Huffman plane of 9 bytes declaring 16 segments (15 entry points need 60)")

    for old in os.listdir(OUT):
        if old.endswith(".zckpt"):
            os.remove(os.path.join(OUT, old))
    for name, data in files.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True, ensure_ascii=False)
        f.write("\n")
    with open(os.path.join(OUT, "README.md"), "w") as f:
        f.write(README_HEAD)
        for g in manifest["good"]:
            t = g["expect"]["tensors"]
            f.write("| `%s` | %s | %d tensors: %s |\n" % (g["file"], g["expect"]["version"], len(t), ", ".join(
                sorted({"%s/%s" % (x["dtype"], x["codec"]) for x in t}))))
        f.write("\n## Bad files\n\n| file | stage | kind | message contains | what is wrong |\n| --- | --- | --- | --- | --- |\n")
        for b in manifest["bad"]:
            f.write("| `%s` | %s | `%s` | %s | %s |\n" % (b["file"], b["stage"], b["kind"], b["message"], b["why"]))
    total = sum(len(d) for d in files.values())
    print("wrote %d files (%d bytes) and manifest.json to %s" % (len(files), total, OUT))


if __name__ == "__main__":
    main()
