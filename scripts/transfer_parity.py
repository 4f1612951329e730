#!/usr/bin/python3
"""Transfer-learning parity: the demo's recipe trained by zoo and by PyTorch in the same run.

    /usr/bin/python3 scripts/transfer_parity.py --zoo PATH/TO/zoo --pth mobilenet_v2-b0353104.pth
        [--image-size 96] [--per-class 10] [--test-per-class 100] [--epochs 15] [--batch 16]
        [--lr 1e-3] [--seed 1] [--tolerance 2]

The recipe (issue 11): torchvision's MobileNetV2 ImageNet weights from the fetched .pth, the
backbone cut after features.18 and frozen (evaluation mode, as torchvision's eval()), a new head
global average pool + Linear(1280, 10) trained with Adam, no weight decay, constant lr, mini-batches
of --batch in a seeded shuffle (the last one partial), mean cross-entropy. Data: Fashion-MNIST from
Debian's dataset-fashion-mnist, the seeded per-class subsets scripts/fashion_subset.py writes (the
same .npz files go to both sides). Preprocessing: the model card's ImageNet recipe at N x N, i.e.
torchvision's Resize(round(N * 256 / 224)), CenterCrop(N), ToTensor, Normalize(ImageNet mean, std)
on the PIL image convert("RGB") gives for the 28 x 28 grayscale picture (gray copied to 3 channels).

zoo:     import the .pth, slice --until features.18, graft --head global_avgpool,dense:10, train
         --freeze backbone --val-fraction 0 on train.npz, evaluate on test.npz: all through the CLI.
PyTorch: the same steps in torch 1.13 (Debian's python3-torch); the head starts from the weights
         zoo's graft drew (exported from the store), so only the shuffle order differs.

Prints both test accuracies; exits 1 when they differ by more than --tolerance points.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
import torchvision
from PIL import Image
from torchvision import transforms as T

from parity import read_safetensors  # this Python has no safetensors package; parity.py reads the format

HERE = os.path.dirname(os.path.abspath(__file__))
MEAN, STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]


def zoo(args, *command):
    run = subprocess.run([args.zoo, *command, "--zoo", args.store], capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(f"zoo {' '.join(command)} failed ({run.returncode}):\n{run.stdout}{run.stderr}")
    return run.stdout


def with_zoo(args, data, labels):
    """The recipe through zoo's CLI; returns (test accuracy, the grafted head's weight and bias)."""
    zoo(args, "init", args.store)
    zoo(args, "import", args.pth, "mnv2")
    zoo(args, "slice", "mnv2", "--until", "features.18", "--as", "mnv2-backbone")
    zoo(args, "graft", "mnv2-backbone", "--head", "global_avgpool,dense:10", "--labels", labels,
        "--init", "pytorch", "--seed", str(args.seed), "--as", "fashion")
    exported = os.path.join(args.work, "fashion.safetensors")
    zoo(args, "export", "fashion:1", exported)
    heads = [(n, t.astype(np.float32)) for n, t in read_safetensors(exported).items() if t.shape in ((10, 1280), (10,))]
    weight = [t for n, t in heads if t.shape == (10, 1280)]
    bias = [t for n, t in heads if t.shape == (10,)]
    if len(weight) != 1 or len(bias) != 1:
        raise SystemExit(f"cannot tell the grafted head's tensors among {[n for n, _ in heads]}")
    started = time.time()
    zoo(args, "train", "fashion:1", "--data", os.path.join(data, "train.npz"), "--val-fraction", "0",
        "--image-size", str(args.image_size), "--freeze", "backbone", "--optimizer", "adam", "--lr", str(args.lr),
        "--epochs", str(args.epochs), "--batch", str(args.batch), "--seed", str(args.seed), "--as", "fashion:frozen")
    shown = json.loads(zoo(args, "evaluate", "fashion:frozen", "--data", os.path.join(data, "test.npz"), "--json"))
    return shown["accuracy"], weight[0], bias[0], time.time() - started


def preprocess(x, size):
    """uint8 [N, 28, 28] -> float32 [N, 3, size, size], torchvision's transforms on PIL images."""
    t = T.Compose([T.Resize(round(size * 256 / 224)), T.CenterCrop(size), T.ToTensor(), T.Normalize(MEAN, STD)])
    return torch.stack([t(Image.fromarray(img, mode="L").convert("RGB")) for img in x])


