#!/bin/bash
# Real Apache ZooKeeper 3.8.0 (Debian bookworm package), standalone ZooKeeperServerMain run by hand,
# (+ Debian slf4j-log4j12 and log4j 1.2 jars), Debian's log4j.properties ROLLINGFILE appender (%d{ISO8601} - %-5p [%t:%C{1}@%L] - %m%n), TZ=UTC.
# Clients: zkCli.sh.  Fixture: zookeeper (replaces the hand-written one)
set -u; export TZ=UTC
WILD=$(cd "$(dirname "$0")/.." && pwd); D=/tmp/wild-zk; rm -rf $D; mkdir -p $D/conf $D/data $D/log
cp /etc/zookeeper/conf/log4j.properties $D/conf/
CP="$D/conf:/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-log4j12.jar:/usr/share/java/log4j-1.2.jar"
java -cp "$CP" -Dzookeeper.log.dir=$D/log -Dzookeeper.root.logger=INFO,ROLLINGFILE -Dzookeeper.admin.enableServer=false \
  org.apache.zookeeper.server.ZooKeeperServerMain 2191 $D/data > $D/stdout 2>&1 &
ZK=$!; sleep 6
cli() { java -cp "$CP" -Dzookeeper.log.dir=$D/clilog -Dzookeeper.root.logger=ERROR,CONSOLE org.apache.zookeeper.ZooKeeperMain -server 127.0.0.1:2191 "$@" >/dev/null 2>&1; }
cli create /app data; cli create /app/cfg x; sleep 28
cli get /app; cli set /app/cfg y; sleep 51
cli create /app/cfg dup; cli delete /nonexistent; sleep 37
cli ls /app; cli deleteall /app; sleep 22
cli get /zookeeper/config; sleep 1
kill $ZK; sleep 3
mkdir -p $WILD/zookeeper; cp $D/log/zookeeper.log $WILD/zookeeper/zookeeper.log; touch -r $D/log/zookeeper.log $WILD/zookeeper/zookeeper.log
echo "zookeeper: $(wc -l < $D/log/zookeeper.log) lines"
