/**
 * @module cli/sql
 * `alibi sql "SELECT …" DIR… [--json | --csv]`: SQL over partials folders with embedded DuckDB.
 */
import { ArgumentError } from '../errors';
import { forTerminal } from '../report/escape';
import { csvCell } from '../report/schema';
import { openPartials, SqlError } from '../distribute/sql';
import { CliIo, EXIT_OK, parse } from './common';

export const SQL_HELP = `usage: alibi sql "SELECT …" DIR… [--json | --csv]

Runs SQL over partials folders (\`alibi scan --out DIR\`) with embedded DuckDB (the optional
"@duckdb/node-api" package). Every sub-folder of Parquet files is a view of that name over all
its files, of every DIR given (columns matched by name): series, flows, ledger, … Any DuckDB SQL
works, read_parquet('…') included; several statements run in order, the last one's rows printed.

  --json     one JSON object per row, one per line (JSON lines); 64-bit integers as numbers
             when they fit a double exactly, else as strings
  --csv      a header and rows (RFC 4180; lists and structs as JSON)
  (default)  an aligned text table

Examples:
  alibi sql "SELECT vantage, sum(packets) AS packets FROM series GROUP BY ALL" partials/
  alibi sql "SELECT state, count(*) FROM flows GROUP BY ALL ORDER BY 2 DESC" partials/ --csv
  alibi sql "DESCRIBE flows" partials/
`;

/** DuckDB type names whose JSON form is a string of digits: made numbers where exact. */
const BIG_INT = /^(BIGINT|UBIGINT|HUGEINT|UHUGEINT)$/;
const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|HUGEINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL.*)$/;

/** A JSON value from DuckDB with 64-bit integers made numbers where they are exact. */
function jsonValue(v: unknown, big: boolean): unknown {
  if (big && typeof v === 'string') {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : v;
  }
  return v;
}

export async function sqlCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' }, csv: { type: 'boolean' } });
  if (values.help) {
    io.stdout(SQL_HELP);
    return EXIT_OK;
  }
  if (values.json && values.csv) throw new ArgumentError('--json and --csv: choose one');
  const [sql, ...dirs] = positionals;
  if (!sql || !sql.trim()) throw new ArgumentError('sql takes a statement, then one or more partials folders');
  if (dirs.length === 0) throw new ArgumentError('sql needs a partials folder (alibi scan --out DIR) after the statement');
  const db = await openPartials(dirs);
  try {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    let result: any;
    try {
      const statements = await db.connection.extractStatements(sql);
      for (let i = 0; i < statements.count - 1; i++) await (await statements.prepare(i)).run();
      result = await (await statements.prepare(statements.count - 1)).stream();
    } catch (e) {
      throw new SqlError(`DuckDB: ${(e as Error).message}`, 'query', { cause: e });
    }
    const names: string[] = result.columnNames();
    const types: string[] = result.columnTypes().map((t: unknown) => String(t));
    const big = types.map((t) => BIG_INT.test(t));
    if (values.json) {
      for await (const rows of result.yieldRowsJson() as AsyncIterable<unknown[][]>) {
        let out = '';
        for (const r of rows) {
          const o: Record<string, unknown> = {};
          for (let c = 0; c < names.length; c++) o[names[c]] = jsonValue(r[c], big[c]);
          out += JSON.stringify(o) + '\n';
        }
        await write(io, out);
      }
      return EXIT_OK;
    }
    if (values.csv) {
      io.stdout(names.map(csvCell).join(',') + '\n');
      for await (const rows of result.yieldRowsJson() as AsyncIterable<unknown[][]>) {
        await write(io, rows.map((r) => r.map((v, c) => csvCell(v !== null && typeof v === 'object' ? JSON.stringify(v) : jsonValue(v, big[c]))).join(',') + '\n').join(''));
      }
      return EXIT_OK;
    }
    // The text table needs every row for its widths.
    const cells: string[][] = [];
    for await (const rows of result.yieldRows() as AsyncIterable<unknown[][]>) {
      for (const r of rows) cells.push(r.map((v) => (v === null ? 'NULL' : forTerminal(String(v)))));
    }
    const right = types.map((t) => NUMERIC.test(t));
    const head = names.map((n) => forTerminal(n));
    const width = head.map((h, c) => cells.reduce((w, r) => Math.max(w, r[c].length), h.length));
    const line = (r: string[]) => r.map((s, c) => (right[c] ? s.padStart(width[c]) : c === r.length - 1 ? s : s.padEnd(width[c]))).join('  ').trimEnd() + '\n';
    let out = line(head);
    for (const r of cells) {
      out += line(r);
      if (out.length >= 1 << 20) {
        await write(io, out);
        out = '';
      }
    }
    await write(io, out);
    io.stderr(`(${cells.length} row${cells.length === 1 ? '' : 's'})\n`);
    return EXIT_OK;
  } finally {
    db.close();
  }
}

/** Writes to stdout, waiting while a slow reader's pipe is full. */
async function write(io: CliIo, s: string): Promise<void> {
  if (!s) return;
  if (io.stdout(s) === false && io.drained) await io.drained();
}
