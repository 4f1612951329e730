#!/usr/bin/python3
"""Writes formats/vectors/pytorch/: PyTorch checkpoint test vectors for zoo's reader.

Usage: /usr/bin/python3 scripts/make_pytorch_vectors.py [OUT_DIR]   (Debian's python3-torch)

Good vectors are written by torch.save itself (both containers, pickle protocols 2, 4 and 5, views,
offsets, strides, tied weights, nested dicts, a Lightning-style checkpoint, a sharded checkpoint);
the manifest gives, for each, where the tensors are, the prefix removed, and each tensor's name,
dtype, shape and the SHA-256 of `torch.load(...)[name].contiguous()`'s bytes.

Bad vectors are small hostile or broken files, hand-assembled from pickle opcodes and zip records
(or cut from good ones), each with the error kind and a substring of the message zoo must give.
Two of them would run `touch /tmp/zoo-pickle-side-effect` under a plain unpickler (torch.load with
weights_only=False); `scripts/pytorch_reference.py` proves that they do, and the tests prove that
zoo does not.

Tensor values are seeded, so regenerating gives the same tensors; legacy-container files differ in
their storage keys (torch uses memory addresses as keys there), hence in their bytes.
"""
import collections
import hashlib
import io
import json
import os
import struct
import sys
import zipfile
import zlib

import torch

from pytorch_common import ZOO_DTYPES, raw_bytes, sample

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "formats", "vectors", "pytorch")
MARKER = "/tmp/zoo-pickle-side-effect"
good, bad = [], []


def all_dtypes():
    sd = collections.OrderedDict()
    for i, (dtype, name) in enumerate(ZOO_DTYPES.items()):
        sd[f"w.{name.lower()}"] = sample(dtype, (3, 5), 10 + i)
    sd["scalar"] = torch.tensor(2.5)
    sd["empty"] = torch.zeros(0, 4)
    sd["big.bias"] = sample(torch.float32, (1000,), 99)
    return sd


def views():
    base = sample(torch.float32, (6, 8), 1)
    half = sample(torch.float16, (4, 5, 3), 2)
    conv = sample(torch.float32, (3, 3, 4, 8), 3)  # a TensorFlow HWIO kernel
    return collections.OrderedDict([
        ("row", base[2]),                       # offset 16, contiguous
        ("col", base[:, 3]),                    # offset 3, stride 8
        ("transposed", base.t()),               # strides (1, 8)
        ("stepped", base[1:5:2, ::3]),          # offset 8, strides (16, 3)
        ("diagonal", base.diagonal()),          # stride 9
        ("expanded", torch.arange(3.0).reshape(3, 1).expand(3, 4)),  # stride 0
        ("permuted.f16", half.permute(2, 0, 1)),
        ("conv.weight", conv.permute(3, 2, 0, 1)),  # HWIO -> OIHW, as converters write it
        ("narrow.bf16", sample(torch.bfloat16, (10,), 4)[3:7]),
        ("whole", base),                        # the storage the first five views share
    ])


def tied():
    w = sample(torch.float32, (4, 3), 5)
    buffer = sample(torch.int32, (20,), 6)
    p = torch.nn.Parameter(sample(torch.float64, (2, 2), 7))
    return collections.OrderedDict([
        ("encoder.weight", w), ("decoder.weight", w),       # one tensor object under two names
        ("first", buffer[:10]), ("second", buffer[10:]),  # two views of one buffer
        ("param", p),                                      # a Parameter (_rebuild_parameter)
    ])


def module_state_dict():
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4), torch.nn.ReLU(),
                              torch.nn.Flatten(), torch.nn.Linear(4, 2))
    return net.state_dict()  # an OrderedDict with `_metadata` (BUILD) and num_batches_tracked (I64 scalar)


def expected(sd, key=None, prefix=None, entries=None, container="pytorch-zip"):
    tensors = []
    for name, t in sd.items():
        tensors.append({"name": name[len(prefix):] if prefix else name, "dtype": ZOO_DTYPES[t.dtype],
                        "shape": list(t.shape), "sha256": hashlib.sha256(raw_bytes(t)).hexdigest()})
    return {"container": container, "key": key, "stripped_prefix": prefix, "tensors": tensors, "entries": entries or []}


