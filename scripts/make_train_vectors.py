#!/usr/bin/env python3
"""Reference forward passes for ZooTrain's tests, computed independently with numpy (float64 on
float32-rounded inputs and weights, PyTorch layouts and semantics).

Writes Tests/ZooTrainTests/Vectors/<name>.json: a model description in the JSON form that
ModelDescription decodes, its tensors, an input batch, and the expected outputs in evaluation mode
(and, for networks with batchnorm, in training mode with the updated running statistics).

Run from the repository root: python3 scripts/make_train_vectors.py
"""
import json
import math
import os

import numpy as np

OUT = os.path.join("Tests", "ZooTrainTests", "Vectors")
rng = np.random.default_rng(20261129)


def f32(a):
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def rand(*shape, scale=1.0):
    return f32(rng.uniform(-scale, scale, size=shape))


def conv2d(x, w, b, stride, pad):
    n, c, h, wd = x.shape
    oc, _, k, _ = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh = (h + 2 * pad - k) // stride + 1
    ow = (wd + 2 * pad - k) // stride + 1
    y = np.zeros((n, oc, oh, ow))
    for i in range(oh):
        for j in range(ow):
            win = xp[:, :, i * stride:i * stride + k, j * stride:j * stride + k]
            y[:, :, i, j] = np.einsum("nckl,ockl->no", win, w)
    return y + b[None, :, None, None]


def pool(x, k, s, fn):
    n, c, h, w = x.shape
    oh, ow = (h - k) // s + 1, (w - k) // s + 1
    y = np.zeros((n, c, oh, ow))
    for i in range(oh):
        for j in range(ow):
            y[:, :, i, j] = fn(x[:, :, i * s:i * s + k, j * s:j * s + k], axis=(2, 3))
    return y


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def gelu(x):
    return 0.5 * x * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))


def batchnorm(x, t, p, layer, training):
    axes = (0,) if x.ndim == 2 else (0, 2, 3)
    shape = (1, -1) if x.ndim == 2 else (1, -1, 1, 1)
    if training:
        mean = x.mean(axis=axes)
        var = x.var(axis=axes)
        count = x.size // x.shape[1]
        m = layer["momentum"]
        t[p + "running_mean"] = (1 - m) * t[p + "running_mean"] + m * mean
        t[p + "running_var"] = (1 - m) * t[p + "running_var"] + m * var * count / (count - 1)
    else:
        mean, var = t[p + "running_mean"], t[p + "running_var"]
    xh = (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + layer["eps"])
    return xh * t[p + "weight"].reshape(shape) + t[p + "bias"].reshape(shape)


def run(desc, tensors, x, training):
    t = dict(tensors)
    for layer in desc["layers"]:
        p = layer["name"] + "."
        op = layer["op"]
        if op == "dense":
            x = x @ t[p + "weight"].T + t[p + "bias"]
        elif op == "conv2d":
            x = conv2d(x, t[p + "weight"], t[p + "bias"], layer["stride"], layer["padding"])
        elif op == "maxpool2d":
            x = pool(x, layer["kernel"], layer["stride"], np.max)
        elif op == "avgpool2d":
            x = pool(x, layer["kernel"], layer["stride"], np.mean)
        elif op == "global_avgpool":
            x = x.mean(axis=(2, 3))
        elif op == "flatten":
            x = x.reshape(x.shape[0], -1)
        elif op == "relu":
            x = np.maximum(x, 0)
        elif op == "gelu":
            x = gelu(x)
        elif op == "tanh":
            x = np.tanh(x)
        elif op == "sigmoid":
            x = 1 / (1 + np.exp(-x))
        elif op == "softmax":
            x = softmax(x)
        elif op == "batchnorm":
            x = batchnorm(x, t, p, layer, training)
        elif op == "layernorm":
            mean = x.mean(axis=-1, keepdims=True)
            var = x.var(axis=-1, keepdims=True)
            x = (x - mean) / np.sqrt(var + layer["eps"]) * t[p + "weight"] + t[p + "bias"]
        else:
            raise ValueError(op)
    return x, t


