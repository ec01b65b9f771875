#!/usr/bin/env python3
"""Compute test/logs/wild/<id>/expected.json for every fixture, independently of the project's parser.

For each fixture this file states, from the format's documentation, a regular expression that captures
the entry's timestamp text at a fixed place in the line, and how to convert it (strptime format and the
zone of times written without offset, an epoch, or a small function).  A line that does not match is not
an entry (continuation / stack-trace / header lines).  Times are converted to UTC with zoneinfo; sub-
millisecond digits are truncated.

Yearless formats: the year of the last entry is mtime's year, or the year before if that would put the
last entry after mtime; walking backwards through the file, a month that jumps from Jan-ish back to
Dec-ish means the year before.

Usage: python3 expect.py [--check] [id ...]     (--check: compare with the files instead of writing)
"""
import datetime as dt
import json
import os
import re
import sys
from zoneinfo import ZoneInfo

UTC = dt.timezone.utc
WILD = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# --- converters: each takes the regex match and the fixture's zone, returns an aware datetime ----------
def strp(fmt):
    def conv(m, tz):
        t = dt.datetime.strptime(m.group(1), fmt)
        return t.replace(tzinfo=tz) if t.tzinfo is None else t
    return conv


ISO = re.compile(r'^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:[.,](\d+))?(Z|[+-]\d\d:?\d\d)$')


def iso(m, tz):
    """RFC 3339 text with any number of fraction digits (truncated to microseconds)."""
    g = ISO.match(m.group(1))
    if not g:
        raise ValueError(f'not RFC 3339: {m.group(1)!r}')
    y, mo, d, h, mi, s = map(int, g.groups()[:6])
    us = int((g.group(7) or '0')[:6].ljust(6, '0'))
    z = g.group(8)
    off = UTC if z == 'Z' else dt.timezone(dt.timedelta(hours=int(z[1:3]), minutes=int(z[-2:])) * (1 if z[0] == '+' else -1))
    return dt.datetime(y, mo, d, h, mi, s, us, tzinfo=off)


def epoch(m, tz):
    """decimal epoch seconds, e.g. 1796306092.964 (integer arithmetic, no float rounding)."""
    sec, _, frac = m.group(1).partition('.')
    return dt.datetime.fromtimestamp(int(sec), UTC) + dt.timedelta(microseconds=int(frac[:6].ljust(6, '0')))


