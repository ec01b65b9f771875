#!/usr/bin/env python3
"""Write truth.json and alibi.json for one lab scenario, from the run's facts (lab.json)
and from tshark's reading of the captures; or, with --table, print the README table
from every captures/*/truth.json.

    summarize.py RUN/lab.json captures/<scenario>
    summarize.py --table captures
"""
import datetime as dt
import gzip
import json
import os
import re
import subprocess
import sys
from zoneinfo import ZoneInfo

CULPRITS = {
    "healthy": None,
    "stunnel-freeze": {"component": "stunnel", "kind": "application"},
    "stunnel-freeze-bigqueue": {"component": "stunnel", "kind": "application"},
    "app-freeze": {"component": "backend", "kind": "application"},
    "app-slow": {"component": "backend", "kind": "application"},
    "network-drop": {"component": "network:firewall->server", "kind": "network"},
    "network-loss": {"component": "network:firewall->server", "kind": "network"},
    "clients-stop": {"component": "clients", "kind": "clients"},
}
ACTIONS = {
    "healthy": "none (the window is nominal: where the other scenarios put their fault)",
    "stunnel-freeze": "kill -STOP <stunnel pid> ... kill -CONT (server netns net.core.somaxconn=128)",
    "stunnel-freeze-bigqueue": "kill -STOP <stunnel pid> ... kill -CONT (server netns net.core.somaxconn=4096)",
    "app-freeze": "kill -STOP <nginx master and worker pids> ... kill -CONT",
    "app-slow": "nginx's upstream (slow_app.py on 127.0.0.1:8081) delays every response by 3-8 s",
    "network-drop": "firewall netns: iptables -I FORWARD -i fw-c -o fw-s -d 10.0.2.2 -j DROP ... -D",
    "network-loss": "firewall netns: iptables -I FORWARD -m statistic --mode random --probability {loss} -j DROP (both directions) ... -D",
    "clients-stop": "SIGUSR1 to the load generator (it stops sending and closes idle connections) ... SIGUSR2",
}
CAPTURES = [
    ("firewall", "firewall.pcap", "firewall netns, fw-c (client-facing side, before the FORWARD chain)", "pcap", "us"),
    ("server", "server.pcap", "server netns, srv0 (external interface)", "pcap", "ns"),
    ("loopback", "loopback.pcapng", "server netns, lo, tcp port 8080 (stunnel -> nginx)", "pcapng", "us"),
]
SERVER_PORTS = {443, 8080}


def ts(s):
    return dt.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()