def save(name, obj, legacy=False, protocol=2):
    path = os.path.join(OUT, name)
    torch.save(obj, path, _use_new_zipfile_serialization=not legacy, pickle_protocol=protocol)
    return path


def add_good(name, obj, sd, legacy=False, protocol=2, key=None, prefix=None, entries=None, why=""):
    save(name, obj, legacy, protocol)
    exp = expected(sd, key, prefix, entries, "pytorch-legacy" if legacy else "pytorch-zip")
    good.append({"file": name, "why": why, "expect": exp})


# ---------------------------------------------------------------------------------------------
# Good vectors: torch.save's own output.

def write_good():
    sd = all_dtypes()
    add_good("good_all_dtypes_zip.pt", sd, sd, why="every supported dtype, a scalar, an empty tensor; zip container")
    add_good("good_all_dtypes_legacy.pt", sd, sd, legacy=True, why="the same, legacy container")
    v = views()
    add_good("good_views_zip.pt", v, v, protocol=4, why="offsets, strides, a transpose, stride 0, permuted HWIO kernel; zip, pickle protocol 4")
    add_good("good_views_legacy.pt", v, v, legacy=True, protocol=5, why="the same views, legacy container, pickle protocol 5")
    t = tied()
    add_good("good_tied_zip.pt", t, t, why="one tensor under two names, two views of one buffer, a Parameter")
    add_good("good_tied_legacy.pt", t, t, legacy=True, why="the same, legacy container")
    m = module_state_dict()
    add_good("good_module_state_dict_legacy.pth", m, m, legacy=True, why="nn.Module.state_dict(): OrderedDict with _metadata (BUILD)")
    nested = {"epoch": 7, "model": m, "optimizer": {"state": {0: {"step": torch.tensor(3.0)}}, "param_groups": [{"lr": 0.001}]},
              "arch": "tiny-cnn", "dtype": torch.float16}
    add_good("good_nested_zip.pt", nested, m, key="model",
             entries=["epoch", "optimizer", "arch", "dtype"], why="{'model': state_dict, epoch, optimizer, ...}: found under 'model'")
    lightning = collections.OrderedDict([
        ("epoch", 3), ("global_step", 120), ("pytorch-lightning_version", "1.9.0"),
        ("state_dict", collections.OrderedDict((f"model.{k}", v) for k, v in m.items())),
        ("loops", {"fit_loop": {"epoch_progress": {"total": {"ready": 3}}}}),
        ("optimizer_states", [{"state": {0: {"exp_avg": torch.zeros(4)}}, "param_groups": [{"lr": 0.01, "betas": (0.9, 0.999)}]}]),
        ("lr_schedulers", []), ("hparams_name", "kwargs"), ("hyper_parameters", {"lr": 0.01, "width": 4}),
    ])
    add_good("good_lightning.ckpt", lightning, collections.OrderedDict((f"model.{k}", v) for k, v in m.items()),
             key="state_dict", prefix="model.",
             entries=["epoch", "global_step", "pytorch-lightning_version", "loops", "optimizer_states", "lr_schedulers",
                      "hparams_name", "hyper_parameters"],
             why="a Lightning checkpoint: tensors under 'state_dict', 'model.' removed from their names")
    dp = collections.OrderedDict((f"module.{k}", v) for k, v in m.items())
    add_good("good_module_prefix_zip.pt", dp, dp, prefix="module.", why="a DataParallel state dict: 'module.' removed")

    # The same zip with every entry deflated (torch.load reads these too).
    buf = io.BytesIO()
    torch.save(sd, buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    path = os.path.join(OUT, "good_deflated_zip.pt")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info.filename, src.read(info.filename))
    assert all(raw_bytes(torch.load(path)[k]) == raw_bytes(sd[k]) for k in sd)
    good.append({"file": "good_deflated_zip.pt", "why": "every zip entry deflated", "expect": expected(sd)})

    # An empty view whose offset lies far past its storage's end (torch.load accepts it).
    path = os.path.join(OUT, "good_empty_view_zip.pt")
    with open(path, "wb") as f:
        f.write(torch_zip(tensor_pickle(size=(0, 3), stride=(3, 1), offset=1 << 50, numel=2), {"0": struct.pack("<2f", 1.0, 2.0)}))
    good.append({"file": "good_empty_view_zip.pt", "why": "an empty tensor whose offset is 2^50, past its 2-element storage",
                 "expect": expected(torch.load(path))})

    # A sharded checkpoint: two .bin shards (one per container) and the hub's index.
    shard_dir = os.path.join(OUT, "sharded")
    os.makedirs(shard_dir, exist_ok=True)
    names = list(m.keys())
    first = collections.OrderedDict((k, m[k]) for k in names[:3])
    second = collections.OrderedDict((k, m[k]) for k in names[3:])
    torch.save(first, os.path.join(shard_dir, "pytorch_model-00001-of-00002.bin"))
    torch.save(second, os.path.join(shard_dir, "pytorch_model-00002-of-00002.bin"), _use_new_zipfile_serialization=False)
    index = {"metadata": {"total_size": sum(len(raw_bytes(t)) for t in m.values())},
             "weight_map": {**{k: "pytorch_model-00001-of-00002.bin" for k in first},
                            **{k: "pytorch_model-00002-of-00002.bin" for k in second}}}
    with open(os.path.join(shard_dir, "pytorch_model.bin.index.json"), "w") as f:
        json.dump(index, f, indent=2, sort_keys=True)
    exp = expected(m, container="sharded")
    good.append({"file": "sharded/pytorch_model.bin.index.json", "why": "a sharded checkpoint: a zip shard and a legacy shard",
                 "expect": exp})


