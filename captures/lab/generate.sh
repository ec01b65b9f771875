#!/usr/bin/env bash
# pcap-alibi outage lab: one SEEDED RANDOMIZED run.
#
#   sudo captures/lab/generate.sh SEED SET [SLOT]
#
# SET is tune or holdout. The run's spec (fault kind(s), times, ports, zones, skews, load)
# is drawn from SEED by lab/draw.py; the same topology as lab/run.sh is built in namespaces
# named alibi-{cli,fw,srv}-SLOT (SLOT defaults to 1), so up to N runs can go at once with
# different slots. The result goes to captures/generated/SET/SEED/ when the run is kept;
# every seed tried is appended to captures/generated/RUNS.md. Exit 0 = kept, 3 = discarded,
# other = the lab itself failed (also logged as discarded when possible).
# See captures/generated/README.md.
set -euo pipefail

[[ $# -ge 2 ]] || { echo "usage: $0 SEED SET [SLOT]"; exit 2; }
SEED=$1 SET=$2 SLOT=${3:-1}
[[ $SET == tune || $SET == holdout ]] || { echo "SET must be tune or holdout"; exit 2; }
[[ $SEED =~ ^[0-9]+$ && $SLOT =~ ^[0-9]+$ ]] || { echo "SEED and SLOT are integers"; exit 2; }
[[ $EUID -eq 0 ]] || { echo "needs root (namespaces, tcpdump)"; exit 1; }
for t in ip stunnel4 nginx tcpdump tshark editcap capinfos node python3 openssl gzip; do
  command -v "$t" >/dev/null || { echo "missing $t"; exit 1; }
done
IPT="iptables-legacy -w"
command -v iptables-legacy >/dev/null || IPT="iptables -w"

LAB=$(cd "$(dirname "$0")" && pwd)
GEN=$(dirname "$LAB")/generated
OUT=$GEN/$SET/$SEED
SNAPLEN=96
mkdir -p "$GEN/$SET"
RUN=$(mktemp -d /tmp/alibi-gen-$SEED.XXXXXX)
chmod 755 "$RUN"
NS_C=alibi-cli-$SLOT NS_F=alibi-fw-$SLOT NS_S=alibi-srv-$SLOT
PIDS=()          # every process we started, stopped by pid in cleanup
STOPPED=()       # processes we SIGSTOPped (to SIGCONT on abort)

python3 "$LAB/draw.py" "$SEED" "$SET" > "$RUN/spec.json"
eval "$(python3 "$LAB/draw.py" "$SEED" "$SET" --shell)"
# Debugging only (never for committed runs): DEBUG_OUT=/tmp/x DEBUG_SET='KIND=.. FAULT_KINDS=..'
if [[ -n "${DEBUG_OUT:-}" ]]; then eval "${DEBUG_SET:-}"; OUT=$DEBUG_OUT; GEN=$(dirname "$DEBUG_OUT"); fi
read -r -a FKINDS <<< "$FAULT_KINDS"
read -r -a FLENS <<< "$FAULT_LENS"
# Optional cap on each fault's length (to finish in time); recorded in truth.json.
if [[ -n "${FAULT_CAP_S:-}" ]]; then
  for i in "${!FLENS[@]}"; do
    FLENS[$i]=$(awk -v a="${FLENS[$i]}" -v c="$FAULT_CAP_S" 'BEGIN {print (a > c ? c : a)}')
  done
  NOMINAL_S=$(awk -v a="$NOMINAL_S" -v c="$FAULT_CAP_S" 'BEGIN {print (a > c ? c : a)}')
fi

now() { date -u +%Y-%m-%dT%H:%M:%S.%6NZ; }
say() { echo "[$(date -u +%H:%M:%S) $SET/$SEED] $*"; }
iso_of() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%S.%6NZ; }
in_c() { ip netns exec $NS_C "$@"; }
in_f() { ip netns exec $NS_F "$@"; }
in_s() { ip netns exec $NS_S "$@"; }

runs_md() {  # seed set kind outcome note  -> one row of captures/generated/RUNS.md
  local row="| $2 | $1 | $3 | $4 | $5 |"
  (
    flock 9
    if [[ ! -s "$GEN/RUNS.md" ]]; then
      printf '# Generated runs: every seed tried\n\n| set | seed | kind | outcome | note |\n|---|---|---|---|---|\n' > "$GEN/RUNS.md"
    fi
    echo "$row" >> "$GEN/RUNS.md"
  ) 9>"/tmp/alibi-gen-runs.lock"
}
KIND_DESC=$KIND
[[ $KIND == two-faults ]] && KIND_DESC="two-faults (${FKINDS[0]} + ${FKINDS[1]})"

FINISHED=0
cleanup() {
  local rc=$?
  set +e
  for p in "${STOPPED[@]}"; do kill -CONT "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
  sleep 0.5
  for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
  for ns in $NS_C $NS_F $NS_S; do ip netns del $ns 2>/dev/null; done
  if [[ $FINISHED == 0 ]]; then
    runs_md "$SEED" "$SET" "$KIND_DESC" "discarded" "lab aborted (exit $rc): $(tail -n 1 "$RUN/abort.txt" 2>/dev/null || echo 'see the driver log')"
  fi
  [[ -n "${KEEP_RUN:-}" ]] || rm -rf "$RUN"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
abort() { echo "$*" | tee -a "$RUN/abort.txt" >&2; exit 1; }

# ---------------------------------------------------------------- topology
for ns in $NS_C $NS_F $NS_S; do ip netns del $ns 2>/dev/null || true; ip netns add $ns; done
ip link add cli0 netns $NS_C type veth peer name fw-c netns $NS_F
ip link add fw-s netns $NS_F type veth peer name srv0 netns $NS_S
# Background programs are started with "ip netns exec" itself (it execs them), never via
# the in_* functions: "func &" forks a subshell and $! would be the subshell's pid.
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
in_s sysctl -qw net.core.somaxconn=$SOMAXCONN

# ---------------------------------------------------------------- server programs
# Every run has the same layout, whatever its fault: stunnel :SPORT -> nginx 127.0.0.1:BPORT
# -> the app (lab/slow_app.py, answers at once unless told to be slow) on 127.0.0.1:UPORT.
mkdir -p "$RUN/logs" "$RUN/nginx"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=app.lab \
  -keyout "$RUN/key.pem" -out "$RUN/cert.pem" 2>/dev/null
cat > "$RUN/nginx/nginx.conf" <<NGX
user root;
worker_processes 1;
pid $RUN/nginx/nginx.pid;
error_log $RUN/logs/error.log info;
events { worker_connections 4096; }
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
    listen 127.0.0.1:$BPORT;
    location / { proxy_pass http://127.0.0.1:$UPORT; proxy_read_timeout 30s; }
  }
}
NGX
cat > "$RUN/stunnel.conf" <<STN
foreground = quiet
pid =
output = $RUN/logs/stunnel.log
debug = 5
[https]
accept = 10.0.2.2:$SPORT
connect = 127.0.0.1:$BPORT
cert = $RUN/cert.pem
key = $RUN/key.pem
STN

# ---------------------------------------------------------------- captures (before anything talks)
ip netns exec $NS_F tcpdump -i fw-c -s $SNAPLEN -U -Z root -w "$RUN/firewall.pcap" tcp 2>"$RUN/tcpdump-firewall.txt" & PIDS+=($!); TD_F=$!
ip netns exec $NS_S tcpdump -i srv0 -s $SNAPLEN -U -Z root --time-stamp-precision=nano -w "$RUN/server.pcap" tcp 2>"$RUN/tcpdump-server.txt" & PIDS+=($!); TD_S=$!
ip netns exec $NS_S tcpdump -i lo -s $SNAPLEN -U -Z root -w "$RUN/loopback.pcap" tcp port $BPORT 2>"$RUN/tcpdump-loopback.txt" & PIDS+=($!); TD_L=$!
sleep 1.5

start_app() { ip netns exec $NS_S python3 "$LAB/slow_app.py" $UPORT "$RUN/slow" & PIDS+=($!); APP=$!; }
start_stunnel() { ip netns exec $NS_S env TZ=$STUNNEL_TZ stunnel4 "$RUN/stunnel.conf" & PIDS+=($!); STUNNEL=$!; }
start_app
ip netns exec $NS_S env TZ=$NGINX_TZ nginx -p "$RUN/nginx" -c "$RUN/nginx/nginx.conf" -e "$RUN/logs/error.log" -g 'daemon off;' & PIDS+=($!); NGINX=$!
start_stunnel
sleep 1.5
for p in $TD_F $TD_S $TD_L $APP $NGINX $STUNNEL; do kill -0 $p 2>/dev/null || abort "a program did not start (pid $p)"; done
comm() { cat /proc/$1/comm 2>/dev/null; }
[[ $(comm $STUNNEL) == stunnel4 && $(comm $NGINX) == nginx && $(comm $APP) == python3* && $(comm $TD_S) == tcpdump ]] \
  || abort "pids are not the programs: $(comm $STUNNEL) $(comm $NGINX) $(comm $APP) $(comm $TD_S)"
in_s ss -ltn | grep -q ":$SPORT " || abort "stunnel not listening on :$SPORT"
in_s ss -ltn | grep -q ":$BPORT " || abort "nginx not listening on :$BPORT"
in_s ss -ltn | grep -q ":$UPORT " || abort "app not listening on :$UPORT"

# ---------------------------------------------------------------- load + faults
psi_full() { awk '/^full/ {sub("total=","",$5); print $5}' /proc/pressure/memory 2>/dev/null || echo 0; }
PSI0=$(psi_full)
LOAD_START=$(now)
ip netns exec $NS_C node "$LAB/client.js" --host 10.0.2.2 --port $SPORT --rate $RATE --duration 100000 \
  --timeout $TIMEOUT_MS --keepalive $KEEPALIVE --sources 10.0.1.10-29 --log "$RUN/logs/clients.jsonl" \
  2>"$RUN/client-stats.json" & PIDS+=($!); CLIENT=$!
say "$KIND_DESC: load started ($RATE req/s, keepalive $KEEPALIVE, timeout $TIMEOUT_MS ms; healthy ${HEALTHY_S}s, faults ${FLENS[*]:-none}s, gap ${GAP_S}s, recovery ${RECOVERY_S}s)"
sleep "$HEALTHY_S"

NET_RULE=()
net_rule() {  # the iptables rule (FORWARD chain of the firewall ns) for a network kind
  case $1 in
    network-drop) NET_RULE=(FORWARD -i fw-c -o fw-s -d 10.0.2.2 -p tcp --dport $SPORT -j DROP) ;;
    network-return-loss) NET_RULE=(FORWARD -i fw-s -o fw-c -s 10.0.2.2 -p tcp --sport $SPORT -j DROP) ;;
    network-loss) NET_RULE=(FORWARD -m statistic --mode random --probability $LOSS -j DROP) ;;
  esac
}
NGX_PIDS=""
apply_fault() {
  case $1 in
    stunnel-freeze) kill -STOP $STUNNEL; STOPPED+=($STUNNEL) ;;
    stunnel-crash) kill -KILL $STUNNEL ;;
    app-freeze) for p in $NGX_PIDS; do kill -STOP $p; STOPPED+=($p); done ;;
    app-slow) touch "$RUN/slow" ;;
    backend-502) kill -KILL $APP ;;
    network-*) net_rule $1; in_f $IPT -I "${NET_RULE[@]}" ;;
    clients-stop) kill -USR1 $CLIENT ;;
  esac
}
remove_fault() {
  case $1 in
    stunnel-freeze) kill -CONT $STUNNEL; STOPPED=() ;;
    stunnel-crash) start_stunnel ;;
    app-freeze) for p in $NGX_PIDS; do kill -CONT $p; done; STOPPED=() ;;
    app-slow) rm -f "$RUN/slow" ;;
    backend-502) start_app ;;
    network-*) net_rule $1; in_f $IPT -D "${NET_RULE[@]}" ;;
    clients-stop) kill -USR2 $CLIENT ;;
  esac
}
FAULT_TIMES=()   # "kind start end [stops]" per fault
for i in "${!FKINDS[@]}"; do
  K=${FKINDS[$i]} L=${FLENS[$i]}
  NGX_PIDS="$NGINX $(pgrep -P $NGINX | tr '\n' ' ')"   # master first
  # Clock readings: $EPOCHREALTIME (no fork) immediately before the action (as run.sh).
  if [[ $K == stunnel-intermittent ]]; then
    # stopped 5 s, running 5 s, ... within L s; the fault is first stop .. last resume
    T0=$EPOCHREALTIME; END_AT=$(awk -v t="$T0" -v l="$L" 'BEGIN {printf "%.6f", t + l}')
    STOPS=0
    while :; do
      T=$EPOCHREALTIME; kill -STOP $STUNNEL; STOPPED+=($STUNNEL); STOPS=$((STOPS + 1))
      [[ $STOPS == 1 ]] && FS=$T
      sleep 5
      T=$EPOCHREALTIME; kill -CONT $STUNNEL; STOPPED=(); FE=$T
      # another stop only if its 5 s (after 5 s running) still end within the window
      awk -v n="$EPOCHREALTIME" -v e="$END_AT" 'BEGIN {exit !(n + 10 <= e + 0.5)}' || break
      sleep 5
    done
    FAULT_TIMES+=("$K $(iso_of $FS) $(iso_of $FE) $STOPS")
    say "fault $K: $STOPS stops, $(iso_of $FS) .. $(iso_of $FE)"
  else
    T=$EPOCHREALTIME; apply_fault $K; FS=$T
    say "fault $K applied at $(iso_of $FS) for ${L}s"
    sleep "$L"
    if [[ $K == network-* ]]; then in_f $IPT -L FORWARD -v -n -x > "$RUN/iptables-$i.txt"; fi
    T=$EPOCHREALTIME; remove_fault $K; FE=$T
    FAULT_TIMES+=("$K $(iso_of $FS) $(iso_of $FE) 0")
    say "fault $K removed at $(iso_of $FE)"
    if [[ $K == stunnel-crash || $K == backend-502 ]]; then
      sleep 1
      kill -0 $STUNNEL 2>/dev/null && kill -0 $APP 2>/dev/null || abort "restart after $K failed"
    fi
  fi
  if [[ $i -lt $((${#FKINDS[@]} - 1)) ]]; then sleep "$GAP_S"; fi
done
if [[ ${#FKINDS[@]} == 0 ]]; then
  # healthy: a nominal window of the drawn length where a fault would have been
  T=$EPOCHREALTIME; sleep "$NOMINAL_S"; NOMINAL="$(iso_of $T) $(iso_of $EPOCHREALTIME)"
else
  NOMINAL=""
fi
sleep "$RECOVERY_S"
kill -TERM $CLIENT
wait $CLIENT || true
LOAD_END=$(now)
PSI1=$(psi_full)
sleep 2
for p in $TD_F $TD_S $TD_L; do kill -INT $p; done
wait $TD_F $TD_S $TD_L 2>/dev/null || true
ALIVE="stunnel=$(kill -0 $STUNNEL 2>/dev/null && echo up || echo down) nginx=$(kill -0 $NGINX 2>/dev/null && echo up || echo down) app=$(kill -0 $APP 2>/dev/null && echo up || echo down)"
kill -TERM $STUNNEL 2>/dev/null || true; kill -QUIT $NGINX 2>/dev/null || true; kill -TERM $APP 2>/dev/null || true
sleep 1

# ---------------------------------------------------------------- facts -> finish.py
python3 - "$RUN/lab.json" <<PY
import json, sys
faults = []
for line in """$(printf '%s\n' "${FAULT_TIMES[@]}")""".splitlines():
    if line.strip():
        k, s, e, stops = line.split()
        faults.append({"kind": k, "start": s, "end": e, **({"stops": int(stops)} if k == "stunnel-intermittent" else {})})
nominal = "$NOMINAL".split()
json.dump({
    "kind": "$KIND", "faults": faults,
    "nominal": {"start": nominal[0], "end": nominal[1]} if nominal else None,
    "loadStart": "$LOAD_START", "loadEnd": "$LOAD_END",
    "faultCap_s": float("${FAULT_CAP_S:-0}") or None,
    "appliedLengths_s": [float(x) for x in "${FLENS[*]:-}".split()],
    "memoryStallSeconds": round((int("${PSI1:-0}" or 0) - int("${PSI0:-0}" or 0)) / 1e6, 3),
    "programsAtEnd": "$ALIVE",
    "slot": $SLOT,
}, open(sys.argv[1], "w"), indent=1)
PY
set +e
mkdir -p "$GEN/.staging"; STAGE=$GEN/.staging/$SET-$SEED; rm -rf "$STAGE"
python3 "$LAB/finish.py" "$RUN" "$STAGE"
RC=$?
set -e
NOTE=$(cat "$RUN/outcome.txt" 2>/dev/null || echo "finish.py exit $RC")
if [[ $RC == 0 ]]; then
  rm -rf "$OUT"; mv "$STAGE" "$OUT"
  runs_md "$SEED" "$SET" "$KIND_DESC" "kept" "$NOTE ($(du -sh "$OUT" | cut -f1))"
  say "kept: $OUT ($(du -sh "$OUT" | cut -f1))"
  FINISHED=1; exit 0
else
  rm -rf "$STAGE"
  runs_md "$SEED" "$SET" "$KIND_DESC" "discarded" "$NOTE"
  say "discarded: $NOTE"
  FINISHED=1; exit 3
fi
