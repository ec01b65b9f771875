#!/bin/bash
# Real Prometheus 2.x (Debian bookworm), run by hand, go-kit logfmt on stderr (ts=... caller=... level=...),
# scraping itself on 127.0.0.1; config reloads via /-/reload.  TZ=UTC.  Fixture: prometheus
set -u; export TZ=UTC
WILD=$(cd "$(dirname "$0")/.." && pwd); D=/tmp/wild-prom; rm -rf $D; mkdir -p $D/data
cat > $D/prometheus.yml <<C
global: { scrape_interval: 5s }
scrape_configs:
  - job_name: self
    static_configs: [ { targets: ['127.0.0.1:9099'] } ]
  - job_name: down
    static_configs: [ { targets: ['127.0.0.1:9'] } ]
C
prometheus --config.file=$D/prometheus.yml --storage.tsdb.path=$D/data --web.listen-address=127.0.0.1:9099 \
  --web.enable-lifecycle --log.level=debug 2> $D/prometheus.log &
PR=$!; sleep 5
for p in 38 52 27 41; do sleep $p; curl -s -X POST http://127.0.0.1:9099/-/reload; done
sleep 2; kill $PR; sleep 3
mkdir -p $WILD/prometheus; cp $D/prometheus.log $WILD/prometheus/prometheus.log; touch -r $D/prometheus.log $WILD/prometheus/prometheus.log
echo "prometheus: $(wc -l < $D/prometheus.log) lines"
