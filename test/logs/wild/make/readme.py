#!/usr/bin/env python3
"""Write test/logs/wild/README.md from expect.py's fixture list, the expected.json files and the notes below."""
import json
import os
import sys

sys.dont_write_bytecode = True
import expect  # noqa: E402

HOW = {
    # real programs: the script that ran them
    'postgresql': 'real_postgresql.sh postgresql UTC 5491',
    'postgresql-berlin': 'real_postgresql.sh postgresql-berlin Europe/Berlin 5492',
    'redis': 'real_redis.sh', 'mariadb': 'real_mariadb.sh (TZ=Europe/Berlin)',
    'apache2-error': 'real_web.sh', 'apache2-access': 'real_web.sh', 'nginx-access': 'real_web.sh',
    'nginx-error': 'real_web.sh', 'haproxy': 'real_web.sh', 'squid-access': 'real_web.sh', 'squid-cache': 'real_web.sh',
    'python-logging': 'real_python.sh', 'go-log': 'real_go.sh', 'go-log-micro': 'real_go.sh',
    'go-slog-json': 'real_go.sh', 'go-slog-text': 'real_go.sh', 'java-jul': 'real_java.sh (TZ=America/New_York)',
    'rsyslog-rfc3339': 'real_rsyslog.sh', 'rsyslog-traditional': 'real_rsyslog.sh',
    'rsyslog-newyear': 'real_rsyslog.sh newyear (logger under libfaketime)', 'exim4': 'real_exim4.sh',
    'bind9': 'real_bind.sh', 'tomcat': 'real_tomcat.sh', 'tomcat-localhost': 'real_tomcat.sh',
    'zookeeper': 'real_zookeeper.sh', 'lighttpd-error': 'real_php_lighttpd.sh', 'php-fpm': 'real_php_lighttpd.sh',
    'php-errors': 'real_php_lighttpd.sh', 'mosquitto': 'real_mosquitto.sh', 'tor': 'real_tor.sh',
    'prometheus': 'real_prometheus.sh', 'gunicorn': 'real_gunicorn.sh', 'etcd-capnslog': 'real_etcd.sh capnslog',
    'etcd-zap': 'real_etcd.sh zap', 'node-pino': 'real_node.sh', 'node-bunyan': 'real_node.sh',
    # hand-written: the documentation / public example the layout follows (content is invented)
    'android-logcat': 'gen_hand.py; Android "Logcat command-line tool" docs (-v threadtime) and AOSP logprint.cpp `"%s.%03d %5d %5d %c %-8s: "`',
    'hdfs': 'gen_hand.py; layout of LogHub (logpai/loghub) HDFS sample lines',
    'spark': 'gen_hand.py; Spark conf/log4j.properties.template pattern `%d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n`, LogHub Spark sample',
    'bgl': 'gen_hand.py; layout of LogHub BGL sample lines',
    'thunderbird': 'gen_hand.py; layout of LogHub Thunderbird sample lines',
    'hpc': 'gen_hand.py; layout of LogHub HPC sample lines',
    'healthapp': 'gen_hand.py; layout of LogHub HealthApp sample lines',
    'proxifier': 'gen_hand.py; layout of LogHub Proxifier sample lines',
    'windows-cbs': 'gen_hand.py; layout of CBS.log as in LogHub Windows sample / Microsoft "Windows Update log files" docs',
    'windows-evtx-csv': 'gen_hand.py; Event Viewer "Save All Events As... CSV" layout (header with 5 names, description as 6th column)',
    'openstack-nova': 'gen_hand.py; layout of LogHub OpenStack sample lines (file name prefix + oslo.log default format)',
    'cri-containerd': 'gen_hand.py; Kubernetes CRI logging format (kubelet-cri-logging design, containerd RFC3339Nano)',
    'docker-json': 'gen_hand.py; Docker docs "JSON File logging driver" example',
    'journal-json': 'gen_hand.py; journalctl(1) -o json, systemd "Journal JSON Format" docs',
    'journal-export': 'gen_hand.py; systemd "Journal Export Format" docs',
    'aws-elb': 'gen_hand.py; AWS docs "Access logs for your Classic Load Balancer" (format + example entries)',
    'aws-alb': 'gen_hand.py; AWS docs "Access logs for your Application Load Balancer" (format + example entries)',
    'envoy': 'gen_hand.py; Envoy docs "Access logging", default format string and example',
    'klog-newyear': 'gen_hand.py; klog/glog header `Lmmdd hh:mm:ss.uuuuuu threadid file:line] msg` (klog README, glog docs)',
    'mongodb': 'gen_hand.py; MongoDB manual "Log Messages" (structured JSON, timeStampFormat iso8601-local)',
    'elasticsearch': 'gen_hand.py; Elasticsearch 7 log4j2.properties `[%d{ISO8601}][%-5p][%-25c{1.}] [%node_name]%marker %m%n`',
    'kafka': 'gen_hand.py; Kafka config/log4j.properties `[%d] %p %m (%c)%n`',
    'cassandra': 'gen_hand.py; Cassandra conf/logback.xml `%-5level [%thread] %date{ISO8601} %F:%L - %msg%n`',
    'iis': 'gen_hand.py; Microsoft "W3C Extended Log File Format (IIS)" docs',
    'zeek-conn': 'gen_hand.py; Zeek docs "conn.log" and the ASCII (TSV) log format header',
    'dmesg-T': 'gen_hand.py; util-linux dmesg(1) --ctime format',
    'mysql-old': 'gen_hand.py; MySQL 5.1/5.5 reference manual "The Error Log" examples (yymmdd h:mm:ss, hour space-padded)',
}

