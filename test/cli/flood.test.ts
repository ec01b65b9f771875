/**
 * The SYN flood at full size (#22): 10,000,000 connection attempts from distinct sources
 * (a 668 MiB pcap, made by bench/flood.js). `alibi flows --csv` under a 1 GB heap cap used to
 * grow with every connection (7.5 M SYNs: 4.5 GB, then V8 aborted); it now writes each row as its
 * connection finishes and holds only the live table (250,000 flows at most by default).
 * The peak resident memory is the child's own (`process.resourceUsage().maxRSS`, read at exit
 * through a preloaded script), so the test needs no /usr/bin/time.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO } from '../helpers/corpus';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { writeFlood } = require('../../bench/flood.js') as { writeFlood: (file: string, n: number) => void };

const N = 10_000_000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-flood-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('flows --csv on a 10,000,000-connection SYN flood under a 1 GB heap: exit 0, every row, peak memory under 300 MiB', () => {
  const file = path.join(dir, 'flood.pcap');
  writeFlood(file, N);
  expect(fs.statSync(file).size).toBe(24 + N * 70);
  const preload = path.join(dir, 'maxrss.js');
  fs.writeFileSync(preload, "process.on('exit', () => require('fs').writeSync(2, `\\nmaxRSS ${process.resourceUsage().maxRSS}\\n`));\n");
  const cli = path.join(REPO, 'dist', 'cli.js');
  const q = JSON.stringify;
  const r = spawnSync('bash', ['-c', `set -o pipefail; ${q(process.execPath)} --max-old-space-size=1024 -r ${q(preload)} ${q(cli)} flows --csv ${q(file)} | wc -l`], { encoding: 'utf8' });
  expect(r.stderr).not.toMatch(/heap out of memory|FATAL/);
  const rss = /maxRSS (\d+)/.exec(r.stderr);
  expect(rss).not.toBeNull();
  expect([r.status, Number(r.stdout.trim())]).toEqual([0, N + 1]);
  const mib = Number(rss![1]) / 1024;
  expect(mib).toBeLessThan(300);
}, 300_000);
