#!/usr/bin/python3
"""Parity of zoo's recognised architectures with PyTorch (torchvision 0.14, timm 0.9.16).

Run with /usr/bin/python3 (Debian's python3-torch and python3-torchvision; scripts/setup.sh puts
timm in .build/python). .ci/run calls it with release builds:

    /usr/bin/python3 scripts/parity.py --zoo .build/release/zoo --bench .build/release/zoo-bench

For each architecture it builds the network with seeded random weights and non-trivial batch-norm
statistics (random affine, running mean and variance), writes them as safetensors (a writer of its
own: this Python has no safetensors package) and has zoo import them without a description, so
recognition must name the architecture and give a runnable description. Then:

- description: the output shape of every top-level layer at 3x224x224 equals PyTorch's (forward hooks);
- eval: `zoo predict --data X.npy --output OUT.npy` on a batch of 2 at 224x224 equals PyTorch's
  eval-mode logits (in a build whose predict cannot write .npy yet, `zoo-bench parity` computes them);
- train (ResNet-18/50, MobileNetV2, MobileNetV3-Small and timm's MobileNetV3-Small): the
  training-mode forward (batch statistics) of a batch of 4 at 64x64 (`zoo-bench parity`), then the
  weights and batch-norm running statistics after one SGD step (lr 0.1, no momentum, no weight decay,
  mean cross-entropy) by `zoo train --optimizer sgd --data XY.npz` (CSV where the build reads no
  .npz) and `zoo export`, equal PyTorch's. These run
  the recognised description at 64x64 with dropout off (torch's and zoo's random masks cannot
  agree), given to `zoo import --arch`;
- the real MobileNetV2 ImageNet weights (.pth, torch.load'ed here and written as safetensors; the
  .pth imported directly must be recognised too, with the same tensor bytes) on photos/chelsea.png, with
  torchvision's preprocessing done here and fed to zoo as float32 .npy: the same logits and top-5;
  and, where the build reads images, `zoo predict REF chelsea.png` (zoo's own decoding and
  preprocessing from the model card) gives the same top-5.

The measure is max|zoo - torch| / (1 + max|torch|), which must be at most 1e-4. For the SGD step the
table also shows the error of the update itself, max|dzoo - dtorch| / max|dtorch| over all weights
("update"), and the same for PyTorch's float32 step against its float64 step ("f32/f64": what
float32 arithmetic can promise for this step; see BRANCH_END_SCALE).
"""
import argparse
import copy
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
import torchvision
from PIL import Image
from torch import nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, ".build", "python"))
TOLERANCE = 1e-4
LR = float(os.environ.get("ZOO_PARITY_LR", "0.1"))
# The training checks use networks whose residual branches end in a small batch-norm scale,
# U(0, 0.1), as trained networks' do. With scales near 1, train-mode batch norm over 4 images at
# 64x64 makes the gradient explode with depth (ResNet-50: max |grad| 82 instead of 0.66), and
# PyTorch's own float32 step then differs from its float64 step by 6.5e-3 (MobileNetV2 2.4e-3), so
# no float32 implementation could be held to 1e-4. The table's "f32/f64" column is PyTorch's own
# float32-vs-float64 difference of the update: the check is only meaningful while it is small.
BRANCH_END_SCALE = tuple(float(v) for v in os.environ.get("ZOO_PARITY_BRANCH_SCALE", "0.0,0.1").split(","))

# (zoo architecture, builder, eval at 224, train and SGD at 64)
EVAL = [
    "torchvision.resnet18", "torchvision.resnet34", "torchvision.resnet50", "torchvision.resnet101",
    "torchvision.resnet152", "torchvision.resnext50_32x4d", "torchvision.wide_resnet50_2",
    "torchvision.mobilenet_v2", "torchvision.mobilenet_v3_large", "torchvision.mobilenet_v3_small",
    "timm.mobilenetv2_100", "timm.mobilenetv3_large_100", "timm.mobilenetv3_small_100", "timm.resnet18",
]
# timm's ResNets have torchvision's tensor names (and computation): zoo recognises them as these.
RECOGNISED_AS = {"timm.resnet18": "torchvision.resnet18"}
TRAIN = ["torchvision.resnet18", "torchvision.resnet50", "torchvision.mobilenet_v2",
         "torchvision.mobilenet_v3_small", "timm.mobilenetv3_small_100"]


