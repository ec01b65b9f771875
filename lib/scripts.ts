/**
 * @module scripts
 * Where a worker thread's compiled script is: beside the compiled modules, or, when this code
 * runs from its TypeScript sources (as under jest), in dist/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The compiled script `rel` (e.g. 'decode/worker.js') under lib's output, or null if not built. */
export function compiledScript(rel: string): string | null {
  const here = path.join(__dirname, rel);
  if (fs.existsSync(here)) return here;
  const built = path.resolve(__dirname, '..', 'dist', rel);
  return fs.existsSync(built) ? built : null;
}
