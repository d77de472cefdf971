#!/usr/bin/env python3
"""Where the time goes, from a JFR recording: share of execution samples per method, self
(top frame) and inclusive (anywhere on the stack), plus the jgrad and DJL frames nearest the top.

    python3 bench/jfr_top.py profile.jfr [--top 20]

Needs the `jfr` tool of the JDK ($JAVA_HOME/bin/jfr or on PATH).
"""

import argparse
import collections
import os
import re
import shutil
import subprocess
import sys


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("recording")
    ap.add_argument("--top", type=int, default=20)
    args = ap.parse_args(argv)
    jfr = os.path.join(os.environ.get("JAVA_HOME", ""), "bin", "jfr")
    if not os.path.exists(jfr):
        jfr = shutil.which("jfr") or sys.exit("jfr_top.py: no jfr tool (set JAVA_HOME)")
    text = subprocess.run([jfr, "print", "--events", "jdk.ExecutionSample", "--stack-depth", "64", args.recording],
                          check=True, capture_output=True, text=True).stdout
    self_c, incl_c, owner_c = collections.Counter(), collections.Counter(), collections.Counter()
    n = 0
    for ev in text.split("jdk.ExecutionSample")[1:]:
        m = re.search(r"stackTrace = \[(.*?)\n\s*\]", ev, re.S)
        if not m:
            continue
        frames = [re.sub(r"\s+line:.*", "", l.strip()) for l in m.group(1).strip().split("\n")]
        frames = [f for f in frames if f and f != "..."]
        if not frames:
            continue
        n += 1
        self_c[frames[0]] += 1
        for f in set(frames):
            incl_c[f] += 1
        own = next((f for f in frames if f.startswith(("jgrad.", "ai.djl."))), frames[0])
        owner_c[own] += 1
    if n == 0:
        sys.exit("jfr_top.py: no execution samples in " + args.recording)
    print(f"{n} execution samples (Java threads only; time inside native code is not sampled)\n")
    for title, c in (("self (top frame)", self_c), ("nearest jgrad/DJL frame", owner_c), ("inclusive", incl_c)):
        print(f"## {title}")
        for f, k in c.most_common(args.top):
            print(f"{100 * k / n:5.1f} %  {f}")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
