/**
 * One time grid: the analysis timeline places a float time in the bin the interval grid that
 * counted the series puts its exact time in — on every packet of a lab capture, and on packets
 * exactly on sub-second edges, where float division misplaces them.
 */
import * as path from 'node:path';
import { openCapture } from '../../lib/capture/file';
import { Timeline } from '../../lib/correlate/timeline';
import { IntervalGrid } from '../../lib/grid';

const CAPTURE = path.join(__dirname, '../../captures/stunnel-freeze/server.pcap');

test.each([1, 0.1, 0.25, 60])('every packet of a lab capture: timeline bin = the grid bin of its exact time (interval %p s)', (interval) => {
  const grid = new IntervalGrid(0, 0, interval);
  const r = openCapture(CAPTURE);
  const times: number[] = [];
  const exact: number[] = [];
  for (let p = r.next(); p !== null; p = r.next()) {
    times.push(p.time);
    exact.push(grid.binOf(p.tsSec, p.tsNs));
  }
  expect(times.length).toBeGreaterThan(1000);
  const tl = Timeline.spanning(interval, times);
  const wrong = times.map((t, i) => tl.binOf(t) + tl.firstBin - exact[i]).filter((d) => d !== 0);
  expect(wrong).toEqual([]);
  expect(tl.binOf(times[0])).toBe(0);
  expect(tl.binOf(times[times.length - 1])).toBe(tl.length - 1);
});

test('times exactly on sub-second edges land in the bin that starts there (float division puts some before it)', () => {
  const interval = 0.1;
  const grid = new IntervalGrid(0, 0, interval);
  const tl = new Timeline(interval, grid.binOf(1_700_000_000, 0), 100_000);
  let floatWrong = 0;
  const misplaced: number[] = [];
  for (let k = 0; k < 100_000; k++) {
    const sec = 1_700_000_000 + Math.floor(k / 10);
    const us = (k % 10) * 100_000;
    const t = sec + us / 1e6; // as PacketRecord.time makes it
    if (tl.binOf(t) !== k || Math.abs(tl.startOf(k) - t) > 1e-6) misplaced.push(k);
    if (Math.floor(t / interval + 1e-9) - tl.firstBin !== k) floatWrong++;
  }
  expect(misplaced).toEqual([]);
  // The old float rule was wrong on some of these: the test would catch its return.
  expect(floatWrong).toBeGreaterThan(0);
});

test('edges print as the grid prints them', () => {
  expect(new Timeline(1, 1_700_000_000, 3).iso(1)).toBe('2023-11-14T22:13:21Z');
  expect(new Timeline(0.5, 3_400_000_000, 3).iso(1)).toBe('2023-11-14T22:13:20.500Z');
});
