#!/bin/bash
# Real lighttpd 1.4 + PHP-FPM 8.2 + PHP (Debian bookworm), run by hand, machine TZ=UTC.
# PHP's date.timezone is set to Europe/Berlin for the pool, so PHP's own error_log lines carry
# '[dd-MMM-yyyy HH:mm:ss Europe/Berlin]'.
# Fixtures: lighttpd-error (server.errorlog), php-fpm (FPM master log), php-errors (PHP error_log)
set -u; export TZ=UTC
WILD=$(cd "$(dirname "$0")/.." && pwd); D=/tmp/wild-php; rm -rf $D; mkdir -p $D/www $D/run; chmod 777 $D $D/run
cat > $D/www/index.php <<'P'
<?php
$n = $_GET['n'] ?? 0;
if ($n % 3 == 1) { echo $undefined_thing; }
if ($n % 5 == 2) { error_log("custom message for n=$n"); }
if ($n % 7 == 4) { throw new RuntimeException("boom $n"); }
if ($n % 2 == 1) { file_put_contents('php://stderr', "worker note n=$n\n"); }
echo "ok $n\n";
P
cat > $D/php-fpm.conf <<C
[global]
pid = $D/run/php-fpm.pid
error_log = $D/php-fpm.log
log_level = notice
[www]
user = www-data
group = www-data
listen = 127.0.0.1:9095
pm = static
pm.max_children = 2
catch_workers_output = yes
php_admin_value[error_log] = $D/php_errors.log
php_admin_flag[log_errors] = on
php_admin_value[date.timezone] = Europe/Berlin
php_admin_value[error_reporting] = E_ALL
C
touch $D/php_errors.log; chown www-data $D/php_errors.log
php-fpm8.2 -F -y $D/php-fpm.conf &
FPM=$!
cat > $D/lighttpd.conf <<C
server.modules = ("mod_fastcgi", "mod_accesslog")
server.document-root = "$D/www"
server.port = 8098
server.bind = "127.0.0.1"
server.errorlog = "$D/lighttpd-error.log"
server.pid-file = "$D/run/lighttpd.pid"
accesslog.filename = "$D/lighttpd-access.log"
index-file.names = ("index.php")
fastcgi.server = (".php" => (("host" => "127.0.0.1", "port" => 9095)))
debug.log-request-handling = "disable"
debug.log-file-not-found = "enable"
C
lighttpd -D -f $D/lighttpd.conf &
LH=$!; sleep 2
hit() { curl -s -o /dev/null "http://127.0.0.1:8098/$1"; }
burst() { for i in $(seq $1 $2); do hit "index.php?n=$i"; hit "missing$i.png"; sleep 0.$((RANDOM % 9)); done; }
burst 1 6; sleep 33
burst 7 10; kill -USR2 $FPM; sleep 49      # FPM graceful reload
burst 11 18; kill -USR2 $FPM; sleep 24
kill -HUP $LH; burst 19 22; sleep 57       # lighttpd: HUP reopens logs
burst 23 27; sleep 2
kill -INT $LH; kill -QUIT $FPM; sleep 3
put() { mkdir -p $WILD/$1; cp $2 $WILD/$1/$3; touch -r $2 $WILD/$1/$3; echo "$1: $(wc -l < $2) lines"; }
put lighttpd-error $D/lighttpd-error.log error.log
put php-fpm $D/php-fpm.log php8.2-fpm.log
put php-errors $D/php_errors.log php_errors.log
