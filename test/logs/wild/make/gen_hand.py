#!/usr/bin/env python3
"""Generate the hand-written fixtures of test/logs/wild/ (deterministic: seeded RNG per fixture).

Each generator writes lines in the documented timestamp format of one real system (see README.md for
the documentation / public example each follows).  The content (hosts, ids, messages) is invented.
Times are generated here and formatted with explicit strftime / arithmetic; expect.py parses them back
independently from the text of the files.

Usage: python3 gen_hand.py [fixture-id ...]     (default: all)
"""
import datetime as dt
import json
import os
import random
import sys
import uuid
from zoneinfo import ZoneInfo

UTC = dt.timezone.utc
WILD = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LA = ZoneInfo('America/Los_Angeles')
NY = ZoneInfo('America/New_York')


def times(rng, start, n, mean=2.0, pause_p=0.07, pause=(25, 110)):
    """n increasing datetimes from start: exponential gaps, sometimes a long pause."""
    out, t = [], start
    for _ in range(n):
        out.append(t)
        g = rng.expovariate(1 / mean)
        if rng.random() < pause_p:
            g += rng.uniform(*pause)
        t = t + dt.timedelta(seconds=g)
    return out


def write(fid, name, lines, crlf=False, trailing_blank=False):
    d = os.path.join(WILD, fid)
    os.makedirs(d, exist_ok=True)
    nl = '\r\n' if crlf else '\n'
    text = nl.join(lines) + nl
    with open(os.path.join(d, name), 'w', newline='') as f:
        f.write(text)
    print(f'{fid}/{name}: {len(lines)} lines, {len(text)} bytes')


def ms(t):
    return t.microsecond // 1000


def ip(rng, net='10.20'):
    return f'{net}.{rng.randint(0, 9)}.{rng.randint(2, 250)}'


JAVA_TRACE = [
    'java.io.IOException: Connection reset by peer',
    '\tat sun.nio.ch.FileDispatcherImpl.read0(Native Method)',
    '\tat sun.nio.ch.SocketDispatcher.read(SocketDispatcher.java:39)',
    '\tat sun.nio.ch.IOUtil.readIntoNativeBuffer(IOUtil.java:223)',
    '\tat sun.nio.ch.SocketChannelImpl.read(SocketChannelImpl.java:380)',
    '\tat java.base/java.lang.Thread.run(Thread.java:829)',
]


# ----------------------------------------------------------------------------------------------
def android_logcat():
    rng = random.Random(101)
    ts = times(rng, dt.datetime(2026, 3, 14, 9, 26, 5, 123000), 110, mean=2.5)
    tags = [('D', 'ActivityManager'), ('I', 'chatty'), ('W', 'PackageManager'), ('V', 'WindowManager'),
            ('I', 'wpa_supplicant'), ('D', 'ConnectivityService'), ('E', 'BatteryService'), ('I', 'am_proc_start')]
    msgs = ['Start proc 4321:com.example.mail/u0a87 for service', 'uid=1000(system) Binder:1702_3 identical 4 lines',
            'Skipping update of package com.example.app', 'Relayout Window{2c1d u0 StatusBar}: viewVisibility=0',
            'wlan0: CTRL-EVENT-SCAN-STARTED', 'NetworkAgentInfo [WIFI () - 104] validation passed',
            'battery level 57 is low', 'pid 4321 started in 183ms']
    lines = ['--------- beginning of system']
    for i, t in enumerate(ts):
        if i == 40:
            lines.append('--------- beginning of main')
        if i == 70:  # a crash: every line of it carries the logcat prefix
            pid, tid = 5120, 5120
            for m in ['FATAL EXCEPTION: main', 'Process: com.example.mail, PID: 5120',
                      'java.lang.NullPointerException: Attempt to invoke virtual method on a null object reference',
                      '\tat com.example.mail.Inbox.refresh(Inbox.java:88)',
                      '\tat android.os.Handler.handleCallback(Handler.java:938)']:
                lines.append(f'{t:%m-%d %H:%M:%S}.{ms(t):03d} {pid:5d} {tid:5d} E {"AndroidRuntime":<8}: {m}')
            continue
        lvl, tag = tags[rng.randrange(len(tags))]
        pid = rng.choice([1702, 1702, 873, 2410, 31007])
        tid = pid if rng.random() < 0.3 else rng.randint(pid, pid + 900)
        lines.append(f'{t:%m-%d %H:%M:%S}.{ms(t):03d} {pid:5d} {tid:5d} {lvl} {tag:<8}: {rng.choice(msgs)}')
    write('android-logcat', 'logcat.txt', lines)


def hdfs():
    rng = random.Random(102)
    ts = times(rng, dt.datetime(2008, 11, 9, 20, 35, 18), 130, mean=3.0)
    lines = []
    for i, t in enumerate(ts):
        blk = f'blk_{rng.choice(["", "-"])}{rng.randint(10**17, 10**19)}'
        thr = rng.choice([13, 19, 26, 148, 1431, 2561, 30219])
        c = rng.randrange(5)
        if c == 0:
            s = f'INFO dfs.DataNode$PacketResponder: PacketResponder {rng.randint(0, 2)} for block {blk} terminating'
        elif c == 1:
            s = f'INFO dfs.DataNode$PacketResponder: Received block {blk} of size {rng.randint(1000, 67108864)} from /{ip(rng)}'
        elif c == 2:
            s = f'INFO dfs.FSNamesystem: BLOCK* NameSystem.addStoredBlock: blockMap updated: {ip(rng)}:50010 is added to {blk} size 67108864'
        elif c == 3:
            s = f'INFO dfs.DataNode$DataXceiver: Receiving block {blk} src: /{ip(rng)}:{rng.randint(30000, 60000)} dest: /{ip(rng)}:50010'
        else:
            s = f'INFO dfs.FSNamesystem: BLOCK* NameSystem.allocateBlock: /user/job/part-{i:05d}. {blk}'
        lines.append(f'{t:%y%m%d %H%M%S} {thr} {s}')
        if i in (45, 99):
            lines.append(f'{t:%y%m%d %H%M%S} {thr} WARN dfs.DataNode$DataXceiver: {ip(rng)}:50010:Got exception while serving {blk} to /{ip(rng)}:')
            lines.extend(JAVA_TRACE)
    write('hdfs', 'hdfs.log', lines)


