"""What scripts/make_pytorch_vectors.py and scripts/pytorch_reference.py share: zoo's dtype names for
torch dtypes, the bytes zoo must produce for a tensor, and seeded sample tensors."""
import torch

ZOO_DTYPES = {
    torch.float64: "F64", torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
    torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8",
    torch.uint8: "U8", torch.bool: "BOOL",
}


def raw_bytes(t):
    """The bytes of `t.contiguous()` in row-major order (what zoo must produce)."""
    c = t.detach().contiguous()
    if c.dtype == torch.bool:
        c = c.to(torch.uint8)
    return c.reshape(-1).view(torch.uint8).numpy().tobytes() if c.numel() else b""


def sample(dtype, shape, seed):
    """Seeded values of `dtype`: small normals with NaN, +inf, -inf and -0 first for floats, the
    whole range for ints, 0/1 for bools."""
    g = torch.Generator().manual_seed(seed)
    if dtype == torch.bool:
        return torch.randint(0, 2, shape, generator=g).to(torch.bool)
    if dtype.is_floating_point:
        t = (torch.randn(shape, generator=g, dtype=torch.float64) * 0.05).to(dtype)
        flat = t.view(-1)
        for i, v in enumerate([float("nan"), float("inf"), float("-inf"), -0.0][: flat.numel()]):
            flat[i] = v
        return t
    info = torch.iinfo(dtype)
    return torch.randint(info.min, info.max, shape, generator=g, dtype=torch.int64).to(dtype)
