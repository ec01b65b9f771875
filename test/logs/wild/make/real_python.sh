#!/bin/bash
# Real Python 3 logging (default asctime 'yyyy-mm-dd HH:MM:SS,mmm'), TZ=UTC.  Fixture: python-logging
set -u; export TZ=UTC
WILD=$(cd "$(dirname "$0")/.." && pwd); mkdir -p $WILD/python-logging
rm -f $WILD/python-logging/app.log
python3 - $WILD/python-logging/app.log <<'PY'
import logging, sys, time, random
logging.basicConfig(filename=sys.argv[1], level=logging.DEBUG,
                    format='%(asctime)s %(levelname)s [%(name)s] %(message)s')
log = logging.getLogger('worker'); db = logging.getLogger('worker.db')
rng = random.Random(7)
def parse(s): return int(s)
for burst, pause in enumerate([21, 47, 12, 66, 30, 0]):
    for j in range(rng.randint(6, 12)):
        log.info('job %d.%d started', burst, j)
        db.debug('query took %.1f ms', rng.random() * 40)
        time.sleep(rng.random() * 0.5)
    if burst in (1, 4):
        try:
            parse('forty-two')
        except ValueError:
            log.exception('job %d failed while parsing input', burst)
    if burst == 3:
        log.warning('retrying connection\nfirst attempt: refused\nsecond attempt: timeout')
    time.sleep(pause)
log.info('shutting down')
PY
echo "python-logging: $(wc -l < $WILD/python-logging/app.log) lines"