def spark():
    rng = random.Random(103)
    ts = times(rng, dt.datetime(2017, 6, 9, 20, 10, 40), 120, mean=2.5)
    lines = []
    for i, t in enumerate(ts):
        c = rng.randrange(5)
        if c == 0:
            s = f'INFO executor.Executor: Running task {i}.0 in stage {i // 20}.0 (TID {i + 100})'
        elif c == 1:
            s = f'INFO executor.Executor: Finished task {i}.0 in stage {i // 20}.0 (TID {i + 100}). 2087 bytes result sent to driver'
        elif c == 2:
            s = f'INFO storage.BlockManager: Found block rdd_{i // 10}_{i % 10} locally'
        elif c == 3:
            s = f'INFO executor.CoarseGrainedExecutorBackend: Got assigned task {i + 100}'
        else:
            s = f'INFO broadcast.TorrentBroadcast: Reading broadcast variable {i // 15} took {rng.randint(5, 40)} ms'
        lines.append(f'{t:%y/%m/%d %H:%M:%S} {s}')
        if i == 77:
            lines.append(f'{t:%y/%m/%d %H:%M:%S} ERROR executor.Executor: Exception in task {i}.0 in stage {i // 20}.0 (TID {i + 100})')
            lines += ['java.lang.OutOfMemoryError: Java heap space',
                      '\tat java.util.Arrays.copyOf(Arrays.java:3236)',
                      '\tat org.apache.spark.util.collection.PartitionedPairBuffer.growArray(PartitionedPairBuffer.scala:67)',
                      '\tat org.apache.spark.scheduler.Task.run(Task.scala:99)',
                      '\tat java.lang.Thread.run(Thread.java:745)']
    write('spark', 'spark.log', lines)


def bgl():
    rng = random.Random(104)
    ts = times(rng, dt.datetime(2005, 6, 3, 22, 42, 50, 675872, tzinfo=UTC), 120, mean=3.0)
    labels = ['-'] * 12 + ['KERNDTLB', 'APPREAD', 'KERNMC']
    comps = [('KERNEL', 'INFO', 'instruction cache parity error corrected'),
             ('KERNEL', 'INFO', 'generating core.{n}'),
             ('KERNEL', 'FATAL', 'data TLB error interrupt'),
             ('APP', 'FATAL', 'ciod: failed to read message prefix on control stream (CioStream socket to 172.16.96.116:{n}'),
             ('KERNEL', 'INFO', '{n} double-hummer alignment exceptions'),
             ('MMCS', 'ERROR', 'idoproxydb hit ASSERT condition: ASSERT expression=0')]
    lines = []
    for t in ts:
        la = t.astimezone(LA)
        node = f'R{rng.randint(0, 7):02d}-M{rng.randint(0, 1)}-N{rng.randint(0, 15):X}-C:J{rng.randint(2, 17):02d}-U{rng.choice([1, 11])}'
        comp, lvl, m = rng.choice(comps)
        lines.append(f'{rng.choice(labels)} {int(t.timestamp())} {la:%Y.%m.%d} {node} '
                     f'{la:%Y-%m-%d-%H.%M.%S}.{la.microsecond:06d} {node} RAS {comp} {lvl} {m.format(n=rng.randint(100, 9999))}')
    write('bgl', 'BGL.log', lines)


def thunderbird():
    rng = random.Random(105)
    ts = times(rng, dt.datetime(2005, 11, 9, 20, 1, 1, tzinfo=UTC), 110, mean=3.0)
    lines = []
    for t in ts:
        la = t.astimezone(LA)
        node = f'dn{rng.randint(1, 900)}'
        prog, msg = rng.choice([('crond(pam_unix)', 'session closed for user root'),
                                ('crond(pam_unix)', 'session opened for user root by (uid=0)'),
                                ('crond', '(root) CMD (run-parts /etc/cron.hourly)'),
                                ('sshd(pam_unix)', 'session opened for user admin by (uid=0)'),
                                ('kernel', 'Losing some ticks... checking if CPU frequency changed.')])
        pid = '' if prog == 'kernel' else f'[{rng.randint(1000, 32000)}]'
        label = '-' if rng.random() < 0.9 else 'VAPI'
        lines.append(f'{label} {int(t.timestamp())} {la:%Y.%m.%d} {node} {la:%b} {la.day} {la:%H:%M:%S} '
                     f'{node}/{node} {prog}{pid}: {msg}')
    write('thunderbird', 'Thunderbird.log', lines)


def hpc():
    rng = random.Random(106)
    ts = times(rng, dt.datetime(2004, 2, 26, 14, 12, 22, tzinfo=UTC), 100, mean=3.5)
    lines, logid = [], 134600
    for t in ts:
        logid += rng.randint(1, 40)
        node = f'node-{rng.randint(1, 256)}'
        c = rng.randrange(4)
        if c == 0:
            s = f'unix.hw state_change.unavailable {int(t.timestamp())} 1 Component State Change: Component \\042alt0\\042 is in the unavailable state (HWID={rng.randint(1000, 4000)})'
        elif c == 1:
            s = f'boot_cmd new {int(t.timestamp())} 1 Targeting domains:{node} and nodes:{node} child of command {rng.randint(2000, 3000)}'
        elif c == 2:
            s = f'node.fan fan.speed {int(t.timestamp())} 1 Fan speeds ( 3552 3534 3375 4354 3515 3479 )'
        else:
            s = f'link.state link.up {int(t.timestamp())} 0 Link in reset'
        lines.append(f'{logid} {node} {s}')
    write('hpc', 'HPC.log', lines)


