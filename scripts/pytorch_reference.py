#!/usr/bin/python3
"""Reference check of zoo's PyTorch checkpoint reader against torch.load (Debian's python3-torch).

Usage: /usr/bin/python3 scripts/pytorch_reference.py PATH/TO/zoo [MOBILENET_V2.pth]

1. Files written here by torch.save, in both containers (`_use_new_zipfile_serialization=False`
   gives the legacy one) and pickle protocols 2, 4 and 5: every dtype zoo stores, scalars and empty
   tensors, views with storage offsets, non-contiguous strides, stride 0, permuted kernels, tensors
   sharing one storage, a Parameter, nn.Module state dicts, nested dicts (`{'model': ...}`,
   Lightning's `state_dict` with `model.`), DataParallel's `module.`, and a sharded checkpoint
   (`pytorch_model.bin.index.json`). Each goes through `zoo convert X out.safetensors`; every tensor
   must be bit-identical to `torch.load(X)[...][name].contiguous()`, and `zoo inspect --json` must
   name the same tensors, dtypes and shapes. A subset is also imported into a store and exported.
2. The real torchvision MobileNetV2 `.pth` (legacy container): converted to safetensors and to
   `.zckpt` and back, and imported then exported; every tensor bit-identical to torch.load.
3. The `bad_os_system_*` vectors are live: loading them with torch.load(weights_only=False) creates
   /tmp/zoo-pickle-side-effect, and zoo's inspect, convert and import refuse them without creating it.

The safetensors output is parsed here with `json` and `struct` (the format is an 8-byte length, a
JSON header and raw bytes); the official package checks zoo's safetensors in scripts/interop.py.
Prints one line per check and `N passed, N failed`; exits non-zero on any failure.
"""
import collections
import json
import os
import struct
import subprocess
import sys
import tempfile

import torch

from pytorch_common import ZOO_DTYPES, raw_bytes, sample

ZOO = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else "zoo"
MOBILENET = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.environ.get("ZOO_TEST_DATA", ".build/test-data"), "mobilenet_v2-b0353104.pth")
VECTORS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "formats", "vectors", "pytorch")
MARKER = "/tmp/zoo-pickle-side-effect"
results = {"passed": 0, "failed": 0}


def report(ok, name, detail=""):
    results["passed" if ok else "failed"] += 1
    print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail and not ok else ''}", flush=True)


def zoo(*args):
    run = subprocess.run([ZOO, *args], capture_output=True, text=True, timeout=900)
    return run.returncode, run.stdout, run.stderr


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    header.pop("__metadata__", None)
    return {k: (v["dtype"], v["shape"], body[v["data_offsets"][0]:v["data_offsets"][1]]) for k, v in header.items()}


def compare(name, expected, path):
    """Every tensor of `expected` (name -> torch tensor) is in the safetensors file at `path`,
    bit for bit, with nothing else there."""
    got = read_safetensors(path)
    problems = []
    if set(got) != set(expected):
        problems.append(f"names differ: missing {sorted(set(expected) - set(got))[:5]}, extra {sorted(set(got) - set(expected))[:5]}")
    for key, t in expected.items():
        if key not in got:
            continue
        dtype, shape, data = got[key]
        if dtype != ZOO_DTYPES[t.dtype] or shape != list(t.shape):
            problems.append(f"{key}: {dtype} {shape}, torch has {ZOO_DTYPES[t.dtype]} {list(t.shape)}")
        elif data != raw_bytes(t):
            problems.append(f"{key}: bytes differ from torch.load(...).contiguous()")
    report(not problems, name, "; ".join(problems[:5]))


