#!/usr/bin/env bash
# pcap-alibi outage lab: one command per scenario.
#
#   sudo captures/lab/run.sh <scenario> [healthy_s fault_s recovery_s]
#
# Builds clients (10.0.1.0/24) -> firewall (router ns) -> server (10.0.2.2) with
# network namespaces and veth pairs; on the server stunnel4 terminates TLS on
# :443 and forwards to nginx on 127.0.0.1:8080. A bounded HTTPS load runs for
# healthy+fault+recovery seconds; the fault is applied in the middle. tcpdump
# captures at the firewall (client-facing side), at the server's external
# interface and on the server's loopback; stunnel's and nginx's logs are kept.
# Results go to captures/<scenario>/ (replaced), with alibi.json and truth.json.
set -euo pipefail

SCENARIOS="healthy stunnel-freeze stunnel-freeze-bigqueue app-freeze app-slow network-drop network-loss clients-stop"
usage() { echo "usage: $0 <scenario> [healthy_s fault_s recovery_s]"; echo "scenarios: $SCENARIOS"; exit 2; }
[[ $# -ge 1 ]] || usage
SCEN=$1
[[ " $SCENARIOS " == *" $SCEN "* ]] || usage
# Defaults: 50 s healthy, 50 s fault, 50 s recovery at 5 req/s. app-freeze makes ~3x the
# packets of the others during its fault (every retry completes TCP+TLS), so it runs
# 40/40/40 at 4 req/s to stay under 3 MB.
if [[ $SCEN == app-freeze ]]; then D=40 DEF_RATE=4; else D=50 DEF_RATE=5; fi
HEALTHY_S=${2:-$D}
FAULT_S=${3:-$D}
RECOVERY_S=${4:-$D}
RATE=${RATE:-$DEF_RATE}         # requests per second (open loop)
KEEPALIVE=${KEEPALIVE:-0.8}     # share of requests sent on a kept-alive connection
TIMEOUT_MS=${TIMEOUT_MS:-5000}  # client timeout, then RST (80 %) or FIN, and retry
LOSS=${LOSS:-0.2}               # network-loss: drop probability per forwarded packet
STUNNEL_TZ=${STUNNEL_TZ:-America/New_York}
NGINX_TZ=${NGINX_TZ:-Asia/Kolkata}
SNAPLEN=128

[[ $EUID -eq 0 ]] || { echo "needs root (namespaces, tcpdump)"; exit 1; }
for t in ip stunnel4 nginx tcpdump tshark editcap capinfos node python3 openssl; do
  command -v "$t" >/dev/null || { echo "missing $t (apt-get install stunnel4 nginx tcpdump tshark iproute2 iptables nodejs)"; exit 1; }
done
IPT=iptables-legacy
command -v $IPT >/dev/null || IPT=iptables

LAB=$(cd "$(dirname "$0")" && pwd)
OUT=$(dirname "$LAB")/$SCEN
RUN=$(mktemp -d /tmp/alibi-lab.XXXXXX)
chmod 755 "$RUN"
NS_C=alibi-cli NS_F=alibi-fw NS_S=alibi-srv
PIDS=()          # every process we started, stopped by pid in cleanup
STOPPED=()       # processes we SIGSTOPped (to SIGCONT on abort)

now() { date -u +%Y-%m-%dT%H:%M:%S.%6NZ; }
say() { echo "[$(date -u +%H:%M:%S)] $*"; }
in_c() { ip netns exec $NS_C "$@"; }
in_f() { ip netns exec $NS_F "$@"; }
in_s() { ip netns exec $NS_S "$@"; }

cleanup() {
  set +e
  for p in "${STOPPED[@]}"; do kill -CONT "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
  sleep 0.5
  for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
  for ns in $NS_C $NS_F $NS_S; do ip netns del $ns 2>/dev/null; done
  [[ -n "${KEEP_RUN:-}" ]] || rm -rf "$RUN"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- topology
for ns in $NS_C $NS_F $NS_S; do ip netns del $ns 2>/dev/null || true; ip netns add $ns; done
ip link add cli0 netns $NS_C type veth peer name fw-c netns $NS_F
ip link add fw-s netns $NS_F type veth peer name srv0 netns $NS_S
in_c ip addr add 10.0.1.2/24 dev cli0
for i in $(seq 10 29); do in_c ip addr add 10.0.1.$i/24 dev cli0; done   # 20 client hosts
in_f ip addr add 10.0.1.1/24 dev fw-c
in_f ip addr add 10.0.2.1/24 dev fw-s
in_s ip addr add 10.0.2.2/24 dev srv0
for ns in $NS_C $NS_F $NS_S; do ip -n $ns link set lo up; done
in_c ip link set cli0 up; in_f ip link set fw-c up; in_f ip link set fw-s up; in_s ip link set srv0 up
in_c ip route add default via 10.0.1.1
in_s ip route add default via 10.0.2.1
in_f sysctl -qw net.ipv4.ip_forward=1
# The accept queue: 128 was Linux's default before 5.4 (and still is on many boxes); 4096 since.
SOMAXCONN=4096
[[ $SCEN == stunnel-freeze ]] && SOMAXCONN=128
in_s sysctl -qw net.core.somaxconn=$SOMAXCONN

# ---------------------------------------------------------------- server programs
mkdir -p "$RUN/logs" "$RUN/www" "$RUN/nginx"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=app.lab \
  -keyout "$RUN/key.pem" -out "$RUN/cert.pem" 2>/dev/null
python3 - "$RUN/www/index.html" <<'PY'
import sys
open(sys.argv[1], "w").write("<!doctype html><title>alibi lab app</title><p>" + "x" * 1900 + "</p>\n")
PY
if [[ $SCEN == app-slow ]]; then
  LOCATION="proxy_pass http://127.0.0.1:8081; proxy_read_timeout 30s;"
else
  LOCATION="index index.html;"
fi
cat > "$RUN/nginx/nginx.conf" <<NGX
user root;
worker_processes 1;
pid $RUN/nginx/nginx.pid;
error_log $RUN/logs/error.log info;
events { worker_connections 1024; }
http {
  log_format lab '\$time_iso8601 \$remote_addr:\$remote_port "\$request" \$status \$body_bytes_sent '
                 '\$request_time "\$upstream_response_time" \$connection \$connection_requests';
  access_log $RUN/logs/access.log lab;
  default_type text/html;
  keepalive_timeout 65s;
  client_body_temp_path $RUN/nginx/body;
  proxy_temp_path $RUN/nginx/proxy;
  fastcgi_temp_path $RUN/nginx/fastcgi;
  uwsgi_temp_path $RUN/nginx/uwsgi;
  scgi_temp_path $RUN/nginx/scgi;
  server {
    listen 127.0.0.1:8080;
    root $RUN/www;
    location / { $LOCATION }
  }
}
NGX
cat > "$RUN/stunnel.conf" <<STN
foreground = quiet
pid =
output = $RUN/logs/stunnel.log
debug = 5
[https]
accept = 10.0.2.2:443
connect = 127.0.0.1:8080
cert = $RUN/cert.pem
key = $RUN/key.pem
STN

# ---------------------------------------------------------------- captures (before anything talks)
ip netns exec $NS_F tcpdump -i fw-c -s $SNAPLEN -U -Z root -w "$RUN/firewall.pcap" tcp 2>"$RUN/tcpdump-firewall.txt" & PIDS+=($!); TD_F=$!
ip netns exec $NS_S tcpdump -i srv0 -s $SNAPLEN -U -Z root --time-stamp-precision=nano -w "$RUN/server.pcap" tcp 2>"$RUN/tcpdump-server.txt" & PIDS+=($!); TD_S=$!
ip netns exec $NS_S tcpdump -i lo -s $SNAPLEN -U -Z root -w "$RUN/loopback.pcap" tcp port 8080 2>"$RUN/tcpdump-loopback.txt" & PIDS+=($!); TD_L=$!
sleep 1.5

if [[ $SCEN == app-slow ]]; then
  ip netns exec $NS_S python3 "$LAB/slow_app.py" 8081 "$RUN/slow" & PIDS+=($!)
fi
ip netns exec $NS_S env TZ=$NGINX_TZ nginx -p "$RUN/nginx" -c "$RUN/nginx/nginx.conf" -e "$RUN/logs/error.log" -g 'daemon off;' & PIDS+=($!); NGINX=$!
ip netns exec $NS_S env TZ=$STUNNEL_TZ stunnel4 "$RUN/stunnel.conf" & PIDS+=($!); STUNNEL=$!
sleep 1.5
kill -0 $NGINX && kill -0 $STUNNEL || { echo "server programs did not start"; cat "$RUN/logs/"*; exit 1; }
say "listeners in server ns (Send-Q = accept backlog):"
in_s ss -ltn | sed 's/^/    /'

# ---------------------------------------------------------------- load + fault
# Whole-machine stalls (seen once: ~9 s when memory was reclaimed under the VM) would
# put a silence everywhere that is not the scenario's; PSI "full" time is recorded to tell.
psi_full() { awk '/^full/ {sub("total=","",$5); print $5}' /proc/pressure/memory 2>/dev/null || echo 0; }
PSI0=$(psi_full)
TOTAL=$((HEALTHY_S + FAULT_S + RECOVERY_S))
LOAD_START=$(now)
ip netns exec $NS_C node "$LAB/client.js" --host 10.0.2.2 --port 443 --rate $RATE --duration $TOTAL \
  --timeout $TIMEOUT_MS --keepalive $KEEPALIVE --sources 10.0.1.10-29 --log "$RUN/logs/clients.jsonl" \
  2>"$RUN/client-stats.json" & PIDS+=($!); CLIENT=$!
say "$SCEN: load started ($RATE req/s, ${HEALTHY_S}s healthy, ${FAULT_S}s fault, ${RECOVERY_S}s recovery)"
sleep "$HEALTHY_S"

nginx_pids() { echo $NGINX $(pgrep -P $NGINX); }
apply_fault() {
  case $SCEN in
    healthy) ;;
    stunnel-freeze|stunnel-freeze-bigqueue) kill -STOP $STUNNEL; STOPPED+=($STUNNEL) ;;
    app-freeze) for p in $NGX_PIDS; do kill -STOP $p; STOPPED+=($p); done ;;
    app-slow) touch "$RUN/slow" ;;
    network-drop) in_f $IPT -I FORWARD -i fw-c -o fw-s -d 10.0.2.2 -j DROP ;;
    network-loss) in_f $IPT -I FORWARD -m statistic --mode random --probability $LOSS -j DROP ;;
    clients-stop) kill -USR1 $CLIENT ;;
  esac
}
remove_fault() {
  case $SCEN in
    healthy) ;;
    stunnel-freeze|stunnel-freeze-bigqueue) kill -CONT $STUNNEL; STOPPED=() ;;
    app-freeze) for p in $NGX_PIDS; do kill -CONT $p; done; STOPPED=() ;;
    app-slow) rm -f "$RUN/slow" ;;
    network-drop) in_f $IPT -D FORWARD -i fw-c -o fw-s -d 10.0.2.2 -j DROP ;;
    network-loss) in_f $IPT -D FORWARD -m statistic --mode random --probability $LOSS -j DROP ;;
    clients-stop) kill -USR2 $CLIENT ;;
  esac
}
NGX_PIDS=$(nginx_pids)   # master first: it must not see its worker stop
iso_of() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%S.%6NZ; }
# Clock readings: bash's $EPOCHREALTIME (no fork) immediately before the action. A
# date(1) after the action can be late by 0.4 s when the resumed stunnel takes both CPUs.
T=$EPOCHREALTIME; apply_fault; FAULT_START=$(iso_of "$T")
say "fault applied at $FAULT_START"
if [[ $SCEN == stunnel-freeze* ]]; then
  # accept queue of stunnel's listener while frozen (Recv-Q = queued, Send-Q = backlog)
  ( for i in 5 10 20 30 40; do sleep 5; [[ $i -ge 20 ]] && sleep 5; in_s ss -ltn 'sport = :443' 2>/dev/null | tail -n +2 | sed "s/^/    [+${i}s] /"; done ) &
