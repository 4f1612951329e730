#!/usr/bin/env python3
"""PyTorch's side of zoo-bench's whole-network benchmark: torchvision's ResNet-18 and MobileNetV2,
forward (eval mode, no autograd) and a training step (train mode: forward, cross-entropy, backward,
SGD with momentum 0.9), in images per second, with the same thread count as zoo.

Prints one JSON object per line:
  {"net", "size", "batch", "threads", "forward_ips", "train_ips", "forward_s", "train_s", "max_rss_mb",
   "forward_rss_mb"}
where *_s are the best seconds per batch over the repeats (*_cpu_s: the CPU seconds of that run,
all threads; OpenMP's waiting threads spin, so they count) and max_rss_mb is the process's peak
resident memory after that network's training steps (weights, activations, gradients and all),
forward_rss_mb the peak after the eval forwards (before any training step), both in MiB.
Run with Debian's torch (/usr/bin/python3, torch 1.13 + torchvision 0.14):
  /usr/bin/python3 scripts/torch_network_bench.py [--threads 2] [--batch 32] [--nets resnet18,mobilenet_v2]
      [--sizes 224,96] [--repeats 3]
  /usr/bin/python3 scripts/torch_network_bench.py --tensors NET
      prints the network's state-dict as JSON [{"name", "shape"}] in order (zoo recognises the
      architecture from it, so both sides run the same network).
Weights are random (seeded): speed does not depend on them. Run one network and size per process
(zoo-bench net does) for a peak memory of that network alone.
"""
import argparse
import json
import resource
import time

import torch
import torchvision


def best(fn, repeats):
    """Wall and process CPU seconds of the fastest run (by wall time), after a warm-up."""
    fn()  # warm-up: allocator, oneDNN primitives
    t, cpu = float("inf"), 0.0
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall = time.perf_counter() - t0
        if wall < t:
            t, cpu = wall, time.process_time() - c0
    return t, cpu


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--nets", default="resnet18,mobilenet_v2")
    p.add_argument("--sizes", default="224,96")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--tensors", default=None)
    a = p.parse_args()
    if a.tensors:
        model = getattr(torchvision.models, a.tensors)(num_classes=1000)
        print(json.dumps([{"name": k, "shape": list(v.shape)} for k, v in model.state_dict().items()]))
        return
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    for name in a.nets.split(","):
        for size in [int(s) for s in a.sizes.split(",")]:
            model = getattr(torchvision.models, name)(num_classes=1000)
            x = torch.randn(a.batch, 3, size, size)
            labels = torch.randint(0, 1000, (a.batch,))
            model.eval()

            def forward():
                with torch.no_grad():
                    model(x)

            forward_s, forward_cpu = best(forward, a.repeats)
            forward_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            model.train()
            optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
            loss_fn = torch.nn.CrossEntropyLoss()

            def train():
                optimizer.zero_grad()
                loss = loss_fn(model(x), labels)
                loss.backward()
                optimizer.step()

            train_s, train_cpu = best(train, a.repeats)
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(json.dumps({"net": name, "size": size, "batch": a.batch, "threads": a.threads,
                              "forward_ips": a.batch / forward_s, "train_ips": a.batch / train_s,
                              "forward_s": forward_s, "train_s": train_s, "max_rss_mb": rss,
                              "forward_rss_mb": forward_rss,
                              "forward_cpu_s": forward_cpu, "train_cpu_s": train_cpu}), flush=True)


if __name__ == "__main__":
    main()
