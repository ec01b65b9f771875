#!/usr/bin/env bash
# Run many seeded lab runs, PARALLEL at a time (slots 1..PARALLEL), committing each kept run.
#
#   sudo captures/lab/generate-many.sh SET FIRST_SEED COUNT PARALLEL
#
# SET tune | holdout: seeds FIRST_SEED .. FIRST_SEED+COUNT-1 of that set.
# SET both: alternates tune FIRST_SEED+i and holdout HOLDOUT_FIRST+i (i = 0..COUNT-1; env
#           HOLDOUT_FIRST defaults to FIRST_SEED+1000), so both sets grow together.
# Environment:
#   TARGET_KEPT=N    stop taking seeds of a set once it has N kept runs (default: no target)
#   FINISH_BY=HH:MM  (UTC, today) a seed whose drawn run (+90 s) would end later is not
#                    started; it is listed in RUNS.md as "not run" and the next seed is tried
#   STOP_AT=HH:MM    (UTC, today) start no seed at all after this time
#   COMMIT=0         do not git-commit (default: commit captures/lab + captures/generated
#                    after each run, only those paths)
#   FAULT_CAP_S=S    passed to generate.sh: cap each fault at S s (recorded in truth.json)
# The file named by CONTROL (default /tmp/alibi-gen.env), if present, is sourced before each
# seed, so STOP_AT / FINISH_BY / FAULT_CAP_S / TARGET_KEPT can be changed while it runs.
# A discarded seed is simply followed by the next one (generate.sh logs it in RUNS.md).
set -uo pipefail

[[ $# -eq 4 ]] || { echo "usage: $0 SET FIRST_SEED COUNT PARALLEL"; exit 2; }
SET=$1 FIRST=$2 COUNT=$3 PAR=$4
LAB=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$LAB/../.." && pwd)
GEN=$ROOT/captures/generated
QUEUE=$(mktemp /tmp/alibi-gen-queue.XXXXXX)
LOCK=/tmp/alibi-gen-queue.lock
GITLOCK=/tmp/alibi-gen-git.lock
mkdir -p "$GEN/logs-driver"

for ((i = 0; i < COUNT; i++)); do
  case $SET in
    tune|holdout) echo "$SET $((FIRST + i))" ;;
    both) echo "tune $((FIRST + i))"; echo "holdout $((${HOLDOUT_FIRST:-$((FIRST + 1000))} + i))" ;;
    *) echo "SET must be tune, holdout or both"; exit 2 ;;
  esac
done > "$QUEUE"

epoch_of() { date -u -d "today $1" +%s; }
kept() { find "$GEN/$1" -mindepth 2 -maxdepth 2 -name truth.json 2>/dev/null | wc -l; }
runs_md() {
  ( flock 9; echo "| $1 | $2 | $3 | $4 | $5 |" >> "$GEN/RUNS.md" ) 9>/tmp/alibi-gen-runs.lock
}

commit() {  # message
  [[ ${COMMIT:-1} == 1 ]] || return 0
  (
    flock 9
    cd "$ROOT"
    for try in $(seq 1 30); do
      if [[ -e .git/index.lock ]]; then sleep 3; continue; fi
      if git add captures/lab captures/generated 2>/dev/null && \
         git commit -q -m "$1" -- captures/lab captures/generated 2>/tmp/alibi-gen-commit.err; then
        echo "[$(date -u +%H:%M:%S)] committed: $1"; break
      fi
      grep -q "nothing to commit\|no changes added" /tmp/alibi-gen-commit.err && break
      sleep 3
    done
  ) 9>"$GITLOCK"
}

next_seed() {  # prints "set seed" or nothing when done
  (
    flock 9
    while read -r s n; do
      sed -i '1d' "$QUEUE"
      if [[ -n "${TARGET_KEPT:-}" && $(kept "$s") -ge $TARGET_KEPT ]]; then continue; fi
      echo "$s $n"; break
    done < "$QUEUE"
  ) 9>"$LOCK"
}

worker() {
  local slot=$1
  while :; do
    if [[ -f ${CONTROL:-/tmp/alibi-gen.env} ]]; then source "${CONTROL:-/tmp/alibi-gen.env}"; export FAULT_CAP_S; fi
    if [[ -n "${STOP_AT:-}" && $(date +%s) -ge $(epoch_of "$STOP_AT") ]]; then break; fi
    local job; job=$(next_seed)
    [[ -n $job ]] || break
    local s=${job% *} n=${job#* }
    if [[ -n "${FINISH_BY:-}" ]]; then
      local est; est=$(python3 "$LAB/draw.py" "$n" "$s" | python3 -c "
import json, sys, os
d = json.load(sys.stdin); cap = float(os.environ.get('FAULT_CAP_S') or 0)
body = sum(min(l, cap) if cap else l for l in d['faultLengths_s']) if d['faultKinds'] else (min(d['nominal_s'], cap) if cap else d['nominal_s'])
print(int(d['healthy_s'] + d['recovery_s'] + (d['gap_s'] or 0) + body + 90))")
      if [[ $(( $(date +%s) + est )) -gt $(epoch_of "$FINISH_BY") ]]; then
        local kind; kind=$(python3 "$LAB/draw.py" "$n" "$s" | python3 -c "import json,sys; d=json.load(sys.stdin); print(d['kind'] + (' (' + ' + '.join(d['faultKinds']) + ')' if d['kind'] == 'two-faults' else ''))")
        runs_md "$s" "$n" "$kind" "not run" "its ~${est} s would end after the ${FINISH_BY} UTC deadline"
        echo "[$(date -u +%H:%M:%S)] slot $slot: $s/$n not run (${est} s would end after $FINISH_BY)"
        continue
      fi
    fi
    echo "[$(date -u +%H:%M:%S)] slot $slot: $s/$n"
    echo "$(date -u +%H:%M:%S) $s/$n slot $slot FAULT_CAP_S=${FAULT_CAP_S:-}" >> "$GEN/logs-driver/started.txt"
    "$LAB/generate.sh" "$n" "$s" "$slot" > "$GEN/logs-driver/$s-$n.txt" 2>&1
    local rc=$?
    local outcome=discarded; [[ $rc == 0 ]] && outcome=kept
    echo "[$(date -u +%H:%M:%S)] slot $slot: $s/$n $outcome (rc $rc); kept tune $(kept tune), holdout $(kept holdout)"
    rm -f "$GEN/logs-driver/$s-$n.txt.gz"; gzip -9 "$GEN/logs-driver/$s-$n.txt"
    commit "Generated outage lab: $s seed $n $outcome (kept so far: tune $(kept tune), holdout $(kept holdout)); run log and RUNS.md row so every tried seed stays accounted for"
  done
  echo "[$(date -u +%H:%M:%S)] slot $slot: done"
}

for ((slot = 1; slot <= PAR; slot++)); do
  worker $slot &
  sleep 20   # stagger starts: the post-processing of runs then rarely coincides
done
wait
rm -f "$QUEUE"
echo "[$(date -u +%H:%M:%S)] all done: kept tune $(kept tune), holdout $(kept holdout)"
