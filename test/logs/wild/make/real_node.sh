#!/bin/bash
# Real Node.js 20 loggers from the npm registry (installed into a scratch dir), TZ=UTC:
#   pino 9   -> fixture node-pino   (JSON lines, "time": epoch milliseconds as a number)
#   bunyan 1 -> fixture node-bunyan (JSON lines, "time":"yyyy-MM-ddTHH:mm:ss.SSSZ" near the end, "v":0 last)
set -u; export TZ=UTC
WILD=$(cd "$(dirname "$0")/.." && pwd); D=/tmp/wild-node; rm -rf $D; mkdir -p $D
cd $D && npm init -y >/dev/null && npm install --no-audit --no-fund pino@9 bunyan@1 >/dev/null 2>&1
cat > $D/app.js <<'JS'
const fs = require('fs');
const pino = require('pino')(pino_dest());
function pino_dest() { return require('pino').destination({ dest: process.argv[2], sync: true }); }
const bunyan = require('bunyan').createLogger({ name: 'orders', streams: [{ path: process.argv[3], level: 'debug' }] });
const pauses = [27, 49, 13, 58, 35, 0];
let n = 0;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
(async () => {
  for (let b = 0; b < pauses.length; b++) {
    const k = 4 + ((b * 7) % 6);
    for (let i = 0; i < k; i++, n++) {
      pino.info({ req: n, path: '/api/orders' }, 'request completed');
      bunyan.info({ req: n }, 'request completed');
      if (n % 5 === 2) bunyan.debug({ cache: 'miss' }, 'cache lookup');
      await sleep(50 + ((n * 37) % 300));
    }
    if (b === 2) {
      const err = new Error('upstream timeout');
      pino.error(err, 'request failed');
      bunyan.error(err, 'request failed');
    }
    await sleep(pauses[b] * 1000);
  }
  pino.info('shutting down');
  bunyan.info('shutting down');
})();
JS
node $D/app.js $D/pino.log $D/bunyan.log
for f in pino bunyan; do mkdir -p $WILD/node-$f; cp $D/$f.log $WILD/node-$f/app.log; touch -r $D/$f.log $WILD/node-$f/app.log; echo "node-$f: $(wc -l < $D/$f.log) lines"; done