def build(architecture, seed):
    """The PyTorch network with seeded weights and random batch-norm statistics and biases."""
    family, name = architecture.split(".", 1)
    torch.manual_seed(seed)
    if family == "timm":
        import timm
        model = timm.create_model(name)
    else:
        model = getattr(torchvision.models, name)()
    g = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                c = m.num_features
                m.weight.copy_(torch.rand(c, generator=g) + 0.5)
                m.bias.copy_(torch.randn(c, generator=g) * 0.1)
                m.running_mean.copy_(torch.randn(c, generator=g) * 0.1)
                m.running_var.copy_(torch.rand(c, generator=g) * 1.5 + 0.5)
                m.num_batches_tracked.fill_(int(torch.randint(1, 1000, (1,), generator=g)))
            elif isinstance(m, (nn.Conv2d, nn.Linear)) and m.bias is not None:
                m.bias.copy_(torch.randn(m.bias.shape, generator=g) * 0.1)
    return model


SAFETENSORS_DTYPES = {torch.float32: ("F32", np.float32), torch.int64: ("I64", np.int64)}
NUMPY_OF = {"F32": np.float32, "I64": np.int64, "F64": np.float64, "I32": np.int32}


def write_safetensors(path, tensors):
    """safetensors as the format says: 8-byte little-endian header length, JSON header, data."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        code, _ = SAFETENSORS_DTYPES[t.dtype]
        data = t.detach().contiguous().numpy().tobytes()
        header[name] = {"dtype": code, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        a, b = e["data_offsets"]
        out[name] = np.frombuffer(raw[8 + n + a:8 + n + b], dtype=NUMPY_OF[e["dtype"]]).reshape(e["shape"])
    return out


def relative(ours, ref):
    ours, ref = np.asarray(ours, dtype=np.float64), np.asarray(ref, dtype=np.float64)
    assert ours.shape == ref.shape, (ours.shape, ref.shape)
    return float(np.max(np.abs(ours - ref)) / (1.0 + np.max(np.abs(ref)))) if ref.size else 0.0


class Zoo:
    """Runs the zoo CLI (and zoo-bench) on one store."""

    def __init__(self, zoo, bench, store):
        self.zoo, self.bench, self.store = zoo, bench, store
        self.run("init", store, store_flag=False)
        # npy/npz on the CLI (predict --output, train --data FILE.npz) arrive with ZooData; until a
        # build has them, eval outputs come from zoo-bench parity and training data from CSV.
        self.predict_writes_npy = "--output" in self.run("predict", "--help", store_flag=False)

    def outputs(self, reference, x, work, tag, training=False):
        """The model's raw outputs for the batch x: eval via `zoo predict --output` (zoo-bench
        parity where the CLI cannot), training mode via zoo-bench parity."""
        if not training and self.predict_writes_npy:
            xp, out = os.path.join(work, tag + "-x.npy"), os.path.join(work, tag + "-y.npy")
            np.save(xp, x)
            self.run("predict", reference, "--data", xp, "--output", out)
            return np.load(out)
        xs, ys = os.path.join(work, tag + "-x.safetensors"), os.path.join(work, tag + "-y.safetensors")
        write_safetensors(xs, {"x": torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))})
        self.run("parity", "--store", self.store, reference, "--input", xs,
                 "--train-output" if training else "--eval-output", ys, binary=self.bench, store_flag=False)
        return read_safetensors(ys)["y"]

    def training_data(self, x, y, work, tag):
        """x and integer labels y as zoo train --data takes them: .npz where the build reads it, else CSV."""
        if self.predict_writes_npy:
            path = os.path.join(work, tag + ".npz")
            np.savez(path, x=x, y=y.astype(np.int64))
            return path
        path = os.path.join(work, tag + ".csv")
        with open(path, "w") as f:
            for row, label in zip(x.reshape(len(x), -1), y):
                f.write(",".join("%.9g" % v for v in row) + ",%d\n" % label)
        return path

    def run(self, *args, store_flag=True, binary=None):
        cmd = [binary or self.zoo, *args] + (["--zoo", self.store] if store_flag else [])
        p = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
        if p.returncode != 0:
            raise RuntimeError("%s failed (%d):\n%s%s" % (" ".join(cmd), p.returncode, p.stdout, p.stderr))
        return p.stdout

    def json(self, *args):
        return json.loads(self.run(*args, "--json"))


def layer_outputs(architecture, model, names):
    """Output shape of each named top-level module at 3x224x224; `avgpool`/`global_pool` flattened
    as the model's forward does."""
    modules = dict(model.named_modules())
    # timm's ResNet calls torchvision's `relu` and `avgpool` (pooling and flatten) `act1` and `global_pool`.
    alias = {"relu": "act1", "avgpool": "global_pool"} if architecture.startswith("timm.resnet") else {}
    shapes = {}
    # A hook that returns a value replaces the module's output, so this one returns None.
    hooks = [modules[alias.get(n, n)].register_forward_hook(lambda m, i, o, n=n: shapes.setdefault(n, list(o.shape[1:])) and None)
             for n in names if alias.get(n, n) in modules]
    with torch.no_grad():
        model.eval()(torch.zeros(1, 3, 224, 224))
    for h in hooks:
        h.remove()
    result = {}
    for n in names:
        s = shapes.get(n)
        if n == "avgpool" and architecture.startswith("torchvision."):
            s = [shapes[names[names.index(n) - 1]][0]]  # pooled and flattened in forward
        result[n] = s
    return result


