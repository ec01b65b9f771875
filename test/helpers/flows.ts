/** Runs the one-pass pipeline over a capture file and returns its flow records. */
import { openCapture } from '../../lib/node';
import { CapturePass, PassOptions, PassResult } from '../../lib/pipeline/pass';

export function flowsOf(path: string, opts: PassOptions = {}): PassResult {
  const r = openCapture(path);
  const pass = new CapturePass(opts);
  for (let p = r.next(); p; p = r.next()) pass.packet(p);
  return pass.finish(r, path);
}