SPECIAL = {
    'postgresql': 'ERROR with DETAIL/STATEMENT lines; a multi-line statement continues on 4 unprefixed lines (not entries)',
    'postgresql-berlin': 'zone ABBREVIATION `CET` in every line; same multi-line statement as postgresql',
    'redis': 'role letters C/M (child/master) and level chars `* # - .`',
    'mariadb': "local Berlin time without zone; one `Version: '...'` line without time; messages embed `261203 14:55:20`",
    'apache2-error': 'microseconds; graceful restart in the middle',
    'apache2-access': 'second-resolution, +0000',
    'haproxy': 'raw format: the line starts with client ip:port, time in the 2nd field, no zone (written in UTC)',
    'squid-access': 'epoch with millis; elapsed column space-padded',
    'squid-cache': '`kid1|` prefixes appear after the first lines; a 3-line CPU/memory report at shutdown has no time',
    'python-logging': '2 tracebacks + a 3-line message (10 continuation lines)',
    'go-log': 'one 3-line message', 'go-log-micro': 'one 3-line message',
    'go-slog-json': 'nanoseconds with trailing zeros trimmed (RFC3339Nano)',
    'java-jul': 'every record is 2 lines (only the first has the time); SEVERE records add a stack trace and an empty line; 12-hour clock without leading zero',
    'rsyslog-rfc3339': 'microseconds, +00:00',
    'rsyslog-traditional': 'yearless, day space-padded (`Dec  3`)',
    'rsyslog-newyear': 'yearless, Dec 31 2025 -> Jan 1 2026; the time is the sender\'s (logger under libfaketime); mtime is a moment after the last line on that faked clock',
    'exim4': 'several lines per message id', 'bind9': 'query log lines with client @0x... pointers',
    'tomcat': 'startup, two context reloads, shutdown', 'tomcat-localhost': 'servlet exceptions with stack traces (continuation lines)',
    'zookeeper': 'EndOfStreamException stack traces (tab-indented) after WARN lines',
    'lighttpd-error': 'three lines per missing file, all stamped',
    'php-fpm': 'worker stderr quoted into the master log; USR2 reload',
    'php-errors': 'zone NAME (Europe/Berlin) in the stamp while the machine runs in UTC; `Stack trace:`/`#0`/`thrown in` continuation lines',
    'mosquitto': 'seconds resolution epoch + colon', 'tor': 'yearless with millis; after startup Tor writes .000 (cached second), so a line can step back within the same second',
    'prometheus': 'debug level included', 'gunicorn': 'tracebacks from /boom requests; HUP/TTIN/TTOU worker changes',
    'etcd-capnslog': "TWO stamp shapes in one file (capnslog + raft's std-log lines, both counted); a raft line (whole seconds) can step back within a second, so not strictly in time order; `[WARNING] Deprecated ...` lines have no time",
    'etcd-zap': 'time is not the first key', 'node-pino': 'epoch milliseconds (13 digits)',
    'node-bunyan': 'time near the end of the record; an error record carries a stack in a JSON string',
    'android-logcat': '`--------- beginning of system/main` lines are not entries; a crash (each line stamped)',
    'hdfs': 'two Java stack traces', 'spark': 'one stack trace (OutOfMemoryError)',
    'bgl': 'epoch = entry time; the date fields are US/Pacific local time (7 or 8 h behind); some alert labels instead of `-`',
    'thunderbird': 'epoch = entry time; the syslog `Nov 9 12:01:01` is US/Pacific local (8 h behind)',
    'hpc': 'epoch in the 5th field; first field is a log id', 'healthapp': 'unpadded hour/minute/second/millisecond (`-0:1:7:45`, millis 1-3 digits = that many ms); crosses midnight',
    'proxifier': 'yearless; `[MM.dd HH:mm:ss]`', 'windows-cbs': 'CSI lines carry a second time `N@yyyy/M/d:HH:mm:ss.SSS` in the message (same instant here)',
    'windows-evtx-csv': 'CRLF line ends; quoted descriptions spanning several lines (blank ones too); rows in ascending time order (as when the view is sorted oldest first; Event Viewer\'s default is newest first); no BOM',
    'openstack-nova': 'options {"timeField": 2}: the first field is a file name with its own (different) time',
    'cri-containerd': 'P (partial) chunks each carry their own time and are counted as entries; fractional digits vary (0-9)',
    'docker-json': 'fraction 0-9 digits; Go HTML-escaping (\\u003c) in "log"',
    'journal-json': '_SOURCE_REALTIME_TIMESTAMP (earlier) and SYSLOG_TIMESTAMP also present; entry time = __REALTIME_TIMESTAMP',
    'journal-export': 'entries = records (the __REALTIME_TIMESTAMP line); ~20 KEY=VALUE lines per record; records end with a blank line',
    'aws-elb': 'some 504 lines with -1 timings', 'aws-alb': 'request_creation_time later in the line is EARLIER than the entry time',
    'envoy': '[...Z] with millis', 'klog-newyear': 'yearless, Dec 31 2025 -> Jan 1 2026; one message continues on 3 unprefixed lines',
    'mongodb': '+01:00 offset; attr holds other dates ($date, WiredTiger ts_sec)', 'elasticsearch': 'two stack traces',
    'kafka': 'a config dump: one record over 7 lines (the logger name ends the last one)',
    'cassandra': 'thread names with spaces (`[Service Thread]`); two stack traces',
    'iis': "`#Software/#Version/#Date/#Fields` header block at the top and again after a restart (#Date carries a time, not an entry)",
    'zeek-conn': '#open/#close header lines carry times but are not entries', 'dmesg-T': 'day space-padded (`Dec  3`)',
    'mysql-old': "hour space-padded before 10 a.m. (`161203  9:58:01`); `InnoDB:` continuation lines without time",
}