def description_for_64(model_json):
    """The recognised description at 3x64x64 (its card's image recipe too), recorded shapes and
    lineage left out, dropout off."""
    d = copy.deepcopy(model_json)
    d["input"] = [3, 64, 64]
    d.pop("lineage", None)
    # The card's image recipe at the new size (the ImageNet recipe's 256/224 resize ratio), so it
    # makes the tensors the input takes.
    prep = d.get("metadata", {}).get("preprocessing")
    if prep:
        prep["crop"] = [64, 64]
        prep["resize"] = round(64 * 256 / 224)
    for layer in d["layers"]:
        layer.pop("input_shape", None)
        layer.pop("output_shape", None)
        if layer["op"] == "dropout":
            layer["p"] = 0
    return d


def branch_ends(model):
    """The last batch norm of each residual branch: ResNet's bn2 (BasicBlock) and bn3 (Bottleneck),
    the projection's of torchvision's and timm's inverted residuals with a skip connection."""
    out = []
    for m in model.modules():
        kind = type(m).__name__
        if kind == "BasicBlock":
            out.append(m.bn2)
        elif kind == "Bottleneck":
            out.append(m.bn3)
        elif kind == "InvertedResidual" and getattr(m, "use_res_connect", getattr(m, "has_skip", False)):
            seq = getattr(m, "conv", None) or getattr(m, "block", None)
            out.append([b for b in seq.modules() if isinstance(b, nn.BatchNorm2d)][-1] if seq is not None else m.bn3)
        elif kind == "DepthwiseSeparableConv" and m.has_skip:
            out.append(m.bn2)
    return out