def cases():
    """(name, object to save, key zoo should find, prefix it should strip)."""
    dtypes = collections.OrderedDict()
    for i, dtype in enumerate(ZOO_DTYPES):
        dtypes[f"w.{ZOO_DTYPES[dtype].lower()}"] = sample(dtype, (7, 9), i)
        dtypes[f"s.{ZOO_DTYPES[dtype].lower()}"] = sample(dtype, (), 50 + i)
        dtypes[f"e.{ZOO_DTYPES[dtype].lower()}"] = sample(dtype, (0, 3), 0)
    dtypes["large"] = sample(torch.float32, (300, 700), 99)

    base = sample(torch.float32, (12, 10), 1)
    big = sample(torch.bfloat16, (5, 6, 7), 2)
    views = collections.OrderedDict([
        ("offset.row", base[3]), ("offset.block", base[2:5]), ("col", base[:, 4]), ("t", base.t()),
        ("stepped", base[1:11:3, 2::4]), ("diag", base.diagonal()), ("diag.offset", base.diagonal(1)),
        ("expand", torch.arange(4.0).reshape(4, 1).expand(4, 5)), ("expand.bool", torch.tensor([True, False]).expand(3, 2)),
        ("permute.bf16", big.permute(2, 0, 1)), ("permute.view", big.permute(1, 2, 0)[1:4, ::2]),
        ("conv.tf", sample(torch.float32, (3, 3, 8, 16), 3).permute(3, 2, 0, 1)),
        ("int.t", sample(torch.int16, (5, 3), 4).t()), ("u8.slice", sample(torch.uint8, (40,), 5)[7:30:3]),
        ("f64.narrow", sample(torch.float64, (6, 6), 6).narrow(1, 2, 3)), ("whole", base),
    ])
    w = sample(torch.float32, (6, 4), 7)
    buf = sample(torch.float16, (30,), 8)
    tied = collections.OrderedDict([("embed.weight", w), ("lm_head.weight", w), ("a", buf[:10]), ("b", buf[10:25]),
                                    ("c", buf[5:15].view(2, 5)), ("p", torch.nn.Parameter(sample(torch.float32, (3,), 9)))])
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3), torch.nn.BatchNorm2d(8), torch.nn.ReLU(), torch.nn.Flatten(),
                              torch.nn.Linear(8, 4), torch.nn.LayerNorm(4))
    sd = net.state_dict()
    params = dict(net.named_parameters())
    lightning = {"epoch": 2, "global_step": 40, "pytorch-lightning_version": "2.1.0",
                 "state_dict": collections.OrderedDict((f"model.{k}", v) for k, v in sd.items()),
                 "optimizer_states": [{"state": {0: {"exp_avg": torch.zeros(3)}}, "param_groups": [{"lr": 0.1}]}],
                 "hyper_parameters": {"lr": 0.1, "dtype": torch.float32, "shape": torch.Size([1, 2])}}
    return [
        ("all-dtypes", dtypes, None, None),
        ("views", views, None, None),
        ("tied", tied, None, None),
        ("module-state-dict", sd, None, None),
        ("named-parameters", params, None, None),
        ("nested-model", {"model": sd, "epoch": 5, "optimizer": {"state": {}, "param_groups": [{"lr": 0.01}]}}, "model", None),
        ("nested-state-dict", {"state_dict": views, "state_dict_ema": tied, "meta": {"a": [1, 2.5, "x", None, True]}}, "state_dict", None),
        ("lightning", lightning, "state_dict", "model."),
        ("data-parallel", collections.OrderedDict((f"module.{k}", v) for k, v in sd.items()), None, "module."),
    ]


def expected_tensors(obj, key, prefix):
    d = obj[key] if key else obj
    return {(k[len(prefix):] if prefix else k): v for k, v in d.items()}


def check_saved_files(tmp):
    for name, obj, key, prefix in cases():
        for container in ["zip", "legacy"]:
            for protocol in [2, 4, 5]:
                label = f"{name} ({container}, protocol {protocol})"
                path = os.path.join(tmp, f"{name}-{container}-{protocol}.pt")
                torch.save(obj, path, _use_new_zipfile_serialization=container == "zip", pickle_protocol=protocol)
                loaded = torch.load(path)
                want = expected_tensors(loaded, key, prefix)
                out = os.path.join(tmp, "out.safetensors")
                code, _, err = zoo("convert", path, out)
                if code != 0:
                    report(False, label, err.strip())
                    continue
                compare(label, want, out)
                code, stdout, err = zoo("inspect", path, "--json")
                info = json.loads(stdout) if code == 0 else {}
                listed = {t["name"]: (t["dtype"], t["shape"]) for t in info.get("tensors", [])}
                ok = (code == 0 and listed == {k: (ZOO_DTYPES[v.dtype], list(v.shape)) for k, v in want.items()}
                      and info.get("tensor_key") == key and info.get("stripped_prefix") == prefix
                      and info.get("format") == f"pytorch-{container}")
                report(ok, f"inspect {label}", err.strip() or json.dumps({k: info.get(k) for k in ["format", "tensor_key", "stripped_prefix"]}))


def check_import_export(tmp):
    for name, obj, key, prefix in cases()[:4] + cases()[7:8]:
        path = os.path.join(tmp, f"{name}-legacy-2.pt")
        import_export(f"import and export {name} (legacy)", path, expected_tensors(torch.load(path), key, prefix), tmp)