def healthapp():
    rng = random.Random(107)
    # crosses midnight and 1 a.m. so that hour, minute, second and millisecond appear unpadded
    ts = times(rng, dt.datetime(2017, 12, 23, 23, 57, 41, 606000), 150, mean=2.0)
    comps = [('Step_LSC', 'onStandStepChanged {n}'), ('Step_StandReportReceiver', 'onReceive action: android.intent.action.SCREEN_ON'),
             ('Step_SPUtils', 'getTodayTotalDetailSteps = 1514038440000##{n}##548365##8661##12266##27164404'),
             ('HiH_HiHealthDataInsertStore', 'saveHealthDetailData() size = 1'),
             ('Step_ExtSDM', 'calculateCaloriesWithCache totalCalories={n}')]
    # some entries on small millisecond values (1-2 digits); re-sorted so the log stays in time order
    ts = sorted(t.replace(microsecond=rng.randint(0, 9) * 1000) if i % 17 == 5 else t for i, t in enumerate(ts))
    lines = []
    for i, t in enumerate(ts):
        c, m = rng.choice(comps)
        lines.append(f'{t:%Y%m%d}-{t.hour}:{t.minute}:{t.second}:{t.microsecond // 1000}|{c}|30002312|{m.format(n=rng.randint(1000, 9000))}')
    write('healthapp', 'HealthApp.log', lines)


def proxifier():
    rng = random.Random(108)
    ts = times(rng, dt.datetime(2016, 10, 30, 16, 49, 6), 120, mean=2.5)
    apps = ['chrome.exe', 'Skype.exe', 'OneDrive.exe', 'outlook.exe', 'WeChat.exe']
    hosts = ['proxy.example.org:5070', 'www.example.com:443', 'static.example.net:80', 'mail.example.org:993']
    lines = []
    for t in ts:
        a, h = rng.choice(apps), rng.choice(hosts)
        c = rng.randrange(4)
        if c == 0:
            m = f'{h} open through proxy proxy.example.org:5070 HTTPS'
        elif c == 1:
            b1, b2 = rng.randint(0, 90000), rng.randint(0, 900000)
            m = f'{h} close, {b1} bytes ({b1 / 1024:.2f} KB) sent, {b2} bytes ({b2 / 1024:.2f} KB) received, lifetime 00:{rng.randint(1, 59):02d}'
        elif c == 2:
            m = f'{h} error : Could not connect to proxy proxy.example.org:5070 - connection attempt failed with error 10061'
        else:
            m = f'{h} close, 0 bytes sent, 0 bytes received, lifetime <1 sec'
        lines.append(f'[{t:%m.%d %H:%M:%S}] {a} - {m}')
    write('proxifier', 'Proxifier.log', lines)


def windows_cbs():
    rng = random.Random(109)
    ts = times(rng, dt.datetime(2016, 9, 28, 4, 30, 30, 455000), 110, mean=3.0)
    lines = []
    for i, t in enumerate(ts):
        lvl = 'Info' if rng.random() < 0.85 else rng.choice(['Warning', 'Error'])
        if i % 9 == 4:
            # CSI lines carry a second stamp (yyyy/M/d:HH:mm:ss.fff); the machine here runs in UTC
            src, m = 'CSI', f'{i:08x}@{t.year}/{t.month}/{t.day}:{t:%H:%M:%S}.{ms(t):03d} WcpInitialize (wcp.dll version 0.0.0.6) called (stack @0x7fed806eb5d @0x7fefa1c8728)'
        else:
            src, m = 'CBS', rng.choice([
                'Loaded Servicing Stack v6.1.7601.23505 with Core: C:\\Windows\\winsxs\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_6.1.7601.23505_none_681aa442f6fed7f0\\cbscore.dll',
                'Session: 30546173_1796323911 initialized by client WindowsUpdateAgent.',
                'Read out cached package applicability for package: Package_for_KB2919355~31bf3856ad364e35~amd64~~6.3.1.14, ApplicableState: 112, CurrentState:112',
                'Failed to internally open package. [HRESULT = 0x800f0805 - CBS_E_INVALID_PACKAGE]',
                'SQM: Initializing online with Windows opt-in: False',
                'Warning: Unrecognized packageExtended attribute.'])
        lines.append(f'{t:%Y-%m-%d %H:%M:%S}, {lvl:<22}{src:<7}{m}')
    write('windows-cbs', 'CBS.log', lines)


def windows_evtx_csv():
    rng = random.Random(110)
    # local wall times (America/New_York, EST) around 9-10 a.m.
    ts = times(rng, dt.datetime(2026, 12, 3, 9, 51, 12), 70, mean=6.0)
    rows = ['Level,Date and Time,Source,Event ID,Task Category']
    for i, t in enumerate(ts):
        h12 = t.hour % 12 or 12
        ampm = 'AM' if t.hour < 12 else 'PM'
        when = f'{t.month}/{t.day}/{t.year} {h12}:{t:%M:%S} {ampm}'
        c = rng.randrange(4)
        if c == 0:
            r = f'Information,{when},Service Control Manager,7036,None,"The Windows Update service entered the running state."'
        elif c == 1:
            r = f'Warning,{when},Microsoft-Windows-Time-Service,134,None,"NtpClient was unable to set a manual peer to use as a time source because of DNS resolution error on \'time.example.org\'. NtpClient will try again in 15 minutes."'
        elif c == 2:
            r = f'Error,{when},Microsoft-Windows-DistributedCOM,10016,None,"The application-specific permission settings do not grant Local Activation permission."'
        else:
            # multi-line message: quoted field with embedded CRLFs (continuation lines are not entries)
            r = (f'Information,{when},Microsoft-Windows-Winlogon,7001,(1101),"User Logon Notification for Customer Experience Improvement Program\r\n'
                 f'\r\nSubject:\r\n\tSecurity ID:\t\tS-1-5-18\r\n\tAccount Name:\t\tWS-{i:03d}$"')
        rows.append(r)
    write('windows-evtx-csv', 'System.csv', rows, crlf=True)