def epoch_us(m, tz):
    v = int(m.group(1))
    return dt.datetime.fromtimestamp(v // 1000000, UTC) + dt.timedelta(microseconds=v % 1000000)


def pg_abbrev(m, tz):
    """PostgreSQL %m: local time + zone abbreviation; the abbreviation must be the zone's at that time."""
    t = dt.datetime.strptime(m.group(1), '%Y-%m-%d %H:%M:%S.%f').replace(tzinfo=tz)
    if t.tzname() != m.group(2):
        raise ValueError(f'abbreviation {m.group(2)} is not {tz} ({t.tzname()}) at {t}')
    return t


def healthapp(m, tz):
    d = dt.datetime.strptime(m.group(1), '%Y%m%d')
    h, mi, s, msec = (int(x) for x in m.groups()[1:])
    return d.replace(hour=h, minute=mi, second=s, microsecond=msec * 1000, tzinfo=tz)


def mysql_old(m, tz):
    d = dt.datetime.strptime(m.group(1), '%y%m%d')
    return d.replace(hour=int(m.group(2)), minute=int(m.group(3)), second=int(m.group(4)), tzinfo=tz)


def epoch_ms(m, tz):
    v = int(m.group(1))
    return dt.datetime.fromtimestamp(v // 1000, UTC) + dt.timedelta(milliseconds=v % 1000)


def named_zone(fmt):
    """local time followed by an IANA zone name written in the line (PHP error_log)."""
    def conv(m, tz):
        return dt.datetime.strptime(m.group(1), fmt).replace(tzinfo=ZoneInfo(m.group(2)))
    return conv


def yearless(fmt):
    """returns (month, day, time-of-day) parsed with a leap placeholder year; year filled in later."""
    def conv(m, tz):
        return dt.datetime.strptime('2000 ' + m.group(1), '%Y ' + fmt)
    conv.yearless = True
    return conv


# --- the fixtures -----------------------------------------------------------------------------------
D = r'\d{4}-\d\d-\d\d'
T = r'\d\d:\d\d:\d\d'
F = {}


def fx(fid, system, producer, file, shape, rx, conv, tz='UTC', mtime=None, options=None, alt=()):
    """alt: further (regex, converter) pairs for lines of a second stamp shape in the same file."""
    F[fid] = dict(system=system, producer=producer, file=file, shape=shape, rx=re.compile(rx), conv=conv, tz=tz,
                  mtime=mtime, options=options or {}, alt=[(re.compile(r), c) for r, c in alt])


# real programs run on this machine (make/real_*.sh)
fx('postgresql', 'PostgreSQL 15.18 (Debian bookworm)', 'real', 'postgresql.log',
   "yyyy-MM-dd HH:mm:ss.SSS zzz at line start (log_line_prefix '%m [%p] ', log_timezone UTC -> 'UTC'); "
   'multi-line statements continue on unprefixed lines',
   rf'^({D} {T}\.\d{{3}}) (UTC) \[\d+\] ', pg_abbrev)
fx('postgresql-berlin', 'PostgreSQL 15.18 (Debian bookworm)', 'real', 'postgresql.log',
   "yyyy-MM-dd HH:mm:ss.SSS zzz at line start, log_timezone='Europe/Berlin' -> local time with abbreviation 'CET'",
   rf'^({D} {T}\.\d{{3}}) (CET|CEST) \[\d+\] ', pg_abbrev, tz='Europe/Berlin')
fx('redis', 'Redis 7.0.15 (Debian bookworm)', 'real', 'redis.log',
   'pid:role dd MMM yyyy HH:mm:ss.SSS level-char after the pid:role field',
   rf'^\d+:[XCSM] (\d\d \w{{3}} \d{{4}} {T}\.\d{{3}}) [.\-*#] ', strp('%d %b %Y %H:%M:%S.%f'))
fx('mariadb', 'MariaDB 10.11.19 (Debian bookworm)', 'real', 'error.log',
   'yyyy-MM-dd HH:mm:ss thread-id [Level] at line start, local time of a machine in Europe/Berlin (no zone in the text)',
   rf'^({D} {T}) \d+ \[', strp('%Y-%m-%d %H:%M:%S'), tz='Europe/Berlin')
fx('apache2-error', 'Apache httpd 2.4.71 (Debian bookworm)', 'real', 'error.log',
   '[EEE MMM dd HH:mm:ss.SSSSSS yyyy] at line start (ErrorLogFormat default)',
   rf'^\[(\w{{3}} \w{{3}} \d\d {T}\.\d{{6}} \d{{4}})\] ', strp('%a %b %d %H:%M:%S.%f %Y'))
fx('apache2-access', 'Apache httpd 2.4.71 (Debian bookworm)', 'real', 'access.log',
   "combined: [dd/MMM/yyyy:HH:mm:ss Z] after 'host ident user'",
   rf'^\S+ \S+ \S+ \[(\d\d/\w{{3}}/\d{{4}}:{T} [+-]\d{{4}})\] "', strp('%d/%b/%Y:%H:%M:%S %z'))
fx('nginx-access', 'nginx 1.22.1 (Debian bookworm)', 'real', 'access.log',
   "combined: [dd/MMM/yyyy:HH:mm:ss Z] after 'host ident user'",
   rf'^\S+ \S+ \S+ \[(\d\d/\w{{3}}/\d{{4}}:{T} [+-]\d{{4}})\] "', strp('%d/%b/%Y:%H:%M:%S %z'))
fx('nginx-error', 'nginx 1.22.1 (Debian bookworm)', 'real', 'error.log',
   'yyyy/MM/dd HH:mm:ss [level] at line start',
   rf'^(\d{{4}}/\d\d/\d\d {T}) \[\w+\] ', strp('%Y/%m/%d %H:%M:%S'))
fx('haproxy', 'HAProxy 2.6.12 (Debian bookworm)', 'real', 'haproxy.log',
   "'log stdout format raw' + option httplog: client ip:port then [dd/MMM/yyyy:HH:mm:ss.SSS] (accept date, no zone)",
   rf'^\S+:\d+ \[(\d\d/\w{{3}}/\d{{4}}:{T}\.\d{{3}})\] ', strp('%d/%b/%Y:%H:%M:%S.%f'))
fx('squid-access', 'Squid 5.7 (Debian bookworm)', 'real', 'access.log',
   'native format: epoch seconds.millis at line start, then padded elapsed ms',
   r'^(\d{10}\.\d{3}) +\d+ ', epoch)
fx('squid-cache', 'Squid 5.7 (Debian bookworm)', 'real', 'cache.log',
   "yyyy/MM/dd HH:mm:ss then '|' or ' kidN|'; some messages continue on indented lines",
   rf'^(\d{{4}}/\d\d/\d\d {T})(?: kid\d+)?\| ', strp('%Y/%m/%d %H:%M:%S'))
fx('python-logging', 'Python 3.11 logging (basicConfig, default asctime)', 'real', 'app.log',
   'yyyy-MM-dd HH:mm:ss,SSS at line start; tracebacks and a multi-line message continue on unprefixed lines',
   rf'^({D} {T},\d{{3}}) [A-Z]+ \[', strp('%Y-%m-%d %H:%M:%S,%f'))
fx('go-log', 'Go 1.23 log package, default flags (LstdFlags)', 'real', 'app.log',
   'yyyy/MM/dd HH:mm:ss at line start; a message with newlines continues on unprefixed lines',
   rf'^(\d{{4}}/\d\d/\d\d {T}) ', strp('%Y/%m/%d %H:%M:%S'))
fx('go-log-micro', 'Go 1.23 log package, LstdFlags|Lmicroseconds', 'real', 'app.log',
   'yyyy/MM/dd HH:mm:ss.SSSSSS at line start; a message with newlines continues on unprefixed lines',
   rf'^(\d{{4}}/\d\d/\d\d {T}\.\d{{6}}) ', strp('%Y/%m/%d %H:%M:%S.%f'))
fx('go-slog-json', 'Go 1.23 log/slog JSONHandler', 'real', 'app.log',
   'JSON lines, first key "time": RFC 3339 with nanoseconds (trailing zeros trimmed), Z',
   r'^\{"time":"([^"]+)",', iso)
fx('go-slog-text', 'Go 1.23 log/slog TextHandler', 'real', 'app.log',
   'logfmt, time=yyyy-MM-ddTHH:mm:ss.SSSZ first',
   r'^time=(\S+) level=', iso)
fx('java-jul', 'OpenJDK 17 java.util.logging SimpleFormatter (default format)', 'real', 'app.log',
   "2-line records: 'MMM dd, yyyy h:mm:ss a Class method' then 'LEVEL: msg' (+ stack trace); local time, America/New_York",
   r'^(\w{3} \d\d, \d{4} \d{1,2}:\d\d:\d\d [AP]M) \S+ \S+$', strp('%b %d, %Y %I:%M:%S %p'), tz='America/New_York')
fx('rsyslog-rfc3339', 'rsyslog 8.2302 (Debian bookworm), RSYSLOG_FileFormat', 'real', 'syslog',
   'RFC 3339 with microseconds and +00:00 at line start',
   r'^(\S+) \S+ ', iso)
fx('rsyslog-traditional', 'rsyslog 8.2302 (Debian bookworm), RSYSLOG_TraditionalFileFormat', 'real', 'messages',
   'MMM d HH:mm:ss (day space-padded) at line start, no year',
   rf'^(\w{{3}} [ \d]\d {T}) ', yearless('%b %d %H:%M:%S'), mtime='2026-12-03T14:03:01Z')
fx('rsyslog-newyear', 'rsyslog 8.2302 (Debian bookworm), RSYSLOG_TraditionalFileFormat, sender clock faked', 'real', 'messages',
   'MMM d HH:mm:ss (day space-padded), no year; crosses Dec 31 2025 -> Jan 1 2026',
   rf'^(\w{{3}} [ \d]\d {T}) ', yearless('%b %d %H:%M:%S'), mtime='2026-01-01T00:00:54Z')
fx('exim4', 'Exim 4.96 (Debian bookworm exim4-daemon-light)', 'real', 'mainlog',
   'yyyy-MM-dd HH:mm:ss at line start (local time, machine in UTC)',
   rf'^({D} {T}) ', strp('%Y-%m-%d %H:%M:%S'))
fx('bind9', 'BIND 9.18.49 named (Debian bookworm)', 'real', 'named.log',
   'dd-MMM-yyyy HH:mm:ss.SSS at line start (print-time yes)',
   rf'^(\d\d-\w{{3}}-\d{{4}} {T}\.\d{{3}}) ', strp('%d-%b-%Y %H:%M:%S.%f'))

fx('tomcat', 'Apache Tomcat 10.1.60 (Debian bookworm tomcat10)', 'real', 'catalina.2026-12-03.log',
   'dd-MMM-yyyy HH:mm:ss.SSS LEVEL [thread] at line start (JULI OneLineFormatter)',
   rf'^(\d\d-\w{{3}}-\d{{4}} {T}\.\d{{3}}) [A-Z]+ \[', strp('%d-%b-%Y %H:%M:%S.%f'))
fx('tomcat-localhost', 'Apache Tomcat 10.1.60 (Debian bookworm tomcat10)', 'real', 'localhost.2026-12-03.log',
   'dd-MMM-yyyy HH:mm:ss.SSS LEVEL [thread] at line start; servlet exceptions with Java stack traces',
   rf'^(\d\d-\w{{3}}-\d{{4}} {T}\.\d{{3}}) [A-Z]+ \[', strp('%d-%b-%Y %H:%M:%S.%f'))
fx('zookeeper', 'Apache ZooKeeper 3.8.0 (Debian bookworm), log4j %d{ISO8601} - %-5p [%t:%C{1}@%L]', 'real', 'zookeeper.log',
   'yyyy-MM-dd HH:mm:ss,SSS - LEVEL [thread:Class@line] - msg; multi-line messages',
   rf'^({D} {T},\d{{3}}) - [A-Z]+ +\[', strp('%Y-%m-%d %H:%M:%S,%f'))
fx('lighttpd-error', 'lighttpd 1.4.69 (Debian bookworm)', 'real', 'error.log',
   "yyyy-MM-dd HH:mm:ss: (file.c.line) at line start",
   rf'^({D} {T}): \(', strp('%Y-%m-%d %H:%M:%S'))
fx('php-fpm', 'PHP-FPM 8.2 (Debian bookworm php8.2-fpm)', 'real', 'php8.2-fpm.log',
   '[dd-MMM-yyyy HH:mm:ss] LEVEL: at line start (master log; worker stderr quoted in it)',
   rf'^\[(\d\d-\w{{3}}-\d{{4}} {T})\] [A-Z]+: ', strp('%d-%b-%Y %H:%M:%S'))
fx('php-errors', 'PHP 8.2 error_log (via PHP-FPM, date.timezone=Europe/Berlin)', 'real', 'php_errors.log',
   '[dd-MMM-yyyy HH:mm:ss Europe/Berlin] with the IANA zone NAME in the stamp; uncaught exceptions add Stack trace lines',
   rf'^\[(\d\d-\w{{3}}-\d{{4}} {T}) ([A-Za-z_]+/[A-Za-z_]+|UTC)\] ', named_zone('%d-%b-%Y %H:%M:%S'), tz='Europe/Berlin')
fx('mosquitto', 'Eclipse Mosquitto 2.0.11 (Debian bookworm)', 'real', 'mosquitto.log',
   "epoch seconds followed by ': ' at line start (log_timestamp default)",
   r'^(\d{10}): ', epoch)
fx('tor', 'Tor 0.4.9 (Debian bookworm security), DisableNetwork 1', 'real', 'notices.log',
   'MMM dd HH:mm:ss.SSS [level] at line start, no year',
   rf'^(\w{{3}} \d\d {T}\.\d{{3}}) \[\w+\] ', yearless('%b %d %H:%M:%S.%f'), mtime='2026-12-03T14:07:33Z')
fx('prometheus', 'Prometheus 2.42 (Debian bookworm), go-kit logfmt', 'real', 'prometheus.log',
   'logfmt, ts=yyyy-MM-ddTHH:mm:ss.SSSZ first',
   r'^ts=(\S+) caller=', iso)
fx('gunicorn', 'Gunicorn 20.1.0 (Debian bookworm), --error-logfile', 'real', 'error.log',
   '[yyyy-MM-dd HH:mm:ss Z] [pid] [LEVEL] at line start; request-handling tracebacks',
   rf'^\[({D} {T} [+-]\d{{4}})\] \[\d+\] \[[A-Z]+\] ', strp('%Y-%m-%d %H:%M:%S %z'))
fx('etcd-capnslog', 'etcd 3.4.23 (Debian bookworm etcd-server), default capnslog logger', 'real', 'etcd.log',
   "yyyy-MM-dd HH:mm:ss.SSSSSS L | pkg: msg; ALSO raft's Go-log lines 'raftyyyy/MM/dd HH:mm:ss INFO: ...' (prefix glued "
   "to the date), which are entries too; two '[WARNING] Deprecated ...' lines without time",
   rf'^({D} {T}\.\d{{6}}) [A-Z] \| ', strp('%Y-%m-%d %H:%M:%S.%f'),
   alt=[(rf'^raft(\d{{4}}/\d\d/\d\d {T}) [A-Z]+: ', strp('%Y/%m/%d %H:%M:%S'))])
fx('etcd-zap', 'etcd 3.4.23 (Debian bookworm etcd-server), --logger=zap', 'real', 'etcd.log',
   'JSON lines {"level":..,"ts":"yyyy-MM-ddTHH:mm:ss.SSSZ",...}: time in the 2nd key',
   r'^\{"level":"\w+","ts":"([^"]+)",', iso)
fx('node-pino', 'pino 9 on Node.js 20 (npm)', 'real', 'app.log',
   'JSON lines, "time": epoch MILLISECONDS as a number (2nd key)',
   r'^\{"level":\d+,"time":(\d{13}),', epoch_ms)
fx('node-bunyan', 'bunyan 1.8 on Node.js 20 (npm)', 'real', 'app.log',
   'JSON lines, "time":"yyyy-MM-ddTHH:mm:ss.SSSZ" second to last (before "v":0)',
   r',"time":"([^"]+)","v":0\}$', iso)

# hand-written to the documented format (make/gen_hand.py)
fx('android-logcat', 'Android logcat -v threadtime', 'hand', 'logcat.txt',
   "MM-dd HH:mm:ss.SSS pid tid L Tag: msg, no year; '--------- beginning of' lines",
   rf'^(\d\d-\d\d {T}\.\d{{3}}) +\d+ +\d+ [VDIWEFA] ', yearless('%m-%d %H:%M:%S.%f'), mtime='2026-03-14T09:36:55Z')
fx('hdfs', 'Hadoop HDFS 0.x (log4j %d{yyMMdd HHmmss})', 'hand', 'hdfs.log',
   'yyMMdd HHmmss thread LEVEL class: msg; Java stack traces',
   r'^(\d{6} \d{6}) \d+ [A-Z]+ ', strp('%y%m%d %H%M%S'))
fx('spark', 'Apache Spark 2.x (log4j yy/MM/dd HH:mm:ss)', 'hand', 'spark.log',
   'yy/MM/dd HH:mm:ss LEVEL class: msg; a stack trace',
   rf'^(\d\d/\d\d/\d\d {T}) [A-Z]+ ', strp('%y/%m/%d %H:%M:%S'))
fx('bgl', 'Blue Gene/L RAS log (LogHub BGL layout)', 'hand', 'BGL.log',
   "label epoch yyyy.MM.dd node yyyy-MM-dd-HH.mm.ss.SSSSSS ...; the epoch (2nd field) is the entry's time; the "
   'date fields are US/Pacific local time',
   r'^\S+ (\d{10}) \d{4}\.\d\d\.\d\d ', epoch)
fx('thunderbird', 'Thunderbird supercomputer syslog (LogHub layout)', 'hand', 'Thunderbird.log',
   "label epoch yyyy.MM.dd node MMM d HH:mm:ss node/node prog: msg; the epoch (2nd field) is the entry's time; "
   'the syslog date is US/Pacific local time',
   r'^\S+ (\d{10}) \d{4}\.\d\d\.\d\d ', epoch)
fx('hpc', 'HPC cluster log (LogHub HPC layout)', 'hand', 'HPC.log',
   'logid node component state epoch flag msg: epoch in the 5th field',
   r'^\d+ \S+ \S+ \S+ (\d{10}) \d ', epoch)
fx('healthapp', 'HealthApp (Android health app, LogHub layout)', 'hand', 'HealthApp.log',
   'yyyyMMdd-H:m:s:S| (hour, minute, second, millisecond unpadded)',
   r'^(\d{8})-(\d{1,2}):(\d{1,2}):(\d{1,2}):(\d{1,3})\|', healthapp)
fx('proxifier', 'Proxifier (Windows)', 'hand', 'Proxifier.log',
   '[MM.dd HH:mm:ss] at line start, no year',
   rf'^\[(\d\d\.\d\d {T})\] ', yearless('%m.%d %H:%M:%S'), mtime='2016-10-30T17:07:25Z')
fx('windows-cbs', 'Windows CBS.log (Component Based Servicing)', 'hand', 'CBS.log',
   "yyyy-MM-dd HH:mm:ss, Level at line start; CSI lines also carry a 'N@yyyy/M/d:HH:mm:ss.SSS' stamp in the message",
   rf'^({D} {T}), ', strp('%Y-%m-%d %H:%M:%S'))
fx('windows-evtx-csv', 'Windows Event Viewer "Save All Events As" CSV (en-US)', 'hand', 'System.csv',
   'CSV, 2nd column M/d/yyyy h:mm:ss AM/PM, local time (America/New_York); CRLF; header row; quoted multi-line messages',
   r'^(?:Information|Warning|Error|Critical|Verbose),(\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d\d:\d\d [AP]M),',
   strp('%m/%d/%Y %I:%M:%S %p'), tz='America/New_York')
fx('openstack-nova', 'OpenStack nova (LogHub layout: file name prefix)', 'hand', 'nova.log',
   'first field is a log file name with its own time (yyyy-MM-dd_HH:mm:ss); the entry time is yyyy-MM-dd HH:mm:ss.SSS '
   'in the 2nd-3rd fields',
   rf'^\S+ ({D} {T}\.\d{{3}}) \d+ [A-Z]+ ', strp('%Y-%m-%d %H:%M:%S.%f'), options={'timeField': 2})
fx('cri-containerd', 'Kubernetes CRI log (containerd), /var/log/pods/.../0.log', 'hand', '0.log',
   'RFC 3339 nano (trailing zeros trimmed) Z, stream, P/F tag; every line (also P partial chunks) has its own time',
   r'^(\S+) (?:stdout|stderr) [PF] ', iso)
fx('docker-json', 'Docker json-file logging driver', 'hand',
   'c0ffee42d1a9b7e3f5c8d2a1b0e9f8c7d6a5b4c3e2f1a0b9c8d7e6f5a4b3c2d1-json.log',
   'JSON lines {"log","stream","time"}: time last, RFC 3339 nano (trailing zeros trimmed) Z',
   r'"time":"([^"]+)"\}$', iso)
fx('journal-json', 'systemd journalctl -o json (systemd 252)', 'hand', 'journal.json',
   '"__REALTIME_TIMESTAMP":"<µs epoch>" (string); also _SOURCE_REALTIME_TIMESTAMP, SYSLOG_TIMESTAMP, cursor t=hex',
   r'"__REALTIME_TIMESTAMP":"(\d+)"', epoch_us)
fx('journal-export', 'systemd journalctl -o export (systemd 252)', 'hand', 'journal.export',
   'records of KEY=VALUE lines separated by blank lines; __REALTIME_TIMESTAMP=<µs epoch> line (2nd of each record) '
   'is the entry',
   r'^__REALTIME_TIMESTAMP=(\d+)$', epoch_us)
fx('journald-json', 'systemd-journald 252 (Debian bookworm), journalctl -o json', 'real', 'journal.json',
   '"__REALTIME_TIMESTAMP":"<µs epoch>" among the fields (key order varies per record); logger lines add _SOURCE_REALTIME_TIMESTAMP and SYSLOG_TIMESTAMP',
   r'"__REALTIME_TIMESTAMP":"(\d+)"', epoch_us)
fx('journald-export', 'systemd-journald 252 (Debian bookworm), journalctl -o export', 'real', 'journal.export',
   'records of KEY=VALUE lines separated by blank lines; the __REALTIME_TIMESTAMP=<µs epoch> line is the entry',
   r'^__REALTIME_TIMESTAMP=(\d+)$', epoch_us)
fx('aws-elb', 'AWS Classic Load Balancer access log', 'hand',
   '123456789012_elasticloadbalancing_us-west-2_my-loadbalancer_20150513T2340Z_192.0.2.10_5f2a8hx9.log',
   'yyyy-MM-ddTHH:mm:ss.SSSSSSZ at line start',
   r'^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z) ', iso)
fx('aws-alb', 'AWS Application Load Balancer access log', 'hand',
   '123456789012_elasticloadbalancing_us-east-2_app.my-loadbalancer.50dc6c495c0c9188_20180702T2225Z_203.0.113.12_2a2ps8ld.log',
   'type then yyyy-MM-ddTHH:mm:ss.SSSSSSZ (2nd field); request_creation_time (earlier) later in the line',
   r'^\S+ (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z) ', iso)
fx('envoy', 'Envoy default access log format', 'hand', 'access.log',
   '[yyyy-MM-ddTHH:mm:ss.SSSZ] at line start (START_TIME)',
   r'^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)\] ', iso)
fx('klog-newyear', 'Kubernetes klog/glog header (kubelet)', 'hand', 'kubelet.log',
   'Lmmdd HH:mm:ss.SSSSSS threadid file:line] msg, no year; crosses Dec 31 -> Jan 1; one multi-line message',
   rf'^[IWEF](\d{{4}} {T}\.\d{{6}}) +\d+ \S+:\d+\] ', yearless('%m%d %H:%M:%S.%f'), mtime='2026-01-01T00:12:04Z')
fx('mongodb', 'MongoDB 4.4+ structured JSON log', 'hand', 'mongod.log',
   '{"t":{"$date":"yyyy-MM-ddTHH:mm:ss.SSS+01:00"} first (iso8601-local, machine in Europe/Berlin); other dates/epochs in attr',
   r'^\{"t":\{"\$date":"([^"]+)"\}', iso)
fx('elasticsearch', 'Elasticsearch 7.x server log', 'hand', 'elasticsearch.log',
   '[yyyy-MM-ddTHH:mm:ss,SSS][LEVEL][logger] at line start; stack traces',
   rf'^\[(\d{{4}}-\d\d-\d\dT{T},\d{{3}})\]\[', strp('%Y-%m-%dT%H:%M:%S,%f'))
fx('kafka', 'Apache Kafka server.log (log4j [%d] %p %m (%c))', 'hand', 'server.log',
   '[yyyy-MM-dd HH:mm:ss,SSS] LEVEL at line start; a multi-line config dump',
   rf'^\[({D} {T},\d{{3}})\] [A-Z]+ ', strp('%Y-%m-%d %H:%M:%S,%f'))
fx('cassandra', 'Apache Cassandra 4 system.log (logback %-5level [%thread] %date{ISO8601})', 'hand', 'system.log',
   'LEVEL [thread] yyyy-MM-dd HH:mm:ss,SSS File.java:line - msg (time after two fields; thread names may contain spaces)',
   rf'^[A-Z]+ +\[[^\]]*\] ({D} {T},\d{{3}}) ', strp('%Y-%m-%d %H:%M:%S,%f'))
fx('iis', 'Microsoft IIS 10.0 W3C extended log', 'hand', 'u_ex261203.log',
   "yyyy-MM-dd HH:mm:ss (UTC) at line start; '#' directive lines (with #Date:) at the top and again after a restart",
   rf'^({D} {T}) ', strp('%Y-%m-%d %H:%M:%S'))
fx('zeek-conn', 'Zeek conn.log (TSV)', 'hand', 'conn.log',
   "epoch seconds.micros at line start, tab-separated; '#' header lines (#open/#close carry times)",
   r'^(\d{10}\.\d{6})\t', epoch)
fx('dmesg-T', 'util-linux dmesg -T', 'hand', 'dmesg.txt',
   '[EEE MMM d HH:mm:ss yyyy] (ctime, day space-padded) at line start',
   rf'^\[(\w{{3}} \w{{3}} [ \d]\d {T} \d{{4}})\] ', strp('%a %b %d %H:%M:%S %Y'))
fx('mysql-old', 'MySQL 5.1/5.5 error log', 'hand', 'mysqld.err',
   "yyMMdd H:mm:ss with the hour space-padded ('161203  9:58:01'); InnoDB continuation lines",
   r'^(\d{6}) ([ \d]\d):(\d\d):(\d\d) ', mysql_old)


def isoz(t, secs=False):
    t = t.astimezone(UTC)
    return f'{t:%Y-%m-%dT%H:%M:%S}Z' if secs else f'{t:%Y-%m-%dT%H:%M:%S}.{t.microsecond // 1000:03d}Z'


def compute(fid):
    s = F[fid]
    tz = UTC if s['tz'] == 'UTC' else ZoneInfo(s['tz'])
    path = os.path.join(WILD, fid, s['file'])
    with open(path, encoding='utf-8', newline='') as f:
        text = f.read()
    lines = text.split('\n')
    if lines and lines[-1] == '':
        lines.pop()
    stamps = []
    for line in lines:
        line = line.rstrip('\r')
        for rx, conv in [(s['rx'], s['conv'])] + s['alt']:
            m = rx.search(line)
            if m:
                stamps.append(conv(m, tz))
                break
    if getattr(s['conv'], 'yearless', False):
        mtime = iso(re.match(r'(.*)', s['mtime']), None)
        year = mtime.year
        out = [None] * len(stamps)
        for i in range(len(stamps) - 1, -1, -1):
            p = stamps[i]
            if i < len(stamps) - 1 and p.month - stamps[i + 1].month > 6:
                year -= 1  # going backwards across New Year
            t = p.replace(year=year, tzinfo=tz)
            if i == len(stamps) - 1 and t > mtime:
                year -= 1
                t = p.replace(year=year, tzinfo=tz)
            out[i] = t
        stamps = out
    utc = [t.astimezone(UTC) for t in stamps]
    per = {}
    for t in utc:
        k = isoz(t.replace(second=0, microsecond=0), secs=True)
        per[k] = per.get(k, 0) + 1
    if utc != sorted(utc):
        print(f'  note: {fid} is not in time order')
    res = dict(system=s['system'], producer=s['producer'], file=s['file'], shape=s['shape'], tz=s['tz'])
    if s['mtime']:
        res['mtime'] = s['mtime']
    res.update(options=s['options'], entries=len(utc), first=isoz(min(utc)), last=isoz(max(utc)),
               perMinute=dict(sorted(per.items())))
    return res, len(lines), len(text.encode())


def main(argv):
    check = '--check' in argv
    ids = [a for a in argv if not a.startswith('--')] or list(F)
    bad = 0
    for fid in ids:
        if not os.path.exists(os.path.join(WILD, fid, F[fid]['file'])):
            print(f'{fid:22} MISSING')
            bad += 1
            continue
        res, nlines, size = compute(fid)
        out = os.path.join(WILD, fid, 'expected.json')
        js = json.dumps(res, indent=2) + '\n'
        if check:
            same = os.path.exists(out) and open(out).read() == js
            bad += not same
            flag = 'ok' if same else 'DIFFERENT'
        else:
            with open(out, 'w') as f:
                f.write(js)
            flag = 'written'
        print(f'{fid:22} {flag:9} lines={nlines:4} entries={res["entries"]:4} bytes={size:6} '
              f'{res["first"]} .. {res["last"]} minutes={len(res["perMinute"])}')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
