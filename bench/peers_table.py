#!/usr/bin/env python3
"""Markdown tables of the CPU peer comparison from one JMH JSON result file.

Reads the output of `bench/run-peers.sh` (JMH -rf json over jgrad.bench.peers.*) and prints one
table per benchmark: jgrad, DJL, the speed ratio jgrad/DJL (= DJL time / jgrad time, > 1 means
jgrad is faster), the target, the achieved rate and its share of the machine's limit measured in
the same run (VectorLimitsBench: the rate of its Java FMA loop for FLOP-bound work, "read 2,
write 1" bandwidth for the losses), the machine, the date and the command. The FMA loop reaches
only about half the hardware FP32 peak on the development machine (jgrad's own conv and SGEMM run
faster than it), so a GFLOP/s share is a share of that loop's rate, not of the peak.

    python3 bench/peers_table.py bench/results/peers-<stamp>.json --machine "..." --command "..."
"""

import argparse
import datetime
import json
import os
import re
import sys

TARGETS = {"conv": 0.5, "loss": 1.0, "model": 0.5}
LOSS_ELEMENTS = 128 * 96 * 96
LOSS_MIN_BYTES = {"dice-b": 20, "berhu": 20, "ssim-a": 12}  # jgrad's Loss.bytesPerElement
CONV_FLOPS = 3 * 2.0 * 8 * 32 * (32 * 9) * (64 * 64)
COPY_BYTES = 12.0 * (1 << 24)


def conv_macs(h, w, cin, cout, k, n=8):
    return n * h * w * cin * cout * k * k


def masknet_flops(size=96, w=32, n=8):
    """Forward MACs of MaskNet's convolutions; a training step ~ 3x the forward FLOPs."""
    m = 2 * conv_macs(size, size, 3, w, 3, n)
    m += conv_macs(size, size, 2 * w, w, 1, n) + conv_macs(size, size, w, 2 * w, 3, n)
    m += conv_macs(size, size, 2 * w, 2 * w, 3, n) + conv_macs(size, size, 2 * w, 1, 1, n)
    return 3 * 2.0 * m