def openstack_nova():
    rng = random.Random(111)
    ts = times(rng, dt.datetime(2017, 5, 16, 0, 0, 0, 8000), 120, mean=2.0)
    lines = []
    for t in ts:
        rid = uuid.UUID(int=rng.getrandbits(128))
        if rng.random() < 0.6:
            f, pid = 'nova-api.log.1.2017-05-16_13:53:08', 25746
            st = rng.choice([200, 200, 202, 404])
            s = (f'INFO nova.osapi_compute.wsgi.server [req-{rid} 113d3a99c3da401fbd62cc2caa5b96d2 54fadb412c4e40cdbaed9335e4c35a9e - - -] '
                 f'10.11.10.1 "GET /v2/54fadb412c4e40cdbaed9335e4c35a9e/servers/detail HTTP/1.1" status: {st} len: {rng.randint(200, 2000)} time: {rng.random():.7f}')
        else:
            f, pid = 'nova-compute.log.1.2017-05-16_13:55:31', 2931
            inst = uuid.UUID(int=rng.getrandbits(128))
            s = rng.choice([f'INFO nova.compute.manager [req-{rid} - - - - -] [instance: {inst}] VM Resumed (Lifecycle Event)',
                            f'INFO nova.virt.libvirt.imagecache [req-{rid} - - - - -] image 0673dd71-34c5-4fbb-86c4-40623fbe45b4 at (/var/lib/nova/instances/_base/a489c868f0c37da93b76227c91bb03908ac0e742): checking',
                            f'WARNING nova.compute.manager [req-{rid} - - - - -] While synchronizing instance power states, found 1 instances in the database and 0 instances on the hypervisor.'])
        lines.append(f'{f} {t:%Y-%m-%d %H:%M:%S}.{ms(t):03d} {pid} {s}')
    write('openstack-nova', 'nova.log', lines)


def rfc3339nano(t, ns):
    """Go time.RFC3339Nano: fraction with trailing zeros removed (and no dot when zero)."""
    frac = f'{ns:09d}'.rstrip('0')
    return f'{t:%Y-%m-%dT%H:%M:%S}' + (f'.{frac}' if frac else '') + 'Z'


def nanos(rng, t):
    """nanoseconds within t's second, sometimes with trailing zeros (to exercise trimming)."""
    ns = t.microsecond * 1000 + rng.randint(0, 999)
    r = rng.random()
    if r < 0.1:
        ns = ns // 1000000 * 1000000
    elif r < 0.2:
        ns = ns // 1000 * 1000
    elif r < 0.23:
        ns = 0
    return ns


class Mono:
    """keeps (datetime, ns) stamps non-decreasing (trimming to whole ms / s can otherwise step back)."""
    def __init__(self):
        self.prev = None

    def __call__(self, t, ns):
        key = (t.replace(microsecond=0), ns)
        if self.prev and key < self.prev:
            key = self.prev
        self.prev = key
        return key


def cri_containerd():
    rng = random.Random(112)
    ts = times(rng, dt.datetime(2026, 12, 3, 9, 12, 30, 104000), 140, mean=2.0)
    lines, mono = [], Mono()
    for i, t in enumerate(ts):
        t, ns = mono(t, nanos(rng, t))
        if i % 23 == 7:  # a long line split by the runtime: P (partial) chunks then F; each chunk has its own time
            lines.append(f'{rfc3339nano(t, ns)} stdout P {{"level":"info","msg":"dumping state","state":"' + 'x' * 60)
            t, ns = mono(t, min(ns + 1500, 999999999))
            lines.append(f'{rfc3339nano(t, ns)} stdout P ' + 'y' * 60)
            t, ns = mono(t, min(ns + 1400, 999999999))
            lines.append(f'{rfc3339nano(t, ns)} stdout F ' + 'z' * 20 + '"}')
            continue
        stream = 'stderr' if rng.random() < 0.2 else 'stdout'
        m = rng.choice(['GET /healthz 200 0.4ms', 'level=info msg="reconciling" object=default/web',
                        'W1203 09:12:30.104000       1 reflector.go:424] watch of *v1.Pod ended with: too old resource version',
                        'listening on :8080'])
        lines.append(f'{rfc3339nano(t, ns)} {stream} F {m}')
    write('cri-containerd', '0.log', lines)


def docker_json():
    rng = random.Random(113)
    ts = times(rng, dt.datetime(2026, 12, 3, 11, 2, 7, 551000), 130, mean=2.2)
    lines, mono = [], Mono()
    for t in ts:
        t, ns = mono(t, nanos(rng, t))
        stream = 'stderr' if rng.random() < 0.2 else 'stdout'
        m = rng.choice(['172.17.0.1 - - [03/Dec/2026:11:02:07 +0000] "GET / HTTP/1.1" 200 615 "-" "curl/8.5.0"',
                        '<html><body>ok</body></html> & done', 'worker 3 ready', 'Traceback line "quoted"\tand tab'])
        rec = json.dumps({'log': m + '\n', 'stream': stream, 'time': rfc3339nano(t, ns)}, separators=(',', ':'))
        rec = rec.replace('<', '\\u003c').replace('>', '\\u003e').replace('&', '\\u0026')  # Go's HTML-safe JSON escaping
        lines.append(rec)
    write('docker-json', 'c0ffee42d1a9b7e3f5c8d2a1b0e9f8c7d6a5b4c3e2f1a0b9c8d7e6f5a4b3c2d1-json.log', lines)


