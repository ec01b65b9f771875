#!/usr/bin/env python3
"""Finish one generated run (called by generate.sh): count, check, skew, compress, write.

    finish.py RUN_DIR OUT_DIR

1. Counts every capture and log per segment of the run (before / fault1 / between / fault2 /
   after, in true time, on the raw files before any skew) with tshark and plain parsing.
2. Checks the lab itself (tcpdump drops, machine stalls, programs alive) and that each fault
   is visible in the raw numbers (tshark counts and log lines, no pcap-alibi code). A run
   that fails a check is discarded: exit 3, reason in RUN_DIR/outcome.txt.
3. Applies the drawn clock skews to the real files: log timestamps rewritten by the offset,
   server and loopback captures shifted with editcap -t.
4. Compresses (captures gzip -9, loopback as pcapng; logs over 200 KB gzip -9) and writes
   alibi.json and truth.json into OUT_DIR.
"""
import datetime as dt
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
from zoneinfo import ZoneInfo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from draw import CULPRITS  # noqa: E402

ACTIONS = {
    "stunnel-freeze": "kill -STOP <stunnel pid> ... kill -CONT",
    "stunnel-crash": "kill -KILL <stunnel pid> ... a fresh stunnel4 started with the same config",
    "stunnel-intermittent": "repeat: kill -STOP <stunnel pid>, 5 s, kill -CONT, 5 s running; fault = first stop .. last resume",
    "app-freeze": "kill -STOP <nginx master and worker pids> ... kill -CONT",
    "app-slow": "nginx's upstream (lab/slow_app.py on 127.0.0.1:UPORT) delays every response by 3-8 s",
    "backend-502": "kill -KILL the upstream app (lab/slow_app.py on 127.0.0.1:UPORT) ... started again: nginx answers 502 (connect() refused)",
    "network-drop": "firewall ns: iptables -I FORWARD -i fw-c -o fw-s -d 10.0.2.2 -p tcp --dport SPORT -j DROP ... -D",
    "network-return-loss": "firewall ns: iptables -I FORWARD -i fw-s -o fw-c -s 10.0.2.2 -p tcp --sport SPORT -j DROP ... -D (server->client only)",
    "network-loss": "firewall ns: iptables -I FORWARD -m statistic --mode random --probability LOSS -j DROP (both directions) ... -D",
    "clients-stop": "SIGUSR1 to the load generator (stops, closes idle connections) ... SIGUSR2",
}
LOG_GZIP_OVER = 200_000


def ts(s):
    return dt.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()


