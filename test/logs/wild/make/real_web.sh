#!/bin/bash
# Real nginx 1.22, Apache 2.4, HAProxy 2.6 and Squid 5.7 (Debian bookworm), all run by hand
# with TZ=UTC, traffic from curl on the loopback, bursts separated by sleeps.
# Produces fixtures: nginx-access nginx-error apache2-access apache2-error haproxy squid-access squid-cache
set -u
export TZ=UTC
WILD=$(cd "$(dirname "$0")/.." && pwd)
D=/tmp/wild-web
rm -rf $D; mkdir -p $D/htdocs $D/nginx $D/apache $D/squid/spool
echo '<h1>hello</h1>' > $D/htdocs/index.html
head -c 20000 /dev/urandom | base64 > $D/htdocs/big.txt
chown -R proxy:proxy $D/squid; chmod 755 $D; chmod -R a+rX $D/htdocs

# --- nginx (origin server) on 127.0.0.1:8082
cat > $D/nginx/nginx.conf <<CONF
pid $D/nginx/nginx.pid;
error_log $D/nginx/error.log info;
events { worker_connections 64; }
http {
  access_log $D/nginx/access.log combined;
  server { listen 127.0.0.1:8082; root $D/htdocs; location /slow { return 503; } }
}
CONF
nginx -c $D/nginx/nginx.conf

# --- Apache 2.4 on 127.0.0.1:8081
M=/usr/lib/apache2/modules
cat > $D/apache/httpd.conf <<CONF
ServerRoot $D/apache
ServerName localhost
Listen 127.0.0.1:8081
PidFile $D/apache/httpd.pid
User www-data
Group www-data
LoadModule mpm_event_module $M/mod_mpm_event.so
LoadModule authz_core_module $M/mod_authz_core.so
LoadModule authz_host_module $M/mod_authz_host.so
LoadModule dir_module $M/mod_dir.so
LoadModule mime_module $M/mod_mime.so
LoadModule alias_module $M/mod_alias.so
TypesConfig /etc/mime.types
ErrorLog $D/apache/error.log
LogLevel info
LogFormat "%h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\"" combined
CustomLog $D/apache/access.log combined
DocumentRoot $D/htdocs
<Directory $D/htdocs>
  Require all granted
</Directory>
<Location /private>
  Require all denied
</Location>
CONF
apache2 -f $D/apache/httpd.conf -k start

# --- HAProxy on 127.0.0.1:8083 -> nginx, logging raw to stdout
cat > $D/haproxy.cfg <<CONF
global
  log stdout format raw local0
defaults
  log global
  mode http
  option httplog
  timeout connect 2s
  timeout client 10s
  timeout server 10s
frontend fe_web
  bind 127.0.0.1:8083
  default_backend be_nginx
backend be_nginx
  server nginx1 127.0.0.1:8082
CONF
haproxy -db -f $D/haproxy.cfg > $D/haproxy.log 2> $D/haproxy.stderr &
HAP=$!

# --- Squid on 127.0.0.1:3129 (native access.log format)
cat > $D/squid/squid.conf <<CONF
http_port 127.0.0.1:3129
pid_filename $D/squid/squid.pid
access_log $D/squid/access.log squid
cache_log $D/squid/cache.log
cache_store_log none
cache_effective_user proxy
coredump_dir $D/squid/spool
acl localnet src 127.0.0.1/32
http_access allow localnet
http_access deny all
cache_mem 8 MB
CONF
squid -N -f $D/squid/squid.conf &
SQ=$!
sleep 3

burst() {  # $1 = number of rounds
  for i in $(seq 1 $1); do
    curl -s -o /dev/null http://127.0.0.1:8082/
    curl -s -o /dev/null -A "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0" -e http://example.org/ http://127.0.0.1:8082/big.txt
    curl -s -o /dev/null http://127.0.0.1:8082/missing-$i.png
    curl -s -o /dev/null http://127.0.0.1:8081/
    curl -s -o /dev/null http://127.0.0.1:8081/nope-$i
    curl -s -o /dev/null http://127.0.0.1:8081/private/x
    curl -s -o /dev/null http://127.0.0.1:8083/
    curl -s -o /dev/null http://127.0.0.1:8083/slow
    curl -s -o /dev/null -x http://127.0.0.1:3129 http://127.0.0.1:8082/big.txt
    curl -s -o /dev/null -x http://127.0.0.1:3129 http://127.0.0.1:8082/missing.css
    curl -s -o /dev/null -x http://127.0.0.1:3129 http://127.0.0.1:9/refused
    sleep 0.$((RANDOM % 9))
  done
}
burst 4; sleep 31
burst 3; sleep 52
apache2 -f $D/apache/httpd.conf -k graceful; sleep 2
burst 5; sleep 44
squid -k reconfigure -f $D/squid/squid.conf; sleep 2
burst 3; sleep 26
burst 2; sleep 2

apache2 -f $D/apache/httpd.conf -k stop
nginx -c $D/nginx/nginx.conf -s quit
kill $HAP
squid -k shutdown -f $D/squid/squid.conf
sleep 2; wait $SQ 2>/dev/null; sleep 35   # squid waits shutdown_lifetime (30 s)
put() { mkdir -p $WILD/$1; cp $2 $WILD/$1/$3; touch -r $2 $WILD/$1/$3; echo "$1: $(wc -l < $2) lines"; }
put nginx-access  $D/nginx/access.log  access.log
put nginx-error   $D/nginx/error.log   error.log
put apache2-access $D/apache/access.log access.log
put apache2-error  $D/apache/error.log  error.log
put haproxy       $D/haproxy.log       haproxy.log
put squid-access  $D/squid/access.log  access.log
put squid-cache   $D/squid/cache.log   cache.log
