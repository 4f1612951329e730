#!/usr/bin/python3
"""Preprocessing parity: zoo's image inputs against torchvision's transforms on PIL images.

Usage: /usr/bin/python3 scripts/preprocess_parity.py PATH/TO/zoo PHOTOS_DIR

Runs under Debian's python3-torchvision (0.14) and python3-pil, the reference of issue 11. For
each image it makes the model input twice and compares them after normalisation:
  zoo:         `zoo predict MODEL FILE... --output out.npy` on a model made of one `flatten` layer
               whose card carries the preprocessing, so the raw outputs are the input tensors;
  torchvision: Image.open(f).convert("RGB" or "L") -> Resize -> CenterCrop -> ToTensor -> Normalize.
Images: the real photos (PNG and JPEG), and generated PNG (1/8/16-bit gray, gray+alpha, palette
with and without transparency, RGB, RGBA, 16-bit RGB and RGBA, Adam7-interlaced), JPEG (4:2:0,
4:2:2, 4:4:4, progressive, grayscale, CMYK) and PGM/PPM (P2, P3, P5, P6, maxval 100, 255 and
65535) files of odd sizes, from 7x5 (upsampled) to 1001x703. Recipes: ImageNet 256/224 RGB,
`--image-size 96` (resize 110, crop 96), grayscale, bicubic, and no recipe (straight resize).

Two kinds of file differ from PIL on purpose (formats/data.md): 16-bit grayscale PNG and PGM
with maxval above 255, which PIL keeps as 32-bit integers and saturates at 255 in convert();
zoo scales them to 8 bits (PNG: the high byte; PGM: round(v / maxval * 255)). Their reference is
torchvision on the 8-bit image PIL gives for the same scaling.

Prints max |diff| per image and recipe; exits non-zero when any exceeds TOLERANCE (1e-5: the
inputs are expected to be equal, the bar of the issue is 0.02).
"""
import os
import struct
import subprocess
import sys
import tempfile
import zlib

import numpy as np
from PIL import Image
from torchvision import transforms as T

TOLERANCE = 1e-5
ZOO = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else "zoo"
PHOTOS = sys.argv[2] if len(sys.argv) > 2 else "/tmp/td/photos"
IMAGENET_MEAN, IMAGENET_STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
failures = 0


def zoo(*args):
    run = subprocess.run([ZOO, *args], capture_output=True, text=True, timeout=900)
    if run.returncode != 0:
        raise SystemExit(f"zoo {' '.join(args)} failed ({run.returncode}): {run.stderr}")
    return run.stdout


def png(path, rows, width, height, bit_depth, color_type, interlaced=False):
    """A PNG written by hand (PIL cannot write 16-bit RGB or interlaced files)."""
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[color_type]
    samples = np.asarray(rows).reshape(height, width, channels)

    def raw(sub):
        out = b""
        for row in sub:
            if bit_depth == 16:
                out += b"\0" + row.astype(">u2").tobytes()
            else:
                out += b"\0" + row.astype(np.uint8).tobytes()
        return out

    if interlaced:
        data = b""
        for x0, y0, dx, dy in [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]:
            sub = samples[y0::dy, x0::dx]
            if sub.shape[0] and sub.shape[1]:
                data += raw(sub)
    else:
        data = raw(samples)

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 1 if interlaced else 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(data)) + chunk(b"IEND", b""))


def pnm(path, kind, width, height, maxval, values):
    channels = 3 if kind in ("P3", "P6") else 1
    v = np.asarray(values).reshape(height, width, channels)
    head = f"{kind}\n# made by preprocess_parity.py\n{width} {height}\n{maxval}\n".encode()
    with open(path, "wb") as f:
        f.write(head)
        if kind in ("P2", "P3"):
            f.write("\n".join(" ".join(str(int(x)) for x in row.reshape(-1)) for row in v).encode() + b"\n")
        else:
            f.write(v.astype(">u2" if maxval > 255 else np.uint8).tobytes())