def make(name, input_shape, layers, batch, param_shapes):
    desc = {"input": input_shape, "layers": []}
    tensors = {}
    for i, layer in enumerate(layers):
        layer = dict(layer, name=str(i))
        roles = param_shapes.get(i, {})
        if roles:
            layer["tensors"] = {r: f"{i}.{r}" for r in roles}
        for role, (shape, kind) in roles.items():
            key = f"{i}.{role}"
            if kind == "uniform":
                tensors[key] = rand(*shape, scale=1 / math.sqrt(max(1, np.prod(shape[1:]))))
            elif kind == "positive":
                tensors[key] = f32(rng.uniform(0.5, 1.5, size=shape))
            else:
                tensors[key] = rand(*shape, scale=0.5)
        desc["layers"].append(layer)
    x = rand(batch, *input_shape, scale=2.0)
    out_eval, _ = run(desc, tensors, x, training=False)
    out_train, t_after = run(desc, tensors, x, training=True)
    doc = {
        "description": desc,
        "tensors": {k: v.reshape(-1).tolist() for k, v in tensors.items()},
        "input": {"shape": list(x.shape), "data": x.reshape(-1).tolist()},
        "output_eval": {"shape": list(out_eval.shape), "data": out_eval.reshape(-1).tolist()},
        "output_train": {"shape": list(out_train.shape), "data": out_train.reshape(-1).tolist()},
        "tensors_after_train": {k: v.reshape(-1).tolist() for k, v in t_after.items()},
    }
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(doc, f)
    print(name, out_eval.shape)


U, S, P = "uniform", "signed", "positive"

make("mlp", [12], [
    {"op": "dense", "out_features": 16}, {"op": "relu"},
    {"op": "dense", "out_features": 8}, {"op": "tanh"},
    {"op": "dense", "out_features": 6}, {"op": "sigmoid"},
    {"op": "dense", "out_features": 4}, {"op": "softmax"},
], 5, {
    0: {"weight": ([16, 12], U), "bias": ([16], U)},
    2: {"weight": ([8, 16], U), "bias": ([8], U)},
    4: {"weight": ([6, 8], U), "bias": ([6], U)},
    6: {"weight": ([4, 6], U), "bias": ([4], U)},
})

bn = {"weight": ([4], P), "bias": ([4], S), "running_mean": ([4], S), "running_var": ([4], P)}
make("cnn", [2, 11, 11], [
    {"op": "conv2d", "out_channels": 4, "kernel": 3, "stride": 1, "padding": 1},
    {"op": "batchnorm", "eps": 1e-5, "momentum": 0.1}, {"op": "relu"},
    {"op": "maxpool2d", "kernel": 2, "stride": 2},
    {"op": "conv2d", "out_channels": 6, "kernel": 3, "stride": 2, "padding": 1},
    {"op": "avgpool2d", "kernel": 2, "stride": 1},
    {"op": "flatten"}, {"op": "dense", "out_features": 5},
], 3, {
    0: {"weight": ([4, 2, 3, 3], U), "bias": ([4], U)},
    1: bn,
    4: {"weight": ([6, 4, 3, 3], U), "bias": ([6], U)},
    7: {"weight": ([5, 24], U), "bias": ([5], U)},
})

make("cnn_global", [1, 8, 8], [
    {"op": "conv2d", "out_channels": 3, "kernel": 2, "stride": 2, "padding": 0},
    {"op": "gelu"},
    {"op": "conv2d", "out_channels": 4, "kernel": 3, "stride": 1, "padding": 2},
    {"op": "global_avgpool"}, {"op": "batchnorm", "eps": 1e-3, "momentum": 0.3},
    {"op": "dense", "out_features": 3},
], 4, {
    0: {"weight": ([3, 1, 2, 2], U), "bias": ([3], U)},
    2: {"weight": ([4, 3, 3, 3], U), "bias": ([4], U)},
    4: bn,
    5: {"weight": ([3, 4], U), "bias": ([3], U)},
})

make("layernorm_gelu", [4, 6], [
    {"op": "layernorm", "eps": 1e-5}, {"op": "dense", "out_features": 8}, {"op": "gelu"},
    {"op": "dense", "out_features": 5}, {"op": "flatten"}, {"op": "dense", "out_features": 3},
], 3, {
    0: {"weight": ([6], P), "bias": ([6], S)},
    1: {"weight": ([8, 6], U), "bias": ([8], U)},
    3: {"weight": ([5, 8], U), "bias": ([5], U)},
    5: {"weight": ([3, 20], U), "bias": ([3], U)},
})
