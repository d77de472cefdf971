#!/usr/bin/env python3
"""PyTorch peer for jgrad's GPU SSIM benchmark (GpuSsimBench).

The loss is seed A's SSIM: x = sigmoid(logits), y = target, per image and channel an 11x11
Gaussian window (sigma 1.5, separable), valid filtering, C1 = 0.01^2, C2 = 0.03^2,
L = 1 - mean(SSIM map). The five local statistics (mu_x, mu_y, E[x^2], E[y^2], E[xy]) are five
separable Gaussian filterings, each a depthwise conv2d along the rows then along the columns;
autograd provides the backward. Forward + backward at 5x5x1080x1920 on CUDA is timed with CUDA
events (warm-up first, then the median of the timed repetitions) and printed as JSON.

    python3 bench/gpu_ssim_peer.py --out peer-ssim.json [--reps 20] [--shape 5,5,1080,1920]
"""
import argparse
import json
import statistics
import sys


def gaussian_1d(torch, size, sigma, device):
    d = torch.arange(size, dtype=torch.float64, device=device) - size // 2
    g = torch.exp(-d * d / (2 * sigma * sigma))
    return (g / g.sum()).float()


def make_loss(torch, channels, size=11, sigma=1.5, c1=0.01 ** 2, c2=0.03 ** 2, device="cuda"):
    F = torch.nn.functional
    g = gaussian_1d(torch, size, sigma, device)
    gh = g.view(1, 1, 1, size).repeat(channels, 1, 1, 1)  # filters along W
    gv = g.view(1, 1, size, 1).repeat(channels, 1, 1, 1)  # filters along H

    def blur(t):
        return F.conv2d(F.conv2d(t, gh, groups=channels), gv, groups=channels)

    def loss(logits, y):
        x = torch.sigmoid(logits)
        mx, my = blur(x), blur(y)
        sxx = blur(x * x) - mx * mx
        syy = blur(y * y) - my * my
        sxy = blur(x * y) - mx * my
        s = ((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx * mx + my * my + c1) * (sxx + syy + c2))
        return 1 - s.mean()

    return loss


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="JSON file to write (also printed)")
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--shape", default="5,5,1080,1920", help="N,C,H,W")
    args = ap.parse_args()

    try:
        import torch
    except ImportError:
        print("gpu_ssim_peer: PyTorch is not installed (pip install torch)", file=sys.stderr)
        return 2
    if not torch.cuda.is_available():
        print("gpu_ssim_peer: torch.cuda.is_available() is False: no CUDA device for the peer run", file=sys.stderr)
        return 2

    n, c, h, w = (int(v) for v in args.shape.split(","))
    dev = "cuda"
    gen = torch.Generator(device=dev).manual_seed(7)
    logits = (2 * torch.randn(n, c, h, w, device=dev, generator=gen)).requires_grad_(True)
    target = torch.rand(n, c, h, w, device=dev, generator=gen)
    loss_fn = make_loss(torch, c, device=dev)

    def step():
        logits.grad = None
        loss = loss_fn(logits, target)
        loss.backward()
        return loss

    for _ in range(args.warmup):
        step()
    torch.cuda.synchronize()
    times = []
    value = None
    for _ in range(args.reps):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        value = step()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))

    elements = n * c * h * w
    result = {
        "benchmark": "ssim-a forward+backward (PyTorch peer)",
        "device": torch.cuda.get_device_name(0),
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "shape": [n, c, h, w],
        "elements": elements,
        "window": 11,
        "sigma": 1.5,
        "padding": "valid",
        "reps": args.reps,
        "ms_median": statistics.median(times),
        "ms_min": min(times),
        "ms_all": times,
        "loss": float(value.item()),
        "peak_memory_bytes": torch.cuda.max_memory_allocated(),
    }
    text = json.dumps(result, indent=2)
    print(text)
    with open(args.out, "w") as f:
        f.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
