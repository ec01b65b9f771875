#!/usr/bin/env python3
"""Tables of the generated runs (kept per set and kind, sizes, settings) from truth.json and
RUNS.md only -- no capture is read and nothing is analyzed.

    generated_table.py captures/generated
"""
import collections
import json
import os
import sys

KINDS = ["healthy", "stunnel-freeze", "stunnel-crash", "stunnel-intermittent", "app-freeze", "app-slow",
         "backend-502", "network-drop", "network-return-loss", "network-loss", "clients-stop", "two-faults"]


def main(root):
    runs = {}
    for s in ("tune", "holdout"):
        d = os.path.join(root, s)
        for seed in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            p = os.path.join(d, seed, "truth.json")
            if os.path.exists(p):
                t = json.load(open(p))
                size = sum(os.path.getsize(os.path.join(d, seed, f)) for f in os.listdir(os.path.join(d, seed)))
                runs[(s, int(seed))] = (t, size)
    count = collections.Counter((s, t["kind"]) for (s, _), (t, _) in runs.items())
    print("| kind | tune | holdout | total |\n|---|---|---|---|")
    for k in KINDS:
        a, b = count[("tune", k)], count[("holdout", k)]
        print(f"| `{k}` | {a} | {b} | {a + b} |")
    a = sum(v for (s, _), v in count.items() if s == "tune")
    b = sum(v for (s, _), v in count.items() if s == "holdout")
    print(f"| **all** | **{a}** | **{b}** | **{a + b}** |")
    # fault kinds counted inside two-faults too
    inner = collections.Counter()
    for (s, _), (t, _) in runs.items():
        for f in t["faults"]:
            inner[(s, f["kind"])] += 1
    print("\nFaults by kind, counting both faults of two-faults runs:\n")
    print("| fault kind | tune | holdout |\n|---|---|---|")
    for k in KINDS[1:-1]:
        print(f"| `{k}` | {inner[('tune', k)]} | {inner[('holdout', k)]} |")
    print("\nEvery kept run:\n")
    print("| set | seed | kind | fault(s) s | somaxconn | ports | zones (stunnel / nginx) | skews s (stunnel log / nginx logs / server capture) | req/s | keep-alive | timeout ms | size MB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    total = 0
    for (s, seed), (t, size) in sorted(runs.items()):
        st = t["settings"]
        sk = t["skews"]
        kind = t["kind"] if t["kind"] != "two-faults" else "two-faults: " + " + ".join(f["kind"] for f in t["faults"])
        lens = " + ".join(f"{f['duration']:.0f}" for f in t["faults"]) or f"({st['nominal_s']:.0f} nominal)"
        total += size
        print(f"| {s} | {seed} | {kind} | {lens} | {st['somaxconn']} | {st['stunnelPort']}/{st['backendPort']} |"
              f" {st['stunnelTz']} / {st['nginxTz']} | {sk['stunnelLog']} / {sk['nginxLog']} / {sk['serverCapture']} |"
              f" {st['rate']} | {st['keepalive']} | {st['timeoutMs']} | {size / 1e6:.2f} |")
    print(f"\nKept runs: {len(runs)}, {total / 1e6:.1f} MB in their folders.")


if __name__ == "__main__":
    main(sys.argv[1])
