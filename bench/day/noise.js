'use strict';
// The other programs writing to the server's syslog: a host firewall logging every dropped
// Internet scan packet (the bulk of a busy `messages`, ~260 bytes a line), sshd brute force,
// postfix, CRON, systemd. Steady rates (scans don't follow the users' day), scaled with --scale.
const { Rng } = require('./rng');
const { ipStr } = require('./model');

const USERS = ['admin', 'test', 'user', 'oracle', 'ubuntu', 'postgres', 'git', 'guest', 'ftpuser', 'support', 'deploy', 'pi', 'jenkins', 'hadoop', 'minecraft'];
const PORTS = [23, 22, 3389, 445, 8080, 80, 5900, 1433, 3306, 6379, 2323, 8443, 5060, 9200, 81, 8888, 25, 53, 123, 1900];
const CRONJOBS = [
  [600, 'root', 'command -v debian-sa1 > /dev/null && debian-sa1 1 1'],
  [3600, 'root', 'cd / && run-parts --report /etc/cron.hourly'],
  [300, 'www-data', '/usr/local/bin/app-housekeeping --quiet'],
  [60, 'root', '/usr/lib/node_exporter/textfile-collector.sh > /var/lib/node_exporter/textfile.prom'],
];

class Noise {
  constructor(seed, scale, serverIp, bootMs) {
    this.rng = new Rng(seed, 'noise');
    this.scale = scale;
    this.dst = ipStr(serverIp);
    this.bootMs = bootMs;
    this.scanners = [];
    for (let i = 0; i < 4000; i++) { // public unicast: first octet 1-223, not 10 or 127
      const x = this.rng.u32();
      let a = 1 + ((x >>> 24) % 223);
      if (a === 10 || a === 127) a++;
      this.scanners.push(ipStr(((a << 24) | (x & 0xffffff)) >>> 0));
    }
    this.sshd = 8000 + this.rng.int(0, 20000);
    this.session = this.rng.int(1000, 9000);
    this.pids = this.rng.int(300000, 400000);
  }
  /** Appends [tMs, line-without-timestamp] pairs for second `sec` (server clock) to `out`. */
  second(sec, out) {
    const rng = this.rng, sc = this.scale;
    const ms0 = sec * 1000;
    // host firewall drops (~95 lines/s at scale 1)
    const n = rng.poisson(95 * sc);
    for (let i = 0; i < n; i++) {
      const t = ms0 + rng.next() * 1000;
      const up = ((t - this.bootMs) / 1000).toFixed(6);
      const src = rng.pick(this.scanners);
      const udp = rng.chance(0.12);
      const dpt = rng.pick(PORTS);
      const len = udp ? rng.int(40, 120) : rng.pick([40, 44, 52, 60]);
      out.push(t, `kernel: [${up.padStart(13)}] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:3e:91:0a:00:1c:73:2a:9b:01:08:00 SRC=${src} DST=${this.dst} LEN=${len} TOS=0x00 PREC=0x00 TTL=${rng.int(40, 250)} ID=${rng.int(0, 65535)}${udp ? '' : ' DF'} PROTO=${udp ? 'UDP' : 'TCP'} SPT=${rng.int(1024, 65535)} DPT=${dpt} ${udp ? `LEN=${len - 20} ` : `WINDOW=${rng.pick([1024, 29200, 65535, 14600])} RES=0x00 SYN URGP=0 `}`);
    }
    // sshd brute force (~0.5 attempts/s, 3-5 lines each)
    const ns = rng.poisson(0.5 * sc);
    for (let i = 0; i < ns; i++) {
      const t = ms0 + rng.next() * 1000;
      const pid = this.sshd = this.sshd >= 4190000 ? 2000 : this.sshd + rng.int(1, 40);
      const ip = rng.pick(this.scanners), port = rng.int(1024, 65535), u = rng.pick(USERS);
      if (rng.chance(0.35)) {
        out.push(t, `sshd[${pid}]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip}  user=root`);
        out.push(t + 1, `sshd[${pid}]: Failed password for root from ${ip} port ${port} ssh2`);
        out.push(t + 2, `sshd[${pid}]: Received disconnect from ${ip} port ${port}:11: Bye Bye [preauth]`);
        out.push(t + 3, `sshd[${pid}]: Disconnected from authenticating user root ${ip} port ${port} [preauth]`);
      } else {
        out.push(t, `sshd[${pid}]: Invalid user ${u} from ${ip} port ${port}`);
        out.push(t + 1, `sshd[${pid}]: Received disconnect from ${ip} port ${port}:11: Bye Bye [preauth]`);
        out.push(t + 2, `sshd[${pid}]: Disconnected from invalid user ${u} ${ip} port ${port} [preauth]`);
      }
    }
    // postfix: scanners probing SMTP AUTH (~0.2/s)
    const np = rng.poisson(0.2 * sc);
    for (let i = 0; i < np; i++) {
      const t = ms0 + rng.next() * 1000;
      const ip = rng.pick(this.scanners);
      const pid = 20000 + rng.int(0, 9999);
      out.push(t, `postfix/smtpd[${pid}]: connect from unknown[${ip}]`);
      out.push(t + 2, `postfix/smtpd[${pid}]: lost connection after AUTH from unknown[${ip}]`);
      out.push(t + 3, `postfix/smtpd[${pid}]: disconnect from unknown[${ip}] ehlo=1 auth=0/1 commands=1/2`);
    }
    // CRON and systemd, on the clock (not scaled: a host runs its jobs whatever the traffic)
    for (const [every, user, cmd] of CRONJOBS) {
      if (sec % every === 0) {
        const pid = this.pids = this.pids >= 4190000 ? 300000 : this.pids + rng.int(2, 60);
        const t = ms0 + rng.uniform(1, 40);
        out.push(t, `CRON[${pid}]: pam_unix(cron:session): session opened for user ${user}(uid=${user === 'root' ? 0 : 33}) by (uid=0)`);
        out.push(t + 1, `CRON[${pid + 1}]: (${user}) CMD (${cmd})`);
        out.push(t + rng.uniform(50, 900), `CRON[${pid}]: pam_unix(cron:session): session closed for user ${user}`);
      }
    }
    if (sec % 3600 === 1020) {
      const t = ms0 + rng.uniform(0, 900);
      out.push(t, 'systemd[1]: Starting sysstat-collect.service - system activity accounting tool...');
      out.push(t + 30, 'systemd[1]: sysstat-collect.service: Deactivated successfully.');
      out.push(t + 31, 'systemd[1]: Finished sysstat-collect.service - system activity accounting tool.');
    }
    if (rng.chance(0.0004)) {
      const t = ms0 + rng.uniform(0, 900);
      const s = ++this.session;
      out.push(t, `systemd-logind[612]: New session ${s} of user deploy.`);
      out.push(t + 2, `systemd[1]: Started session-${s}.scope - Session ${s} of User deploy.`);
    }
  }
}

module.exports = { Noise };
