#!/usr/bin/env python3
"""PyTorch eager peer for jgrad's GPU benchmarks.

Runs on the GPU machine (PyTorch with CUDA) the same work as the CPU peer comparison
(bench/src/peers/java/jgrad/bench/peers):

  conv      3x3 conv forward + backward (dx and dW), x 8x32x64x64, W 32x32x3x3, pad 1, no bias
  dice-b    per image 1 - 2*sum(p*t) / (sum(p) + sum(t) + 1e-6), mean over images
  ssim-a    1 - mean SSIM, 11x11 Gaussian (sigma 1.5) as separable 1x11 and 11x1 valid convolutions
            (pytorch-msssim style) of p, t, p*p, t*t, p*t; C1 = 1e-4, C2 = 9e-4
  berhu     d = |p - t|, c = 0.2 * max d (no gradient through c), mean(d if d <= c else (d^2 + c^2)/(2c))
  bce       mean BCE with logits
  masknet   training step of jgrad.examples.models.MaskNet (width 32), batch 32, 3x224x224,
            loss BCE-with-logits(mask), plain SGD lr 0.01
  dsresnet  training step of jgrad.examples.models.DSResNet (width 16), batch 128, 3x96x96,
            loss BCE(mask) + 2 * sqrt(mean((sigmoid(depth) - t)^2) + 1e-6), plain SGD lr 0.01

Every loss acts on p = sigmoid(pred) of logits pred, at 128x1x96x96, forward + backward to pred.

Timing (the protocol jgrad's GPU benchmarks follow): per workload, `--warmup` untimed calls,
then `--iters` calls each bracketed by two CUDA events recorded on the current stream; after a
synchronize, the per-call times are elapsed_time of each pair. Reported: median, mean, min (ms).
With --flush-l2 a 256 MiB buffer is overwritten before every timed call (outside the events),
so inputs smaller than the H100's 50 MB L2 do not stay resident between calls.
FP32 throughout: TF32 is switched off for matmul and cuDNN unless --tf32 is given.

Prints one JSON object (device, versions, settings, results) to stdout, and to --out if given.

    python3 bench/gpu_peers.py --out bench/results/gpu-peers.json
    python3 bench/gpu_peers.py --only masknet,dsresnet --iters 50
"""

import argparse
import datetime
import json
import math
import statistics
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

LOSS_SHAPE = (128, 1, 96, 96)
BATCH, SIZE, LR = 8, 96, 0.01


# ---------------------------------------------------------------- models (same layers as jgrad's)