# ---------------------------------------------------------------------------------------------
# Bad vectors: hand-assembled.

P2, P4 = b"\x80\x02", b"\x80\x04"


def unicode(s):
    b = s.encode()
    return b"X" + struct.pack("<I", len(b)) + b


def global_(module, name):
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def os_system_pickle(proto=P2):
    """{'weight': os.system('touch MARKER')}: a dict whose value is made by calling os.system."""
    return proto + b"}" + unicode("weight") + global_("os", "system") + unicode(f"touch {MARKER}") + b"\x85R" + b"s."


def tensor_pickle(size=(2,), stride=(1,), offset=0, numel=2, key="0", dtype_class="FloatStorage", legacy=False, proto=P2):
    """{'w': _rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())} in torch's layout."""
    def tup(items):
        return b"(" + b"".join(items) + b"t"
    def int_(n):
        return b"\x8a\x08" + struct.pack("<q", n)
    pid = [unicode("storage"), global_("torch", dtype_class), unicode(key), unicode("cpu"), int_(numel)] + ([b"N"] if legacy else [])
    args = tup([tup(pid) + b"Q", int_(offset), tup([int_(n) for n in size]), tup([int_(n) for n in stride]), b"\x89",
                global_("collections", "OrderedDict") + b")R"])
    return proto + b"}" + unicode("w") + global_("torch._utils", "_rebuild_tensor_v2") + args + b"R" + b"s."


def torch_zip(pickle_bytes, storages=None, prefix="archive", method=zipfile.ZIP_STORED, extra=None):
    """A zip laid out as torch.save lays it out: data.pkl, data/<key>, version."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        z.writestr(f"{prefix}/data.pkl", pickle_bytes)
        for key, data in (storages or {}).items():
            z.writestr(f"{prefix}/data/{key}", data)
        z.writestr(f"{prefix}/version", "3\n")
        for name, data in (extra or []):
            z.writestr(name, data)
    return buf.getvalue()


def legacy_file(object_pickle, storages=None, keys=None):
    """torch's legacy stream: magic, protocol, sys info, the object, the key list, then the storages."""
    import pickle
    out = io.BytesIO()
    pickle.dump(0x1950A86A20F9469CFC6C, out, protocol=2)
    pickle.dump(1001, out, protocol=2)
    pickle.dump({"protocol_version": 1001, "little_endian": True, "type_sizes": {"short": 2, "int": 4, "long": 8}}, out, protocol=2)
    out.write(object_pickle)
    storages = storages or {}
    pickle.dump(keys if keys is not None else sorted(storages), out, protocol=2)
    for key in sorted(storages):
        count, data = storages[key]
        out.write(struct.pack("<q", count) + data)
    return out.getvalue()


