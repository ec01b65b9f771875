/** analyze on sources far apart in time: bounded, and it says why. */
import { analyze } from '../../lib/analyze';
import { ArgumentError } from '../../lib/errors';
import { corpusPath, describeCorpus, fixture } from '../helpers/corpus';

describeCorpus('analyze on sources years apart', () => {
  test('a 2012 capture with a 2026 log: the timeline covers the capture, the log is clipped with a warning', async () => {
    const before = process.memoryUsage().rss;
    const doc = await analyze({
      captures: [{ file: corpusPath('pcarp__fa4f064cf0f161ba8253e8e7d55d2371cc3eccdd'), vantage: 'fw' }],
      logs: [{ file: fixture('logs', 'stunnel.log'), component: 'stunnel', timezone: 'UTC' }],
    });
    expect(doc.window.start?.startsWith('2012-06-05')).toBe(true);
    expect(doc.warnings.map((w) => w.code)).toContain('sources_far_apart');
    expect(process.memoryUsage().rss - before).toBeLessThan(300 * 1024 * 1024);
  });
  test('a capture spanning three years at 1 s is a usage error that names the interval needed', async () => {
    await expect(analyze({ captures: [{ file: corpusPath('zeek__ssh.pcap'), vantage: 'fw' }] })).rejects.toThrow(ArgumentError);
    await expect(analyze({ captures: [{ file: corpusPath('zeek__ssh.pcap'), vantage: 'fw' }] })).rejects.toThrow(/use a larger interval \(alibi --interval; at least \d+ s\)/);
  });
});

describe('errors from capture workers', () => {
  test('a file that is not a capture, read in a worker thread, is the same typed error as in this thread, naming the file and offset', async () => {
    const os = await import('node:os');
    const fs = await import('node:fs');
    const path = await import('node:path');
    const { UnknownFormatError } = await import('../../lib/errors');
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-worker-err-'));
    const bad = path.join(tmp, 'notes.txt');
    fs.writeFileSync(bad, 'not a capture at all\n');
    const good = path.resolve(__dirname, '../../captures/healthy/server.pcap');
    const cfg = { captures: [{ file: good, vantage: 'server' }, { file: bad, vantage: 'fw' }] };
    try {
      const inWorkers = await analyze(cfg).then(() => null, (e) => e);
      const here = await analyze({ ...cfg, parallel: false }).then(() => null, (e) => e);
      for (const e of [inWorkers, here]) {
        expect(e).toBeInstanceOf(UnknownFormatError);
        expect(e.file).toBe(bad);
        expect(e.offset).toBe(0);
      }
      expect(inWorkers.message).toBe(here.message);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describeCorpus('series on a capture spanning years', () => {
  test('every packet is counted: bins widened, and the output says so (was: 1,752 of 1,797 packets left out, exit 0)', async () => {
    const { seriesCommand } = await import('../../lib/cli/series');
    let out = '';
    let err = '';
    const code = await seriesCommand([corpusPath('zeek__ssh.pcap'), '--json'], { stdout: (s: string) => void (out += s), stderr: (s: string) => void (err += s), isTTY: false } as never);
    expect(code).toBe(0);
    const doc = JSON.parse(out) as { interval: number; bins: { packets: number }[]; warnings: { code: string }[] };
    expect(doc.bins.reduce((a, b) => a + b.packets, 0)).toBe(1797); // capinfos -c
    expect(doc.interval).toBe(600);
    expect(doc.warnings.map((w) => w.code)).toEqual(['interval_widened']);
    expect(err).toBe('');
  });
});