def zero_dropout(model):
    for m in model.modules():
        if isinstance(m, nn.Dropout):
            m.p = 0.0
    if hasattr(model, "drop_rate"):
        model.drop_rate = 0.0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--zoo", default=os.path.join(ROOT, ".build/release/zoo"))
    ap.add_argument("--bench", default=os.path.join(ROOT, ".build/release/zoo-bench"))
    ap.add_argument("--data", default=os.environ.get("ZOO_TEST_DATA", os.path.join(ROOT, ".build/test-data")))
    ap.add_argument("--work", help="scratch folder (default: a temporary one, removed)")
    ap.add_argument("--only", help="comma-separated architectures to check")
    args = ap.parse_args()
    torch.set_num_threads(int(os.environ.get("ZOO_THREADS", "0")) or torch.get_num_threads())
    work = args.work or tempfile.mkdtemp(prefix="zoo-parity-")
    os.makedirs(work, exist_ok=True)
    zoo = Zoo(args.zoo, args.bench, os.path.join(work, "store"))
    only = set(args.only.split(",")) if args.only else None
    failures = []
    rows = []

    def check(what, value):
        if not (value <= TOLERANCE):
            failures.append("%s: %.3g > %g" % (what, value, TOLERANCE))
        return value

    for seed, architecture in enumerate(EVAL):
        if only and architecture not in only:
            continue
        started = time.time()
        name = architecture.replace(".", "-").replace("_", "-")
        model = build(architecture, 1000 + seed)
        path = os.path.join(work, name + ".safetensors")
        write_safetensors(path, model.state_dict())
        imported = zoo.json("import", path, name)
        if imported.get("architecture") != RECOGNISED_AS.get(architecture, architecture):
            failures.append("%s: imported as %r (%s)" % (architecture, imported.get("architecture"),
                                                          imported.get("not_recognised_because")))
            continue
        shown = zoo.json("inspect", name)
        if not shown["runnable"]:
            failures.append("%s: not runnable: %s" % (architecture, shown.get("not_runnable_because")))
            continue
        layers = shown["model"]["layers"]
        names = [l["name"] for l in layers]
        torch_shapes = layer_outputs(architecture, model, names)
        for l in layers:
            if torch_shapes.get(l["name"]) is not None and l.get("output_shape") != torch_shapes[l["name"]]:
                failures.append("%s: layer %s outputs %s in zoo, %s in PyTorch" % (
                    architecture, l["name"], l.get("output_shape"), torch_shapes[l["name"]]))
        shape_checked = sum(1 for l in layers if torch_shapes.get(l["name"]) is not None)

        # Eval mode at 224x224.
        x = torch.randn(2, 3, 224, 224, generator=torch.Generator().manual_seed(seed))
        with torch.no_grad():
            ref = model.eval()(x).numpy()
        ours = zoo.outputs(name, x.numpy(), work, name + "-eval")
        row = {"architecture": architecture, "layers": "%d/%d" % (shape_checked, len(layers)),
               "eval": check(architecture + " eval", relative(ours, ref))}

        if architecture in TRAIN and (not only or architecture in only):
            row.update(train_checks(zoo, work, architecture, name, shown["model"], model, seed, check))
        row["seconds"] = time.time() - started
        rows.append(row)
        print_row(row)
        os.remove(path)

    if not only or "real" in only:
        rows.append(real_mobilenet_v2(zoo, args.data, work, check, failures))

    print()
    print("measure: max|zoo - torch| / (1 + max|torch|), tolerance %g; SGD: lr %g, no momentum or weight decay, one step, "
          "batch 4, 64x64, residual branches' last batch-norm scale U%s" % (TOLERANCE, LR, BRANCH_END_SCALE))
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    # One line per model checked: it passed when none of its checks failed.
    checked = [a for a in EVAL if not only or a in only] + (["real MobileNetV2"] if not only or "real" in only else [])
    failed = {a for a in checked if any(f.startswith(a + " ") or f.startswith(a + ":") for f in failures)}
    if failures:
        print("\nFAILED:\n  " + "\n  ".join(failures))
    print("parity: %d passed, %d failed" % (len(checked) - len(failed), len(failed)))
    return 1 if failures else 0