def raw_zip(entries):
    """A zip written record by record, so its directory can say anything: entries are
    (name, method, stored_bytes, crc, declared_uncompressed_size)."""
    body, directory = b"", b""
    for name, method, data, crc, usize in entries:
        n = name.encode()
        offset = len(body)
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0, crc, len(data), usize, len(n), 0) + n + data
        directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0, crc, len(data), usize,
                                 len(n), 0, 0, 0, 0, 0, offset) + n
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), len(body), 0)
    return body + directory + end


def add_bad(name, data, kind, message, why):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
    bad.append({"file": name, "kind": kind, "message": message, "why": why})


def deflate(data):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def write_bad():
    floats = struct.pack("<2f", 1.0, 2.0)
    add_bad("bad_os_system_zip.pt", torch_zip(os_system_pickle()), "refused", "global os.system",
            f"data.pkl calls os.system('touch {MARKER}'); torch.load(weights_only=False) would run it")
    add_bad("bad_os_system_legacy.pt", legacy_file(os_system_pickle()), "refused", "global os.system",
            "the same call in the legacy container's object pickle")
    eval_pickle = P4 + b"\x8c\x08builtins\x8c\x04eval\x93" + b"\x8c\x0bprint('hi')\x85R."
    add_bad("bad_builtins_eval_zip.pt", torch_zip(eval_pickle), "refused", "global builtins.eval",
            "STACK_GLOBAL (protocol 4) names builtins.eval")
    popen = P2 + global_("subprocess", "Popen") + b"(" + unicode("true") + b"\x85" + b"tR."
    add_bad("bad_subprocess_popen_legacy.pt", legacy_file(popen), "refused", "global subprocess.Popen",
            "the object pickle names subprocess.Popen")
    linear = io.BytesIO()
    torch.save(torch.nn.Linear(2, 2), linear)
    add_bad("bad_nn_module_zip.pt", linear.getvalue(), "refused", "global torch.nn.modules.linear.Linear",
            "torch.save of a whole nn.Module (its class must be imported to load it)")
    add_bad("bad_unknown_opcode_zip.pt", torch_zip(P2 + b"}\xff."), "malformed", "unknown opcode 0xff",
            "byte 0xff is no pickle opcode")
    add_bad("bad_inst_opcode_zip.pt", torch_zip(P2 + b"(ios\nsystem\n."), "refused", "opcode INST",
            "INST (protocol 0) instantiates a class by name")
    limit_memo = 1 << 20
    add_bad("bad_memo_bomb_zip.pt", torch_zip(P4 + b"N" + b"\x94" * (limit_memo + 1) + b".", method=zipfile.ZIP_DEFLATED),
            "limitExceeded", "the memo holds more than 1048576 entries", "MEMOIZE 2^20 + 1 times (data.pkl deflated to 1 kB)")
    add_bad("bad_memo_unset_zip.pt", torch_zip(P2 + b"j\xf0\xff\xff\xff."), "malformed", "memo entry 4294967280 is read but was never written",
            "LONG_BINGET of a memo slot no PUT wrote")
    add_bad("bad_stack_bomb_zip.pt", torch_zip(P2 + b"N" + b"2" * (1 << 16) + b".", method=zipfile.ZIP_DEFLATED),
            "limitExceeded", "the stack holds more than 65536 values", "DUP 2^16 times (data.pkl deflated)")
    add_bad("bad_mark_bomb_zip.pt", torch_zip(P2 + b"(" * 2000 + b"."), "limitExceeded", "more than 1024 MARKs",
            "2000 MARKs open at once")
    deep = P2 + b"}" + unicode("deep") + b"]" * 200 + b"a" * 199 + b"s."
    add_bad("bad_deep_nesting_zip.pt", torch_zip(deep), "limitExceeded", "nests containers deeper than 100 levels",
            "a list nested 200 deep")
    add_bad("bad_absurd_string_zip.pt", torch_zip(P4 + b"\x8d" + struct.pack("<Q", 1 << 62) + b"abc."), "truncated",
            "BINUNICODE8 declares 4611686018427387904 bytes", "a string that claims 2^62 bytes")
    add_bad("bad_absurd_tensor_zip.pt", torch_zip(tensor_pickle(size=(1 << 40, 1 << 40), stride=(1 << 40, 1)), {"0": floats}),
            "limitExceeded", "more than 1099511627776 elements", "a tensor of 2^80 elements over a 2-element storage")
    add_bad("bad_expand_bomb_zip.pt", torch_zip(tensor_pickle(size=(1 << 20, 1 << 20), stride=(0, 0)), {"0": floats}),
            "limitExceeded", "expanded views", "a 2^40-element view with strides (0, 0) over a 2-element storage: 4 TiB once contiguous")
    add_bad("bad_absurd_storage_legacy.pt", legacy_file(tensor_pickle(numel=1 << 62, legacy=True), {}, keys=["0"]),
            "limitExceeded", "claims 4611686018427387904 elements", "a storage that claims 2^62 elements")
    add_bad("bad_storage_past_end_legacy.pt",
            legacy_file(tensor_pickle(numel=1000, legacy=True), {"0": (1000, floats)}),
            "truncated", "needs 4000 bytes", "the storage's 1000 elements run past the end of the file")
    add_bad("bad_storage_short_zip.pt", torch_zip(tensor_pickle(numel=1000), {"0": floats}), "malformed",
            "has 8 bytes", "data/0 holds 8 bytes but the pickle says 1000 floats")
    add_bad("bad_storage_missing_zip.pt", torch_zip(tensor_pickle()), "malformed", "has no entry 'archive/data/0'",
            "the pickle names storage 0 but the archive has no data/0")
    add_bad("bad_view_past_storage_zip.pt", torch_zip(tensor_pickle(size=(2,), stride=(1,), offset=1), {"0": floats}),
            "malformed", "does not fit storage '0'", "offset 1 + 2 elements over a 2-element storage")
    pkl = tensor_pickle()
    crc = zlib.crc32(pkl)
    add_bad("bad_zip_dotdot.pt", raw_zip([("archive/data.pkl", 0, pkl, crc, len(pkl)), ("archive/../../etc/evil", 0, b"x", zlib.crc32(b"x"), 1)]),
            "refused", "path that leaves the archive", "an entry named archive/../../etc/evil")
    add_bad("bad_zip_absolute.pt", raw_zip([("/etc/passwd", 0, b"x", zlib.crc32(b"x"), 1), ("archive/data.pkl", 0, pkl, crc, len(pkl))]),
            "refused", "path that leaves the archive", "an entry with an absolute path")
    add_bad("bad_zip_duplicate.pt", raw_zip([("archive/data.pkl", 0, os_system_pickle(), zlib.crc32(os_system_pickle()), len(os_system_pickle())),
                                             ("archive/data.pkl", 0, pkl, crc, len(pkl)),
                                             ("archive/data/0", 0, floats, zlib.crc32(floats), len(floats))]),
            "malformed", "two entries are named 'archive/data.pkl'", "two data.pkl entries: a reader could pick either")
    small = deflate(b"\x80\x02}." + b"\x00" * 100)
    add_bad("bad_zip_bomb_ratio.pt", raw_zip([("archive/data.pkl", 8, small, 0, 0xFFFFFFF0)]), "limitExceeded",
            "more than deflate's 1032:1 ratio", "a deflated data.pkl of a few bytes that claims 4 GiB")
    zeros = b"\x80\x02}." + b"N" * (10 << 20)
    add_bad("bad_zip_bomb_lies.pt", raw_zip([("archive/data.pkl", 8, deflate(zeros), zlib.crc32(zeros[:1000]), 1000)]), "corruptData",
            "decodes to more bytes than its declared raw length 1000", "declares 1000 bytes, inflates to 10 MiB (stopped at 1000)")
    add_bad("bad_zip_crc.pt", raw_zip([("archive/data.pkl", 0, pkl, crc ^ 1, len(pkl)), ("archive/data/0", 0, floats, zlib.crc32(floats), 8)]),
            "checksumMismatch", "CRC-32", "data.pkl's CRC-32 in the directory is wrong by one bit")
    add_bad("bad_big_endian_zip.pt", torch_zip(tensor_pickle(), {"0": floats}, extra=[("archive/byteorder", "big")]), "invalidArgument",
            "big-endian machine", "the byteorder record says big")
    add_bad("bad_legacy_trailing.pt", legacy_file(tensor_pickle(legacy=True), {"0": (2, floats)}) + b"junk", "malformed",
            "4 bytes after its last storage", "bytes appended after the last storage")
    add_bad("bad_legacy_magic.pt", legacy_file(b"")[:2] + b"K\x07." + legacy_file(b"")[15:], "notAFile", "magic number",
            "a pickle stream that does not start with torch's magic number")
    add_bad("bad_not_a_checkpoint.bin", b"hello, this is a text file\n", "notAFile", "not a checkpoint zoo reads",
            "plain text")
    # Real checkpoints cut short.
    sd = all_dtypes()
    with open(os.path.join(OUT, "good_all_dtypes_zip.pt"), "rb") as f:
        whole = f.read()
    add_bad("bad_truncated_zip.pt", whole[: len(whole) // 2], "truncated", "no end-of-central-directory record",
            "good_all_dtypes_zip.pt cut in half (its directory is gone)")
    with open(os.path.join(OUT, "good_all_dtypes_legacy.pt"), "rb") as f:
        whole = f.read()
    add_bad("bad_truncated_legacy.pt", whole[: len(whole) - 100], "truncated", "the file is truncated",
            "good_all_dtypes_legacy.pt without its last 100 bytes")
    add_bad("bad_truncated_pickle_legacy.pt", whole[:200], "truncated", "the file is truncated",
            "good_all_dtypes_legacy.pt cut inside its object pickle")


def readme():
    lines = ["# PyTorch checkpoint test vectors", "",
             "Written by `/usr/bin/python3 scripts/make_pytorch_vectors.py` (Debian's python3-torch) and run by",
             "`Tests/ZooFormatTests/PyTorchVectorTests.swift` and `Tests/ZooCLITests/PyTorchCommandTests.swift`;",
             "formats/pytorch-checkpoints.md is the specification. `manifest.json` is the machine-readable list: for",
             "good files the container, the key the tensors are under, the prefix removed from their names, the",
             "entries that are not imported, and each tensor's name, dtype, shape and the SHA-256 of",
             "`torch.load(...)[name].contiguous()`'s bytes; for bad files the error kind and a substring of the message.",
             "", f"`bad_os_system_*` run `touch {MARKER}` when loaded with `torch.load(weights_only=False)`;",
             "`scripts/pytorch_reference.py` checks that they do, the CLI tests that zoo does not.", "",
             "## Good files", "", "| file | container | tensors at | what it tests |", "| --- | --- | --- | --- |"]
    for g in good:
        e = g["expect"]
        lines.append(f"| `{g['file']}` | {e['container']} | {e['key'] or 'top level'}{' (`' + e['stripped_prefix'] + '` removed)' if e['stripped_prefix'] else ''} | {g['why']} |")
    lines += ["", "## Bad files", "", "| file | kind | message contains | what is wrong |", "| --- | --- | --- | --- |"]
    for b in bad:
        lines.append(f"| `{b['file']}` | `{b['kind']}` | {b['message']} | {b['why']} |")
    return "\n".join(lines) + "\n"


def main():
    os.makedirs(OUT, exist_ok=True)
    write_good()
    write_bad()
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump({"good": good, "bad": bad}, f, indent=1, sort_keys=True)
        f.write("\n")
    with open(os.path.join(OUT, "README.md"), "w") as f:
        f.write(readme())
    print(f"wrote {len(good)} good and {len(bad)} bad vectors to {OUT}")


if __name__ == "__main__":
    main()
