#!/usr/bin/env bash
# Real systemd-journald (Debian bookworm, systemd 252) run by hand in the container: messages
# from systemd-cat and logger in three bursts a minute apart (one of them multi-line), then
# exported with journalctl -o export and -o json, filtered to this script's identifier.
# Writes ../journald-export/journal.export and ../journald-json/journal.json.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p /run/systemd/journal "$here/../journald-export" "$here/../journald-json"
/lib/systemd/systemd-journald & jd=$!
trap 'kill $jd 2>/dev/null || true' EXIT
sleep 1
for burst in 1 2 3; do
  for i in $(seq 1 12); do
    echo "request $burst.$i served in $((RANDOM % 90 + 5)) ms" | systemd-cat -t wildjournal -p info
    if [ $((i % 5)) = 0 ]; then logger -t wildjournal -p daemon.warning "upstream slow: burst $burst item $i"; fi
    sleep 0.$((RANDOM % 9 + 1))
  done
  if [ "$burst" = 2 ]; then printf 'panic: worker crashed\n\tat main.go:42\n\tat main.go:7\n' | systemd-cat -t wildjournal -p err --level-prefix=false; fi
  [ "$burst" = 3 ] || sleep 60
done
sleep 1
journalctl -D /run/log/journal -t wildjournal -o export > "$here/../journald-export/journal.export"
journalctl -D /run/log/journal -t wildjournal -o json > "$here/../journald-json/journal.json"
