#!/usr/bin/env python3
"""Times PyTorch's conv2d forward, input gradient and weight gradient for the shapes zoo-bench sends.

Reads a JSON list of convolutions on stdin (each: n, c, h, w, out, kh, kw, sh, sw, pt, pl, pb, pr,
dh, dw, groups, reps), prints one JSON object per line: {"index", "forward", "data", "weight"} in
seconds (best of `reps` after a warm-up). Run with Debian's torch: /usr/bin/python3 (torch 1.13).
Usage: torch_conv_bench.py THREADS < shapes.json
"""
import json
import sys
import time

import torch
import torch.nn.functional as F


def best(fn, reps):
    fn()
    t = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        t = min(t, time.perf_counter() - t0)
    return t


def main():
    torch.set_num_threads(int(sys.argv[1]))
    shapes = json.load(sys.stdin)
    torch.manual_seed(0)
    for i, s in enumerate(shapes):
        x = torch.randn(s["n"], s["c"], s["h"], s["w"])
        w = torch.randn(s["out"], s["c"] // s["groups"], s["kh"], s["kw"])
        # PyTorch pads symmetrically; an asymmetric pad is an explicit F.pad before, as in TF ports.
        sym = s["pt"] == s["pb"] and s["pl"] == s["pr"]
        xin = x if sym else F.pad(x, (s["pl"], s["pr"], s["pt"], s["pb"]))
        pad = (s["pt"], s["pl"]) if sym else (0, 0)
        args = dict(stride=(s["sh"], s["sw"]), padding=pad, dilation=(s["dh"], s["dw"]), groups=s["groups"])
        with torch.no_grad():
            y = F.conv2d(xin, w, **args)
        gy = torch.randn_like(y)
        reps = s["reps"]
        with torch.no_grad():
            forward = best(lambda: F.conv2d(xin, w, **args), reps)

        def backward(mask):
            return torch.ops.aten.convolution_backward(
                gy, xin, w, None, list(args["stride"]), list(pad), list(args["dilation"]),
                False, [0, 0], s["groups"], mask)

        data = best(lambda: backward([True, False, False]), reps)
        weight = best(lambda: backward([False, True, False]), reps)
        print(json.dumps({"index": i, "forward": forward, "data": data, "weight": weight}), flush=True)


if __name__ == "__main__":
    main()
