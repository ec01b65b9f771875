#!/bin/bash
# Real Tor 0.4.7 (Debian bookworm) with DisableNetwork 1 (makes no connections), notice log to a file,
# reloaded with SIGHUP now and then, TZ=UTC.  Tor's log time 'MMM dd HH:mm:ss.SSS' has no year.  Fixture: tor
set -u; export TZ=UTC
WILD=$(cd "$(dirname "$0")/.." && pwd); D=/tmp/wild-tor; rm -rf $D; mkdir -p $D/data; chown debian-tor $D $D/data; chmod 700 $D/data
cat > $D/torrc <<C
DisableNetwork 1
DataDirectory $D/data
SocksPort 127.0.0.1:9058
Log notice file $D/tor.log
User debian-tor
RunAsDaemon 0
C
tor -f $D/torrc --defaults-torrc /dev/null >/dev/null 2>&1 &
TOR=$!; sleep 8
for p in 34 58 21 47; do sleep $p; kill -HUP $TOR; done
sleep 3; kill -INT $TOR; sleep 2; kill -INT $TOR 2>/dev/null; sleep 2
mkdir -p $WILD/tor; cp $D/tor.log $WILD/tor/notices.log; touch -r $D/tor.log $WILD/tor/notices.log
echo "tor: $(wc -l < $D/tor.log) lines"
