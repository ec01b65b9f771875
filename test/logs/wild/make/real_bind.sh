#!/bin/bash
# Real BIND 9.18 named (Debian bookworm), run by hand in the foreground (-f), logging to a file
# channel with print-time yes (the default time format dd-MMM-yyyy HH:mm:ss.SSS), query logging on,
# authoritative for example.test, queried with dig.  TZ=UTC.  Fixture: bind9
set -u; export TZ=UTC
WILD=$(cd "$(dirname "$0")/.." && pwd); D=/tmp/wild-bind; rm -rf $D; mkdir -p $D; chown bind:bind $D
cat > $D/example.test.zone <<'Z'
$TTL 300
@   IN SOA ns1.example.test. hostmaster.example.test. 2026120301 3600 600 86400 300
    IN NS  ns1.example.test.
ns1 IN A   127.0.0.1
www IN A   127.0.0.10
mail IN A  127.0.0.11
Z
cat > $D/named.conf <<C
options {
  directory "$D";
  listen-on port 5399 { 127.0.0.1; };
  listen-on-v6 { none; };
  recursion no;
  pid-file "$D/named.pid";
  querylog yes;
};
controls { };
logging {
  channel wild { file "$D/named.log"; print-time yes; severity info; };
  category default { wild; };
  category queries { wild; };
  category lame-servers { null; };
};
zone "example.test" { type primary; file "$D/example.test.zone"; };
C
named -f -u bind -c $D/named.conf &
NP=$!; sleep 3
q() { dig +short +tries=1 +time=1 @127.0.0.1 -p 5399 "$@" >/dev/null; }
burst() { for i in $(seq 1 $1); do q www.example.test A; q mail.example.test MX; q nx$i.example.test AAAA; q www.example.org A; sleep 0.$((RANDOM % 9)); done; }
burst 4; sleep 29
burst 3; sleep 62
burst 5; sleep 36
burst 2; sleep 44
burst 3; sleep 1
kill $NP; sleep 2
mkdir -p $WILD/bind9; cp $D/named.log $WILD/bind9/named.log; touch -r $D/named.log $WILD/bind9/named.log
echo "bind9: $(wc -l < $D/named.log) lines"