fi
sleep "$FAULT_S"
[[ $SCEN == network-* ]] && in_f $IPT -L FORWARD -v -n | sed 's/^/    /'
T=$EPOCHREALTIME; remove_fault; FAULT_END=$(iso_of "$T")
say "fault removed at $FAULT_END"
sleep "$RECOVERY_S"
wait $CLIENT || true
LOAD_END=$(now)
PSI1=$(psi_full)
sleep 2
for p in $TD_F $TD_S $TD_L; do kill -INT $p; done
wait $TD_F $TD_S $TD_L 2>/dev/null || true
kill -TERM $STUNNEL; kill -QUIT $NGINX; sleep 1

# ---------------------------------------------------------------- results
rm -rf "$OUT"; mkdir -p "$OUT"
cp "$RUN/firewall.pcap" "$RUN/server.pcap" "$OUT/"
editcap -F pcapng "$RUN/loopback.pcap" "$OUT/loopback.pcapng"
cp "$RUN/logs/stunnel.log" "$RUN/logs/access.log" "$RUN/logs/error.log" "$OUT/"
gzip -9c "$RUN/logs/clients.jsonl" > "$OUT/clients.jsonl.gz"
cat > "$RUN/lab.json" <<JSON
{"scenario": "$SCEN", "faultStart": "$FAULT_START", "faultEnd": "$FAULT_END",
 "loadStart": "$LOAD_START", "loadEnd": "$LOAD_END",
 "settings": {"healthy_s": $HEALTHY_S, "fault_s": $FAULT_S, "recovery_s": $RECOVERY_S, "rate": $RATE,
   "keepalive": $KEEPALIVE, "timeout_ms": $TIMEOUT_MS, "somaxconn": $SOMAXCONN, "loss": $LOSS,
   "stunnelTz": "$STUNNEL_TZ", "nginxTz": "$NGINX_TZ", "snaplen": $SNAPLEN},
 "memoryStallSeconds": $(awk -v a="${PSI0:-0}" -v b="${PSI1:-0}" 'BEGIN {printf "%.3f", (b - a) / 1e6}'),
 "clientStats": $(tail -n 1 "$RUN/client-stats.json" || echo null),
 "tcpdump": {"firewall": "$(grep -h 'dropped by kernel' "$RUN/tcpdump-firewall.txt" | tr -d '\n')",
             "server": "$(grep -h 'dropped by kernel' "$RUN/tcpdump-server.txt" | tr -d '\n')",
             "loopback": "$(grep -h 'dropped by kernel' "$RUN/tcpdump-loopback.txt" | tr -d '\n')"}}
JSON
cp "$RUN/lab.json" "$OUT/lab.json"
python3 "$LAB/summarize.py" "$OUT/lab.json" "$OUT"
du -sh "$OUT"
say "done: $OUT"