def with_torch(args, data, weight, bias):
    """The same recipe in PyTorch; returns the test accuracy."""
    started = time.time()
    torch.manual_seed(args.seed)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    model = torchvision.models.mobilenet_v2()
    model.load_state_dict(torch.load(args.pth, map_location="cpu"))
    backbone = model.features.eval()
    for p in backbone.parameters():
        p.requires_grad_(False)

    def features(x):
        # The frozen backbone's pooled outputs, once (what zoo's feature cache holds, before the pool).
        out = []
        with torch.no_grad():
            for i in range(0, len(x), 64):
                out.append(backbone(x[i:i + 64]).mean(dim=(2, 3)))
        return torch.cat(out)

    train, test = np.load(os.path.join(data, "train.npz")), np.load(os.path.join(data, "test.npz"))
    f_train = features(preprocess(train["x"], args.image_size))
    f_test = features(preprocess(test["x"], args.image_size))
    y_train, y_test = torch.from_numpy(train["y"]).long(), torch.from_numpy(test["y"]).long()
    head = torch.nn.Linear(1280, 10)
    with torch.no_grad():
        head.weight.copy_(torch.from_numpy(weight.copy()))
        head.bias.copy_(torch.from_numpy(bias.copy()))
    optimizer = torch.optim.Adam(head.parameters(), lr=args.lr)
    g = torch.Generator().manual_seed(args.seed)
    for _ in range(args.epochs):
        order = torch.randperm(len(f_train), generator=g)
        for i in range(0, len(order), args.batch):
            b = order[i:i + args.batch]
            loss = torch.nn.functional.cross_entropy(head(f_train[b]), y_train[b])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    with torch.no_grad():
        accuracy = (head(f_test).argmax(1) == y_test).double().mean().item()
    return accuracy, time.time() - started


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--zoo", required=True)
    p.add_argument("--pth", required=True)
    p.add_argument("--image-size", type=int, default=96)
    p.add_argument("--per-class", type=int, default=10)
    p.add_argument("--test-per-class", type=int, default=100)
    p.add_argument("--epochs", type=int, default=15)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--tolerance", type=float, default=2.0, help="largest allowed difference, in points")
    args = p.parse_args()
    args.zoo = os.path.abspath(args.zoo)
    with tempfile.TemporaryDirectory(prefix="zoo-transfer-parity-") as work:
        args.work, args.store = work, os.path.join(work, "store")
        data = os.path.join(work, "data")
        labels = subprocess.run([sys.executable, os.path.join(HERE, "fashion_subset.py"), data,
                                 "--per-class", str(args.per_class), "--test-per-class", str(args.test_per_class),
                                 "--seed", str(args.seed)], check=True, capture_output=True, text=True).stdout.strip()
        ours, weight, bias, zoo_seconds = with_zoo(args, data, labels)
        ref, torch_seconds = with_torch(args, data, weight, bias)
    diff = 100 * abs(ours - ref)
    print(f"Fashion-MNIST, {args.per_class} per class ({10 * args.per_class} training images), "
          f"{10 * args.test_per_class} test images, MobileNetV2 frozen at {args.image_size}x{args.image_size}, "
          f"new head, Adam lr {args.lr}, {args.epochs} epochs, batch {args.batch}, seed {args.seed}")
    print(f"  zoo      test accuracy {100 * ours:6.2f}%  (train + evaluate {zoo_seconds:.0f} s)")
    print(f"  PyTorch  test accuracy {100 * ref:6.2f}%  (features + train + test {torch_seconds:.0f} s)")
    print(f"  |difference| {diff:.2f} points (tolerance {args.tolerance})")
    if diff > args.tolerance:
        print("FAIL: zoo and PyTorch differ by more than the tolerance", file=sys.stderr)
        sys.exit(1)
    print("ok")


if __name__ == "__main__":
    main()
