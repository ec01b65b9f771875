/** Runs the built CLI (dist/cli.js) as a user would, capturing stdout, stderr and the exit code. */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { REPO } from './corpus';

export function alibi(args: string[], input?: Buffer): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(REPO, 'dist', 'cli.js'), ...args], { input, encoding: 'buffer', maxBuffer: 1 << 28 });
  return { code: r.status ?? -1, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}
