#!/bin/bash
# Real Gunicorn 20.1 (Debian bookworm), run by hand with a plain WSGI app; --error-logfile, TZ=UTC.
# Error log lines: '[yyyy-MM-dd HH:mm:ss +0000] [pid] [LEVEL] msg' + tracebacks.  Fixture: gunicorn
set -u; export TZ=UTC
WILD=$(cd "$(dirname "$0")/.." && pwd); D=/tmp/wild-gunicorn; rm -rf $D; mkdir -p $D
cat > $D/app.py <<'P'
def app(environ, start_response):
    if environ['PATH_INFO'] == '/boom':
        raise KeyError('missing key')
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [b'ok\n']
P
cd $D && gunicorn --chdir $D --bind 127.0.0.1:8097 --workers 2 --log-level info --error-logfile $D/error.log \
  --access-logfile $D/access.log --pid $D/gunicorn.pid app:app &
sleep 3; GP=$(cat $D/gunicorn.pid)
hit() { curl -s -o /dev/null "http://127.0.0.1:8097/$1"; }
hit x; hit boom; sleep 31
hit y; kill -HUP $GP; sleep 47
hit boom; kill -TTIN $GP; sleep 22
hit z; kill -TTOU $GP; sleep 39
hit boom; sleep 1
kill -TERM $GP; sleep 3
mkdir -p $WILD/gunicorn; cp $D/error.log $WILD/gunicorn/error.log; touch -r $D/error.log $WILD/gunicorn/error.log
echo "gunicorn: $(wc -l < $D/error.log) lines"