def journal_records(rng, start, n, mean=3.0):
    boot = uuid.UUID(int=rng.getrandbits(128)).hex
    seqid = uuid.UUID(int=rng.getrandbits(128)).hex
    mid = uuid.UUID(int=rng.getrandbits(128)).hex
    mono0 = 81234567
    epoch0 = start
    recs = []
    for i, t in enumerate(times(rng, start, n, mean=mean)):
        rt = int(t.replace(tzinfo=UTC).timestamp()) * 1000000 + t.microsecond
        mono = mono0 + (rt - (int(epoch0.replace(tzinfo=UTC).timestamp()) * 1000000 + epoch0.microsecond))
        seq = 0x2a1f0 + i
        cur = f's={seqid};i={seq:x};b={boot};m={mono:x};t={rt:x};x={rng.getrandbits(64):016x}'
        r = {'__CURSOR': cur, '__REALTIME_TIMESTAMP': str(rt), '__MONOTONIC_TIMESTAMP': str(mono), '_BOOT_ID': boot}
        kind = rng.randrange(3)
        if kind == 0:
            pid = rng.randint(1000, 30000)
            r.update({'_TRANSPORT': 'syslog', 'PRIORITY': '6', 'SYSLOG_FACILITY': '10', 'SYSLOG_IDENTIFIER': 'sshd',
                      'SYSLOG_PID': str(pid), 'SYSLOG_TIMESTAMP': f'{t:%b} {t.day:2d} {t:%H:%M:%S} ',
                      'MESSAGE': f'Accepted publickey for deploy from 127.0.0.1 port {rng.randint(40000, 60000)} ssh2',
                      '_PID': str(pid), '_UID': '0', '_GID': '0', '_COMM': 'sshd', '_EXE': '/usr/sbin/sshd',
                      '_SYSTEMD_UNIT': 'ssh.service'})
        elif kind == 1:
            src = rt - rng.randint(50, 900)
            r.update({'_TRANSPORT': 'journal', 'PRIORITY': '6', 'SYSLOG_FACILITY': '3', 'SYSLOG_IDENTIFIER': 'systemd',
                      'CODE_FILE': 'src/core/job.c', 'CODE_LINE': '768', 'CODE_FUNC': 'job_emit_done_message',
                      'MESSAGE': 'Finished logrotate.service - Rotate log files.', 'JOB_TYPE': 'start', 'JOB_RESULT': 'done',
                      '_PID': '1', '_UID': '0', '_GID': '0', '_COMM': 'systemd', '_EXE': '/usr/lib/systemd/systemd',
                      '_SOURCE_REALTIME_TIMESTAMP': str(src)})
        else:
            r.update({'_TRANSPORT': 'stdout', 'PRIORITY': '6', 'SYSLOG_FACILITY': '3', 'SYSLOG_IDENTIFIER': 'myapp',
                      'MESSAGE': f'processed batch {i} in {rng.randint(3, 900)} ms', '_PID': '2231', '_UID': '998', '_GID': '998',
                      '_COMM': 'myapp', '_SYSTEMD_UNIT': 'myapp.service', '_STREAM_ID': 'f0e1d2c3b4a5968778695a4b3c2d1e0f'})
        r.update({'_HOSTNAME': 'web-1', '_MACHINE_ID': mid})
        recs.append(r)
    return recs


def journal_json():
    rng = random.Random(114)
    recs = journal_records(rng, dt.datetime(2026, 12, 3, 12, 40, 2, 118273), 75, mean=6.0)
    write('journal-json', 'journal.json', [json.dumps(r, separators=(',', ':')) for r in recs])


def journal_export():
    rng = random.Random(115)
    recs = journal_records(rng, dt.datetime(2026, 12, 3, 16, 5, 44, 902113), 14, mean=25.0)
    lines = []
    for r in recs:
        lines += [f'{k}={v}' for k, v in r.items()]
        lines.append('')  # records are separated (terminated) by an empty line
    write('journal-export', 'journal.export', lines[:-1], trailing_blank=True)
    # export format ends every record with a blank line, including the last
    with open(os.path.join(WILD, 'journal-export', 'journal.export'), 'a') as f:
        f.write('\n')


def aws_elb():
    rng = random.Random(116)
    ts = times(rng, dt.datetime(2015, 5, 13, 23, 39, 43, 945958), 110, mean=2.5)
    lines = []
    for t in ts:
        client = f'192.168.{rng.randint(0, 255)}.{rng.randint(1, 254)}:{rng.randint(1024, 65535)}'
        if rng.random() < 0.08:
            lines.append(f'{t:%Y-%m-%dT%H:%M:%S}.{t.microsecond:06d}Z my-loadbalancer {client} - -1 -1 -1 504 0 0 0 '
                         f'"GET http://www.example.com:80/slow HTTP/1.1" "curl/7.38.0" - -')
            continue
        https = rng.random() < 0.4
        url = 'https://www.example.com:443/' if https else 'http://www.example.com:80/'
        tail = 'ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2' if https else '- -'
        lines.append(f'{t:%Y-%m-%dT%H:%M:%S}.{t.microsecond:06d}Z my-loadbalancer {client} 10.0.0.{rng.randint(1, 9)}:80 '
                     f'{rng.random() / 1000:.6f} {rng.random() / 100:.6f} {rng.random() / 1000:.6f} 200 200 0 {rng.randint(20, 9000)} '
                     f'"GET {url}{rng.choice(["", "index.html", "api/v1/items?page=2"])} HTTP/1.1" "{rng.choice(["curl/7.38.0", "Mozilla/5.0 (Windows NT 10.0; Win64; x64)"])}" {tail}')
    write('aws-elb', '123456789012_elasticloadbalancing_us-west-2_my-loadbalancer_20150513T2340Z_192.0.2.10_5f2a8hx9.log', lines)


def aws_alb():
    rng = random.Random(117)
    ts = times(rng, dt.datetime(2018, 7, 2, 22, 23, 0, 186641), 110, mean=2.5)
    lines = []
    for t in ts:
        created = t - dt.timedelta(seconds=rng.uniform(0.001, 12))  # request_creation_time: earlier than the entry time
        typ = rng.choice(['http', 'https', 'h2'])
        url = 'http://www.example.com:80/' if typ == 'http' else 'https://www.example.com:443/'
        tls = '- -' if typ == 'http' else 'ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2'
        st = rng.choice([200, 200, 200, 302, 404, 502])
        lines.append(f'{typ} {t:%Y-%m-%dT%H:%M:%S}.{t.microsecond:06d}Z app/my-loadbalancer/50dc6c495c0c9188 '
                     f'192.168.131.{rng.randint(1, 254)}:{rng.randint(1024, 65535)} 10.0.0.1:80 0.000 {rng.random():.3f} 0.000 {st} {st} '
                     f'{rng.randint(30, 400)} {rng.randint(100, 9000)} "GET {url} HTTP/1.1" "curl/7.46.0" {tls} '
                     f'arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 '
                     f'"Root=1-{int(t.replace(tzinfo=UTC).timestamp()):08x}-{rng.getrandbits(96):024x}" "-" "-" 0 '
                     f'{created:%Y-%m-%dT%H:%M:%S}.{created.microsecond // 1000:03d}000Z "forward" "-" "-" "10.0.0.1:80" "{st}" "-" "-"')
    write('aws-alb', '123456789012_elasticloadbalancing_us-east-2_app.my-loadbalancer.50dc6c495c0c9188_20180702T2225Z_203.0.113.12_2a2ps8ld.log', lines)


