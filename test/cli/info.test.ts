import * as fs from 'node:fs';
import { alibi } from '../helpers/cli';
import { corpusPath, describeCorpus, fixture } from '../helpers/corpus';

describe('alibi info', () => {
  test('prints the SPEC.md document with --json', () => {
    const r = alibi(['info', fixture('captures', 'loop-ns.pcapng'), '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ format: 'pcapng', byteOrder: 'le', tsResolution: 'ns', linkTypes: [1], interfaces: 1, packets: 41, warnings: [] });
    expect(doc.first).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
  });

  test('reads stdin with -', () => {
    const r = alibi(['info', '-', '--json'], fs.readFileSync(fixture('captures', 'loop-be.pcap')));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ format: 'pcap', byteOrder: 'be', tsResolution: 'us', packets: 41 });
  });

  test('human text by default', () => {
    const r = alibi(['info', fixture('captures', 'loop.pcap')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/format:\s+pcap \(little-endian\)/);
    expect(r.stdout).toMatch(/packets:\s+41/);
  });

  test('usage errors exit 2, unknown files exit 1 with one clear line', () => {
    expect(alibi(['info']).code).toBe(2);
    expect(alibi(['info', '--nope', 'x']).code).toBe(2);
    expect(alibi(['bogus']).code).toBe(2);
    const r = alibi(['info', '/nonexistent.pcap']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/nonexistent\.pcap: cannot open: ENOENT/);
  });
});

describeCorpus('alibi info on damaged corpus files', () => {
  test('a truncated pcap: exit 0, the packet before the damage, a warning with offset and packet', () => {
    const r = alibi(['info', corpusPath('dpkt__truncated_dns_2.pcap'), '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.packets).toBe(1);
    expect(doc.warnings).toEqual([expect.objectContaining({ offset: 240, packet: 1, reason: expect.stringMatching(/middle of a record/) })]);
  });
  test('bad magic: exit 1 and one line naming the file and offset, no stack trace', () => {
    const r = alibi(['info', corpusPath('pcapparser__err-eof.bin')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/err-eof\.bin: offset 0, packet 0: not a pcap or pcapng file/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});