def iso(t):
    return dt.datetime.fromtimestamp(t, dt.timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def phase_of(t, fs, fe):
    return "before" if t < fs else ("during" if t < fe else "after")


def tshark_rows(path, *args):
    out = subprocess.run(["tshark", "-n", "-r", path, *args], capture_output=True, text=True, check=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def flag(v):
    return v in ("1", "True", "true")


def capture_counts(path, fs, fe, durations):
    rows = tshark_rows(path, "-T", "fields", "-e", "frame.time_epoch", "-e", "frame.len", "-e", "tcp.srcport",
                       "-e", "tcp.flags.syn", "-e", "tcp.flags.ack", "-e", "tcp.flags.reset", "-e", "tcp.len")
    retrans = [float(r[0]) for r in tshark_rows(path, "-Y", "tcp.analysis.retransmission", "-T", "fields",
                                                 "-e", "frame.time_epoch")]
    z = lambda: {"packets": 0, "bytes": 0, "payload": 0, "rst": 0, "rstByServer": 0, "rstByClient": 0,
                 "synOnly": 0, "synAck": 0, "retransmissions": 0}
    ph = {"before": z(), "during": z(), "after": z()}
    tot = z()
    first = last = None
    for r in rows:
        t = float(r[0])
        first = t if first is None else min(first, t)
        last = t if last is None else max(last, t)
        for d in (ph[phase_of(t, fs, fe)], tot):
            d["packets"] += 1
            d["bytes"] += int(r[1])
            d["payload"] += int(r[6] or 0)
            syn, ack, rst = flag(r[3]), flag(r[4]), flag(r[5])
            if rst:
                d["rst"] += 1
                d["rstByServer" if int(r[2] or 0) in SERVER_PORTS else "rstByClient"] += 1
            if syn and not ack:
                d["synOnly"] += 1
            if syn and ack:
                d["synAck"] += 1
    for t in retrans:
        ph[phase_of(t, fs, fe)]["retransmissions"] += 1
        tot["retransmissions"] += 1
    for k, d in ph.items():
        d["seconds"] = round(durations[k], 3)
        d["bytesPerSecond"] = round(d["bytes"] / durations[k]) if durations[k] > 0 else None
        d["packetsPerSecond"] = round(d["packets"] / durations[k], 1) if durations[k] > 0 else None
    return {"packets": tot["packets"], "bytes": tot["bytes"], "rst": tot["rst"], "synOnly": tot["synOnly"],
            "synAck": tot["synAck"], "retransmissions": tot["retransmissions"],
            "first": iso(first) if first else None, "last": iso(last) if last else None, "phases": ph}


def log_phase(t, coarse, fs, fe):
    if not coarse:
        return phase_of(t, fs, fe)
    return "before" if t < fs else ("after" if t + 1 > fe else "during")


STUNNEL_RE = re.compile(r"^(\d{4})\.(\d\d)\.(\d\d) (\d\d):(\d\d):(\d\d) ")
ERROR_RE = re.compile(r"^(\d{4})/(\d\d)/(\d\d) (\d\d):(\d\d):(\d\d) ")


def local(m, tz):
    return dt.datetime(*map(int, m.groups()), tzinfo=ZoneInfo(tz)).timestamp()


def log_counts(path, kind, tz, fs, fe, durations):
    stamps, extra = [], {"before": {}, "during": {}, "after": {}}
    unparsed = 0
    opener = gzip.open if path.endswith(".gz") else open
    # Lines stamped to the second (all but the clients' record) happened somewhere in
    # [stamp, stamp+1): "during" counts only lines whose whole second lies in the fault
    # window; the seconds that straddle its edges count as before / after.
    coarse = kind != "clients"
    with opener(path, "rt", encoding="utf-8", errors="replace") as f:
        for line in f:
            t = None
            key = None
            if kind == "stunnel":
                m = STUNNEL_RE.match(line)
                if m:
                    t = local(m, tz)
                    for pat, name in (("accepted connection", "accepted"), ("Connection reset", "connectionReset"),
                                      ("Connection closed", "connectionClosed"), ("connect_blocking", "connectTimeout"),
                                      ("SSL_accept", "tlsErrors")):
                        if pat in line:
                            key = name
            elif kind == "access":
                tok = line.split(" ", 1)[0]
                try:
                    t = dt.datetime.fromisoformat(tok).timestamp()
                    key = "status" + line.split('"')[2].split()[0]
                except (ValueError, IndexError):
                    t = None
            elif kind == "error":
                m = ERROR_RE.match(line)
                if m:
                    t = local(m, tz)
                    key = line[20:].split("]", 1)[0].strip("[ ")  # level
            elif kind == "clients":
                rec = json.loads(line)
                if "outcome" in rec:
                    t = ts(rec["t"])
                    key = rec["outcome"]
            if t is None:
                unparsed += 1
                continue
            stamps.append(t)
            if key:
                e = extra[log_phase(t, coarse, fs, fe)]
                e[key] = e.get(key, 0) + 1
    stamps.sort()
    counts = {k: 0 for k in ("before", "during", "after")}
    for t in stamps:
        counts[log_phase(t, coarse, fs, fe)] += 1
    gap = None
    for a, b in zip(stamps, stamps[1:]):
        if gap is None or b - a > gap[1] - gap[0]:
            gap = (a, b)
    res = {"lines": len(stamps) + unparsed, "timestamped": len(stamps), "first": iso(stamps[0]) if stamps else None,
           "last": iso(stamps[-1]) if stamps else None,
           "phases": {k: {"lines": counts[k],
                          "perSecond": round(counts[k] / durations[k], 2) if durations[k] > 0 else None,
                          **({"kinds": extra[k]} if extra[k] else {})} for k in counts},
           "longestGap": {"start": iso(gap[0]), "end": iso(gap[1]), "seconds": round(gap[1] - gap[0], 3)} if gap else None}
    return res


def lab_health(lab, logs):
    """The clients' own record has a line every ~0.2 s; a gap of seconds outside the
    fault means the machine itself stalled (the load generator could not run)."""
    fs, fe = ts(lab["faultStart"]), ts(lab["faultEnd"])
    gap = logs["clients"]["longestGap"]
    h = {"memoryStallSeconds": lab.get("memoryStallSeconds"), "clientsLongestGap": gap}
    outside = gap and (ts(gap["end"]) <= fs or ts(gap["start"]) >= fe)
    h["ok"] = not ((lab.get("memoryStallSeconds") or 0) > 1 or (outside and gap["seconds"] > 3))
    if not h["ok"]:
        print(f"WARNING: the machine stalled during the run ({h}); rerun this scenario", file=sys.stderr)
    return h


def summarize(lab_path, out):
    lab = json.load(open(lab_path))
    scen = lab["scenario"]
    s = lab["settings"]
    fs, fe = ts(lab["faultStart"]), ts(lab["faultEnd"])
    ls, le = ts(lab["loadStart"]), ts(lab["loadEnd"])
    durations = {"before": fs - ls, "during": fe - fs, "after": le - fe}
    caps = {}
    for vantage, file, where, fmt, res in CAPTURES:
        c = capture_counts(os.path.join(out, file), fs, fe, durations)
        caps[vantage] = {"file": file, "format": fmt, "tsResolution": res, "where": where,
                         "tcpdumpDropped": lab["tcpdump"].get(vantage) or None, **c}
    logs = {
        "stunnel": {"file": "stunnel.log", "timezone": s["stunnelTz"], "note": "local time without offset, 1 s",
                    **log_counts(os.path.join(out, "stunnel.log"), "stunnel", s["stunnelTz"], fs, fe, durations)},
        "backend": {"file": "access.log", "timezone": None, "note": "nginx $time_iso8601 (carries its offset), 1 s",
                    **log_counts(os.path.join(out, "access.log"), "access", None, fs, fe, durations)},
        "backendErrors": {"file": "error.log", "timezone": s["nginxTz"], "note": "nginx error log, local time without offset, 1 s",
                          **log_counts(os.path.join(out, "error.log"), "error", s["nginxTz"], fs, fe, durations)},
        "clients": {"file": "clients.jsonl.gz", "timezone": "UTC", "note": "the load generator's own record, one line per finished request (ms)",
                    **log_counts(os.path.join(out, "clients.jsonl.gz"), "clients", None, fs, fe, durations)},
    }
    healthy = scen == "healthy"
    truth = {
        "scenario": scen,
        "fault": None if healthy else {"start": lab["faultStart"], "end": lab["faultEnd"],
                                       "duration": round(fe - fs, 6), "action": ACTIONS[scen].format(loss=s["loss"])},
        "culprit": CULPRITS[scen],
        "nominalWindow": {"start": lab["faultStart"], "end": lab["faultEnd"]} if healthy else None,
        "load": {"start": lab["loadStart"], "end": lab["loadEnd"], "ratePerSecond": s["rate"],
                 "keepAliveShare": s["keepalive"], "clientTimeoutMs": s["timeout_ms"], "clientStats": lab["clientStats"]},
        "server": {"somaxconn": s["somaxconn"], "stunnelTimezone": s["stunnelTz"], "nginxTimezone": s["nginxTz"]},
        "phases": {"before": {"start": lab["loadStart"], "end": lab["faultStart"]},
                   "during": {"start": lab["faultStart"], "end": lab["faultEnd"]},
                   "after": {"start": lab["faultEnd"], "end": lab["loadEnd"],
                             "note": "packets and lines after the load ended (closing handshakes) count here too"}},
        "captures": caps,
        "logs": logs,
        "labHealth": lab_health(lab, logs),
        "countedBy": "captures/lab/summarize.py with " + subprocess.run(["tshark", "--version"], capture_output=True,
                                                                        text=True).stdout.splitlines()[0],
    }
    if healthy:
        truth["phases"]["note"] = "healthy has no fault; before/during/after use the nominal window"
    json.dump(truth, open(os.path.join(out, "truth.json"), "w"), indent=2)
    open(os.path.join(out, "truth.json"), "a").write("\n")
    alibi = {
        "interval": "1s",
        "captures": [{"file": "firewall.pcap", "vantage": "firewall"}, {"file": "server.pcap", "vantage": "server"},
                     {"file": "loopback.pcapng", "vantage": "loopback"}],
        "logs": [{"file": "stunnel.log", "component": "stunnel", "timezone": s["stunnelTz"]},
                 {"file": "access.log", "component": "backend"}],
        "services": [{"component": "stunnel", "host": "10.0.2.2", "port": 443},
                     {"component": "backend", "host": "127.0.0.1", "port": 8080}],
        "path": ["firewall", "server"],
    }
    with open(os.path.join(out, "alibi.json"), "w") as f:
        json.dump(alibi, f, indent=2)
        f.write("\n")
    print_summary(truth)


def kb(x):
    return "-" if x is None else f"{x / 1000:.1f}"


def print_summary(t):
    print(f"== {t['scenario']}  fault {t['fault'] and (t['fault']['start'] + ' .. ' + t['fault']['end'])}")
    for v, c in t["captures"].items():
        p = c["phases"]
        print(f"  {v:9s} pkts {c['packets']:6d}  kB/s {kb(p['before']['bytesPerSecond'])}/{kb(p['during']['bytesPerSecond'])}/"
              f"{kb(p['after']['bytesPerSecond'])}  rst {p['before']['rst']}/{p['during']['rst']}/{p['after']['rst']}"
              f"  synOnly {p['before']['synOnly']}/{p['during']['synOnly']}/{p['after']['synOnly']}"
              f"  synAck {p['before']['synAck']}/{p['during']['synAck']}/{p['after']['synAck']}"
              f"  retrans {p['before']['retransmissions']}/{p['during']['retransmissions']}/{p['after']['retransmissions']}")
    for k, l in t["logs"].items():
        p = l["phases"]
        g = l["longestGap"]
        print(f"  {k:13s} lines {p['before']['lines']}/{p['during']['lines']}/{p['after']['lines']}"
              f"  longest gap {g and g['seconds']} s ({g and g['start'][11:19]}..{g and g['end'][11:19]})")
        for ph in ("before", "during", "after"):
            if p[ph].get("kinds"):
                print(f"      {ph}: {p[ph]['kinds']}")


def table(root):
    rows = []
    for name in sorted(os.listdir(root)):
        p = os.path.join(root, name, "truth.json")
        if not os.path.exists(p):
            continue
        t = json.load(open(p))
        f, s = t["captures"]["firewall"]["phases"], t["captures"]["server"]["phases"]
        lo = t["captures"]["loopback"]["phases"]
        lg = t["logs"]
        def trio(ph, key, fmt=str):
            return "/".join(fmt(ph[k][key]) for k in ("before", "during", "after"))
        def gap(l):
            g = l["longestGap"]
            return f"{g['seconds']:.0f}" if g else "-"
        size = sum(os.path.getsize(os.path.join(root, name, x)) for x in os.listdir(os.path.join(root, name)))
        rows.append(f"| `{name}` | {t['fault']['duration']:.1f} s |" if t["fault"] else f"| `{name}` | - |")
        rows[-1] += (f" {trio(f, 'bytesPerSecond', kb)} | {trio(s, 'bytesPerSecond', kb)} | {trio(lo, 'bytesPerSecond', kb)} |"
                     f" {trio(f, 'rst')} | {trio(s, 'rst')} | {trio(f, 'synOnly')} | {trio(s, 'synAck')} |"
                     f" {trio(lg['stunnel']['phases'], 'perSecond')} ({gap(lg['stunnel'])}) |"
                     f" {trio(lg['backend']['phases'], 'perSecond')} ({gap(lg['backend'])}) | {size / 1e6:.2f} MB |")
    print("| scenario | fault | firewall kB/s | server kB/s | loopback kB/s | firewall RST | server RST |"
          " firewall SYN-only | server SYN-ACK | stunnel log lines/s (longest gap s) | access log lines/s (longest gap s) | size |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    if sys.argv[1] == "--table":
        table(sys.argv[2])
    else:
        summarize(sys.argv[1], sys.argv[2])
