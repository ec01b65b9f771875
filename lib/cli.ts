#!/usr/bin/env node
/**
 * @module cli
 * The `alibi` command: dispatches to one module per subcommand.
 */
import { forTerminal } from './report/escape';
import { CliIo, EXIT_OK, EXIT_USAGE, reportError } from './cli/common';
import { infoCommand } from './cli/info';
import { flowsCommand } from './cli/flows';
import { endpointsCommand } from './cli/endpoints';
import { logsCommand } from './cli/logs';
import { seriesCommand } from './cli/series';
import { analyzeCommand } from './cli/analyze';

type Command = (argv: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, { run: () => Command; summary: string }> = {
  analyze: { run: () => analyzeCommand, summary: 'which component failed, when, and the evidence (captures + logs on one timeline)' },
  info: { run: () => infoCommand, summary: 'describe a capture (format, resolution, link types, packets, first/last)' },
  series: { run: () => seriesCommand, summary: 'per-interval throughput, new connections, resets by side, retransmissions' },
  logs: { run: () => logsCommand, summary: 'log lines per interval on UTC, silences; any format and time zone' },
  watch: { run: () => require('./cli/watch').watchCommand, summary: 'live: capture + follow logs, alert when an incident starts and ends, save its packets (needs cap)' },
  flows: { run: () => flowsCommand, summary: 'TCP connections: Zeek state and history, bytes, resets and who sent them' },
  scan: { run: () => require('./cli/scan').scanCommand, summary: 'scan captures where they are into a partial result (Parquet) that analyze reads elsewhere' },
  endpoints: { run: () => endpointsCommand, summary: 'per address: connections, packets and bytes sent and received, resets sent (top talkers)' },
  worker: { run: () => require('./cli/worker').workerCommand, summary: 'run scan jobs from a queue (BullMQ on Redis) into partials, until SIGTERM (needs bullmq)' },
  sql: { run: () => require('./cli/sql').sqlCommand, summary: 'SQL over a partials folder (views series, flows, ledger) with embedded DuckDB (needs @duckdb/node-api)' },
};

export const HELP = () => `usage: alibi <command> [options]

commands:
${Object.entries(COMMANDS).map(([k, v]) => `  ${k.padEnd(9)} ${v.summary}`).join('\n')}

Run \`alibi <command> --help\` for the options of each. Exit codes: 0 output produced
(even from a partly damaged input, with warnings), 1 nothing could be produced, 2 usage error.
`;

/** Runs the CLI with explicit arguments and sinks (used by tests); returns the exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    io.stdout(HELP());
    return cmd === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (cmd === '--version') {
    io.stdout(require('../package.json').version + '\n');
    return EXIT_OK;
  }
  const entry = COMMANDS[cmd];
  if (!entry) {
    io.stderr(`alibi: unknown command "${forTerminal(cmd)}"\n${HELP()}`);
    return EXIT_USAGE;
  }
  try {
    return await entry.run()(rest, io);
  } catch (e) {
    return reportError(e, io, rest.includes('--debug'));
  }
}

if (require.main === module) {
  const out = (s: string) => process.stdout.write(s);
  const drained = () => new Promise<void>((resolve) => process.stdout.once('drain', () => resolve()));
  const io: CliIo = { stdout: out, stdoutBytes: (b) => process.stdout.write(b), drained, stderr: (s) => process.stderr.write(s), isTTY: process.stderr.isTTY, stdin: process.stdin };
  // EPIPE (alibi … | head) is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(0); });
  main(process.argv.slice(2), io).then((code) => { process.exitCode = code; });
}
