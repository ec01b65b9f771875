/**
 * Public captures no one here made, with no fault in them: analyze must find no incident —
 * not at their edges, not on a zero baseline (one download, then nothing), not from a burst of
 * zero windows. Reads ../shared/corpus in place; skips (and says so) where it is absent.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze } from '../../lib/analyze';
import { CORPUS } from '../helpers/corpus';

const files = fs.existsSync(CORPUS) ? fs.readdirSync(CORPUS).filter((f) => /\.(pcap|pcapng|cap)(\.gz)?$/.test(f)).sort() : [];
if (!files.length) console.warn(`analyze corpus test skipped: no corpus at ${CORPUS}`);
const maybe = files.length ? test.each(files) : test.skip.each(['(no corpus)']);

maybe('%s: no incident', async (f) => {
  let doc;
  try {
    doc = await analyze({ captures: [{ file: path.join(CORPUS, f), vantage: 'capture' }], parallel: false, interval: '1s' });
  } catch (e) {
    // Unreadable files and spans too long for 1 s bins are usage/input errors with a message, not verdicts.
    expect((e as Error).message).toMatch(/.+/);
    return;
  }
  expect(doc.incidents.map((i) => `${i.start} ${i.culprit.component}`)).toEqual([]);
});