def train_checks(zoo, work, architecture, name, model_json, model, seed, check):
    """Training-mode forward and one SGD step at 64x64, batch 4, dropout off."""
    torch_model = copy.deepcopy(model)
    zero_dropout(torch_model)
    g = torch.Generator().manual_seed(200 + seed)
    with torch.no_grad():
        lo, hi = BRANCH_END_SCALE
        for bn in branch_ends(torch_model):
            bn.weight.copy_(torch.rand(bn.num_features, generator=g) * (hi - lo) + lo)
    arch_path = os.path.join(work, name + "-64.json")
    with open(arch_path, "w") as f:
        json.dump(description_for_64(model_json), f)
    src = os.path.join(work, name + "-64.safetensors")
    write_safetensors(src, torch_model.state_dict())
    zoo.run("import", src, name + "-64", "--arch", arch_path)

    g = torch.Generator().manual_seed(100 + seed)
    x = torch.randn(4, 3, 64, 64, generator=g)
    classes = model_json["layers"][-1]["out_features"]
    y = torch.randint(0, classes, (4,), generator=g)
    xyp = zoo.training_data(x.numpy(), y.numpy(), work, name + "-xy64")

    # Training-mode forward: batch statistics (running statistics are compared after the SGD step).
    with torch.no_grad():
        ref = copy.deepcopy(torch_model).train()(x).numpy()
    ours = zoo.outputs(name + "-64", x.numpy(), work, name + "-train", training=True)
    result = {"train": check(architecture + " train", relative(ours, ref))}

    # One SGD step.
    stepped = copy.deepcopy(torch_model).train()
    optimizer = torch.optim.SGD(stepped.parameters(), lr=LR, momentum=0, weight_decay=0)
    loss = nn.functional.cross_entropy(stepped(x), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    zoo.run("train", name + "-64", "--data", xyp, "--optimizer", "sgd", "--lr", str(LR), "--momentum", "0",
            "--epochs", "1", "--batch", "4", "--val-fraction", "0", "--freeze", "none", "--as", name + "-64:sgd")
    exported = os.path.join(work, name + "-sgd.safetensors")
    zoo.run("export", name + "-64:sgd", exported)
    ours = read_safetensors(exported)
    before = {k: v.detach().numpy() for k, v in torch_model.state_dict().items()}
    after = {k: v.detach().numpy() for k, v in stepped.state_dict().items()}
    weights, stats = 0.0, 0.0
    update_diff, update_max, worst = 0.0, 0.0, (0.0, None)
    for k, ref_value in after.items():
        if k.endswith("num_batches_tracked"):
            continue
        if k not in ours:
            raise RuntimeError("%s: %s is not in zoo's export" % (architecture, k))
        diff = relative(ours[k], ref_value)
        if k.endswith("running_mean") or k.endswith("running_var"):
            stats = max(stats, diff)
        else:
            weights = max(weights, diff)
            delta = ref_value.astype(np.float64) - before[k]
            d = float(np.max(np.abs(ours[k].astype(np.float64) - before[k] - delta)))
            m = float(np.max(np.abs(delta)))
            update_diff, update_max = max(update_diff, d), max(update_max, m)
            if m > 0 and d / m > worst[0]:
                worst = (d / m, k, d, m)
    # PyTorch's float32 step against its float64 step: how well float32 determines this update.
    exact = copy.deepcopy(torch_model).double().train()
    optimizer = torch.optim.SGD(exact.parameters(), lr=LR, momentum=0, weight_decay=0)
    loss = nn.functional.cross_entropy(exact(x.double()), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    exact_after = {k: v.detach().numpy() for k, v in exact.state_dict().items()}
    floor = max(float(np.max(np.abs(after[k].astype(np.float64) - exact_after[k]))) for k in after
                if not k.endswith(("num_batches_tracked", "running_mean", "running_var")))
    result["f32/f64"] = floor / update_max if update_max > 0 else 0.0
    result["sgd weights"] = check(architecture + " SGD weights", weights)
    result["sgd bn stats"] = check(architecture + " SGD running stats", stats)
    # The update's own error, over all weights: a wrong gradient shows here even when the step is small.
    result["update"] = update_diff / update_max if update_max > 0 else 0.0
    if os.environ.get("ZOO_PARITY_VERBOSE"):
        print("  worst update: %s %.3g (|d| %.3g, max|dtorch| %.3g)" % (worst[1], worst[0], worst[2] if worst[1] else 0, worst[3] if worst[1] else 0))
    if not os.environ.get("ZOO_PARITY_KEEP"):
        for p in (src, exported):
            os.remove(p)
    return result


def real_mobilenet_v2(zoo, data, work, check, failures):
    """torchvision's MobileNetV2 ImageNet weights on a real photo."""
    pth = os.path.join(data, "mobilenet_v2-b0353104.pth")
    photo = os.path.join(data, "photos", "chelsea.png")
    state = torch.load(pth, map_location="cpu")
    model = torchvision.models.mobilenet_v2()
    model.load_state_dict(state)
    path = os.path.join(work, "mobilenet_v2-b0353104.safetensors")
    write_safetensors(path, state)
    imported = zoo.json("import", path, "mobilenet-v2-imagenet")
    if imported.get("architecture") != "torchvision.mobilenet_v2":
        failures.append("real MobileNetV2: imported as %r" % imported.get("architecture"))
    # The .pth itself, read by zoo's own PyTorch reader, is recognised too and holds the same tensor bytes.
    direct = zoo.json("import", pth, "mobilenet-v2-pth")
    if direct.get("architecture") != "torchvision.mobilenet_v2":
        failures.append("real MobileNetV2 .pth: imported as %r (%s)" % (direct.get("architecture"), direct.get("not_recognised_because")))
    elif direct["reused_blob_bytes"] < imported["new_blob_bytes"] * 0.99:
        failures.append("real MobileNetV2 .pth: its tensors differ from the safetensors copy's (%d of %d bytes shared)" % (
            direct["reused_blob_bytes"], imported["new_blob_bytes"]))
    shown = zoo.json("inspect", "mobilenet-v2-imagenet")
    if not shown["runnable"] or shown["model"]["metadata"].get("labels", [None] * 286)[285] != "Egyptian cat":
        failures.append("real MobileNetV2: runnable %s, labels %s" % (shown["runnable"], shown.get("not_runnable_because")))
    t = torchvision.transforms
    preprocess = t.Compose([t.Resize(256), t.CenterCrop(224), t.ToTensor(),
                            t.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
    x = preprocess(Image.open(photo).convert("RGB")).unsqueeze(0)
    with torch.no_grad():
        ref = model.eval()(x).numpy()
    ours = zoo.outputs("mobilenet-v2-imagenet", x.numpy(), work, "chelsea")
    diff = check("real MobileNetV2 logits", relative(ours, ref))
    top_ref = list(np.argsort(-ref[0])[:5])
    top_ours = list(np.argsort(-ours[0])[:5])
    if top_ref != top_ours:
        failures.append("real MobileNetV2 top-5: zoo %s, torchvision %s" % (top_ours, top_ref))
    from torchvision.models._meta import _IMAGENET_CATEGORIES as names
    row = {"architecture": "real mobilenet_v2 + chelsea.png", "eval": diff,
           "top5": ", ".join(names[i] for i in top_ref), "top5_same": top_ref == top_ours}
    if zoo.predict_writes_npy:
        # The whole user path: zoo decodes and preprocesses the photo as the model card says.
        shown = json.loads(zoo.run("predict", "mobilenet-v2-imagenet", photo, "--top", "5", "--json"))
        top = shown["predictions"][0]["top"]
        probabilities = torch.softmax(torch.from_numpy(ref[0]).double(), 0).numpy()
        row["photo top5"] = [t["class"] for t in top] == top_ref
        row["photo probability"] = max(abs(t["probability"] - probabilities[t["class"]]) for t in top)
        if not row["photo top5"]:
            failures.append("real MobileNetV2 on the photo itself: zoo's top-5 %s, torchvision's %s" % ([t["class"] for t in top], top_ref))
    print_row(row)
    return row


def print_row(row):
    cells = ["%-34s" % row["architecture"]]
    for key in ("layers", "eval", "train", "sgd weights", "sgd bn stats", "update", "f32/f64"):
        v = row.get(key)
        cells.append("%s %-9s" % (key, ("%.2e" % v) if isinstance(v, float) else (v or "-")))
    if "top5" in row:
        cells.append("top-5 %s (%s)" % ("same" if row["top5_same"] else "DIFFERENT", row["top5"]))
    if "photo top5" in row:
        cells.append("zoo predict on the PNG: top-5 %s, max |probability diff| %.2e" % (
            "same" if row["photo top5"] else "DIFFERENT", row["photo probability"]))
    if "seconds" in row:
        cells.append("%.0fs" % row["seconds"])
    print("  ".join(cells), flush=True)


if __name__ == "__main__":
    sys.exit(main())
