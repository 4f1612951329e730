#!/usr/bin/env python3
"""Writes Tests/ZooTestSupport/Fixtures/architectures.json.gz: what torchvision and timm say about
every architecture zoo recognises, for the description-level tests (ZooModelTests/ArchitectureRecognitionTests).

Per architecture: the state_dict's tensor names and shapes in order (num_batches_tracked included),
and the output shape (no batch dimension) of each top-level module zoo names a layer after, at
3x224x224. Run with /usr/bin/python3 (Debian's torch 1.13, torchvision 0.14) and timm 0.9.16 on
PYTHONPATH (scripts/setup.sh puts it in .build/python). No weights are stored: shapes only.
"""
import gzip
import json
import os
import sys

import torch
import torchvision

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(root, ".build", "python"))
import timm  # noqa: E402

TORCHVISION = ["resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "resnext50_32x4d",
               "resnext101_32x8d", "resnext101_64x4d", "wide_resnet50_2", "wide_resnet101_2",
               "mobilenet_v2", "mobilenet_v3_large", "mobilenet_v3_small"]
TIMM = ["mobilenetv2_100", "mobilenetv3_large_100", "mobilenetv3_small_100", "resnet18", "resnet50"]


def top_level_names(family, model):
    """The module names zoo's recognised description uses as top-level layers, in forward order."""
    if family == "torchvision" and hasattr(model, "layer1"):
        names = ["conv1", "bn1", "relu", "maxpool"]
        for stage in range(1, 5):
            names += ["layer%d.%d" % (stage, i) for i in range(len(getattr(model, "layer%d" % stage)))]
        return names + ["avgpool", "fc"]
    if family == "timm" and hasattr(model, "layer1"):
        names = ["conv1", "bn1", "act1", "maxpool"]
        for stage in range(1, 5):
            names += ["layer%d.%d" % (stage, i) for i in range(len(getattr(model, "layer%d" % stage)))]
        return names + ["global_pool", "fc"]
    if family == "torchvision":
        names = ["features.%d" % i for i in range(len(model.features))] + ["avgpool"]
        return names + ["classifier.%d" % i for i in range(len(model.classifier))]
    names = ["conv_stem", "bn1", "bn1.act"]
    for s, stage in enumerate(model.blocks):
        names += ["blocks.%d.%d" % (s, b) for b in range(len(stage))]
    if hasattr(model, "bn2"):  # EfficientNet-style head (mobilenetv2_100)
        return names + ["conv_head", "bn2", "bn2.act", "global_pool", "classifier"]
    return names + ["global_pool", "conv_head", "act2", "flatten", "classifier"]


def describe(family, name, model):
    model.eval()
    modules = dict(model.named_modules())
    names = top_level_names(family, model)
    outputs = {}
    hooks = []
    for n in names:
        if n in modules:
            # A hook that returns a value replaces the module's output, so this one returns None.
            hooks.append(modules[n].register_forward_hook(
                lambda m, i, o, n=n: outputs.setdefault(n, list(o.shape[1:])) and None))
    with torch.no_grad():
        model(torch.zeros(1, 3, 224, 224))
    for h in hooks:
        h.remove()
    # torchvision flattens after its avgpool (in forward, or as a function for MobileNetV2): zoo's
    # `avgpool` layer is that pooling and flatten, so its output is the channel vector.
    if family == "torchvision":
        feats = outputs.get("features.%d" % (len(model.features) - 1)) if hasattr(model, "features") else outputs["layer4.%d" % (len(model.layer4) - 1)]
        outputs["avgpool"] = [feats[0]]
    missing = [n for n in names if n not in outputs]
    assert not missing, (name, missing)
    return {
        "tensors": [[k, list(v.shape)] for k, v in model.state_dict().items()],
        "outputs": [[n, outputs[n]] for n in names],
        "feature_info": [f["module"] for f in model.feature_info] if family == "timm" else None,
    }


fixture = {}
torch.manual_seed(0)
for n in TORCHVISION:
    fixture["torchvision." + n] = describe("torchvision", n, getattr(torchvision.models, n)())
for n in TIMM:
    fixture["timm." + n] = describe("timm", n, timm.create_model(n))
fixture["_provenance"] = "scripts/make_architecture_fixture.py: torch %s, torchvision %s, timm %s" % (
    torch.__version__, torchvision.__version__, timm.__version__)
path = os.path.join(root, "Tests", "ZooTestSupport", "Fixtures", "architectures.json.gz")
with gzip.GzipFile(path, "wb", mtime=0) as f:
    f.write(json.dumps(fixture, sort_keys=True, separators=(",", ":")).encode())
print(path, os.path.getsize(path), "bytes", file=sys.stderr)
