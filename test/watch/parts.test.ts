/**
 * The watch building blocks on their own: the flight recorder's hard caps, the pcap writer read
 * back by our reader, and the log follower across growth, partial lines, rotation and truncation.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PacketRecord } from '../../lib/capture/record';
import { openCapture } from '../../lib/node';
import { LogFollower } from '../../lib/watch/follow';
import { FlightRecorder } from '../../lib/watch/recorder';
import { PcapWriter } from '../../lib/watch/pcapwriter';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'alibi-watch-parts-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function rec(t: number, len: number, fill: number): PacketRecord {
  const r = new PacketRecord();
  r.tsSec = Math.floor(t);
  r.tsFrac = Math.round((t - Math.floor(t)) * 1e6);
  r.capLen = r.origLen = len;
  r.bytes = new Uint8Array(len + 4).fill(fill);
  r.offset = 2;
  r.linkType = 1;
  return r;
}

describe('FlightRecorder', () => {
  it('never holds more than its byte cap, whatever arrives, and dumps the newest packets in order', () => {
    const fr = new FlightRecorder({ retain: 1e9, maxBytes: 1 << 16, maxPackets: 1000 });
    for (let i = 0; i < 5000; i++) fr.add(rec(1000 + i / 100, 100 + (i % 900), i & 255));
    expect(fr.bytesUsed).toBeLessThanOrEqual(1 << 16);
    expect(fr.count).toBeLessThan(1000);
    expect(fr.evictedEarly).toBeGreaterThan(4000);
    const file = path.join(tmp, 'ring.pcap');
    const w = PcapWriter.create(file, 1);
    const n = fr.dump(w, 0);
    w.close();
    const r = openCapture(file);
    const times: number[] = [];
    for (let p = r.next(); p !== null; p = r.next()) {
      times.push(p.time);
      const i = Math.round((p.time - 1000) * 100);
      expect(p.capLen).toBe(100 + (i % 900));
      expect(p.bytes[p.offset]).toBe(i & 255);
      expect(p.bytes[p.offset + p.capLen - 1]).toBe(i & 255);
    }
    expect(times.length).toBe(n);
    expect(times[times.length - 1]).toBeCloseTo(1000 + 4999 / 100, 5);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('caps the packet count and lets go of packets older than retain', () => {
    const fr = new FlightRecorder({ retain: 10, maxBytes: 1 << 20, maxPackets: 100 });
    for (let i = 0; i < 500; i++) fr.add(rec(1000 + i * 0.01, 60, 1));
    expect(fr.count).toBe(100);
    fr.expire(1000 + 4.995 + 10 - 0.5); // limit 1004.495: 1004.50 … 1004.99 stay
    expect(fr.count).toBe(50);
    expect(fr.oldest).toBeCloseTo(1004.5, 5);
  });
});

describe('LogFollower', () => {
  it('returns complete lines only, follows rotation (inode change) and truncation', () => {
    const f = path.join(tmp, 'app.log');
    fs.writeFileSync(f, 'old line before start\n');
    const lf = new LogFollower(f);
    expect(lf.poll().data).toBeNull(); // starts at the end, as tail -F
    fs.appendFileSync(f, 'a\nb\npart');
    expect(lf.poll().data!.toString()).toBe('a\nb\n');
    fs.appendFileSync(f, 'ial\n');
    expect(lf.poll().data!.toString()).toBe('partial\n');
    // Rotation: the last lines of the old file, then the new file from its start.
    fs.appendFileSync(f, 'last of old\n');
    fs.renameSync(f, f + '.1');
    fs.writeFileSync(f, 'first of new\n');
    const ev = lf.poll();
    expect(ev.rotated).toBe(true);
    expect(ev.data!.toString()).toBe('last of old\nfirst of new\n');
    // Truncation (copytruncate): read again from the start.
    fs.truncateSync(f, 0);
    fs.appendFileSync(f, 'x\n');
    const ev2 = lf.poll();
    expect(ev2.truncated).toBe(true);
    expect(ev2.data!.toString()).toBe('x\n');
    expect([lf.rotations, lf.truncations]).toEqual([1, 1]);
    lf.close();
  });

  it('waits for a file that does not exist yet and reads it from its start', () => {
    const f = path.join(tmp, 'later.log');
    const lf = new LogFollower(f);
    expect(lf.poll().data).toBeNull();
    fs.writeFileSync(f, 'hello\n');
    expect(lf.poll().data!.toString()).toBe('hello\n');
    lf.close();
  });
});
