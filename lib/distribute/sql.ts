/**
 * @module distribute/sql
 * A partials folder (`alibi scan --out DIR`: one sub-folder of Parquet files per table) opened
 * as SQL views in embedded DuckDB (the optional `@duckdb/node-api`, loaded on first use): each
 * sub-folder holding `.parquet` files becomes a view of that name (`series`, `flows`, `ledger`, …)
 * over all its files, columns matched by name (`union_by_name`), so `SELECT … FROM series` reads
 * every part, of every folder given.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AlibiError, ArgumentError, InputError } from '../errors';

/** Why SQL over partials failed: `unavailable` (@duckdb/node-api not installed), `query` (DuckDB refused the statement). */
export type SqlErrorReason = 'unavailable' | 'query';

/** DuckDB is missing, or refused the statement (its message, as it gave it). */
export class SqlError extends AlibiError {
  constructor(message: string, readonly reason: SqlErrorReason, options?: { cause?: unknown }) {
    super(message, {}, options);
  }
  override get code() {
    return `sql_${this.reason}`;
  }
  override describe(): string {
    return this.message;
  }
}

/* eslint-disable @typescript-eslint/no-explicit-any */
/** The parts of `@duckdb/node-api` used here, typed locally so the library compiles without it. */
export interface DuckDbModule {
  DuckDBInstance: { create(path?: string, options?: Record<string, string>): Promise<{ connect(): Promise<any>; closeSync(): void }> };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Loads `@duckdb/node-api`; a {@link SqlError} `unavailable` when it is missing. */
export function loadDuckdb(): DuckDbModule {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('@duckdb/node-api') as DuckDbModule;
  } catch (e) {
    const detail = (e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' ? 'it is not installed' : (e as Error).message;
    throw new SqlError(`SQL over partials needs the optional "@duckdb/node-api" package, and ${detail}: run "npm install @duckdb/node-api"`, 'unavailable', { cause: e });
  }
}

/** One view: its name (the sub-folder's) and the Parquet files it reads, in name order. */
export interface PartialsView {
  name: string;
  files: string[];
}

/**
 * The views a set of partials folders gives: every sub-folder holding `.parquet` files (hidden
 * files, such as a writer's temporary files, left out), the files of same-named sub-folders of
 * all the folders together. A folder that does not exist is an `InputError`; one without any
 * table an `ArgumentError`.
 * @example
 * partialsViews(['partials'])
 * //=> [{ name: 'flows', files: ['/data/partials/flows/firewall-0000.parquet', …] }, { name: 'series', … }]
 */
export function partialsViews(dirs: string[]): PartialsView[] {
  const byName = new Map<string, string[]>();
  for (const d of dirs) {
    const dir = path.resolve(d);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      throw new InputError(`cannot read the partials folder: ${(e as Error).message}`, { file: d }, { cause: e });
    }
    for (const e of entries) {
      if (!e.isDirectory() || e.name.startsWith('.')) continue;
      const sub = path.join(dir, e.name);
      const files = fs.readdirSync(sub).filter((f) => f.endsWith('.parquet') && !f.startsWith('.')).map((f) => path.join(sub, f));
      if (files.length === 0) continue;
      byName.set(e.name, [...(byName.get(e.name) ?? []), ...files]);
    }
  }
  if (byName.size === 0) throw new ArgumentError(`no table in ${dirs.join(', ')}: a partials folder holds one sub-folder of .parquet files per table (series/, flows/, …)`);
  return [...byName.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, files]) => ({ name, files: files.sort() }));
}

/** The statement that makes a view (quoted name, files as a list literal). */
export function viewSql(v: PartialsView): string {
  const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
  return `CREATE OR REPLACE VIEW "${v.name.replace(/"/g, '""')}" AS SELECT * FROM read_parquet([${v.files.map(q).join(', ')}], union_by_name = true)`;
}

/**
 * An in-memory DuckDB with one view per table of the partials folders.
 * @example
 * const { connection, close } = await openPartials(['partials']);
 * (await connection.runAndReadAll('SELECT vantage, sum(packets) FROM series GROUP BY ALL')).getRowsJS()
 * //=> [['firewall', 1234567n]]
 * close();
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function openPartials(dirs: string[]): Promise<{ connection: any; views: PartialsView[]; close(): void }> {
  const { DuckDBInstance } = loadDuckdb();
  const views = partialsViews(dirs);
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  try {
    for (const v of views) await connection.run(viewSql(v));
  } catch (e) {
    db.closeSync();
    throw new SqlError(`DuckDB cannot read the partials: ${(e as Error).message}`, 'query', { cause: e });
  }
  return {
    connection,
    views,
    close: () => {
      connection.closeSync?.();
      db.closeSync();
    },
  };
}
