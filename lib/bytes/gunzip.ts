/**
 * @module bytes/gunzip
 * Gzip bytes held in memory, inflated without Node (fflate), with the checks zlib makes and
 * fflate's streaming Gunzip does not: each member's trailer (RFC 1952: CRC-32 and size of its
 * data, mod 2^32) is read and compared. Concatenated members (`cat a.gz b.gz`) are one stream;
 * zero bytes after the last member (tar-style padding) are allowed, as zlib allows them.
 */
import { Gunzip } from 'fflate';

/** What inflated, and why the stream ended early or failed its check (null: whole and correct). */
export interface Gunzipped {
  /** Inflated chunks, in order (fflate's buffers, not copied). */
  chunks: Uint8Array[];
  /** Bytes inflated. */
  length: number;
  /** The damage, as a phrase: 'unexpected end of file', 'incorrect data check', …; null when none. */
  damage: string | null;
  /** The damage is a cut (the stream ends early), not bad data. */
  cutOff: boolean;
}

/**
 * Inflates `gz` (it starts with the gzip magic). Damage never throws: what inflated before it is
 * returned with the reason; the caller decides whether output that short is an error.
 * @example
 * gunzipBytes(gzipped).damage //=> null
 * gunzipBytes(gzipped.subarray(0, gzipped.length - 2)).damage //=> 'unexpected end of file (gzip member 1: its trailer is cut)'
 */
export function gunzipBytes(gz: Uint8Array): Gunzipped {
  // fflate reads no trailer, but would read zero padding as a member header: it is handed the
  // bytes up to the last non-zero one (the deflate data ends before the CRC, which is all zeros
  // only for empty data: then a few more bytes are tried), and the trailers are checked below
  // against the whole input.
  let nonZero = gz.length;
  while (nonZero > 0 && gz[nonZero - 1] === 0) nonZero--;
  let run = inflate(nonZero < gz.length ? gz.subarray(0, nonZero) : gz);
  for (let end = nonZero + 1; run.cut && end <= Math.min(gz.length, nonZero + 11); end++) run = inflate(gz.subarray(0, end));
  const { chunks, length, starts, outAt } = run;
  if (run.error) return { chunks, length, damage: run.cut ? 'unexpected end of file' : run.error.message, cutOff: run.cut };
  // Trailers: each member's 8 bytes end where the next member starts; the last one's end at the
  // input's end, or before a run of zero bytes there (ISIZE's own high bytes may be zeros).
  const crc = new Crc32();
  for (let m = 0; m < starts.length; m++) {
    const from = outAt[m];
    const to = m + 1 < outAt.length ? outAt[m + 1] : length;
    crc.reset();
    let at = 0;
    for (const c of chunks) {
      const s = Math.max(from - at, 0);
      const e = Math.min(to - at, c.length);
      if (s < e) crc.update(c, s, e);
      at += c.length;
      if (at >= to) break;
    }
    const size = (to - from) >>> 0;
    const fits = (end: number) => end - 8 >= starts[m] + 10 && u32le(gz, end - 4) === size && u32le(gz, end - 8) === crc.value();
    let ok = false;
    if (m + 1 < starts.length) ok = fits(starts[m + 1]);
    else {
      for (let end = gz.length; end >= nonZero && !ok; end--) ok = fits(end);
    }
    if (!ok) {
      const last = m + 1 === starts.length;
      const tail = last ? gz.length : starts[m + 1];
      const sizeOk = tail - 4 >= starts[m] && u32le(gz, tail - 4) === size;
      const damage = sizeOk
        ? `incorrect data check (gzip member ${m + 1}: its CRC-32 differs)`
        : last
          ? `unexpected end of file (gzip member ${m + 1}: its trailer is cut)`
          : `incorrect length check (gzip member ${m + 1})`;
      return { chunks, length, damage, cutOff: !sizeOk && last };
    }
  }
  return { chunks, length, damage: null, cutOff: false };
}

/** One fflate pass over `input`: its output, where each member starts (input, output), the error. */
function inflate(input: Uint8Array): { chunks: Uint8Array[]; length: number; starts: number[]; outAt: number[]; error: Error | null; cut: boolean } {
  const chunks: Uint8Array[] = [];
  let length = 0;
  const starts: number[] = [0];
  const outAt: number[] = [0];
  const gunzip = new Gunzip((chunk) => {
    if (chunk.length === 0) return;
    chunks.push(chunk);
    length += chunk.length;
  });
  gunzip.onmember = (offset) => {
    starts.push(offset);
    outAt.push(length);
  };
  try {
    gunzip.push(input, true);
  } catch (err) {
    // fflate's "unexpected EOF" is code 0: the stream is cut; any other code is bad data.
    return { chunks, length, starts, outAt, error: err as Error, cut: (err as { code?: unknown }).code === 0 };
  }
  return { chunks, length, starts, outAt, error: null, cut: false };
}

function u32le(b: Uint8Array, i: number): number {
  return (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
}

let TABLE: Int32Array | null = null;

/** CRC-32 (IEEE 802.3, reflected, the gzip one), table-driven. */
class Crc32 {
  private c = -1;
  private readonly t: Int32Array;
  constructor() {
    if (!TABLE) {
      TABLE = new Int32Array(256);
      for (let n = 0; n < 256; n++) {
        let c = n;
        for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
        TABLE[n] = c;
      }
    }
    this.t = TABLE;
  }
  reset(): void {
    this.c = -1;
  }
  update(b: Uint8Array, s: number, e: number): void {
    const t = this.t;
    let c = this.c;
    for (let i = s; i < e; i++) c = t[(c ^ b[i]) & 0xff] ^ (c >>> 8);
    this.c = c;
  }
  value(): number {
    return ~this.c >>> 0;
  }
}