def envoy():
    rng = random.Random(118)
    ts = times(rng, dt.datetime(2016, 4, 15, 20, 17, 0, 310000), 110, mean=2.5)
    lines = []
    for t in ts:
        m, p, st = rng.choice([('POST', '/api/v1/locations', 204), ('GET', '/api/v1/locations', 200), ('GET', '/healthz', 200), ('PUT', '/api/v1/users/7', 503)])
        flags = 'UF' if st == 503 else '-'
        lines.append(f'[{t:%Y-%m-%dT%H:%M:%S}.{ms(t):03d}Z] "{m} {p} HTTP/{rng.choice(["1.1", "2"])}" {st} {flags} '
                     f'{rng.randint(0, 900)} {rng.randint(0, 900)} {rng.randint(1, 400)} {rng.randint(0, 300) if st != 503 else "-"} '
                     f'"10.0.35.{rng.randint(1, 99)}" "nsq2http" "{uuid.UUID(int=rng.getrandbits(128))}" "locations" "tcp://10.0.2.{rng.randint(1, 9)}:80"')
    write('envoy', 'access.log', lines)


def klog_newyear():
    rng = random.Random(119)
    ts = times(rng, dt.datetime(2025, 12, 31, 23, 53, 2, 418233), 130, mean=3.5)
    files = ['reflector.go:424', 'controller.go:116', 'kubelet.go:2471', 'pod_workers.go:965', 'server.go:1264']
    lines = []
    for i, t in enumerate(ts):
        lvl = rng.choice('IIIIIWWE')
        m = rng.choice(['"SyncLoop (PLEG): event for pod" pod="default/web-7d9f" event=ContainerStarted',
                        'watch of *v1.ConfigMap ended with: very short watch',
                        '"Error syncing pod, skipping" err="failed to \\"StartContainer\\""',
                        'Caches are synced for endpoint slice config'])
        lines.append(f'{lvl}{t:%m%d %H:%M:%S}.{t.microsecond:06d} {rng.choice([1, 12345, 2231]):7d} {rng.choice(files)}] {m}')
        if i == 60:  # a message with embedded newlines: klog writes them verbatim
            lines[-1] = f'I{t:%m%d %H:%M:%S}.{t.microsecond:06d}    2231 server.go:1264] Using config:'
            lines += ['apiVersion: kubelet.config.k8s.io/v1beta1', 'kind: KubeletConfiguration', 'cgroupDriver: systemd']
    write('klog-newyear', 'kubelet.log', lines)


def mongodb():
    rng = random.Random(120)
    ts = times(rng, dt.datetime(2026, 12, 3, 15, 21, 9, 731000), 100, mean=3.0)  # written in Europe/Berlin local time
    berlin = ZoneInfo('Europe/Berlin')
    lines = []
    for i, t in enumerate(ts):
        lt = t.replace(tzinfo=UTC).astimezone(berlin)
        off = lt.strftime('%z')
        date = f'{lt:%Y-%m-%dT%H:%M:%S}.{ms(lt):03d}{off[:3]}:{off[3:]}'
        c = rng.randrange(4)
        if c == 0:
            s, comp, cid, ctx, msg = 'I', 'NETWORK', 22943, 'listener', 'Connection accepted'
            attr = {'remote': f'127.0.0.1:{rng.randint(40000, 60000)}', 'uuid': {'$uuid': str(uuid.UUID(int=rng.getrandbits(128)))},
                    'connectionId': i + 1, 'connectionCount': rng.randint(1, 9)}
        elif c == 1:
            s, comp, cid, ctx, msg = 'I', 'NETWORK', 22944, f'conn{i}', 'Connection ended'
            attr = {'remote': f'127.0.0.1:{rng.randint(40000, 60000)}', 'connectionId': i, 'connectionCount': rng.randint(0, 8)}
        elif c == 2:
            ep = int(t.replace(tzinfo=UTC).timestamp()) - 60
            s, comp, cid, ctx, msg = 'I', 'STORAGE', 22430, 'Checkpointer', 'WiredTiger message'
            attr = {'message': {'ts_sec': ep, 'ts_usec': 0, 'thread': '1:0x7f2b3c', 'verbose_level': 'INFO',
                                'msg': f'saving checkpoint snapshot min: {i}, snapshot max: {i}'}}
        else:
            s, comp, cid, ctx, msg = 'I', 'COMMAND', 51803, f'conn{i}', 'Slow query'
            attr = {'type': 'command', 'ns': 'shop.orders', 'command': {'find': 'orders', 'filter': {'created': {'$gte': {'$date': '2026-01-01T00:00:00.000Z'}}}},
                    'durationMillis': rng.randint(100, 900)}
        head = f'{{"t":{{"$date":"{date}"}},' + f'"s":"{s}",'.ljust(10) + f'"c":"{comp}",'.ljust(16) + f'"id":{cid},'.ljust(14)
        lines.append(head + f'"ctx":"{ctx}","msg":"{msg}","attr":' + json.dumps(attr, separators=(',', ':')) + '}')
    write('mongodb', 'mongod.log', lines)


