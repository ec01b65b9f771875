/**
 * @module bytes/concat
 * Joining byte arrays once, into one of the summed length.
 */

/** `parts` joined into one array of `length` bytes (their summed length). */
export function concatBytes(parts: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
