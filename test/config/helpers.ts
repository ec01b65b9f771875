/** Shared by the config tests: the problem lines of a config, and a throwaway folder of files. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError, parseConfig } from '../../lib/config';

/** The ConfigError a call throws (fails the test when it does not throw one). */
export function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

/** The message lines of parsing `raw` as the config file alibi.json in `baseDir`. */
export function problems(raw: unknown, baseDir = os.tmpdir()): string[] {
  return configError(() => parseConfig(raw, { file: 'alibi.json', baseDir })).message.split('\n');
}

/** A fresh folder with the given files (path → content), removed by `cleanup`. */
export function tree(files: Record<string, string>): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-config-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A config with one capture and one log that passes (to vary one field at a time). */
export const GOOD = {
  captures: [{ vantage: 'firewall', file: 'fw.pcap' }, { vantage: 'server', file: 'srv.pcap' }],
  logs: [{ component: 'stunnel', file: 'stunnel.log', timezone: 'America/New_York' }],
  services: [{ component: 'stunnel', host: '10.0.2.2', port: 443 }],
  path: ['firewall', 'server'],
};