def iso(t):
    return dt.datetime.fromtimestamp(t, dt.timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def segments(lab, load_end_pad=30.0):
    """[(name, start, end)] covering load start .. load end (+ closing handshakes)."""
    ls, le = ts(lab["loadStart"]), ts(lab["loadEnd"])
    marks = []
    if lab["faults"]:
        for i, f in enumerate(lab["faults"], 1):
            marks.append((f"fault{i}", ts(f["start"]), ts(f["end"])))
    elif lab["nominal"]:
        marks.append(("nominal", ts(lab["nominal"]["start"]), ts(lab["nominal"]["end"])))
    segs, t = [], ls
    for i, (name, s, e) in enumerate(marks):
        segs.append(("before" if i == 0 else "between", t, s))
        segs.append((name, s, e))
        t = e
    segs.append(("after", t, le + load_end_pad))
    return segs


def seg_of(t, segs):
    if t < segs[0][1]:
        return None
    for name, s, e in segs:
        if s <= t < e:
            return name
    return None


def flag(v):
    return v in ("1", "True", "true")


def capture_counts(path, service_port, segs, ls, le):
    out = subprocess.run(["tshark", "-n", "-r", path, "-T", "fields", "-e", "frame.time_epoch", "-e", "frame.len",
                          "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "tcp.flags.syn", "-e", "tcp.flags.ack",
                          "-e", "tcp.flags.reset", "-e", "tcp.len", "-e", "tcp.analysis.retransmission"],
                         capture_output=True, text=True, check=True).stdout
    keys = ("packets", "bytes", "payload", "payloadFromService", "payloadToService", "synToService",
            "synAckFromService", "rstFromService", "rstToService", "retransmissions", "packetsFromService",
            "packetsToService")
    per = {name: dict.fromkeys(keys, 0) for name, _, _ in segs}
    tot = dict.fromkeys(keys, 0)
    bins = {}  # 1-s bins of payload from the service (for intermittent checks)
    first = last = None
    n_out = 0
    for line in out.splitlines():
        r = line.split("\t")
        if len(r) < 9 or not r[0]:
            continue
        t = float(r[0])
        first = t if first is None else min(first, t)
        last = t if last is None else max(last, t)
        sp, dp = int(r[2] or 0), int(r[3] or 0)
        plen = int(r[7] or 0)
        syn, ack, rst = flag(r[4]), flag(r[5]), flag(r[6])
        name = seg_of(t, segs)
        ds = [tot] + ([per[name]] if name else [])
        if not name:
            n_out += 1
        for d in ds:
            d["packets"] += 1
            d["bytes"] += int(r[1])
            d["payload"] += plen
            if sp == service_port:
                d["packetsFromService"] += 1
                d["payloadFromService"] += plen
                if syn and ack:
                    d["synAckFromService"] += 1
                if rst:
                    d["rstFromService"] += 1
            if dp == service_port:
                d["packetsToService"] += 1
                d["payloadToService"] += plen
                if syn and not ack:
                    d["synToService"] += 1
                if rst:
                    d["rstToService"] += 1
            if r[8]:
                d["retransmissions"] += 1
        if sp == service_port and plen:
            b = int(t)
            bins[b] = bins.get(b, 0) + plen
    for name, s, e in segs:
        per[name]["seconds"] = round(e - s if name != "after" else min(e, le) - s, 3)
    return {"packets": tot["packets"], "totals": tot, "first": iso(first) if first else None,
            "last": iso(last) if last else None, "outsideLoad": n_out, "segments": per}, bins


STUNNEL_RE = re.compile(r"^(\d{4})\.(\d\d)\.(\d\d) (\d\d):(\d\d):(\d\d)")
ERROR_RE = re.compile(r"^(\d{4})/(\d\d)/(\d\d) (\d\d):(\d\d):(\d\d)")
ACCESS_RE = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d)")


def local(m, tz):
    return dt.datetime(*map(int, m.groups()), tzinfo=ZoneInfo(tz)).timestamp()


def parse_log(path, kind, tz):
    """[(t, key, extra)] per line with a timestamp; and the count of lines without."""
    recs, unparsed = [], 0
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", errors="replace") as f:
        for line in f:
            t, key, extra = None, None, None
            if kind == "stunnel":
                m = STUNNEL_RE.match(line)
                if m:
                    t = local(m, tz)
                    for pat, name in (("accepted connection", "accepted"), ("Connection reset", "connectionReset"),
                                      ("Connection closed", "connectionClosed"), ("connect_blocking", "connectTimeout"),
                                      ("SSL_accept", "tlsErrors"), ("stunnel 5", "startBanner"),
                                      ("Terminated", "terminated")):
                        if pat in line:
                            key = name
                            break
            elif kind == "access":
                m = ACCESS_RE.match(line)
                if m:
                    t = dt.datetime.fromisoformat(m.group(1)).timestamp()
                    try:
                        parts = line.split('"')
                        key = "status" + parts[2].split()[0]
                        extra = float(parts[2].split()[2])  # $request_time
                    except (IndexError, ValueError):
                        pass
            elif kind == "error":
                m = ERROR_RE.match(line)
                if m:
                    t = local(m, tz)
                    key = line[20:].split("]", 1)[0].strip("[ ")
                    if "connect() failed" in line:
                        extra = "connectFailed"
            elif kind == "clients":
                rec = json.loads(line)
                if "outcome" in rec:
                    t = ts(rec["t"])
                    key = rec["outcome"]
            if t is None:
                unparsed += 1
            else:
                recs.append((t, key, extra))
    return recs, unparsed


