#!/bin/bash
# Real rsyslogd 8.2302 (Debian bookworm), run by hand with imuxsock on a private socket, fed by
# util-linux `logger -u`.  TZ=UTC.
#   real_rsyslog.sh            -> fixtures rsyslog-rfc3339 (RSYSLOG_FileFormat) and rsyslog-traditional
#   real_rsyslog.sh newyear    -> fixture rsyslog-newyear: same daemon with imuxsock UseSysTimeStamp="off" and
#                                 IgnoreTimestamp="off" (keeps the sender's RFC 3164 timestamp), each `logger` run under libfaketime
#                                 with a fixed offset so that its clock starts at 2025-12-31 23:57:30 UTC and
#                                 advances in real time; traditional format (rsyslogd itself ignores LD_PRELOAD
#                                 faketime for its own clock, so the sender's time is used instead)
set -u; export TZ=UTC
WILD=$(cd "$(dirname "$0")/.." && pwd)
MODE=${1:-normal}; D=/tmp/wild-rsyslog-$MODE
rm -rf $D; mkdir -p $D
cat > $D/rsyslog.conf <<CONF
global(workDirectory="$D")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="$D/log.sock")
*.* action(type="omfile" file="$D/rfc3339.log" template="RSYSLOG_FileFormat")
*.* action(type="omfile" file="$D/messages" template="RSYSLOG_TraditionalFileFormat")
CONF
FAKE=()
if [ "$MODE" = newyear ]; then
  sed -i "s|Socket=\"$D/log.sock\")|Socket=\"$D/log.sock\" UseSysTimeStamp=\"off\" IgnoreTimestamp=\"off\")|" $D/rsyslog.conf
  OFF=$(( $(date -d '2025-12-31 23:57:30 UTC' +%s) - $(date +%s) ))
  SIGN=; [ $OFF -ge 0 ] && SIGN=+
  FAKE=(faketime -f "${SIGN}${OFF}s")
fi
rsyslogd -n -f $D/rsyslog.conf -i $D/rsyslogd.pid &
sleep 2
l() { "${FAKE[@]}" logger -u $D/log.sock "$@"; }
burst() {
  for i in $(seq 1 $1); do
    l -t CRON -i -p cron.info "(root) CMD (run-parts /etc/cron.hourly)"
    l -t sshd --id=$((4000 + i)) -p auth.info "Accepted publickey for deploy from 127.0.0.1 port $((50000 + i)) ssh2"
    l -t kernel -p kern.warning "[UFW BLOCK] IN=eth0 OUT= SRC=127.0.0.9 DST=127.0.0.1 PROTO=TCP DPT=23"
    sleep 0.$((RANDOM % 9))
  done
}
burst 5; sleep 38
burst 4; sleep 71
burst 6; sleep 27
burst 3; sleep 55
burst 4; sleep 2
kill $(cat $D/rsyslogd.pid); sleep 2
put() { mkdir -p $WILD/$1; cp $2 $WILD/$1/$3; touch -r $2 $WILD/$1/$3; echo "$1: $(wc -l < $2) lines"; }
if [ "$MODE" = newyear ]; then
  put rsyslog-newyear $D/messages messages
else
  put rsyslog-rfc3339 $D/rfc3339.log syslog
  put rsyslog-traditional $D/messages messages
fi
