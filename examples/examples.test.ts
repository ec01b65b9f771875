/**
 * Every numbered example runs (its exported `main()`, as `node` would run it) and prints the facts
 * it is meant to show about the lab captures.
 */
import { main as flows } from './01-flows-from-capture';
import { main as throughput } from './02-throughput-and-resets';
import { main as silence } from './03-log-silence';
import { main as verdict } from './04-correlate-verdict';
import { main as hit } from './05-who-was-hit';

describe('examples', () => {
  it('01 lists the connections of the server capture by Zeek state, the busiest first', async () => {
    const out = await flows();
    expect(out).toMatch(/7632 packets, 714 TCP connections, 0 warnings/);
    expect(out).toMatch(/^S0\s+405$/m);
    expect(out).toMatch(/^RSTO\s+179$/m);
    expect(out).toMatch(/^SF\s+130$/m);
    const rows = out.trimEnd().split('\n').slice(-10);
    expect(rows).toHaveLength(10);
    for (const r of rows) expect(r).toMatch(/^10\.0\.1\.\d+:\d+\s+10\.0\.2\.2:443\s+(SF|RSTO)\s+ShAD/);
  });

  it('02 shows the freeze as client resets and SYN retries per 10 s, and no server reset', async () => {
    const out = await throughput();
    expect(out).toContain('16 bins of 10 s');
    const rows = out.split('\n').filter((l) => /^\d\d:\d\d:\d\d/.test(l)).map((l) => l.split(/\s+/));
    expect(rows).toHaveLength(16);
    const at = (t: string) => rows.find((r) => r[0] === t)!;
    expect(Number(at('13:38:30')[2])).toBeGreaterThan(10 * Number(at('13:37:30')[2])); // SYNs
    expect(rows.reduce((s, r) => s + Number(r[3]), 0)).toBeGreaterThan(100); // resets by client
    expect(rows.every((r) => r[4] === '0')).toBe(true); // none by the server
  });

  it('03 puts both logs on UTC and finds each one silence of about 50 s', async () => {
    const out = await silence();
    expect(out).toMatch(/stunnel\s+stunnel\s+America\/New_York\s+1,014/);
    expect(out).toMatch(/stunnel\s+2026-11-25T13:37:58Z\s+2026-11-25T13:38:49Z\s+51\s+gap/);
    expect(out).toMatch(/backend\s+2026-11-25T13:37:59Z\s+2026-11-25T13:38:49Z\s+50\s+gap/);
  });

  it('04 names the right culprit for every lab scenario', async () => {
    const out = await verdict();
    expect(out).toMatch(/^healthy\s.*no incident$/m);
    expect(out).toMatch(/^stunnel-freeze\s+\S+\s+\d+\s+stunnel\s+application\s/m);
    expect(out).toMatch(/^network-drop\s+\S+\s+\d+\s+network:firewall->server\s+network\s/m);
    expect(out).toMatch(/^clients-stop\s+\S+\s+\d+\s+clients\s+clients\s/m);
    expect(out).toMatch(/^app-slow\s+\S+\s+\d+\s+backend\s+application\s/m);
  });

  it('05 lists the connections the stunnel freeze hit, by vantage and state, and the clients that reset theirs', async () => {
    const out = await hit();
    // The firewall and server saw the same 669 connections of the proxy; the loopback the backend's.
    expect(out).toMatch(/^13:37:58\s+stunnel\s+firewall\s+669\s+S0 405, RSTO 179, SF 85$/m);
    expect(out).toMatch(/^13:37:58\s+stunnel\s+server\s+669\s+S0 405, RSTO 179, SF 85$/m);
    expect(out).toMatch(/^13:37:58\s+stunnel\s+loopback\s+135\s+SF 99, RSTR 36$/m);
    // Clients reset (RSTO: the originator), the proxy never did.
    const rows = out.split('\n').filter((l) => /^10\.0\.1\.\d+\s+\d+\s+\d+$/.test(l));
    expect(rows).toHaveLength(5);
    expect(out).toMatch(/sent none: 10\.0\.2\.2\n$/);
  });
});
