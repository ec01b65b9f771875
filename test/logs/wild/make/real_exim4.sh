#!/bin/bash
# Real Exim 4.96 (Debian bookworm exim4-daemon-light, Debian default config), TZ=UTC.
# Local submissions with immediate delivery (-odi); some to unknown users (bounces).  Fixture: exim4
set -u; export TZ=UTC
WILD=$(cd "$(dirname "$0")/.." && pwd)
rm -f /var/log/exim4/mainlog
send() { printf 'Subject: %s\n\nbody %s\n' "$2" "$RANDOM" | exim4 -odi "$1"; }
burst() { for i in $(seq 1 $1); do send root "report $i"; send "nosuchuser$i" "hello $i"; sleep 0.$((RANDOM % 9)); done; }
burst 3; sleep 33
burst 2; sleep 58
burst 4; exim4 -qff; sleep 24
burst 2; sleep 47
burst 3; sleep 2
mkdir -p $WILD/exim4; cp /var/log/exim4/mainlog $WILD/exim4/mainlog; touch -r /var/log/exim4/mainlog $WILD/exim4/mainlog
echo "exim4: $(wc -l < /var/log/exim4/mainlog) lines"
