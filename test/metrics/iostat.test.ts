/**
 * Series against tshark's IO statistics, bin for bin: `--align first --interval 1s` packets and
 * bytes equal `tshark -q -z io,stat,1`, and RST frames equal its `tcp.flags.reset==1` column.
 * Fixtures: test/fixtures/iostat/*.iostat.txt, made by make.sh there (tshark version in VERSION).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SeriesAccumulator, SeriesColumns } from '../../lib/metrics/series';
import { openCapture } from '../../lib/node';
import { CapturePass } from '../../lib/pipeline/pass';
import { CORPUS, fixture, HAVE_CORPUS, REPO } from '../helpers/corpus';

interface Row { frames: number; bytes: number; rstFrames: number }

/** Parses tshark's io,stat table with two columns (all frames, RST frames). */
export function parseIoStat(text: string): Row[] {
  const rows: Row[] = [];
  for (const line of text.split('\n')) {
    // Short captures print the one interval with decimals ("0.000 <> 0.610").
    const m = /^\|\s*[\d.]+\s*<>\s*(?:[\d.]+|Dur)\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|/.exec(line);
    if (m) rows.push({ frames: +m[1], bytes: +m[2], rstFrames: +m[3] });
  }
  return rows;
}

function seriesOf(file: string): SeriesColumns {
  const s = new SeriesAccumulator({ interval: 1, align: 'first' });
  const r = openCapture(file);
  const pass = new CapturePass({ keepFlows: false, observer: s });
  for (let p = r.next(); p; p = r.next()) pass.packet(p);
  pass.finish(r, file);
  return s.columns();
}

const dir = fixture('iostat');
const cases = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.iostat.txt'))
  .map((f) => {
    const name = f.replace(/\.iostat\.txt$/, '');
    const [kind, ...rest] = name.split('__');
    const file = kind === 'corpus' ? path.join(CORPUS, rest.join('__')) : path.join(REPO, 'captures', rest[0], rest.slice(1).join('__'));
    return { name, kind, file, fixture: path.join(dir, f) };
  })
  .filter((c) => c.kind !== 'corpus' || HAVE_CORPUS);

test('fixtures exist for the corpus and for the shipped captures', () => {
  expect(cases.filter((c) => c.kind === 'captures').length).toBeGreaterThan(0);
  if (HAVE_CORPUS) expect(cases.filter((c) => c.kind === 'corpus').length).toBeGreaterThanOrEqual(30);
});

test.each(cases.map((c) => [c.name, c] as const))('%s: packets, bytes and resets per 1 s bin equal tshark io,stat', (_n, c) => {
  if (!fs.existsSync(c.file)) throw new Error(`missing ${c.file}: re-run test/fixtures/iostat/make.sh`);
  const text = fs.readFileSync(c.fixture, 'utf8');
  const want = parseIoStat(text);
  const got = seriesOf(c.file);
  const n = want.length;
  if (want.length === 0) {
    // tshark prints no interval at all when every packet has the same time (duration 0); we
    // print the one bin that holds them.
    expect(text).toMatch(/Duration: 0\.0+ secs/);
    expect(got.length).toBe(1);
    return;
  }
  if (got.length === want.length + 1) {
    // A last packet exactly on an interval edge (duration a whole number of seconds): tshark
    // prints no row for the bin it starts and leaves it out; we keep that bin.
    expect(text).toMatch(/Duration: \d+\.\s*0* secs/);
    expect(got.packets[got.length - 1]).toBeGreaterThan(0);
  } else {
    expect(got.length).toBe(want.length);
  }
  for (let i = 0; i < n; i++) {
    if (got.packets[i] !== want[i].frames || got.bytes[i] !== want[i].bytes || got.resets[i] !== want[i].rstFrames) {
      throw new Error(`bin ${i}: ours ${got.packets[i]}/${got.bytes[i]}/${got.resets[i]} tshark ${want[i].frames}/${want[i].bytes}/${want[i].rstFrames}`);
    }
  }
});
