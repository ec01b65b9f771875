/**
 * Executes examples/explore.ipynb on the tslab TypeScript kernel (jupyter nbconvert --execute)
 * and checks what its cells print. Skips, saying why, when Jupyter, nbclient or tslab is missing.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '..');
const NBCONVERT = ['/usr/bin/jupyter-nbconvert', '/usr/local/bin/jupyter-nbconvert'].find((p) => fs.existsSync(p));
const TSLAB = path.join(REPO, 'node_modules', '.bin', 'tslab');
const missing = [
  !NBCONVERT && 'jupyter-nbconvert (apt-get install jupyter-nbconvert python3-nbclient python3-ipykernel)',
  !fs.existsSync(TSLAB) && 'tslab (npm install)',
  !fs.existsSync(path.join(REPO, 'dist', 'index.js')) && 'dist/ (npm run build)',
].filter(Boolean);
if (missing.length) console.warn(`skipping the notebook test: missing ${missing.join(', ')}`);
const maybe = missing.length ? it.skip : it;

maybe('examples/explore.ipynb runs on the tslab kernel and shows the verdict, the connections and the silences', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-nb-'));
  try {
    // A kernel spec of our own, pointing at this checkout's tslab: nothing installed globally.
    fs.mkdirSync(path.join(dir, 'kernels', 'tslab'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'kernels', 'tslab', 'kernel.json'), JSON.stringify({ argv: [TSLAB, 'kernel', '--config-path', '{connection_file}'], display_name: 'TypeScript', language: 'typescript' }));
    const r = spawnSync(NBCONVERT!, ['--to', 'notebook', '--execute', '--ExecutePreprocessor.timeout=120', '--output-dir', dir, path.join(__dirname, 'explore.ipynb')], {
      encoding: 'utf8',
      env: { ...process.env, JUPYTER_PATH: dir, PYDEVD_DISABLE_FILE_VALIDATION: '1' },
      timeout: 180_000,
    });
    expect({ status: r.status, error: r.status === 0 ? '' : r.stderr.slice(-2000) }).toEqual({ status: 0, error: '' });
    const nb = JSON.parse(fs.readFileSync(path.join(dir, 'explore.ipynb'), 'utf8'));
    const outputs = nb.cells.filter((c: any) => c.cell_type === 'code').map((c: any) => c.outputs);
    expect(outputs.flat().filter((o: any) => o.output_type === 'error')).toEqual([]);
    const text = outputs.map((os: any[]) => os.map((o) => [].concat(o.text ?? []).join('')).join(''));
    expect(text[1]).toMatch(/stunnel \(application\), confidence 0\.9\d/);
    expect(text[1]).toContain('stunnel log silent');
    expect(text[2]).toContain('714 connections {"RSTO":179,"S0":405,"SF":130}');
    expect(text[3].trim().split('\n')).toHaveLength(16);
    expect(text[4]).toMatch(/stunnel\.log silent 2026-11-25T13:37:58Z → 2026-11-25T13:38:49Z \(51 s\)/);
    expect(text[4]).toMatch(/access\.log silent 2026-11-25T13:37:59Z → 2026-11-25T13:38:49Z \(50 s\)/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 200_000);
