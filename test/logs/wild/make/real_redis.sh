#!/bin/bash
# Real Redis 7.0 (Debian bookworm) server log, TZ=UTC.  Fixture: redis
set -u; export TZ=UTC
WILD=$(cd "$(dirname "$0")/.." && pwd); D=/tmp/wild-redis
rm -rf $D; mkdir -p $D
redis-server --port 6391 --bind 127.0.0.1 --dir $D --logfile $D/redis.log --loglevel verbose --save "" --daemonize yes --pidfile $D/redis.pid
sleep 1
c() { redis-cli -p 6391 "$@" >/dev/null; }
round() { for i in $(seq 1 $1); do echo "SET k$i v$i"; echo "INCR hits"; done | redis-cli -p 6391 >/dev/null; c BGSAVE; sleep 2; }
round 20; sleep 27
round 5; c CONFIG SET maxmemory 64mb; sleep 48
round 30; c BGREWRITEAOF; sleep 3; sleep 61
round 3; c CLIENT KILL TYPE normal; sleep 22
round 2; c SHUTDOWN SAVE; sleep 2
mkdir -p $WILD/redis; cp $D/redis.log $WILD/redis/redis.log; touch -r $D/redis.log $WILD/redis/redis.log
echo "redis: $(wc -l < $D/redis.log) lines"