def elasticsearch():
    rng = random.Random(122)
    ts = times(rng, dt.datetime(2026, 12, 3, 13, 44, 53, 123000), 90, mean=3.0)
    lines = []
    for i, t in enumerate(ts):
        lvl, lg, m = rng.choice([('INFO', 'o.e.n.Node', 'started'), ('INFO', 'o.e.c.r.a.AllocationService', 'Cluster health status changed from [YELLOW] to [GREEN]'),
                                 ('WARN', 'o.e.m.j.JvmGcMonitorService', '[gc][1234] overhead, spent [512ms] collecting in the last [1s]'),
                                 ('INFO', 'o.e.c.m.MetadataCreateIndexService', '[logs-2026.12.03] creating index, cause [auto(bulk api)], templates [], shards [1]/[1]')])
        lines.append(f'[{t:%Y-%m-%dT%H:%M:%S},{ms(t):03d}][{lvl:<5}][{lg:<25}] [node-1] {m}')
        if i in (22, 64):
            lines.append(f'[{t:%Y-%m-%dT%H:%M:%S},{ms(t):03d}][WARN ][{"o.e.t.TcpTransport":<25}] [node-1] exception caught on transport layer [Netty4TcpChannel{{localAddress=/127.0.0.1:9300}}], closing connection')
            lines += ['java.io.IOException: Connection reset by peer', '\tat sun.nio.ch.SocketDispatcher.read0(Native Method) ~[?:?]',
                      '\tat io.netty.channel.nio.NioEventLoop.run(NioEventLoop.java:493) [netty-transport-4.1.49.Final.jar:4.1.49.Final]',
                      '\tat java.lang.Thread.run(Thread.java:832) [?:?]']
    write('elasticsearch', 'elasticsearch.log', lines)


def kafka():
    rng = random.Random(123)
    ts = times(rng, dt.datetime(2026, 12, 3, 13, 44, 53, 123000), 100, mean=3.0)
    lines = []
    for i, t in enumerate(ts):
        p = f'[{t:%Y-%m-%d %H:%M:%S},{ms(t):03d}]'
        if i == 3:  # config dump: one record over many lines, logger name at the end of the last line
            lines.append(f'{p} INFO KafkaConfig values: ')
            lines += ['\tadvertised.listeners = null', '\tauto.create.topics.enable = true', '\tbroker.id = 0',
                      '\tlog.dirs = /var/lib/kafka', '\tzookeeper.connect = localhost:2181', ' (kafka.server.KafkaConfig)']
            continue
        m, lg = rng.choice([('[KafkaServer id=0] started', 'kafka.server.KafkaServer'),
                            ('[Log partition=orders-0, dir=/var/lib/kafka] Rolled new log segment at offset 4711 in 3 ms.', 'kafka.log.Log'),
                            ('[GroupCoordinator 0]: Preparing to rebalance group billing in state PreparingRebalance with old generation 3', 'kafka.coordinator.group.GroupCoordinator'),
                            ('[Controller id=0] Processing automatic preferred replica leader election', 'kafka.controller.KafkaController')])
        lines.append(f'{p} {rng.choice(["INFO", "INFO", "INFO", "WARN"])} {m} ({lg})')
    write('kafka', 'server.log', lines)


def cassandra():
    rng = random.Random(125)
    ts = times(rng, dt.datetime(2026, 12, 3, 13, 44, 53, 123000), 100, mean=3.0)
    lines = []
    for i, t in enumerate(ts):
        lvl, th, src, m = rng.choice([
            ('INFO', 'main', 'CassandraDaemon.java:650', 'Startup complete'),
            ('INFO', 'Service Thread', 'GCInspector.java:285', 'G1 Young Generation GC in 212ms.  G1 Eden Space: 167772160 -> 0'),
            ('INFO', 'ScheduledTasks:1', 'StatusLogger.java:101', 'Pool Name                    Active   Pending      Completed   Blocked  All Time Blocked'),
            ('WARN', 'Native-Transport-Requests-2', 'NoSpamLogger.java:94', 'Unlogged batch covering 12 partitions detected against table [shop.orders].'),
            ('DEBUG', 'MemtableFlushWriter:1', 'Memtable.java:485', 'Completed flushing /var/lib/cassandra/data/shop/orders/nb-12-big-Data.db (1.024MiB)'),
            ('INFO', 'CompactionExecutor:3', 'CompactionTask.java:241', 'Compacted (8f1d) 4 sstables to [nb-13-big,] to level=0.')])
        lines.append(f'{lvl:<5} [{th}] {t:%Y-%m-%d %H:%M:%S},{ms(t):03d} {src} - {m}')
        if i in (33, 77):
            lines.append(f'ERROR [ReadStage-2] {t:%Y-%m-%d %H:%M:%S},{ms(t):03d} JVMStabilityInspector.java:68 - Exception in thread Thread[ReadStage-2,5,main]')
            lines += ['java.lang.RuntimeException: org.apache.cassandra.db.filter.TombstoneOverwhelmingException',
                      '\tat org.apache.cassandra.service.StorageProxy$DroppableRunnable.run(StorageProxy.java:2611)',
                      '\tat java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1149)',
                      'Caused by: org.apache.cassandra.db.filter.TombstoneOverwhelmingException: null',
                      '\t... 5 common frames omitted']
    write('cassandra', 'system.log', lines)


def iis():
    rng = random.Random(126)
    ts = times(rng, dt.datetime(2026, 12, 3, 13, 44, 53), 110, mean=3.0)
    fields = '#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken'

    def header(t):
        return ['#Software: Microsoft Internet Information Services 10.0', '#Version: 1.0', f'#Date: {t:%Y-%m-%d %H:%M:%S}', fields]
    lines = header(ts[0].replace(microsecond=0))
    for i, t in enumerate(ts):
        if i == 61:  # the site was restarted: IIS writes the header block again
            lines += header(t)
        st = rng.choice([200, 200, 200, 304, 404, 500])
        lines.append(f'{t:%Y-%m-%d %H:%M:%S} 10.0.0.4 {rng.choice(["GET", "GET", "POST"])} {rng.choice(["/", "/default.aspx", "/api/orders", "/img/logo.png"])} '
                     f'{rng.choice(["-", "id=7", "page=2&sort=asc"])} 443 - 203.0.113.{rng.randint(1, 254)} '
                     f'Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64) {rng.choice(["-", "https://www.example.com/"])} {st} 0 {64 if st == 500 else 0} {rng.randint(1, 900)}')
    write('iis', 'u_ex261203.log', lines)