def check_sharded(tmp):
    torch.manual_seed(1)
    sd = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.Linear(16, 4)).state_dict()
    folder = os.path.join(tmp, "sharded")
    os.makedirs(folder)
    names = list(sd)
    parts = [names[:2], names[2:]]
    weight_map = {}
    for i, (part, legacy) in enumerate(zip(parts, [False, True])):
        shard = f"pytorch_model-{i + 1:05d}-of-00002.bin"
        torch.save({k: sd[k] for k in part}, os.path.join(folder, shard), _use_new_zipfile_serialization=not legacy)
        weight_map.update({k: shard for k in part})
    index = os.path.join(folder, "pytorch_model.bin.index.json")
    with open(index, "w") as f:
        json.dump({"metadata": {"total_size": 0}, "weight_map": weight_map}, f)
    out = os.path.join(tmp, "sharded.safetensors")
    code, _, err = zoo("convert", index, out)
    if code != 0:
        report(False, "sharded pytorch_model.bin.index.json", err.strip())
        return
    compare("sharded pytorch_model.bin.index.json (zip + legacy shards)", dict(sd), out)
    # The same tensors as safetensors shards (written by zoo from the .bin shards) behind model.safetensors.index.json.
    st_map = {}
    for i in range(2):
        shard = f"model-{i + 1:05d}-of-00002.safetensors"
        zoo("convert", os.path.join(folder, f"pytorch_model-{i + 1:05d}-of-00002.bin"), os.path.join(folder, shard))
        st_map.update({k: shard for k in parts[i]})
    st_index = os.path.join(folder, "model.safetensors.index.json")
    with open(st_index, "w") as f:
        json.dump({"metadata": {"total_size": 0}, "weight_map": st_map}, f)
    import_export("import model.safetensors.index.json as one model", st_index, dict(sd), tmp)


def import_export(label, path, want, tmp):
    """Imports `path` into a fresh store, exports it as safetensors, and compares with `want`."""
    store = os.path.join(tmp, "zoo-" + os.path.basename(path).replace(".", "-"))
    zoo("init", store)
    exported = store + ".safetensors"
    code, _, err = zoo("import", path, "model", "--zoo", store)
    if code == 0:
        code, _, err = zoo("export", "model", exported, "--zoo", store)
    if code != 0:
        report(False, label, err.strip())
    else:
        compare(label, want, exported)


def check_mobilenet(tmp):
    if not os.path.exists(MOBILENET):
        report(False, "MobileNetV2", f"{MOBILENET} is missing; run scripts/fetch-test-data.sh")
        return
    want = torch.load(MOBILENET)
    out = os.path.join(tmp, "mobilenet.safetensors")
    code, _, err = zoo("convert", MOBILENET, out)
    if code != 0:
        report(False, "convert MobileNetV2 .pth", err.strip())
        return
    compare(f"convert torchvision MobileNetV2 .pth ({len(want)} tensors) to safetensors", want, out)
    zckpt = os.path.join(tmp, "mobilenet.zckpt")
    back = os.path.join(tmp, "mobilenet-back.safetensors")
    code, _, err = zoo("convert", MOBILENET, zckpt)
    if code == 0:
        code, _, err = zoo("convert", zckpt, back)
    if code != 0:
        report(False, "MobileNetV2 .pth -> .zckpt -> safetensors", err.strip())
    else:
        compare("MobileNetV2 .pth -> .zckpt -> safetensors", want, back)
    import_export("import MobileNetV2 .pth, export from the store", MOBILENET, want, tmp)


def check_hostile_vectors_are_live(tmp):
    store = os.path.join(tmp, "zoo-hostile")
    zoo("init", store)
    for name in ["bad_os_system_zip.pt", "bad_os_system_legacy.pt"]:
        path = os.path.join(VECTORS, name)
        if os.path.exists(MARKER):
            os.remove(MARKER)
        # A plain unpickler runs the pickle: the vector really is hostile.
        subprocess.run([sys.executable, "-c", f"import torch; torch.load({path!r}, weights_only=False)"], capture_output=True, timeout=120)
        live = os.path.exists(MARKER)
        if live:
            os.remove(MARKER)
        report(live, f"{name}: torch.load(weights_only=False) runs its os.system")
        outcomes = [zoo("inspect", path), zoo("convert", path, os.path.join(tmp, "x.safetensors")),
                    zoo("import", path, "evil", "--zoo", store)]
        refused = all(code == 1 and "global os.system" in err for code, _, err in outcomes)
        report(refused and not os.path.exists(MARKER), f"{name}: zoo inspect, convert and import refuse it and nothing runs",
               "; ".join(err.strip() for _, _, err in outcomes))


def main():
    with tempfile.TemporaryDirectory(prefix="zoo-pytorch-") as tmp:
        check_saved_files(tmp)
        check_import_export(tmp)
        check_sharded(tmp)
        check_mobilenet(tmp)
        check_hostile_vectors_are_live(tmp)
    print(f"{results['passed']} passed, {results['failed']} failed")
    sys.exit(1 if results["failed"] else 0)


if __name__ == "__main__":
    main()
