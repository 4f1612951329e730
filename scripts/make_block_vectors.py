#!/usr/bin/python3
"""Reference forward and backward passes of block networks (formats/model-description.md, "Blocks")
for ZooTrain's tests, computed independently by PyTorch (float64 on float32-rounded inputs and
weights), from the description itself by a small interpreter over torch.nn.functional.

Writes Tests/ZooTrainTests/Vectors/blocks_<name>.json: the description, its tensors (state_dict
names), an input batch, the outputs in evaluation and training mode, the running statistics after
the training forward, and every parameter's gradient of L = sum(y_train * r) for the stored r.

Needs Debian's python3-torch (scripts/setup.sh). Run from the repository root:
    /usr/bin/python3 scripts/make_block_vectors.py
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join("Tests", "ZooTrainTests", "Vectors")
rng = np.random.default_rng(20261201)
torch.set_default_dtype(torch.float64)


def f32(a):
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def conv(name, out, k, stride=1, pad=None, bias=False, groups=1, inputs=None):
    node = {"name": name, "op": "conv2d", "out_channels": out, "kernel": k, "stride": stride,
            "padding": (k // 2) if pad is None else pad}
    if groups != 1:
        node["groups"] = groups
    node["_bias"] = bias
    if inputs:
        node["inputs"] = inputs
    return node


def bn(name, inputs=None, eps=1e-5, momentum=0.1):
    node = {"name": name, "op": "batchnorm", "eps": eps, "momentum": momentum}
    if inputs:
        node["inputs"] = inputs
    return node


def op(name, kind, inputs=None, **params):
    node = dict({"name": name, "op": kind}, **params)
    if inputs:
        node["inputs"] = inputs
    return node


def chain(nodes):
    """Fills in `inputs` (the node before) where a node does not name them."""
    for i, n in enumerate(nodes):
        n.setdefault("inputs", [nodes[i - 1]["name"] if i else "input"])
    return nodes


def basic_block(cin, cout, stride):
    nodes = [conv("conv1", cout, 3, stride, inputs=["input"]), bn("bn1"), op("relu1", "relu"),
             conv("conv2", cout, 3), bn("bn2")]
    if stride != 1 or cin != cout:
        nodes += [conv("downsample.0", cout, 1, stride, 0, inputs=["input"]), bn("downsample.1"),
                  op("add", "add", ["bn2", "downsample.1"])]
    else:
        nodes += [op("add", "add", ["bn2", "input"])]
    nodes.append(op("relu2", "relu", ["add"]))
    return chain(nodes)


def se_inverted_residual(cin, hidden, squeeze):
    # MobileNetV3's block; the 3x3 conv is dense (groups 1) so the conv kernels of this build run it.
    return chain([
        conv("block.0.0", hidden, 1, inputs=["input"]), bn("block.0.1", eps=1e-3, momentum=0.01), op("block.0.2", "hardswish"),
        conv("block.1.0", hidden, 3), bn("block.1.1", eps=1e-3, momentum=0.01), op("block.1.2", "hardswish"),
        op("block.2.avgpool", "adaptive_avgpool2d", output_size=1), conv("block.2.fc1", squeeze, 1, bias=True),
        op("block.2.relu", "relu"), conv("block.2.fc2", hidden, 1, bias=True), op("block.2.scale", "hardsigmoid"),
        op("block.2.mul", "mul", ["block.1.2", "block.2.scale"]),
        conv("block.3.0", cin, 1), bn("block.3.1", eps=1e-3, momentum=0.01), op("add", "add", ["block.3.1", "input"]),
    ])


def inverted_residual(cin, hidden):
    # MobileNetV2's block with a dense 3x3 (see above).
    return chain([
        conv("conv.0.0", hidden, 1, inputs=["input"]), bn("conv.0.1"), op("conv.0.2", "relu6"),
        conv("conv.1.0", hidden, 3), bn("conv.1.1"), op("conv.1.2", "relu6"),
        conv("conv.2", cin, 1), bn("conv.3"), op("add", "add", ["input", "conv.3"]),
    ])


def mixed(a, b):
    return chain([conv("branch1x1", a, 1, bias=True, inputs=["input"]), conv("branch3x3", b, 3, bias=True, inputs=["input"]),
                  op("cat", "concat", ["branch1x1", "branch3x3"], dim=1), op("act", "silu", ["cat"])])


def tensor_roles(node, cin):
    """Role -> (shape, kind) of a node's tensors for input channels `cin`."""
    if node["op"] == "conv2d":
        k = node["kernel"]
        roles = {"weight": ([node["out_channels"], cin // node.get("groups", 1), k, k], "uniform")}
        if node["_bias"]:
            roles["bias"] = ([node["out_channels"]], "signed")
        return roles
    if node["op"] == "batchnorm":
        return {"weight": ([cin], "positive"), "bias": ([cin], "signed"),
                "running_mean": ([cin], "signed"), "running_var": ([cin], "positive")}
    if node["op"] == "dense":
        return {"weight": ([node["out_features"], cin], "uniform"), "bias": ([node["out_features"]], "signed")}
    return {}


def draw(shape, kind):
    if kind == "uniform":
        return f32(rng.uniform(-1, 1, size=shape) / np.sqrt(max(1, np.prod(shape[1:]))))
    if kind == "positive":
        return f32(rng.uniform(0.5, 1.5, size=shape))
    return f32(rng.uniform(-0.5, 0.5, size=shape))


def apply(node, xs, t, prefix, training):
    """One op on torch tensors `xs` with tensors `t` (name -> torch tensor) under `prefix`."""
    kind = node["op"]
    x = xs[0]
    p = prefix + node["name"] + "."
    if kind == "conv2d":
        return F.conv2d(x, t[p + "weight"], t.get(p + "bias"), stride=node["stride"], padding=node["padding"],
                        groups=node.get("groups", 1))
    if kind == "batchnorm":
        # F.batch_norm updates the running statistics in place (unbiased variance), as nn.BatchNorm2d.
        return F.batch_norm(x, t[p + "running_mean"], t[p + "running_var"], t[p + "weight"], t[p + "bias"],
                            training=training, momentum=node["momentum"], eps=node["eps"])
    if kind == "dense":
        return F.linear(x, t[p + "weight"], t[p + "bias"])
    simple = {"relu": F.relu, "relu6": F.relu6, "hardswish": F.hardswish, "hardsigmoid": F.hardsigmoid, "silu": F.silu,
              "identity": lambda v: v, "flatten": lambda v: v.flatten(1)}
    if kind in simple:
        return simple[kind](x)
    if kind == "adaptive_avgpool2d":
        return F.adaptive_avg_pool2d(x, node["output_size"])
    if kind == "global_avgpool":
        return x.mean(dim=(2, 3))
    if kind == "maxpool2d":
        return F.max_pool2d(x, node["kernel"], node["stride"], node.get("padding", 0))
    if kind == "add":
        out = xs[0]
        for v in xs[1:]:
            out = out + v
        return out
    if kind == "mul":
        out = xs[0]
        for v in xs[1:]:
            out = out * v
        return out
    if kind == "concat":
        return torch.cat(xs, dim=node["dim"])
    raise ValueError(kind)


def run(desc, t, x, training):
    for layer in desc["layers"]:
        if layer["op"] == "block":
            values = {"input": x}
            for node in layer["nodes"]:
                values[node["name"]] = apply(node, [values[i] for i in node["inputs"]], t, layer["name"] + ".", training)
            x = values[layer["output"]]
        else:
            x = apply(layer, [x], t, "", training)
    return x


def make(name, input_shape, batch, layers):
    desc = {"schema": 2, "input": input_shape, "layers": []}
    tensors = {}
    shape = list(input_shape)
    for layer in layers:
        if layer["op"] == "block":
            chans = {"input": shape[0]}
            roles = {}
            probe = torch.zeros([1] + shape)
            values = {"input": probe}
            for node in layer["nodes"]:
                cin = chans[node["inputs"][0]]
                for role, (s, kind) in tensor_roles(node, cin).items():
                    key = f"{node['name']}.{role}"
                    roles[key] = f"{layer['name']}.{key}"
                    tensors[roles[key]] = draw(s, kind)
                t = {k: torch.tensor(v) for k, v in tensors.items()}
                values[node["name"]] = apply(node, [values[i] for i in node["inputs"]], t, layer["name"] + ".", False)
                chans[node["name"]] = values[node["name"]].shape[1]
            layer["output"] = layer["nodes"][-1]["name"]
            layer["tensors"] = roles
            shape = list(values[layer["output"]].shape[1:])
            for node in layer["nodes"]:
                node.pop("_bias", None)
        else:
            roles = tensor_roles(layer, shape[0] if layer["op"] != "dense" else int(np.prod(shape)))
            layer["tensors"] = {}
            for role, (s, kind) in roles.items():
                layer["tensors"][role] = f"{layer['name']}.{role}"
                tensors[f"{layer['name']}.{role}"] = draw(s, kind)
            t = {k: torch.tensor(v) for k, v in tensors.items()}
            shape = list(apply(layer, [torch.zeros([2] + shape)], t, "", False).shape[1:])
            layer.pop("_bias", None)
            if not layer["tensors"]:
                del layer["tensors"]
        desc["layers"].append(layer)

    x = f32(rng.uniform(-2, 2, size=[batch] + input_shape))
    t = {k: torch.tensor(v) for k, v in tensors.items()}
    with torch.no_grad():
        out_eval = run(desc, t, torch.tensor(x), training=False)
    t = {k: torch.tensor(v, requires_grad=not (k.endswith("running_mean") or k.endswith("running_var")))
         for k, v in tensors.items()}
    out_train = run(desc, t, torch.tensor(x), training=True)
    r = f32(rng.uniform(-1, 1, size=list(out_train.shape)))
    (out_train * torch.tensor(r)).sum().backward()

    def flat(v, digits=9):
        # 9 significant digits give float32 values back exactly; references need no more than 8.
        return [float(f"{a:.{digits}g}") for a in np.asarray(v).reshape(-1)]

    doc = {
        "description": desc,
        "tensors": {k: flat(v) for k, v in tensors.items()},
        "input": {"shape": list(x.shape), "data": flat(x)},
        "output_eval": {"shape": list(out_eval.shape), "data": flat(out_eval.numpy(), 8)},
        "output_train": {"shape": list(out_train.shape), "data": flat(out_train.detach().numpy(), 8)},
        "tensors_after_train": {k: flat(v.detach().numpy(), 8) for k, v in t.items() if "running" in k},
        "loss_weights": {"shape": list(r.shape), "data": flat(r)},
        "gradients": {k: flat(v.grad.numpy(), 8) for k, v in t.items() if v.grad is not None},
    }
    with open(os.path.join(OUT, f"blocks_{name}.json"), "w") as f:
        json.dump(doc, f, separators=(",", ":"))
    print(name, list(out_eval.shape), sum(v.size for v in tensors.values()), "tensor values")


make("resnet_mobilenet", [3, 8, 8], 4, [
    {"name": "conv1", "op": "conv2d", "out_channels": 4, "kernel": 3, "stride": 1, "padding": 1, "_bias": False},
    {"name": "bn1", "op": "batchnorm", "eps": 1e-5, "momentum": 0.1},
    {"name": "relu", "op": "relu"},
    {"name": "layer1.0", "op": "block", "nodes": basic_block(4, 8, 2)},
    {"name": "layer1.1", "op": "block", "nodes": basic_block(8, 8, 1)},
    {"name": "features.2", "op": "block", "nodes": se_inverted_residual(8, 12, 4)},
    {"name": "features.3", "op": "block", "nodes": inverted_residual(8, 16)},
    {"name": "mixed", "op": "block", "nodes": mixed(4, 4)},
    {"name": "avgpool", "op": "adaptive_avgpool2d", "output_size": 3},
    {"name": "flatten", "op": "flatten"},
    {"name": "fc", "op": "dense", "out_features": 5, "_bias": True},
])
