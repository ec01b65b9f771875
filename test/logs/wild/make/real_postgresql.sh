#!/bin/bash
# Real PostgreSQL 15 (Debian bookworm) log: logging_collector=on, log_destination=stderr,
# default log_line_prefix '%m [%p] '.  Usage: real_postgresql.sh <fixture-id> <log_timezone> <port>
#   real_postgresql.sh postgresql        UTC           5491
#   real_postgresql.sh postgresql-berlin Europe/Berlin 5492
set -eu
ID=$1; LTZ=$2; PORT=$3
OUT=$(cd "$(dirname "$0")/.." && pwd)/$ID
BIN=/usr/lib/postgresql/15/bin
D=/tmp/wild-$ID
rm -rf "$D"; mkdir -p "$D/log"; chown -R postgres "$D"
su postgres -c "$BIN/initdb -A trust -D $D/data" >/dev/null
cat >> "$D/data/postgresql.conf" <<CONF
listen_addresses = ''
port = $PORT
unix_socket_directories = '$D'
logging_collector = on
log_destination = 'stderr'
log_directory = '$D/log'
log_filename = 'postgresql.log'
log_timezone = '$LTZ'
log_connections = on
log_disconnections = on
log_min_duration_statement = 0
CONF
su postgres -c "$BIN/pg_ctl -D $D/data -l $D/pg_ctl.out -w start" >/dev/null
q() { su postgres -c "psql -X -q -h $D -p $PORT -d postgres" >/dev/null 2>&1 <<<"$1" || true; }
q "CREATE TABLE orders (id int PRIMARY KEY, customer text NOT NULL, total numeric);"
q "INSERT INTO orders VALUES (1,'ada',10.5),(2,'bob',99);"
sleep 23
q "SELECT count(*) FROM orders;"
# duplicate key: ERROR + DETAIL + STATEMENT
q "INSERT INTO orders VALUES (1,'eve',1);"
sleep 41
# multi-line statement with an error: STATEMENT line followed by unprefixed continuation lines
q "SELECT id,
       customer,
       totl
  FROM orders
 WHERE total > 5;"
q "SELECT pg_sleep(0.3);"
sleep 67
q "UPDATE orders SET total = total * 1.1 WHERE id = 2;"
q "INSERT INTO orders VALUES (3, NULL, 4);"
sleep 29
q "SELECT customer, sum(total) FROM orders GROUP BY customer ORDER BY 2 DESC;"
q "VACUUM ANALYZE orders;"
sleep 5
su postgres -c "$BIN/pg_ctl -D $D/data -m fast -w stop" >/dev/null
mkdir -p "$OUT"
cp "$D/log/postgresql.log" "$OUT/postgresql.log"
touch -r "$D/log/postgresql.log" "$OUT/postgresql.log"
echo "$ID done: $(wc -l < "$OUT/postgresql.log") lines"
