#!/bin/bash
# Real MariaDB 10.11 (Debian bookworm) error log, machine zone TZ=Europe/Berlin.  Fixture: mariadb
set -u; export TZ=Europe/Berlin
WILD=$(cd "$(dirname "$0")/.." && pwd); D=/tmp/wild-mariadb
rm -rf $D; mkdir -p $D; chown mysql:mysql $D
mariadb-install-db --no-defaults --user=mysql --datadir=$D/data --auth-root-authentication-method=normal >/dev/null 2>&1
mariadbd --no-defaults --user=mysql --datadir=$D/data --socket=$D/mysql.sock --port=3391 --bind-address=127.0.0.1 \
  --log-error=$D/error.log --log-warnings=4 --pid-file=$D/mariadb.pid &
sleep 5
m() { mariadb --no-defaults -S $D/mysql.sock -uroot "$@" >/dev/null 2>&1; }
m -e "CREATE DATABASE shop; CREATE TABLE shop.t (id int primary key) ENGINE=InnoDB; INSERT INTO shop.t VALUES (1),(2);"
mariadb --no-defaults -h127.0.0.1 -P3391 -u nobody -pwrong -e "select 1" >/dev/null 2>&1
sleep 37
m -e "SET GLOBAL innodb_buffer_pool_size=256*1024*1024;"
mariadb --no-defaults -h127.0.0.1 -P3391 -u root -pbad -e "select 1" >/dev/null 2>&1
sleep 58
m -e "SELECT SLEEP(1); KILL CONNECTION_ID();"
m -e "FLUSH LOGS; FLUSH TABLES;"
m -e "SET GLOBAL wait_timeout=2"; (mariadb --no-defaults -S $D/mysql.sock -uroot -e "select sleep(5)" >/dev/null 2>&1 &)
sleep 43
mariadb --no-defaults -h127.0.0.1 -P3391 -u app -phunter2 -e "select 1" >/dev/null 2>&1
m -e "SHUTDOWN;"
sleep 5
mkdir -p $WILD/mariadb; cp $D/error.log $WILD/mariadb/error.log; touch -r $D/error.log $WILD/mariadb/error.log
echo "mariadb: $(wc -l < $D/error.log) lines"