HEAD = """# Wild log fixtures

Small application logs, each in the timestamp format of a different real system, with the expected
reading in `<id>/expected.json`.  The expected values were computed by `make/expect.py` (a per-fixture
regex + strptime / epoch conversion + zoneinfo, written from each format's documentation), never by
running this project.

* `producer: real` - written by the real program, run by hand on a Debian bookworm machine (scripts in
  `make/real_*.sh`; most with `TZ=UTC`, traffic from curl / psql / redis-cli / logger / dig / ...,
  bursts separated by sleeps).  Whatever the program wrote was kept as is.
* `producer: hand` - written by `make/gen_hand.py` (seeded, deterministic) to the documented layout or
  to the layout of public example lines; hosts, ids and messages are invented (nothing copied from
  any dataset).
* `expected.json`: `entries` = lines that carry the entry's timestamp (continuation, stack-trace,
  header lines are not entries); `first` = earliest entry, `last` = latest entry (logs whose lines step back, like etcd's two loggers, differ from file order) (UTC, milliseconds,
  sub-millisecond digits truncated); `perMinute` = entries per UTC minute; `tz` = IANA zone of times
  written without an offset (`UTC` when the text carries an offset or the writer ran in UTC);
  `mtime` only for yearless formats: set it on the file before reading (the year of the last line is
  the mtime's year, or the one before); `options` is `{}` except openstack-nova (`timeField: 2`).
* To regenerate: run `make/real_*.sh` (as root, needs the Debian packages named in each script; Go from
  bookworm-backports `golang-1.23-go`; pino/bunyan from npm), `python3 make/gen_hand.py`, then
  `python3 make/expect.py` (and `python3 make/readme.py`).  Real runs produce different times and
  counts each time; `python3 make/expect.py --check` verifies the committed files.
* Hand-written yearless fixtures: android-logcat, proxifier, klog-newyear.  Real yearless ones:
  rsyslog-traditional, rsyslog-newyear, tor.  New Year crossings: klog-newyear, rsyslog-newyear.
* Fixtures with local times in another zone: postgresql-berlin (abbreviation CET), php-errors (zone
  name), mariadb (Europe/Berlin), java-jul (America/New_York), windows-evtx-csv (America/New_York).

## Deviations and things to know

* rsyslog-newyear: rsyslogd run under libfaketime kept the real clock, so instead imuxsock was told
  to keep the sender's timestamp and each `logger` ran under faketime (start 2025-12-31 23:57:30 UTC,
  advancing in real time). Its dates are therefore 2025/2026, not Dec 2026 like the other real runs;
  the file's real mtime is meaningless, hence `mtime` in expected.json (a second after the last line).
* tomcat and zookeeper were first hand-written, then replaced by real Tomcat 10.1 / ZooKeeper 3.8 runs.
  ZooKeeper 3.8 needed Debian's slf4j-log4j12 + log4j-1.2 jars on the class path to log at all.
* dmesg-T is hand-written: `dmesg -T` works here, but this machine's kernel log holds its boot
  command line, which does not belong in a fixture.
* Go's log/slog needs Go >= 1.21; bookworm has 1.19, so Go 1.23 came from Debian bookworm-backports.
* windows-evtx-csv: rows are in ascending time order (Event Viewer exports in the view's sort order,
  newest first by default), without a BOM.
* Real logs carry this machine's host name (`vm`) and, in a few startup lines (nginx, Tomcat,
  Prometheus), its kernel version string.
* The LogHub-layout fixtures (hdfs, spark, bgl, thunderbird, hpc, healthapp, proxifier, windows-cbs,
  openstack-nova) follow the layout of the public sample lines only; no line was copied.

| id | system | producer | how / source | timestamp shape | entries/lines | special |
|---|---|---|---|---|---|---|
"""


def main():
    rows = []
    for fid, s in sorted(expect.F.items(), key=lambda kv: (kv[1]['producer'] != 'real', kv[0])):
        p = os.path.join(expect.WILD, fid, 'expected.json')
        if not os.path.exists(p):
            continue
        e = json.load(open(p))
        with open(os.path.join(expect.WILD, fid, s['file']), newline='') as f:
            n = f.read().count('\n')
        tz = '' if e['tz'] == 'UTC' else f" (tz {e['tz']})"
        cells = [fid, s['system'], s['producer'], HOW.get(fid, ''), s['shape'] + tz, f"{e['entries']}/{n}",
                 SPECIAL.get(fid, '')]
        rows.append('| ' + ' | '.join(c.replace('|', '\\|') for c in cells) + ' |')
    with open(os.path.join(expect.WILD, 'README.md'), 'w') as f:
        f.write(HEAD + '\n'.join(r.replace('\n', ' ') for r in rows) + '\n')
    print(f'README.md: {len(rows)} fixtures')


if __name__ == '__main__':
    main()