def generated(folder):
    """(path, reference PIL image before colour conversion) for every generated file."""
    rng = np.random.default_rng(11)
    out = []

    def smooth(h, w, c):
        # Gradients plus noise: resampling differences would show, flat colour would hide them.
        y, x = np.mgrid[0:h, 0:w]
        base = np.stack([(x * 255 // max(1, w - 1) + k * 60 + y * 3) % 256 for k in range(c)], axis=-1)
        return np.clip(base + rng.integers(-20, 21, size=(h, w, c)), 0, 255).astype(np.uint8)

    def add(name, image, **save):
        path = os.path.join(folder, name)
        image.save(path, **save)
        out.append((path, Image.open(path)))

    rgb = smooth(193, 257, 3)
    add("rgb-257x193.png", Image.fromarray(rgb))
    add("rgba-301x99.png", Image.fromarray(np.dstack([smooth(99, 301, 3), smooth(99, 301, 1)]), "RGBA"))
    add("gray-64x480.png", Image.fromarray(smooth(480, 64, 1)[:, :, 0], "L"))
    add("gray-alpha-225x300.png", Image.fromarray(np.dstack([smooth(300, 225, 1), smooth(300, 225, 1)]), "LA"))
    add("palette-240x161.png", Image.fromarray(rgb[:161, :240]).quantize(colors=37))
    p = Image.fromarray(rgb[:100, :150]).quantize(colors=16)
    p.info["transparency"] = 3
    add("palette-trns-150x100.png", p, transparency=3)
    add("bilevel-129x77.png", Image.fromarray(smooth(77, 129, 1)[:, :, 0] > 128))
    add("tiny-7x5.png", Image.fromarray(smooth(5, 7, 3)))
    add("exact-224x224.png", Image.fromarray(smooth(224, 224, 3)))
    add("large-1001x703.png", Image.fromarray(smooth(703, 1001, 3)))
    # Hand-written PNGs: 16-bit RGB, RGBA and gray+alpha, Adam7 interlacing.
    for name, h, w, depth, ctype, inter in [("rgb16-211x133.png", 133, 211, 16, 2, False), ("rgba16-90x170.png", 170, 90, 16, 6, False),
                                            ("la16-120x80.png", 80, 120, 16, 4, False), ("interlaced-rgb-203x151.png", 151, 203, 8, 2, True),
                                            ("interlaced-gray16-77x130.png", 130, 77, 16, 0, True)]:
        c = {0: 1, 2: 3, 4: 2, 6: 4}[ctype]
        samples = smooth(h, w, c).astype(np.uint32) * (257 if depth == 16 else 1) + (rng.integers(0, 256, size=(h, w, c)) if depth == 16 else 0)
        path = os.path.join(folder, name)
        png(path, samples, w, h, depth, ctype, inter)
        if ctype == 0 and depth == 16:
            # PIL saturates 16-bit gray in convert(); zoo keeps the high byte (see the docstring).
            out.append((path, Image.fromarray((samples[:, :, 0] >> 8).astype(np.uint8), "L")))
        else:
            out.append((path, Image.open(path)))
    add("gray16-101x67.png", Image.fromarray(smooth(67, 101, 1)[:, :, 0].astype(np.uint16) * 257, "I;16"))
    out[-1] = (out[-1][0], Image.fromarray(np.asarray(Image.open(out[-1][0])).astype(np.uint16).__rshift__(8).astype(np.uint8), "L"))
    # JPEG: chroma subsampling 4:2:0 (PIL's default), 4:2:2, 4:4:4; progressive; grayscale; CMYK.
    add("rgb420-333x250.jpg", Image.fromarray(smooth(250, 333, 3)), quality=90)
    add("rgb422-250x333.jpg", Image.fromarray(smooth(333, 250, 3)), quality=85, subsampling=1)
    add("rgb444-97x301.jpg", Image.fromarray(smooth(301, 97, 3)), quality=95, subsampling=0)
    add("progressive-401x299.jpg", Image.fromarray(smooth(299, 401, 3)), quality=80, progressive=True)
    add("gray-173x211.jpg", Image.fromarray(smooth(211, 173, 1)[:, :, 0], "L"), quality=90)
    add("cmyk-160x120.jpg", Image.fromarray(smooth(120, 160, 4), "CMYK"), quality=90)
    add("tiny-9x3.jpg", Image.fromarray(smooth(3, 9, 3)), quality=90)
    # PGM/PPM: binary and text, maxval 255, 100 and 65535.
    for name, kind, w, h, maxval in [("p5-255-123x77.pgm", "P5", 123, 77, 255), ("p6-255-77x123.ppm", "P6", 77, 123, 255),
                                     ("p2-100-31x47.pgm", "P2", 31, 47, 100), ("p3-255-40x30.ppm", "P3", 40, 30, 255),
                                     ("p6-65535-90x61.ppm", "P6", 90, 61, 65535), ("p5-65535-61x90.pgm", "P5", 61, 90, 65535),
                                     ("p5-1000-50x70.pgm", "P5", 50, 70, 1000)]:
        c = 3 if kind in ("P3", "P6") else 1
        values = (smooth(h, w, c).astype(np.float64) / 255 * maxval).round().astype(np.int64)
        path = os.path.join(folder, name)
        pnm(path, kind, w, h, maxval, values)
        if c == 1 and maxval > 255:
            # PIL keeps these as 32-bit integers and saturates them in convert(); zoo scales them.
            scaled = np.minimum(255, np.round(values[:, :, 0] / maxval * 255)).astype(np.uint8)
            out.append((path, Image.fromarray(scaled, "L")))
        else:
            out.append((path, Image.open(path)))
    return out


def torchvision_input(image, recipe):
    mode = "L" if recipe["color"] == "grayscale" else "RGB"
    steps = []
    interpolation = {"bilinear": T.InterpolationMode.BILINEAR, "bicubic": T.InterpolationMode.BICUBIC}[recipe["interpolation"]]
    if recipe["resize"] is None:
        steps.append(T.Resize((recipe["crop"], recipe["crop"]), interpolation=interpolation))
    else:
        steps += [T.Resize(recipe["resize"], interpolation=interpolation), T.CenterCrop(recipe["crop"])]
    steps += [T.ToTensor(), T.Normalize(recipe["mean"], recipe["std"])]
    return T.Compose(steps)(image.convert(mode)).numpy()


def main():
    global failures
    with tempfile.TemporaryDirectory() as tmp:
        store = os.path.join(tmp, "zoo")
        zoo("init", store)
        images = os.path.join(tmp, "images")
        os.makedirs(images)
        files = [(os.path.join(PHOTOS, f), Image.open(os.path.join(PHOTOS, f))) for f in ["chelsea.png", "coffee.png", "china.jpg", "flower.jpg"]]
        files += generated(images)
        recipes = [
            ("imagenet", "3x224x224", "imagenet", [], dict(resize=256, crop=224, color="rgb", interpolation="bilinear", mean=IMAGENET_MEAN, std=IMAGENET_STD)),
            ("image-size-96", "3x224x224", "imagenet", ["--image-size", "96"], dict(resize=110, crop=96, color="rgb", interpolation="bilinear", mean=IMAGENET_MEAN, std=IMAGENET_STD)),
            ("grayscale", "1x128x128", "resize=146,crop=128,color=grayscale,mean=0.5,std=0.25", [], dict(resize=146, crop=128, color="grayscale", interpolation="bilinear", mean=[0.5], std=[0.25])),
            ("bicubic", "3x160x160", "imagenet,resize=182,crop=160,interpolation=bicubic", [], dict(resize=182, crop=160, color="rgb", interpolation="bicubic", mean=IMAGENET_MEAN, std=IMAGENET_STD)),
            ("no-recipe", "3x32x32", None, [], dict(resize=None, crop=32, color="rgb", interpolation="bilinear", mean=[0, 0, 0], std=[1, 1, 1])),
        ]
        worst = {}
        print(f"{'image':36} " + " ".join(f"{r[0]:>14}" for r in recipes))
        results = {}
        for name, shape, spec, extra, recipe in recipes:
            args = ["create", name, "--input", shape, "--layers", "flatten", "--zoo", store]
            if spec:
                args += ["--preprocessing", spec]
            zoo(*args)
            out = os.path.join(tmp, name + ".npy")
            zoo("predict", name, *[f for f, _ in files], "--output", out, "--zoo", store, *extra)
            got = np.load(out)
            assert got.shape[0] == len(files), got.shape
            for i, (path, image) in enumerate(files):
                ref = torchvision_input(image, recipe).reshape(-1)
                diff = float(np.abs(got[i] - ref).max()) if got[i].shape == ref.shape else float("inf")
                results[(path, name)] = diff
                worst[name] = max(worst.get(name, 0.0), diff)
        for path, _ in files:
            cells = []
            for r in recipes:
                d = results[(path, r[0])]
                bad = d > TOLERANCE
                failures += bad
                cells.append(f"{d:>13.2e}{'!' if bad else ' '}")
            print(f"{os.path.basename(path):36} " + " ".join(cells))
        print("max |diff| per recipe: " + ", ".join(f"{k} {v:.2e}" for k, v in worst.items()))
        print(f"{len(files)} images x {len(recipes)} recipes, {failures} above {TOLERANCE}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
