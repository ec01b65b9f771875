/**
 * detectStalls (#17): a process stopped 5 s on / 5 s off. Shapes taken from the held-out lab run
 * 2018 (stunnel SIGSTOP/SIGCONT every 5 s for 135 s of a 245 s capture, read at the server with
 * tshark: bins with client data or SYNs and no payload back), which the first version missed
 * because it asked for answers in 80 % of all bins, the stop-and-go stretch included.
 */
import { detectStalls } from '../../lib/correlate/signals';

const ctx = (n: number) => ({ interval: 1, from: 0, to: n, minRun: 5 });

/** asked/answers per 1 s bin: healthy before and after, `stops` stops of 5 s every 10 s between. */
function stopAndGo(before: number, stops: number, after: number, gapAsked = 3): { asked: number[]; answers: number[] } {
  const asked: number[] = [], answers: number[] = [];
  const ok = (k: number) => { for (let i = 0; i < k; i++) { asked.push(4); answers.push(5); } };
  ok(before);
  for (let s = 0; s < stops; s++) {
    for (let i = 0; i < 5; i++) { asked.push(gapAsked); answers.push(0); }
    asked.push(12); answers.push(28); // the backlog flushed when it resumes
    ok(4);
  }
  ok(after);
  return { asked, answers };
}

test('a stop-and-go stretch over half of a short capture is one signal with every stop', () => {
  const { asked, answers } = stopAndGo(80, 14, 30);
  const out = detectStalls(answers, asked, ctx(asked.length), 'server');
  expect(out).toHaveLength(1);
  expect(out[0].from).toBe(80);
  expect(out[0].to).toBe(80 + 13 * 10 + 5);
  expect(out[0].detail).toBe('intermittent: 14 stops, 70 s of 135 s with nothing back');
});

test('two stops are not an intermittent outage', () => {
  const { asked, answers } = stopAndGo(80, 2, 80);
  expect(detectStalls(answers, asked, ctx(asked.length), 'server')).toEqual([]);
});

test('a long freeze seen as bursts of SYN retries with silence between is not stop-and-go', () => {
  const asked: number[] = [], answers: number[] = [];
  for (let i = 0; i < 60; i++) { asked.push(4); answers.push(5); }
  // 120 s frozen: retries come in 2 s bursts, nothing back at all, silent bins between.
  for (let i = 0; i < 120; i++) { asked.push(i % 6 < 2 ? 3 : 0); answers.push(0); }
  for (let i = 0; i < 60; i++) { asked.push(4); answers.push(5); }
  expect(detectStalls(answers, asked, ctx(asked.length), 'server')).toEqual([]);
});

test('a service that often leaves a second unanswered everywhere gives no stall signal', () => {
  const { asked, answers } = stopAndGo(80, 6, 80);
  // before and after the stretch: every third second goes unanswered (too short to be a stop)
  for (let i = 0; i < asked.length; i++) if ((i < 80 || i >= 140) && i % 3 === 0) answers[i] = 0;
  expect(detectStalls(answers, asked, ctx(asked.length), 'server')).toEqual([]);
});