def zeek():
    rng = random.Random(127)
    ts = times(rng, dt.datetime(2026, 12, 3, 13, 44, 53, 123456, tzinfo=UTC), 100, mean=3.0)
    lines = ['#separator \\x09', '#set_separator\t,', '#empty_field\t(empty)', '#unset_field\t-', '#path\tconn',
             f'#open\t{ts[0]:%Y-%m-%d-%H-%M-%S}',
             '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents',
             '#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]']
    abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
    for t in ts:
        uid = 'C' + ''.join(rng.choice(abc) for _ in range(17))
        proto, svc, port = rng.choice([('tcp', 'http', 80), ('tcp', 'ssl', 443), ('udp', 'dns', 53), ('tcp', '-', 22)])
        ob, rb = rng.randint(0, 5000), rng.randint(0, 90000)
        lines.append('\t'.join(map(str, [f'{t.timestamp():.6f}', uid, f'10.1.{rng.randint(0, 9)}.{rng.randint(2, 250)}', rng.randint(1024, 65535),
                                         f'192.0.2.{rng.randint(1, 254)}', port, proto, svc, f'{rng.random() * 3:.6f}', ob, rb,
                                         rng.choice(['SF', 'S0', 'REJ', 'RSTO']), 'T', 'F', 0, rng.choice(['ShADadFf', 'S', 'Dd']),
                                         rng.randint(1, 40), ob + 400, rng.randint(0, 40), rb + 400, '-'])))
    close = ts[-1] + dt.timedelta(seconds=7)
    lines.append(f'#close\t{close:%Y-%m-%d-%H-%M-%S}')
    write('zeek-conn', 'conn.log', lines)


def dmesg_t():
    rng = random.Random(128)
    ts = times(rng, dt.datetime(2026, 12, 3, 13, 44, 53), 90, mean=4.0)
    lines = []
    for t in ts:
        m = rng.choice(['e1000e 0000:00:1f.6 eth0: NIC Link is Up 1000 Mbps Full Duplex, Flow Control: None',
                        'IPv6: ADDRCONF(NETDEV_CHANGE): eth0: link becomes ready',
                        'usb 1-2: new high-speed USB device number 5 using xhci_hcd',
                        'EXT4-fs (sda1): re-mounted. Opts: errors=remount-ro. Quota mode: none.',
                        'audit: type=1400 audit(1796305493.123:42): apparmor="DENIED" operation="open" profile="snap.firefox"',
                        'perf: interrupt took too long (2503 > 2500), lowering kernel.perf_event_max_sample_rate to 79800'])
        lines.append(f'[{t:%a %b} {t.day:2d} {t:%H:%M:%S} {t.year}] {m}')
    write('dmesg-T', 'dmesg.txt', lines)


def mysql_old():
    rng = random.Random(129)
    # crosses 9 -> 10 a.m. so that the hour is first space-padded (' 9:58:01') then two digits
    ts = times(rng, dt.datetime(2016, 12, 3, 9, 57, 12), 60, mean=6.0)
    lines = []

    def p(t):
        return f'{t:%y%m%d} {t.hour:2d}:{t:%M:%S}'
    for i, t in enumerate(ts):
        if i == 0:
            lines.append(f'{p(t)} mysqld_safe Starting mysqld daemon with databases from /var/lib/mysql')
            continue
        if i == 1:
            lines.append(f'{p(t)}  InnoDB: Initializing buffer pool, size = 128.0M')
            lines += ['InnoDB: The first specified data file ./ibdata1 did not exist:', 'InnoDB: a new database to be created!']
            continue
        if i == 30:
            lines.append(f'{p(t)} [ERROR] /usr/sbin/mysqld: Table \'./shop/orders\' is marked as crashed and should be repaired')
            continue
        if i == 45:
            lines.append(f'{p(t)}  InnoDB: Error: page 7 log sequence number 0 44233')
            lines += ['InnoDB: is in the future! Current system log sequence number 0 40981.',
                      'InnoDB: Your database may be corrupt or you may have copied the InnoDB',
                      'InnoDB: tablespace but not the InnoDB log files.']
            continue
        lines.append(f'{p(t)} ' + rng.choice(['[Note] Event Scheduler: Loaded 0 events',
                                              "[Warning] Aborted connection 42 to db: 'shop' user: 'app' host: 'localhost' (Got timeout reading communication packets)",
                                              '[Note] /usr/sbin/mysqld: ready for connections.',
                                              "[Warning] IP address '203.0.113.7' could not be resolved: Name or service not known"]))
    write('mysql-old', 'mysqld.err', lines)


GENERATORS = {
    'android-logcat': android_logcat, 'hdfs': hdfs, 'spark': spark, 'bgl': bgl, 'thunderbird': thunderbird, 'hpc': hpc,
    'healthapp': healthapp, 'proxifier': proxifier, 'windows-cbs': windows_cbs, 'windows-evtx-csv': windows_evtx_csv,
    'openstack-nova': openstack_nova, 'cri-containerd': cri_containerd, 'docker-json': docker_json,
    'journal-json': journal_json, 'journal-export': journal_export, 'aws-elb': aws_elb, 'aws-alb': aws_alb,
    'envoy': envoy, 'klog-newyear': klog_newyear, 'mongodb': mongodb, 'elasticsearch': elasticsearch,
    'kafka': kafka, 'cassandra': cassandra, 'iis': iis, 'zeek-conn': zeek, 'dmesg-T': dmesg_t,
    'mysql-old': mysql_old,
}

if __name__ == '__main__':
    for name in sys.argv[1:] or GENERATORS:
        GENERATORS[name]()