def conv(i, o, k):
    """Conv with bias, padding k // 2 (same size)."""
    return nn.Conv2d(i, o, k, stride=1, padding=k // 2, bias=True)


def cbr(i, o, k):
    """Conv -> ReLU -> BatchNorm, the block order of both seeds' models."""
    return nn.Sequential(conv(i, o, k), nn.ReLU(), nn.BatchNorm2d(o))


class MaskNet(nn.Module):
    """jgrad.examples.models.MaskNet without dropout: 56w^2 + 75w + 1 parameters (59,745 at w = 32)."""

    def __init__(self, w=32):
        super().__init__()
        self.prep_block_1 = cbr(3, w, 3)
        self.prep_block_2 = cbr(3, w, 3)
        self.convblock1 = nn.Sequential(conv(2 * w, w, 1), cbr(w, 2 * w, 3))
        self.convblock2 = cbr(2 * w, 2 * w, 3)
        self.convblock3 = conv(2 * w, 1, 1)

    def forward(self, bg, fg_bg):
        x = torch.cat([self.prep_block_1(bg), self.prep_block_2(fg_bg)], 1)
        return [self.convblock3(self.convblock2(self.convblock1(x)))]


class DoubleConv(nn.Module):
    def __init__(self, i, o):
        super().__init__()
        self.conv1 = cbr(i, o, 3)
        self.conv2 = cbr(o, o, 3)

    def forward(self, x):
        return self.conv2(self.conv1(x))


class ResEncoder(nn.Module):
    """y = DoubleConv(x) + Conv1x1(x); returns (maxpool2(y), y), or (y,) for the last encoder."""

    def __init__(self, i, o, pool=True):
        super().__init__()
        self.double_conv = DoubleConv(i, o)
        self.skip_conv = conv(i, o, 1)
        self.pool = pool

    def forward(self, x):
        identity = self.skip_conv(x)
        y = self.double_conv(x) + identity
        return (F.max_pool2d(y, 2), y) if self.pool else (y,)


class ResDecoder(nn.Module):
    """x = up2(Conv1x1(x)); e = skip or Conv1x1(cat[skip, skip2]); x = cat[x, e]; DoubleConv(x) + Conv1x1(x)."""

    def __init__(self, i, o, two_skips):
        super().__init__()
        self.transition_conv = conv(i, o, 1)
        self.enc_skip_conv = conv(i, o, 1) if two_skips else None
        self.skip_conv = conv(i, o, 1)
        self.double_conv = DoubleConv(i, o)

    def forward(self, x, skip, skip2=None):
        x = self.transition_conv(x)
        x = F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
        e = skip if self.enc_skip_conv is None else self.enc_skip_conv(torch.cat([skip, skip2], 1))
        x = torch.cat([x, e], 1)
        return self.double_conv(x) + self.skip_conv(x)


class DSResNet(nn.Module):
    """jgrad.examples.models.DSResNet (only the layers that run): 10,343,490 parameters at b = 16."""

    def __init__(self, b=16):
        super().__init__()
        self.b1, self.b2 = ResEncoder(3, b), ResEncoder(b, 2 * b)
        self.bf1, self.bf2 = ResEncoder(3, b), ResEncoder(b, 2 * b)
        self.merge = conv(4 * b, 2 * b, 1)
        self.enc1, self.enc2 = ResEncoder(2 * b, 4 * b), ResEncoder(4 * b, 8 * b)
        self.enc3, self.enc4 = ResEncoder(8 * b, 16 * b), ResEncoder(16 * b, 32 * b, pool=False)
        self.mask_head = nn.ModuleList([ResDecoder(32 * b, 16 * b, False), ResDecoder(16 * b, 8 * b, False),
                                        ResDecoder(8 * b, 4 * b, False), ResDecoder(4 * b, 2 * b, True),
                                        ResDecoder(2 * b, b, True), conv(b, 1, 1)])
        self.depth_head = nn.ModuleList([ResDecoder(32 * b, 16 * b, False), ResDecoder(16 * b, 8 * b, False),
                                         ResDecoder(8 * b, 4 * b, False), ResDecoder(4 * b, 2 * b, True),
                                         ResDecoder(2 * b, b, True), conv(b, 1, 1)])

    @staticmethod
    def head(h, e4, e3, e2, e1, b2, bf2, b1, bf1):
        x = h[0](e4, e3)
        x = h[1](x, e2)
        x = h[2](x, e1)
        x = h[3](x, b2, bf2)
        x = h[4](x, b1, bf1)
        return h[5](x)

    def forward(self, bg, fg_bg):
        b1p, b1 = self.b1(bg)
        b2p, b2 = self.b2(b1p)
        bf1p, bf1 = self.bf1(fg_bg)
        bf2p, bf2 = self.bf2(bf1p)
        x = self.merge(torch.cat([b2p, bf2p], 1))
        e1p, e1 = self.enc1(x)
        e2p, e2 = self.enc2(e1p)
        e3p, e3 = self.enc3(e2p)
        (e4,) = self.enc4(e3p)
        skips = (e4, e3, e2, e1, b2, bf2, b1, bf1)
        mask = self.head(self.mask_head, *skips)
        depth = self.head(self.depth_head, *skips)
        return [depth, mask]


# ---------------------------------------------------------------- losses, composed from ops

def dice_b(pred, t):
    p = torch.sigmoid(pred)
    inter = (p * t).sum((1, 2, 3))
    den = p.sum((1, 2, 3)) + t.sum((1, 2, 3)) + 1e-6
    return (1 - 2 * inter / den).mean()


def gaussian(w=11, sigma=1.5, device=None):
    i = torch.arange(w, dtype=torch.float64) - w // 2
    g = torch.exp(-i * i / (2 * sigma * sigma))
    return (g / g.sum()).float().to(device)


def ssim_a(pred, t, g):
    c1, c2 = 1e-4, 9e-4
    row, col = g.view(1, 1, 1, -1), g.view(1, 1, -1, 1)

    def blur(a):
        return F.conv2d(F.conv2d(a, row), col)

    p = torch.sigmoid(pred)
    mx, my = blur(p), blur(t)
    sxx = blur(p * p) - mx * mx
    syy = blur(t * t) - my * my
    sxy = blur(p * t) - mx * my
    s = (2 * mx * my + c1) * (2 * sxy + c2) / ((mx * mx + my * my + c1) * (sxx + syy + c2))
    return 1 - s.mean()


def berhu(pred, t):
    d = (torch.sigmoid(pred) - t).abs()
    c = 0.2 * d.max().detach()
    return torch.where(d <= c, d, (d * d + c * c) / (2 * c)).mean()


def bce(pred, t):
    return F.binary_cross_entropy_with_logits(pred, t)


def rmse(pred, t):
    d = torch.sigmoid(pred) - t
    return torch.sqrt((d * d).mean() + 1e-6)


# ---------------------------------------------------------------- workloads

def conv_workload(dev):
    g = torch.Generator(device="cpu").manual_seed(7)
    x = torch.randn(8, 32, 64, 64, generator=g).to(dev).requires_grad_(True)
    w = (0.06 * torch.randn(32, 32, 3, 3, generator=g)).to(dev).requires_grad_(True)
    gy = torch.randn(8, 32, 64, 64, generator=g).to(dev)
    flops = 3 * 2.0 * 8 * 32 * (32 * 9) * (64 * 64)

    def step():
        x.grad = None
        w.grad = None
        y = F.conv2d(x, w, None, 1, 1)
        y.backward(gy)

    return step, {"flops": flops}


def loss_workload(name, dev):
    g = torch.Generator(device="cpu").manual_seed(42)
    pred = (2 * torch.randn(*LOSS_SHAPE, generator=g)).to(dev).requires_grad_(True)
    t = torch.rand(*LOSS_SHAPE, generator=g).to(dev)
    win = gaussian(device=dev)
    fn = {"dice-b": dice_b, "berhu": berhu, "bce": bce, "ssim-a": lambda a, b: ssim_a(a, b, win)}[name]
    n = math.prod(LOSS_SHAPE)
    # minimum traffic of a fused kernel, as jgrad's Loss.bytesPerElement: one pass 12 B, two passes 20 B
    per_elem = {"dice-b": 20, "berhu": 20, "bce": 12, "ssim-a": 12}[name]

    def step():
        pred.grad = None
        fn(pred, t).backward()

    return step, {"elements": n, "min_bytes": per_elem * n}


def model_workload(name, dev, batch=BATCH, size=SIZE):
    torch.manual_seed(1)
    net = (MaskNet() if name == "masknet" else DSResNet()).to(dev).train()
    opt = torch.optim.SGD(net.parameters(), lr=LR)
    g = torch.Generator(device="cpu").manual_seed(3)
    bg = torch.rand(batch, 3, size, size, generator=g).to(dev)
    fg = torch.rand(batch, 3, size, size, generator=g).to(dev)
    mask_t = (torch.rand(batch, 1, size, size, generator=g) > 0.5).float().to(dev)
    depth_t = torch.rand(batch, 1, size, size, generator=g).to(dev)
    params = sum(p.numel() for p in net.parameters())

    def step():
        opt.zero_grad(set_to_none=True)
        out = net(bg, fg)
        loss = bce(out[-1], mask_t)
        if len(out) == 2:
            loss = loss + 2 * rmse(out[0], depth_t)
        loss.backward()
        opt.step()

    return step, {"parameters": params, "images": batch, "batch": batch, "size": size}


def time_cuda(step, warmup, iters, flush):
    for _ in range(warmup):
        step()
    torch.cuda.synchronize()
    starts = [torch.cuda.Event(enable_timing=True) for _ in range(iters)]
    ends = [torch.cuda.Event(enable_timing=True) for _ in range(iters)]
    for i in range(iters):
        if flush is not None:
            flush.zero_()
        starts[i].record()
        step()
        ends[i].record()
    torch.cuda.synchronize()
    ms = [s.elapsed_time(e) for s, e in zip(starts, ends)]
    return {"median_ms": statistics.median(ms), "mean_ms": statistics.fmean(ms), "min_ms": min(ms), "iters": iters}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", default="conv,dice-b,ssim-a,berhu,bce,masknet,dsresnet",
                    help="comma-separated workloads (default: all)")
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--iters", type=int, default=100)
    ap.add_argument("--flush-l2", action="store_true", help="overwrite 256 MiB before each timed call")
    ap.add_argument("--tf32", action="store_true", help="allow TF32 in matmul and cuDNN (default: strict FP32)")
    ap.add_argument("--model-shapes", default="masknet=32x224,dsresnet=128x96",
                    help="batch x image size per model (the GPU train-step benchmark's; the CPU peers used 8x96)")
    ap.add_argument("--out", help="also write the JSON here")
    args = ap.parse_args(argv)

    if not torch.cuda.is_available():
        print("gpu_peers.py: no CUDA device visible to PyTorch", file=sys.stderr)
        return 2
    dev = torch.device("cuda")
    torch.backends.cuda.matmul.allow_tf32 = args.tf32
    torch.backends.cudnn.allow_tf32 = args.tf32
    flush = torch.empty(64 * 1024 * 1024, dtype=torch.float32, device=dev) if args.flush_l2 else None

    results = {}
    for name in [s.strip() for s in args.only.split(",") if s.strip()]:
        if name == "conv":
            step, info = conv_workload(dev)
        elif name in ("masknet", "dsresnet"):
            shapes = dict(kv.split("=") for kv in args.model_shapes.split(","))
            b, sz = (int(v) for v in shapes.get(name, f"{BATCH}x{SIZE}").split("x"))
            step, info = model_workload(name, dev, b, sz)
        elif name in ("dice-b", "ssim-a", "berhu", "bce"):
            step, info = loss_workload(name, dev)
        else:
            ap.error("unknown workload " + name)
        r = time_cuda(step, args.warmup, args.iters, flush)
        r.update(info)
        sec = r["median_ms"] / 1e3
        if "flops" in info:
            r["gflops"] = info["flops"] / sec / 1e9
        if "min_bytes" in info:
            r["effective_gbs"] = info["min_bytes"] / sec / 1e9
        if "images" in info:
            r["images_per_s"] = info["images"] / sec
        results[name] = r
        print(f"{name}: median {r['median_ms']:.3f} ms", file=sys.stderr)

    report = {
        "peer": "pytorch-eager",
        "device": torch.cuda.get_device_name(dev),
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "cudnn": torch.backends.cudnn.version(),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "settings": {"warmup": args.warmup, "iters": args.iters, "flush_l2": args.flush_l2, "tf32": args.tf32,
                     "cudnn_benchmark": torch.backends.cudnn.benchmark},
        "results": results,
    }
    text = json.dumps(report, indent=2)
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
