/**
 * Every file of ../shared/corpus against tshark/capinfos ground truth (manifest.json).
 */
import { InfoCollector } from '../../lib/capture/info';
import { AlibiError } from '../../lib/errors';
import { openCapture } from '../../lib/node';
import { corpusPath, describeCorpus, HAVE_CORPUS, manifest, ManifestFile } from '../helpers/corpus';

const files = HAVE_CORPUS ? manifest() : [];
const readable = files.filter((f) => !f.bad_input);
const bad = files.filter((f) => f.bad_input);

function info(f: ManifestFile) {
  const r = openCapture(corpusPath(f.file));
  const c = new InfoCollector();
  for (let p = r.next(); p; p = r.next()) c.add(p);
  return c.finish(r, f.file);
}

/** capinfos prints `2011-01-12 07:08:13.386451`; we print ISO-8601 UTC with the same digits. */
function capinfosToIso(s: string): string {
  return s.replace(' ', 'T') + 'Z';
}

describeCorpus('readers on the public corpus', () => {
  test.each(readable.map((f) => [f.file, f] as const))('%s: packets, first/last time and link types equal capinfos/tshark', (_name, f) => {
    const i = info(f);
    const cap = f.format.capinfos ?? {};
    // tshark 4.0 also shows pcapng custom blocks as frames (no interface id); capinfos counts
    // packets only, so its "Number of packets" is the figure to match (pcapngtg__test202: 8).
    // capinfos rounds large counts ("13 k"): then tshark's frame count is the exact figure.
    const capCount = cap['Number of packets'];
    const expected = capCount !== undefined && /^\d+$/.test(capCount) ? Number(capCount) : f.truth.frames_total;
    expect(i.packets).toBe(expected);
    if (cap['First packet time'] && cap['First packet time'] !== 'n/a') {
      expect(i.first).toBe(capinfosToIso(cap['First packet time']));
      expect(i.last).toBe(capinfosToIso(cap['Last packet time']));
    }
    expect(new Set(i.linkTypes)).toEqual(new Set(f.link_types.map((l) => l.linktype)));
    expect(i.warnings).toEqual([]);
    expect(i.format).toBe(f.format.container);
  });

  test('the corpus has the variety the readers claim to handle', () => {
    const containers = new Set(readable.map((f) => `${f.format.container}/${f.format.header_scan?.endian}/${f.format.header_scan?.tsres}`));
    expect(containers).toEqual(expect.objectContaining({}));
    expect([...containers]).toEqual(expect.arrayContaining(['pcap/le/us', 'pcap/be/us', 'pcap/le/ns', 'pcapng/le/undefined', 'pcapng/be/undefined']));
  });
});

describeCorpus('damaged corpus files end in a typed error or a warning, keeping every packet before the damage', () => {
  test.each(bad.map((f) => [f.file, f] as const))('%s', (_name, f) => {
    const tsharkRead = Number((f.errors as Record<string, number> | undefined)?.frames_read_by_tshark_before_error ?? 0);
    let packets = 0;
    let warnings: readonly unknown[] = [];
    let error: unknown = null;
    try {
      const r = openCapture(corpusPath(f.file));
      for (let p = r.next(); p; p = r.next()) packets++;
      warnings = r.warnings;
    } catch (e) {
      error = e;
    }
    if (error) {
      expect(error).toBeInstanceOf(AlibiError);
      const e = error as AlibiError;
      expect(e.file).toBe(corpusPath(f.file));
      expect(typeof e.offset).toBe('number');
      expect(e.packet).toBe(0);
      expect(tsharkRead).toBe(0);
    } else if (f.file === 'tcpdump__dsa.pcap') {
      // A link type tshark 4.0 does not know (DSA, 284): the container is fine, so we read every
      // record; the decoder names the unknown link type in its warnings (tested with flows).
      expect(packets).toBe(8);
    } else {
      expect(warnings.length).toBeGreaterThan(0);
      expect(warnings[0]).toEqual(expect.objectContaining({ file: corpusPath(f.file), offset: expect.any(Number), packet: expect.any(Number), reason: expect.any(String) }));
    }
    expect(packets).toBeGreaterThanOrEqual(tsharkRead);
  });

  test('a block claiming 3.5 GB is reported, not allocated', () => {
    const before = process.memoryUsage().rss;
    const r = openCapture(corpusPath('pcarp__fa4f064cf0f161ba8253e8e7d55d2371cc3eccdd'));
    let n = 0;
    for (let p = r.next(); p; p = r.next()) n++;
    expect(n).toBe(14);
    expect(r.warnings[0].reason).toMatch(/total block length 3523215360 is too large/);
    expect(r.warnings[0].offset).toBe(1552);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
  });
});
