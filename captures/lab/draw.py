#!/usr/bin/env python3
"""Draw one generated outage-lab run from its seed.

    draw.py SEED SET            # the drawn spec as JSON
    draw.py SEED SET --shell    # the same as shell assignments (for generate.sh)

Everything a run varies is drawn here, from random.Random(SEED) only, so a seed always
gives the same spec (the set name is recorded but does not change the draw). The kind
comes from a shuffled deck (see KINDS_DECK) so that every kind appears in any 13
consecutive seeds counted from x001; all other values are drawn independently.
"""
import json
import math
import random
import shlex
import sys

SINGLE = ["stunnel-freeze", "stunnel-crash", "stunnel-intermittent", "app-freeze", "app-slow",
          "backend-502", "network-drop", "network-return-loss", "network-loss", "clients-stop"]
# Kinds allowed in a two-faults run: every non-healthy kind but clients-stop.
TWO_OK = [k for k in SINGLE if k != "clients-stop"]
# A deck of 13 cards per block of 13 seeds: the 10 single kinds once, healthy once,
# two-faults twice -> healthy 1/13 (~1 in 10), two-faults 2/13 (~1 in 6.5), every
# single kind 1/13.
KINDS_DECK = SINGLE + ["healthy", "two-faults", "two-faults"]
ZONES = ["UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "Australia/Adelaide",
         "America/Los_Angeles"]
CULPRITS = {
    "stunnel-freeze": {"component": "stunnel", "kind": "application"},
    "stunnel-crash": {"component": "stunnel", "kind": "application"},
    "stunnel-intermittent": {"component": "stunnel", "kind": "application"},
    "app-freeze": {"component": "backend", "kind": "application"},
    "app-slow": {"component": "backend", "kind": "application"},
    "backend-502": {"component": "backend", "kind": "application"},
    "network-drop": {"component": "network:firewall->server", "kind": "network"},
    "network-return-loss": {"component": "network:firewall->server", "kind": "network"},
    "network-loss": {"component": "network:firewall->server", "kind": "network"},
    "clients-stop": {"component": "clients", "kind": "clients"},
}
FAULT_MIN_S, FAULT_MAX_S = 20.0, 900.0      # fault length, log-uniform
RUN_CAP_S = 1020.0                         # healthy + faults (+ gap) + recovery <= 17 min
REQUEST_BUDGET = 3500                      # rate is lowered so rate * run length <= this


def log_uniform(rng, lo, hi):
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


def draw(seed, set_name):
    # The deck: seeds x001..x013 are block 0 of thousand x, x014..x026 block 1, ...
    idx = (seed % 1000) - 1
    block = (seed // 1000, idx // 13)
    deck = list(KINDS_DECK)
    random.Random(f"alibi-deck-{block[0]}-{block[1]}").shuffle(deck)
    kind = deck[idx % 13]

    rng = random.Random(seed)
    healthy_s = round(rng.uniform(30, 120), 1)
    recovery_s = round(rng.uniform(30, 90), 1)
    gap_s = round(rng.uniform(40, 120), 1)  # drawn always (keeps the later draws aligned); used by two-faults
    if kind == "healthy":
        kinds = []
    elif kind == "two-faults":
        kinds = rng.sample(TWO_OK, 2)
    else:
        kinds = [kind]
    lens_drawn = [round(log_uniform(rng, FAULT_MIN_S, FAULT_MAX_S), 1) for _ in range(2)]
    lens = lens_drawn[:len(kinds)]
    # healthy: one nominal window of the drawn length, where a fault would have been
    nominal = lens_drawn[0] if kind == "healthy" else None
    fixed = healthy_s + recovery_s + (gap_s if len(kinds) == 2 else 0)
    avail = RUN_CAP_S - fixed
    body = sum(lens) if kinds else nominal
    capped = False
    if body > avail:
        capped = True
        f = avail / body
        if kinds:
            lens = [round(max(FAULT_MIN_S, l * f), 1) for l in lens]
        else:
            nominal = round(max(FAULT_MIN_S, nominal * f), 1)
    loss = round(rng.uniform(0.1, 0.3), 3)
    somaxconn = rng.choice([128, 1024, 4096])
    stunnel_port = rng.choice([443, 8443, 4433])
    backend_port = rng.choice([8080, 8000, 9000])
    stunnel_tz = rng.choice(ZONES)
    nginx_tz = rng.choice(ZONES)

    def log_skew():
        if rng.random() < 0.5:
            return 0
        # logs are stamped to the second: a whole-second skew is exactly representable
        return rng.choice([-1, 1]) * int(round(log_uniform(rng, 1, 300)))

    skew_stunnel = log_skew()
    skew_nginx = log_skew()
    if rng.random() < 0.7:
        skew_server = 0.0
    else:
        skew_server = rng.choice([-1, 1]) * round(log_uniform(rng, 0.1, 120), 6)
    rate_drawn = round(rng.uniform(2, 8), 2)
    keepalive = round(rng.uniform(0.3, 0.9), 2)
    timeout_ms = int(rng.uniform(3000, 10000))
    total = fixed + (sum(lens) if kinds else nominal)
    rate = round(min(rate_drawn, REQUEST_BUDGET / total), 2)
    return {
        "seed": seed, "set": set_name, "kind": kind, "faultKinds": kinds,
        "culprits": [CULPRITS[k] for k in kinds],
        "healthy_s": healthy_s, "recovery_s": recovery_s, "gap_s": gap_s if len(kinds) == 2 else None,
        "faultLengths_s": lens, "faultLengthsDrawn_s": lens_drawn[:len(kinds)] if kinds else [lens_drawn[0]],
        "nominal_s": nominal, "lengthCappedToRunCap": capped, "runCap_s": RUN_CAP_S,
        "total_s": round(total, 1),
        "loss": loss if "network-loss" in kinds else None,
        "somaxconn": somaxconn, "stunnelPort": stunnel_port, "backendPort": backend_port,
        "upstreamPort": backend_port + 1,
        "stunnelTz": stunnel_tz, "nginxTz": nginx_tz,
        "skews": {"stunnelLog": skew_stunnel, "nginxLog": skew_nginx, "serverCapture": skew_server},
        "rateDrawn": rate_drawn, "rate": rate, "requestBudget": REQUEST_BUDGET,
        "keepalive": keepalive, "timeoutMs": timeout_ms,
    }


def main():
    seed, set_name = int(sys.argv[1]), sys.argv[2]
    spec = draw(seed, set_name)
    if "--shell" in sys.argv[3:]:
        sh = {
            "KIND": spec["kind"], "FAULT_KINDS": " ".join(spec["faultKinds"]),
            "FAULT_LENS": " ".join(str(x) for x in spec["faultLengths_s"]),
            "HEALTHY_S": spec["healthy_s"], "RECOVERY_S": spec["recovery_s"], "GAP_S": spec["gap_s"] or 0,
            "NOMINAL_S": spec["nominal_s"] or 0, "TOTAL_S": spec["total_s"],
            "LOSS": spec["loss"] or 0, "SOMAXCONN": spec["somaxconn"], "SPORT": spec["stunnelPort"],
            "BPORT": spec["backendPort"], "UPORT": spec["upstreamPort"],
            "STUNNEL_TZ": spec["stunnelTz"], "NGINX_TZ": spec["nginxTz"], "RATE": spec["rate"],
            "KEEPALIVE": spec["keepalive"], "TIMEOUT_MS": spec["timeoutMs"],
        }
        for k, v in sh.items():
            print(f"{k}={shlex.quote(str(v))}")
    else:
        print(json.dumps(spec, indent=2))


if __name__ == "__main__":
    main()