def log_counts(recs, unparsed, segs, coarse):
    per = {name: {"lines": 0, "kinds": {}} for name, _, _ in segs}
    slow = {name: 0 for name, _, _ in segs}
    special = {name: 0 for name, _, _ in segs}
    for t, key, extra in recs:
        # lines stamped to the second happened in [stamp, stamp+1): a line counts in a
        # segment only if its whole second lies inside; straddling seconds go to the
        # earlier segment for a start edge and the later one for an end edge.
        if coarse:
            a, b = seg_of(t, segs), seg_of(t + 0.999, segs)
            # a straddling second goes to the non-fault side of the edge
            name = a if (a == b or b is None or (a and not a.startswith(("fault", "nominal")))) else b
        else:
            name = seg_of(t, segs)
        if not name:
            continue
        p = per[name]
        p["lines"] += 1
        if key:
            p["kinds"][key] = p["kinds"].get(key, 0) + 1
        if isinstance(extra, float) and extra >= 3.0:
            slow[name] += 1
        if extra == "connectFailed":
            special[name] += 1
    stamps = sorted(t for t, _, _ in recs)
    gaps = sorted(((b - a, a, b) for a, b in zip(stamps, stamps[1:])), reverse=True)[:20]
    for name, s, e in segs:
        sec = max(e - s, 1e-9)
        per[name]["perSecond"] = round(per[name]["lines"] / sec, 3)
        if slow[name]:
            per[name]["requestTime3sOrMore"] = slow[name]
        if special[name]:
            per[name]["connectFailedUpstream"] = special[name]
    return {"lines": len(recs) + unparsed, "timestamped": len(recs),
            "first": iso(stamps[0]) if stamps else None, "last": iso(stamps[-1]) if stamps else None,
            "segments": per,
            "longestGaps": [{"start": iso(a), "end": iso(b), "seconds": round(g, 3)} for g, a, b in gaps[:5]]}, gaps


# ------------------------------------------------------------------ skews on the real files
def shift_logs(src, dst, kind, tz, skew):
    """Rewrite each line's leading timestamp by skew (whole seconds)."""
    d = dt.timedelta(seconds=skew)
    with open(src, encoding="utf-8", errors="surrogateescape") as f, \
            open(dst, "w", encoding="utf-8", errors="surrogateescape") as g:
        for line in f:
            if skew:
                if kind == "stunnel":
                    m = STUNNEL_RE.match(line)
                    if m:
                        t = dt.datetime(*map(int, m.groups()), tzinfo=ZoneInfo(tz)) + d
                        t = t.astimezone(ZoneInfo(tz))
                        line = t.strftime("%Y.%m.%d %H:%M:%S") + line[m.end():]
                elif kind == "error":
                    m = ERROR_RE.match(line)
                    if m:
                        t = (dt.datetime(*map(int, m.groups()), tzinfo=ZoneInfo(tz)) + d).astimezone(ZoneInfo(tz))
                        line = t.strftime("%Y/%m/%d %H:%M:%S") + line[m.end():]
                elif kind == "access":
                    m = ACCESS_RE.match(line)
                    if m:
                        t0 = dt.datetime.fromisoformat(m.group(1))
                        t = (t0 + d).astimezone(t0.tzinfo)  # keeps the offset nginx wrote
                        line = t.isoformat() + line[m.end():]
            g.write(line)


def gz(src, dst):
    with open(src, "rb") as f, gzip.open(dst, "wb", compresslevel=9) as g:
        shutil.copyfileobj(f, g)


def tcpdump_dropped(path):
    txt = open(path).read() if os.path.exists(path) else ""
    m = re.search(r"(\d+) packets? dropped by kernel", txt)
    return (int(m.group(1)) if m else None), " ".join(l for l in txt.splitlines() if "packets" in l)


