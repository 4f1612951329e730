#!/usr/bin/env python3
# Independent reference for the "scratch" column of scripts/experiments-real.sh: torchvision's
# MobileNetV2 from its own random initialisation, trained with the same budget in PyTorch (N per
# class of Fashion-MNIST train, 8 epochs, Adam 1e-3, batch 32, 64x64, ImageNet normalisation),
# tested on the first 1,000 of t10k in eval mode (running batch-norm statistics) and with batch
# statistics. Run with Debian's torch: /usr/bin/python3 scripts/scratch_reference.py [N]
import gzip, numpy as np, torch, torchvision, sys, time
torch.set_num_threads(1)
F = '/usr/share/datasets/fashion-mnist/'
def idx(name):
    d = gzip.open(F + name).read()
    nd = d[3]; dims = np.frombuffer(d[4:4 + 4 * nd], dtype='>u4'); return np.frombuffer(d[4 + 4 * nd:], dtype=np.uint8).reshape(dims)
xtr, ytr = idx('train-images-idx3-ubyte.gz'), idx('train-labels-idx1-ubyte.gz')
xte, yte = idx('t10k-images-idx3-ubyte.gz')[:1000], idx('t10k-labels-idx1-ubyte.gz')[:1000]
per = int(sys.argv[1]) if len(sys.argv) > 1 else 20
mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1); std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
def prep(x):
    t = torch.tensor(x, dtype=torch.float32).unsqueeze(1) / 255
    t = torch.nn.functional.interpolate(t, size=(73, 73), mode='bilinear', antialias=True, align_corners=False)[:, :, 4:68, 4:68]
    return (t.repeat(1, 3, 1, 1) - mean) / std
for seed in [1, 2]:
    rng = np.random.default_rng(seed)
    pick = np.concatenate([rng.choice(np.where(ytr == c)[0], per, replace=False) for c in range(10)])
    X, Y = prep(xtr[pick]), torch.tensor(ytr[pick], dtype=torch.long)
    torch.manual_seed(seed)
    m = torchvision.models.mobilenet_v2(num_classes=10)
    opt = torch.optim.Adam(m.parameters(), lr=1e-3)
    t0 = time.time()
    for epoch in range(8):
        m.train(); g = torch.Generator().manual_seed(seed * 100 + epoch); order = torch.randperm(len(Y), generator=g)
        for b in range(0, len(Y), 32):
            i = order[b:b + 32]; opt.zero_grad(); loss = torch.nn.functional.cross_entropy(m(X[i]), Y[i]); loss.backward(); opt.step()
    m.eval()
    with torch.no_grad():
        Xt = prep(xte); acc_eval = (m(Xt).argmax(1).numpy() == yte).mean()
        m.train(); acc_train_mode = (m(Xt[:500]).argmax(1).numpy() == yte[:500]).mean()
    print(f"seed {seed}: {per}/class scratch, eval-mode test acc {acc_eval:.3f}, train-mode (batch stats) {acc_train_mode:.3f}, {time.time()-t0:.0f}s", flush=True)
