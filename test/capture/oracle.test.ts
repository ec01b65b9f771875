/**
 * pcap-parser (the classic reader everyone knows) as an independent oracle: on every classic µs
 * pcap of the corpus it can read, our records equal its records field for field and byte for byte.
 */
import * as fs from 'node:fs';
import { openCapture } from '../../lib/node';
import { corpusPath, describeCorpus, HAVE_CORPUS, manifest } from '../helpers/corpus';
import { fixture } from '../helpers/corpus';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pcapParser = require('pcap-parser');

interface OraclePacket { sec: number; usec: number; incl: number; orig: number; data: Buffer }

function oracle(path: string): Promise<OraclePacket[]> {
  return new Promise((resolve, reject) => {
    const out: OraclePacket[] = [];
    const p = pcapParser.parse(fs.createReadStream(path));
    p.on('packet', (pkt: { header: { timestampSeconds: number; timestampMicroseconds: number; capturedLength: number; originalLength: number }; data: Buffer }) => {
      out.push({ sec: pkt.header.timestampSeconds, usec: pkt.header.timestampMicroseconds, incl: pkt.header.capturedLength, orig: pkt.header.originalLength, data: Buffer.from(pkt.data) });
    });
    p.on('error', reject);
    p.on('end', () => resolve(out));
  });
}

function ours(path: string) {
  const r = openCapture(path, { chunkSize: 1 << 16 });
  const out: OraclePacket[] = [];
  for (let p = r.next(); p; p = r.next()) out.push({ sec: p.tsSec, usec: p.tsFrac, incl: p.capLen, orig: p.origLen, data: Buffer.from(p.data) });
  return out;
}

const classicUs = HAVE_CORPUS
  ? manifest().filter((f) => !f.bad_input && f.format.container === 'pcap' && f.format.header_scan?.tsres === 'us').map((f) => f.file)
  : [];

describeCorpus('pcap-parser oracle', () => {
  test('covers both byte orders', () => {
    expect(classicUs.length).toBeGreaterThan(20);
  });
  test.each(classicUs)('%s: same records as pcap-parser', async (name) => {
    const want = await oracle(corpusPath(name));
    const got = ours(corpusPath(name));
    expect(got.length).toBe(want.length);
    for (let i = 0; i < want.length; i++) {
      expect(got[i].sec).toBe(want[i].sec);
      expect(got[i].usec).toBe(want[i].usec);
      expect(got[i].incl).toBe(want[i].incl);
      expect(got[i].orig).toBe(want[i].orig);
      expect(got[i].data.equals(want[i].data)).toBe(true);
    }
  });
});

test('our own loopback fixture: same records as pcap-parser (runs without the corpus)', async () => {
  const want = await oracle(fixture('captures', 'loop.pcap'));
  const got = ours(fixture('captures', 'loop.pcap'));
  expect(want.length).toBe(41);
  expect(got).toEqual(want);
});