def main():
    run, out = sys.argv[1], sys.argv[2]
    spec = json.load(open(os.path.join(run, "spec.json")))
    lab = json.load(open(os.path.join(run, "lab.json")))
    segs = segments(lab)
    ls, le = ts(lab["loadStart"]), ts(lab["loadEnd"])
    sport, bport = spec["stunnelPort"], spec["backendPort"]
    caps, bins = {}, {}
    for vantage, file, port in (("firewall", "firewall.pcap", sport), ("server", "server.pcap", sport),
                                ("loopback", "loopback.pcap", bport)):
        caps[vantage], bins[vantage] = capture_counts(os.path.join(run, file), port, segs, ls, le)
    L = os.path.join(run, "logs")
    logs, gaps = {}, {}
    for name, file, kind, tz in (("stunnel", "stunnel.log", "stunnel", spec["stunnelTz"]),
                                 ("backend", "access.log", "access", None),
                                 ("backendErrors", "error.log", "error", spec["nginxTz"]),
                                 ("clients", "clients.jsonl", "clients", None)):
        recs, unparsed = parse_log(os.path.join(L, file), kind, tz)
        logs[name], gaps[name] = log_counts(recs, unparsed, segs, coarse=kind != "clients")
    stats_lines = [l for l in open(os.path.join(run, "client-stats.json")).read().splitlines() if l.startswith("{")]
    client_stats = json.loads(stats_lines[-1]) if stats_lines else None

    # ------------------------------------------------------------ lab health
    problems = []
    drops = {}
    for v in ("firewall", "server", "loopback"):
        n, txt = tcpdump_dropped(os.path.join(run, f"tcpdump-{v}.txt"))
        drops[v] = {"droppedByKernel": n, "tcpdump": txt}
        if n is None:
            problems.append(f"tcpdump {v}: no drop count")
        elif n > 0:
            problems.append(f"tcpdump {v} dropped {n}")
    for v, c in caps.items():
        if c["segments"]["before"]["packets"] == 0:
            problems.append(f"{v} capture empty before the fault")
    if client_stats is None:
        problems.append("no client stats")
    stall = lab.get("memoryStallSeconds") or 0
    if stall > 1:
        problems.append(f"memory stall {stall} s")
    if "down" in lab.get("programsAtEnd", ""):
        problems.append(f"programs at end: {lab['programsAtEnd']}")
    # The clients' record has a line every ~1/rate s: a gap of more than 3 s outside every
    # fault window (+ the client timeout) means the machine itself stalled.
    # Inside a fault the record goes on too (requests time out at the open-loop rate), so a
    # gap there longer than the client timeout + 2.5 s is a stall as well -- except in
    # clients-stop, where the load is paused. (Added after holdout 2016 showed a 10.6 s
    # machine-wide stall that also sat, unflagged, inside the faults of 2013 and 2014.)
    tmo = spec["timeoutMs"] / 1000
    windows = [(ts(f["start"]), ts(f["end"]) + tmo + 2, f["kind"]) for f in lab["faults"]]

    def is_stall(g, a, b):
        inside = [k for s, e, k in windows if not (b <= s or a >= e)]
        if not inside:
            return g > 3
        if "clients-stop" in inside:
            return False
        return g > tmo + 2.5
    bad_gaps = [(g, a, b) for g, a, b in gaps["clients"] if g > 3 and is_stall(g, a, b)]
    if bad_gaps:
        g, a, b = bad_gaps[0]
        problems.append(f"clients' record silent {g:.1f} s ({iso(a)[11:19]}..{iso(b)[11:19]}): the machine stalled")
    health = {"ok": not problems, "problems": problems, "memoryStallSeconds": stall,
              "programsAtEnd": lab.get("programsAtEnd"),
              "clientsStallGaps": [{"seconds": round(g, 3), "start": iso(a), "end": iso(b)}
                                                 for g, a, b in bad_gaps]}

    # ------------------------------------------------------------ is each fault visible?
    checks = []
    seg_names = [n for n, _, _ in segs]
    for i, f in enumerate(lab["faults"], 1):
        k = f["kind"]
        fn = f"fault{i}"
        base = seg_names[seg_names.index(fn) - 1]
        S = {v: caps[v]["segments"] for v in caps}
        dur = S["server"][fn]["seconds"]
        bdur = S["server"][base]["seconds"]
        rate = lambda v, seg, key, sec: S[v][seg][key] / max(sec, 1e-9)
        acc = logs["backend"]["segments"]
        err = logs["backendErrors"]["segments"]
        c = {"fault": fn, "kind": k}
        if k == "stunnel-freeze":
            a, b = rate("server", fn, "payloadFromService", dur), rate("server", base, "payloadFromService", bdur)
            c.update(serverPayloadFromServicePerS={"before": round(b), "during": round(a)}, ok=a < 0.1 * b)
        elif k == "stunnel-crash":
            s = S["server"][fn]
            c.update(server={x: s[x] for x in ("synToService", "synAckFromService", "rstFromService")},
                     ok=s["rstFromService"] > 0 and s["synAckFromService"] < max(1, 0.2 * s["synToService"]))
        elif k == "stunnel-intermittent":
            fs, fe = ts(f["start"]), ts(f["end"])
            zero = sum(1 for b in range(int(fs) + 1, int(fe)) if not bins["server"].get(b))
            c.update(stops=f.get("stops"), zeroPayloadSecondsAtServer=zero, ok=zero >= 2 * (f.get("stops") or 1))
        elif k == "app-freeze":
            a, b = rate("loopback", fn, "payloadFromService", dur), rate("loopback", base, "payloadFromService", bdur)
            c.update(loopbackPayloadFromBackendPerS={"before": round(b), "during": round(a)}, ok=a < 0.1 * b)
        elif k == "app-slow":
            n = acc[fn].get("requestTime3sOrMore", 0) + acc[fn]["kinds"].get("status499", 0)
            c.update(accessLogSlowOr499=n, ok=n > 0)
        elif k == "backend-502":
            n, e = acc[fn]["kinds"].get("status502", 0), err[fn].get("connectFailedUpstream", 0)
            c.update(accessLog502=n, errorLogConnectFailed=e, ok=n > 0 and e > 0)
        elif k == "network-drop":
            fw, sv = S["firewall"][fn]["synToService"], S["server"][fn]["synToService"]
            c.update(synToService={"firewall": fw, "server": sv}, ok=fw > 0 and sv <= 0.05 * fw)
        elif k == "network-return-loss":
            sv = S["server"][fn]["packetsFromService"]
            fw = S["firewall"][fn]["packetsFromService"]
            c.update(packetsFromService={"server": sv, "firewall": fw}, ok=sv > 0 and fw <= 0.05 * sv)
        elif k == "network-loss":
            a = rate("server", fn, "retransmissions", dur) + rate("firewall", fn, "retransmissions", dur)
            b = rate("server", base, "retransmissions", bdur) + rate("firewall", base, "retransmissions", bdur)
            lost = S["firewall"][fn]["packetsToService"] - S["server"][fn]["packetsToService"]
            c.update(retransmissionsPerS={"before": round(b, 2), "during": round(a, 2)},
                     clientPacketsLostFirewallToServer=lost, ok=lost > 0 and a > b)
            # (was a > 2 * b until 10:01: after a first fault the baseline segment may still
            # carry its retransmissions -- holdout 2020 was discarded by that)
        elif k == "clients-stop":
            n = S["firewall"][fn]["synToService"]
            c.update(firewallSynToService=n, ok=n <= 3)  # a retry timer set just before the pause may still fire
        checks.append(c)
    if not lab["faults"]:
        cs = client_stats or {}
        bad = cs.get("timeout", 0) + cs.get("error", 0)
        checks.append({"fault": None, "kind": "healthy", "clientFailures": bad, "started": cs.get("started"),
                       "ok": bad <= 0.01 * max(1, cs.get("started", 1))})
    invisible = [f"{c['kind']} not visible ({ {k: v for k, v in c.items() if k not in ('fault', 'kind', 'ok')} })"
                 for c in checks if not c["ok"]]
    problems_all = problems + invisible

    # ------------------------------------------------------------ files: skew + compress
    os.makedirs(out, exist_ok=True)
    sk = spec["skews"]
    files = {}
    for name, kind, tz, skew in (("stunnel.log", "stunnel", spec["stunnelTz"], sk["stunnelLog"]),
                                 ("access.log", "access", None, sk["nginxLog"]),
                                 ("error.log", "error", spec["nginxTz"], sk["nginxLog"])):
        tmp = os.path.join(run, name + ".skewed")
        shift_logs(os.path.join(L, name), tmp, kind, tz, skew)
        if os.path.getsize(tmp) > LOG_GZIP_OVER:
            gz(tmp, os.path.join(out, name + ".gz"))
            files[name] = name + ".gz"
        else:
            shutil.copy(tmp, os.path.join(out, name))
            files[name] = name
    gz(os.path.join(L, "clients.jsonl"), os.path.join(out, "clients.jsonl.gz"))
    srv_skew = sk["serverCapture"]
    subprocess.run(["editcap", "-t", f"{srv_skew:.9f}", os.path.join(run, "server.pcap"), os.path.join(run, "server.sk.pcap")], check=True)
    subprocess.run(["editcap", "-F", "pcapng", "-t", f"{srv_skew:.9f}", os.path.join(run, "loopback.pcap"), os.path.join(run, "loopback.sk.pcapng")], check=True)
    gz(os.path.join(run, "firewall.pcap"), os.path.join(out, "firewall.pcap.gz"))
    gz(os.path.join(run, "server.sk.pcap"), os.path.join(out, "server.pcap.gz"))
    gz(os.path.join(run, "loopback.sk.pcapng"), os.path.join(out, "loopback.pcapng.gz"))
    # the shifted captures must read back, shifted by exactly the skew
    for v, f, raw in (("server", "server.pcap.gz", "server.pcap"), ("loopback", "loopback.pcapng.gz", "loopback.pcap")):
        a = subprocess.run(["capinfos", "-a", "-S", "-M", "-r", "-T", os.path.join(out, f)], capture_output=True, text=True).stdout.split("\t")
        b = subprocess.run(["capinfos", "-a", "-S", "-M", "-r", "-T", os.path.join(run, raw)], capture_output=True, text=True).stdout.split("\t")
        try:
            d = float(a[-1]) - float(b[-1])
            if abs(d - srv_skew) > 1e-3:
                problems_all.append(f"{v} shift {d} != {srv_skew}")
        except (ValueError, IndexError):
            problems_all.append(f"capinfos could not read {f}")

    # ------------------------------------------------------------ alibi.json / truth.json
    alibi = {
        "interval": "1s",
        "captures": [{"file": "firewall.pcap.gz", "vantage": "firewall"},
                     {"file": "server.pcap.gz", "vantage": "server"},
                     {"file": "loopback.pcapng.gz", "vantage": "loopback"}],
        "logs": [{"file": files["stunnel.log"], "component": "stunnel", "timezone": spec["stunnelTz"]},
                 {"file": files["access.log"], "component": "backend"},
                 {"file": files["error.log"], "component": "backend", "timezone": spec["nginxTz"]}],
        "services": [{"component": "stunnel", "host": "10.0.2.2", "port": sport},
                     {"component": "backend", "host": "127.0.0.1", "port": bport}],
        "path": ["firewall", "server"],
    }
    with open(os.path.join(out, "alibi.json"), "w") as fh:
        json.dump(alibi, fh, indent=2)
        fh.write("\n")
    faults = []
    for f in lab["faults"]:
        culprit = CULPRITS[f["kind"]]
        a = ACTIONS[f["kind"]].replace("SPORT", str(sport)).replace("UPORT", str(spec["upstreamPort"]))
        a = a.replace("LOSS", str(spec["loss"]))
        faults.append({"kind": f["kind"], "start": f["start"], "end": f["end"],
                       "duration": round(ts(f["end"]) - ts(f["start"]), 6), "culprit": culprit, "action": a,
                       **({"stops": f["stops"]} if "stops" in f else {}),
                       **({"lossProbability": spec["loss"]} if f["kind"] == "network-loss" else {})})
    settings = {k: spec[k] for k in ("healthy_s", "faultLengthsDrawn_s", "faultLengths_s", "gap_s", "recovery_s",
                                     "nominal_s", "lengthCappedToRunCap", "runCap_s", "loss", "somaxconn",
                                     "stunnelPort", "backendPort", "upstreamPort", "stunnelTz", "nginxTz",
                                     "rateDrawn", "rate", "requestBudget", "keepalive", "timeoutMs")}
    settings.update({"faultKinds": [f["kind"] for f in lab["faults"]], "faultCap_s": lab.get("faultCap_s"),
                     "appliedFaultLengths_s": lab.get("appliedLengths_s"), "snaplen": 96,
                     "clientRetries": 2, "clientMaxReuse": 20, "sources": "10.0.1.10-29",
                     "nginxLayout": "stunnel -> nginx 127.0.0.1:backendPort -> proxy_pass slow_app.py 127.0.0.1:upstreamPort",
                     "stunnelDebug": 5, "slot": lab.get("slot")})
    truth = {
        "seed": spec["seed"], "set": spec["set"],
        "kind": lab.get("kind") or spec["kind"],
        "faults": faults,
        "nominalWindow": lab["nominal"],
        "settings": settings,
        "skews": {"stunnelLog": sk["stunnelLog"], "nginxLog": sk["nginxLog"], "serverCapture": srv_skew,
                  "loopbackCapture": srv_skew,
                  "note": "seconds added to true time in the committed file (firewall capture and clients.jsonl are "
                          "true time); the loopback capture was taken on the server host, so it carries the server "
                          "capture's skew; stunnelLog applies to stunnel.log, nginxLog to access.log and error.log"},
        "load": {"start": lab["loadStart"], "end": lab["loadEnd"]},
        "clientStats": client_stats,
        "tcpdump": drops,
        "labHealth": health,
        "faultChecks": checks,
        "files": {"captures": {"firewall": "firewall.pcap.gz", "server": "server.pcap.gz",
                               "loopback": "loopback.pcapng.gz"},
                  "logs": files, "clients": "clients.jsonl.gz"},
        "segments": [{"name": n, "start": iso(s), "end": iso(e)} for n, s, e in segs],
        "counts": {"note": "true time, raw files before the skews; service = the stunnel port (firewall, server) "
                           "or the backend port (loopback); 'after' runs to load end + 30 s",
                   "captures": caps, "logs": logs},
        "generatedBy": "captures/lab/generate.sh " + f"{spec['seed']} {spec['set']}",
        "countedBy": subprocess.run(["tshark", "--version"], capture_output=True, text=True).stdout.splitlines()[0],
    }
    with open(os.path.join(out, "truth.json"), "w") as fh:
        json.dump(truth, fh, indent=1)
        fh.write("\n")
    # short human line
    summ = "; ".join(f"{c['kind']}: " + ", ".join(f"{k}={v}" for k, v in c.items() if k not in ("fault", "kind", "ok"))
                     for c in checks)
    if problems_all:
        open(os.path.join(run, "outcome.txt"), "w").write("; ".join(problems_all))
        print("DISCARD:", "; ".join(problems_all), file=sys.stderr)
        print(json.dumps(checks, indent=1), file=sys.stderr)
        sys.exit(3)
    open(os.path.join(run, "outcome.txt"), "w").write(summ)
    print("OK:", summ)


if __name__ == "__main__":
    main()
