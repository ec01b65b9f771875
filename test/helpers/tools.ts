import { execFileSync } from 'node:child_process';

/**
 * Whether a command runs here (Wireshark's editcap, capinfos, mergecap: CI installs them). A test
 * that needs one skips without it and says so.
 */
export function haveTool(cmd: string, arg = '-h'): boolean {
  try {
    execFileSync(cmd, [arg], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
