#!/bin/bash
# Real Eclipse Mosquitto 2.0 (Debian bookworm), run by hand, log_dest file, default log_timestamp
# (epoch seconds followed by ':'), TZ=UTC.  Clients: mosquitto_pub / mosquitto_sub.  Fixture: mosquitto
set -u; export TZ=UTC
WILD=$(cd "$(dirname "$0")/.." && pwd); D=/tmp/wild-mosquitto; rm -rf $D; mkdir -p $D; chown mosquitto $D
cat > $D/mosquitto.conf <<C
listener 1893 127.0.0.1
allow_anonymous true
log_dest file $D/mosquitto.log
log_type error
log_type warning
log_type notice
log_type information
connection_messages true
pid_file $D/mosquitto.pid
C
mosquitto -c $D/mosquitto.conf &
MQ=$!; sleep 1
pub() { mosquitto_pub -p 1893 -i "$1" -t sensors/temp -m "$2"; }
burst() { for i in $(seq 1 $1); do pub "sensor-$i" "2$i.5"; sleep 0.$((RANDOM % 9)); done; }
mosquitto_sub -p 1893 -i dashboard -t 'sensors/#' >/dev/null &
SUB=$!
burst 4; sleep 36
burst 3; sleep 61
burst 5; kill -HUP $MQ; sleep 29
burst 2; sleep 42
burst 3; sleep 1
kill $SUB $MQ; sleep 1
mkdir -p $WILD/mosquitto; cp $D/mosquitto.log $WILD/mosquitto/mosquitto.log; touch -r $D/mosquitto.log $WILD/mosquitto/mosquitto.log
echo "mosquitto: $(wc -l < $D/mosquitto.log) lines"
