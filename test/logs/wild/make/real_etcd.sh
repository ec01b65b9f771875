#!/bin/bash
# Real etcd 3.4.23 (Debian bookworm etcd-server), single member on 127.0.0.1, TZ=UTC.
#   real_etcd.sh capnslog -> fixture etcd-capnslog (default logger: 'yyyy-MM-dd HH:mm:ss.SSSSSS L | pkg: msg')
#   real_etcd.sh zap      -> fixture etcd-zap (--logger=zap: JSON lines {"level":..,"ts":"yyyy-MM-ddTHH:mm:ss.SSSZ",...})
# Traffic: etcdctl put/get/del, a snapshot; stopped with SIGTERM.
set -u; export TZ=UTC
WILD=$(cd "$(dirname "$0")/.." && pwd); MODE=$1; D=/tmp/wild-etcd-$MODE; rm -rf $D; mkdir -p $D
if [ $MODE = zap ]; then C=2389; P=2388; EXTRA=(--logger=zap --log-outputs=stderr); else C=2399; P=2398; EXTRA=(); fi
etcd --name wild --data-dir $D/data --listen-client-urls http://127.0.0.1:$C --advertise-client-urls http://127.0.0.1:$C \
  --listen-peer-urls http://127.0.0.1:$P --initial-advertise-peer-urls http://127.0.0.1:$P \
  --initial-cluster wild=http://127.0.0.1:$P --snapshot-count 20 "${EXTRA[@]}" 2> $D/etcd.log &
ET=$!; sleep 4
ctl() { ETCDCTL_API=3 etcdctl --endpoints=127.0.0.1:$C "$@" >/dev/null 2>&1; }
burst() { for i in $(seq 1 $1); do ctl put key$i value$i; ctl get key$i; done; }
burst 10; sleep 33
burst 15; ctl snapshot save $D/snap.db; sleep 55
burst 8; ctl del key1; ctl compaction 5; sleep 26
burst 12; ctl defrag; sleep 40
burst 3; sleep 1
kill $ET; sleep 3
mkdir -p $WILD/etcd-$MODE; cp $D/etcd.log $WILD/etcd-$MODE/etcd.log; touch -r $D/etcd.log $WILD/etcd-$MODE/etcd.log
echo "etcd-$MODE: $(wc -l < $D/etcd.log) lines"
