/**
 * @module cli/info
 * `alibi info <capture> [--json]`.
 */
import { forTerminal } from '../report/escape';
import { InfoCollector } from '../capture/info';
import { CliIo, EXIT_OK, forEachPacket, json, openInput, parse, warningLines } from './common';
import { ArgumentError } from '../errors';
import { captureProgress } from './progress';

export const INFO_HELP = `usage: alibi info <capture|-> [--json]

Describes a pcap or pcapng capture: format, byte order, timestamp resolution, link types,
interfaces (with pcapng ISB drop counts), packet count, earliest and latest packet time.
  --json     one JSON document on stdout
  -          read the capture from stdin
`;

export async function infoCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' } });
  if (values.help) {
    io.stdout(INFO_HELP);
    return EXIT_OK;
  }
  if (positionals.length !== 1) throw new ArgumentError('info takes exactly one capture');
  const path = positionals[0];
  const reader = openInput(path, io);
  const c = new InfoCollector();
  const progress = captureProgress(io, reader, path, { quiet: values.json });
  await forEachPacket(reader, (p) => { c.add(p); progress.tick(); });
  progress.end();
  const info = c.finish(reader, path);
  if (values.json) {
    io.stdout(json(info));
    return EXIT_OK;
  }
  const lines = [
    `file:          ${forTerminal(path)}`,
    `format:        ${info.format} (${info.byteOrder === 'le' ? 'little' : 'big'}-endian)${reader.compression ? `, ${reader.compression}-compressed` : ''}`,
    `resolution:    ${info.tsResolution}`,
    `link types:    ${info.interfaceDetails.map((d) => `${d.linkTypeName} (${d.linkType})`).filter((v, i, a) => a.indexOf(v) === i).join(', ') || '-'}`,
    `interfaces:    ${info.interfaces}`,
    `packets:       ${info.packets}`,
    `bytes:         ${info.bytes}`,
    `first packet:  ${info.first ?? '-'}`,
    `last packet:   ${info.last ?? '-'}`,
  ];
  for (const d of info.interfaceDetails) {
    const drops = d.ifDrop !== undefined || d.osDrop !== undefined ? `, drops: interface ${d.ifDrop ?? '-'}, OS ${d.osDrop ?? '-'}` : '';
    lines.push(`  if ${d.id}: ${d.linkTypeName}, snaplen ${d.snaplen}, ${d.tsResolution}${d.name ? `, ${forTerminal(d.name)}` : ''}, ${d.packets} packets${drops}`);
  }
  io.stdout(lines.join('\n') + '\n');
  io.stderr(warningLines(info.warnings));
  return EXIT_OK;
}
