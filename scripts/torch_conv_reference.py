#!/usr/bin/env python3
"""Random conv2d / max_pool2d / avg_pool2d cases computed by PyTorch, for zoo's kernels to match.

Writes OUT.json: {"cases": [...]}; each case has its op, geometry, the inputs (x, weight, bias,
gy: the gradient of the output) and PyTorch's results (y, gx, gw, gb) as flat float lists, NCHW.
Conv cases cover groups (depthwise included), dilation, rectangular kernels and strides, optional
bias and per-side padding (an asymmetric pad is F.pad before the conv, as TensorFlow ports do);
pool cases cover padding, ceil_mode and count_include_pad. Run with Debian's torch:
    /usr/bin/python3 scripts/torch_conv_reference.py [--large] [--seed N] OUT.json
--large makes channel counts and images big enough to cross the products' cache blocks (release
builds; zoo-bench conv-check). Fixed seeds: the same file every time.
"""
import json
import random
import sys

import torch
import torch.nn.functional as F


class Floats(list):
    """Float32 values, written with the 9 significant digits that round-trip a float32."""


def flat(t):
    return Floats(t.detach().reshape(-1).tolist())


def write_json(value, f):
    if isinstance(value, Floats):
        f.write("[" + ",".join("%.9g" % v for v in value) + "]")
    elif isinstance(value, dict):
        f.write("{")
        for i, (k, v) in enumerate(value.items()):
            f.write(("," if i else "") + json.dumps(k) + ":")
            write_json(v, f)
        f.write("}")
    elif isinstance(value, list):
        f.write("[")
        for i, v in enumerate(value):
            if i:
                f.write(",")
            write_json(v, f)
        f.write("]")
    else:
        f.write(json.dumps(value))


def conv_case(rng, large):
    groups_kind = rng.choice(["dense", "dense", "grouped", "depthwise", "multiplier"])
    n = rng.randint(1, 2 if large else 3)
    if groups_kind == "depthwise":
        groups = rng.choice([8, 16, 24]) if large else rng.randint(2, 6)
        c, out = groups, groups
    elif groups_kind == "multiplier":
        groups = rng.randint(2, 4)
        c, out = groups, groups * 2
    elif groups_kind == "grouped":
        groups = rng.choice([2, 3])
        c = groups * (rng.randint(8, 20) if large else rng.randint(1, 3))
        out = groups * (rng.randint(8, 20) if large else rng.randint(1, 3))
    else:
        groups = 1
        c = rng.randint(16, 56) if large else rng.randint(1, 6)
        out = rng.randint(16, 56) if large else rng.randint(1, 7)
    kh, kw = rng.choice([(1, 1), (3, 3), (3, 3), (5, 5), (7, 7), (3, 1), (1, 3), (2, 3)])
    sh, sw = rng.choice([(1, 1), (1, 1), (2, 2), (2, 1), (3, 2)])
    dh, dw = rng.choice([(1, 1), (1, 1), (2, 2), (1, 2)])
    pads = [rng.randint(0, max(0, (k - 1) * d // 2 + 1)) for k, d in ((kh, dh), (kw, dw), (kh, dh), (kw, dw))]
    if rng.random() < 0.4:
        pads = [pads[0], pads[1], pads[0], pads[1]]
    pt, pl, pb, pr = pads
    h = rng.randint(14, 30) if large else rng.randint(3, 12)
    w = rng.randint(14, 30) if large else rng.randint(3, 12)
    h = max(h, dh * (kh - 1) + 1 - pt - pb)
    w = max(w, dw * (kw - 1) + 1 - pl - pr)
    bias = rng.random() < 0.5
    x = torch.randn(n, c, h, w, requires_grad=True)
    weight = torch.randn(out, c // groups, kh, kw, requires_grad=True)
    b = torch.randn(out, requires_grad=True) if bias else None
    padded = F.pad(x, (pl, pr, pt, pb))
    y = F.conv2d(padded, weight, b, stride=(sh, sw), dilation=(dh, dw), groups=groups)
    gy = torch.randn_like(y)
    grads = torch.autograd.grad(y, [x, weight] + ([b] if bias else []), gy)
    case = dict(op="conv2d", n=n, c=c, h=h, w=w, out=out, kh=kh, kw=kw, sh=sh, sw=sw, dh=dh, dw=dw,
                pt=pt, pl=pl, pb=pb, pr=pr, groups=groups, x=flat(x), weight=flat(weight), gy=flat(gy),
                y=flat(y), gx=flat(grads[0]), gw=flat(grads[1]))
    if bias:
        case["bias"] = flat(b)
        case["gb"] = flat(grads[2])
    return case


def pool_case(rng, large):
    kind = rng.choice(["max", "avg"])
    n, c = rng.randint(1, 3), rng.randint(1, 8 if large else 4)
    kh, kw = rng.choice([(2, 2), (3, 3), (3, 2), (1, 3), (4, 4)])
    sh, sw = rng.choice([(1, 1), (2, 2), (2, 1), (3, 3)])
    ph, pw = rng.randint(0, kh // 2), rng.randint(0, kw // 2)
    ceil = rng.random() < 0.5
    include = rng.random() < 0.5
    h = max(kh, rng.randint(3, 40 if large else 11))
    w = max(kw, rng.randint(3, 40 if large else 11))
    # Distinct values: a tie between two maxima would make the max-pool gradient ambiguous.
    x = (torch.randperm(n * c * h * w).float() / 7.0 - 3.0).reshape(n, c, h, w).requires_grad_(True)
    if kind == "max":
        y = F.max_pool2d(x, (kh, kw), (sh, sw), (ph, pw), ceil_mode=ceil)
    else:
        y = F.avg_pool2d(x, (kh, kw), (sh, sw), (ph, pw), ceil_mode=ceil, count_include_pad=include)
    gy = torch.randn_like(y)
    (gx,) = torch.autograd.grad(y, [x], gy)
    return dict(op=kind + "pool2d", n=n, c=c, h=h, w=w, kh=kh, kw=kw, sh=sh, sw=sw, pt=ph, pl=pw, pb=ph, pr=pw,
                ceil=ceil, include=include, x=flat(x), gy=flat(gy), y=flat(y), gx=flat(gx))


def main():
    args = sys.argv[1:]
    large = "--large" in args
    seed = 2026
    if "--seed" in args:
        seed = int(args[args.index("--seed") + 1])
    out = [a for i, a in enumerate(args) if not a.startswith("--") and (i == 0 or args[i - 1] != "--seed")]
    if len(out) != 1:
        sys.exit("usage: torch_conv_reference.py [--large] [--seed N] OUT.json")
    rng = random.Random(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(1)
    cases = [conv_case(rng, large) for _ in range(40 if not large else 16)]
    cases += [pool_case(rng, large) for _ in range(24 if not large else 8)]
    with open(out[0], "w") as f:
        write_json({"torch": torch.__version__, "seed": seed, "large": large, "cases": cases}, f)


if __name__ == "__main__":
    main()