def dsresnet_flops(size=96, b=16, n=8):
    def enc(s, i, o):
        return conv_macs(s, s, i, o, 3, n) + conv_macs(s, s, o, o, 3, n) + conv_macs(s, s, i, o, 1, n)

    def dec(s, i, o, two):  # s = output size
        m = conv_macs(s // 2, s // 2, i, o, 1, n)  # transition at input size
        if two:
            m += conv_macs(s, s, i, o, 1, n)
        return m + conv_macs(s, s, i, o, 1, n) + conv_macs(s, s, i, o, 3, n) + conv_macs(s, s, o, o, 3, n)

    s = size
    m = 2 * (enc(s, 3, b) + enc(s // 2, b, 2 * b))
    m += conv_macs(s // 4, s // 4, 4 * b, 2 * b, 1, n)
    m += enc(s // 4, 2 * b, 4 * b) + enc(s // 8, 4 * b, 8 * b) + enc(s // 16, 8 * b, 16 * b) + enc(s // 32, 16 * b, 32 * b)
    head = dec(s // 16, 32 * b, 16 * b, False) + dec(s // 8, 16 * b, 8 * b, False) + dec(s // 4, 8 * b, 4 * b, False)
    head += dec(s // 2, 4 * b, 2 * b, True) + dec(s, 2 * b, b, True) + conv_macs(s, s, b, 1, 1, n)
    m += 2 * head
    return 3 * 2.0 * m


MODEL_FLOPS = {"masknet": masknet_flops(), "dsresnet": dsresnet_flops()}


def run_date(path):
    """The run's start as stamped in the file name by run-peers.sh; a checked-out file's modification
    time is the checkout's, so it is only the fallback."""
    m = re.search(r"(\d{8}T\d{4}Z)", os.path.basename(path))
    if m:
        t = datetime.datetime.strptime(m.group(1), "%Y%m%dT%H%MZ")
        return t.strftime("%Y-%m-%d %H:%M UTC") + " (start)"
    return datetime.datetime.fromtimestamp(os.path.getmtime(path), datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def load(path):
    with open(path) as f:
        rows = json.load(f)
    out = {}
    for r in rows:
        cls, method = r["benchmark"].split(".")[-2:]
        params = tuple(sorted((r.get("params") or {}).items()))
        pm = r["primaryMetric"]
        if pm["scoreUnit"] != "ms/op":
            sys.exit(f"peers_table.py: {r['benchmark']} is in {pm['scoreUnit']}, expected ms/op")
        err = pm.get("scoreError")
        out[(cls, method, params)] = (pm["score"], err if isinstance(err, (int, float)) and err == err else None)
    return out


def fmt_ms(v):
    s, e = v
    return f"{s:.3f} ± {e:.3f} ms" if e is not None else f"{s:.3f} ms"


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("json")
    ap.add_argument("--machine", default="unknown machine")
    ap.add_argument("--command", default="bench/run-peers.sh")
    ap.add_argument("--date", default=None, help="default: the run's start from the file name (peers-YYYYmmddTHHMMZ), "
                                                 "else the JSON file's modification time (UTC)")
    ap.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)), help="jgrad/libtorch threads")
    ap.add_argument("--lanes", type=int, default=16, help="float lanes of SPECIES_PREFERRED (16 = 512-bit)")
    ap.add_argument("--missed-out", help="write the jgrad benchmarks that miss their target here, one a line: "
                                         "'<class>.jgrad [param=value]', for profiling")
    args = ap.parse_args(argv)
    res = load(args.json)
    date = args.date or run_date(args.json)

    def get(cls, method, **params):
        return res.get((cls, method, tuple(sorted(params.items()))))

    fma_flops = 2.0 * 12 * args.lanes * 4_000_000 * args.threads
    fma = get("VectorLimitsBench", "fmaPeak")
    copy = get("VectorLimitsBench", "copyBandwidth")
    peak = fma_flops / (fma[0] * 1e-3) / 1e9 if fma else None
    bw = COPY_BYTES / (copy[0] * 1e-3) / 1e9 if copy else None

    print(f"Machine: {args.machine}. Date: {date}. {args.threads} threads for jgrad and for libtorch.")
    print(f"Command: `{args.command}`; results: `{args.json}`.\n")
    print("Limits measured in the same run (VectorLimitsBench):\n")
    print("| limit | measured |")
    print("|---|---|")
    print(f"| FP32 FMA loop (VectorLimitsBench.fmaPeak; below the hardware peak), {args.lanes * 32}-bit vectors, "
          f"{args.threads} threads | "
          + (f"{peak:.0f} GFLOP/s" if peak else "not measured") + " |")
    print(f"| \"read 2, write 1\" bandwidth, 2^24 floats, {args.threads} threads | "
          + (f"{bw:.1f} GB/s" if bw else "not measured") + " |")
    print()

    missed = []

    def row(name, j, d, target, rate, limit_name, limit, bench=None):
        if not j or not d:
            missing = "jgrad" if not j else "DJL"
            print(f"| {name} | {fmt_ms(j) if j else '—'} | {fmt_ms(d) if d else '—'} | — | ≥ {target} | {missing} not measured | — |")
            return
        ratio = d[0] / j[0]
        verdict = "met" if ratio >= target else "**missed**"
        if ratio < target and bench:
            missed.append(bench)
        share = "—"
        if rate is not None and limit:
            rj, rd = rate(j[0]), rate(d[0])
            share = f"jgrad {rj:.1f}, DJL {rd:.1f} {limit_name}; jgrad {100 * rj / limit:.0f} % of limit"
        elif rate is not None:
            share = f"jgrad {rate(j[0]):.1f}, DJL {rate(d[0]):.1f} {limit_name}"
        print(f"| {name} | {fmt_ms(j)} | {fmt_ms(d)} | {ratio:.2f}× | ≥ {target} | {verdict} | {share} |")

    header = "| benchmark | jgrad | DJL 0.36 / libtorch 2.7.1 | speed ratio jgrad/DJL | target | | rate, share of limit |"
    sep = "|---|---|---|---|---|---|---|"

    print("### 3×3 conv forward + backward, x 8×32×64×64, W 32×32×3×3 (1.81 GFLOP per call)\n")
    print(header)
    print(sep)
    row("conv fwd+bwd", get("ConvPeerBench", "jgrad"), get("ConvPeerBench", "djl"), TARGETS["conv"],
        lambda ms: CONV_FLOPS / (ms * 1e-3) / 1e9, "GFLOP/s (vs the FMA loop)", peak, "ConvPeerBench.jgrad")
    print()

    print("### Loss forward + backward at 128×1×96×96 (jgrad fused vs DJL composed ops)\n")
    print(header)
    print(sep)
    for loss in ("dice-b", "ssim-a", "berhu"):
        b = LOSS_MIN_BYTES[loss] * LOSS_ELEMENTS
        row(loss, get("LossPeerBench", "jgrad", loss=loss), get("LossPeerBench", "djl", loss=loss), TARGETS["loss"],
            lambda ms, b=b: b / (ms * 1e-3) / 1e9, f"GB/s effective ({LOSS_MIN_BYTES[loss]} B/element; copy bw)", bw,
            f"LossPeerBench.jgrad loss={loss}")
    print()

    print("### Training step, batch 8, 2×3×96×96 inputs (forward, loss, backward, SGD)\n")
    print(header)
    print(sep)
    for model in ("masknet", "dsresnet"):
        f = MODEL_FLOPS[model]
        row(f"{model} step (≈{f / 1e9:.0f} GFLOP of convolutions)", get("ModelPeerBench", "jgrad", model=model),
            get("ModelPeerBench", "djl", model=model), TARGETS["model"],
            lambda ms, f=f: f / (ms * 1e-3) / 1e9, "GFLOP/s (vs the FMA loop)", peak, f"ModelPeerBench.jgrad model={model}")
    if args.missed_out:
        with open(args.missed_out, "w") as f:
            f.write("".join(m + "\n" for m in missed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
