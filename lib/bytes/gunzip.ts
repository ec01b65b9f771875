/**
 * @module bytes/gunzip
 * Gzip inflated without Node (fflate), with the checks zlib makes and fflate's streaming Gunzip
 * does not: each member's trailer (RFC 1952: CRC-32 and size of its data, mod 2^32) is read and
 * compared. Concatenated members (`cat a.gz b.gz`) are one stream; zero bytes after the last
 * member (tar-style padding) are allowed, as zlib allows them. One engine for every gzip input
 * that is not read by Node's own zlib: captures (capture/gzip, pushed in steps as they are read)
 * and logs held in memory (`gunzipBytes`, one push).
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
  const s = new GzipStream();
  s.push(gz, true);
  return { chunks: s.out, length: s.produced, damage: s.damage, cutOff: s.cutOff };
}

/** Input bytes kept for the trailer of a member whose end fflate reports late (a long next header). */
const HISTORY = 1 << 20;
/** Zero bytes to hand an unfinished member at the end: a deflate end-of-block code spans at most two. */
const MAX_END_ZEROS = 2;
/** Pieces kept at most (a stream pushed a few bytes at a time keeps at least its last 64 bytes). */
const MAX_PIECES = 64;
const ZEROS = new Uint8Array(1 << 16);

/**
 * A gzip stream inflated as it arrives: {@link push} compressed pieces, take the inflated chunks
 * from {@link out}. Damage (a cut, bad data, a trailer that does not match) ends the stream:
 * `push` returns false, `damage` says why, and `out` holds only output that came before it.
 *
 * Trailing zero bytes are held back from fflate (which would read padding as a member header) and
 * handed on only when more data follows them; at the end they are padding or the trailer's own
 * zeros, and the last trailer is looked for among them as zlib looks for it.
 */
export class GzipStream {
  /** Inflated chunks not yet taken (take them with `out.splice(0)`). */
  readonly out: Uint8Array[] = [];
  /** Bytes inflated so far. */
  produced = 0;
  /** Why the stream ended early; null while it is whole. */
  damage: string | null = null;
  /** The damage is a cut (the input ends early), not bad data. */
  cutOff = false;

  private readonly crc = new Crc32();
  /** Output bytes of the current member (mod 2^32 when checked). */
  private memberSize = 0;
  /** Where each member starts in the input; the current one is the last. */
  private readonly starts: number[] = [0];
  /** Input bytes handed to fflate. */
  private given = 0;
  /** Zero bytes at the end of the input so far, not yet handed to fflate. */
  private held = 0;
  /** Input handed to fflate, newest last, with where each piece starts: for trailers. */
  private readonly pieces: { at: number; bytes: Uint8Array }[] = [];
  private kept = 0;
  /** A trailer checked at a member boundary failed: the output of the members before it (later output is dropped). */
  private failedAt = -1;
  private finished = false;
  private readonly gz: Gunzip;

  constructor() {
    this.gz = new Gunzip((chunk) => {
      if (chunk.length === 0 || this.failedAt >= 0) return;
      this.out.push(chunk);
      this.produced += chunk.length;
      this.memberSize += chunk.length;
      this.crc.update(chunk, 0, chunk.length);
    });
    this.gz.onmember = (offset) => this.memberEnded(offset);
  }

  /**
   * Inflates the next compressed bytes. fflate may keep a reference to input it cannot use yet:
   * pass bytes that are not written again. False when the stream ended here (damage, or `final`).
   */
  push(piece: Uint8Array, final: boolean): boolean {
    if (this.finished) return false;
    let last = piece.length - 1;
    while (last >= 0 && piece[last] === 0) last--;
    try {
      if (last >= 0) {
        this.giveZeros(this.held);
        this.give(last + 1 === piece.length ? piece : piece.subarray(0, last + 1));
      }
      this.held += piece.length - (last + 1);
      if (this.failedAt >= 0) return this.end();
      if (!final) return true;
      this.finished = true;
      const nonZero = this.given;
      // A member whose deflate data ends in zero bytes (an empty one: `03 00`) gets them now.
      for (let k = 0; k < MAX_END_ZEROS && this.held > 0 && !this.memberDone(); k++) this.giveZeros(1);
      const trailer = this.lastTrailer(nonZero);
      this.gz.push(new Uint8Array(0), true);
      if (this.failedAt >= 0) return this.end();
      if (trailer !== null) return this.end(trailer.damage, trailer.cut);
      return false;
    } catch (e) {
      // fflate's "unexpected EOF" is code 0: the stream is cut; any other code is bad data.
      if (this.failedAt >= 0) return this.end();
      const code = (e as { code?: unknown }).code;
      // In zlib's words where fflate's differ (a member header that is not gzip: code 6).
      return this.end(code === 0 ? 'unexpected end of file' : code === 6 ? 'incorrect header check' : (e as Error).message, code === 0);
    }
  }

  /** Hands `n` held zero bytes on (a zero buffer fflate may keep: it is never written). */
  private giveZeros(n: number): void {
    for (; n > 0; n -= Math.min(n, ZEROS.length)) {
      const k = Math.min(n, ZEROS.length);
      this.held -= k;
      this.give(ZEROS.subarray(0, k));
    }
  }

  /** Hands bytes to fflate, keeping the last ones for trailers. */
  private give(b: Uint8Array): void {
    this.pieces.push({ at: this.given, bytes: b });
    this.given += b.length;
    this.kept += b.length;
    while (this.pieces.length > MAX_PIECES || (this.pieces.length > 2 && this.kept - this.pieces[0].bytes.length >= HISTORY)) this.kept -= this.pieces.shift()!.bytes.length;
    this.gz.push(b, false);
  }

  /** fflate finished the current member's data and waits for the next header (its internal state `v`). */
  private memberDone(): boolean {
    return ((this.gz as unknown as { v?: number }).v ?? 0) > 0;
  }

  /** Input byte at `i`: handed on, or past them a zero (held, or a trailer that is cut); -1 when no longer kept. */
  private byteAt(i: number): number {
    if (i >= this.given) return 0;
    for (let k = this.pieces.length - 1; k >= 0; k--) {
      const p = this.pieces[k];
      if (i >= p.at) return p.bytes[i - p.at];
    }
    return -1;
  }

  private u32(i: number): number {
    let v = 0;
    for (let k = 3; k >= 0; k--) {
      const b = this.byteAt(i + k);
      if (b < 0) return -1;
      v = v * 256 + b;
    }
    return v;
  }

  /** fflate found the next member at input `offset`: the one before ends with its trailer there. */
  private memberEnded(offset: number): void {
    if (this.failedAt >= 0) return;
    const m = this.starts.length;
    const size = this.memberSize >>> 0;
    const crcOk = this.u32(offset - 8) === this.crc.value();
    const sizeOk = this.u32(offset - 4) === size;
    if (!(crcOk && sizeOk) && this.u32(offset - 8) >= 0 && this.u32(offset - 4) >= 0) {
      this.failedAt = this.produced;
      this.damage = sizeOk ? `incorrect data check (gzip member ${m}: its CRC-32 differs)` : `incorrect length check (gzip member ${m})`;
      this.cutOff = false;
      return;
    }
    this.starts.push(offset);
    this.crc.reset();
    this.memberSize = 0;
  }

  /**
   * The last member's trailer: it ends at the input's end or before a run of zero bytes there
   * (ISIZE's own high bytes may be zeros, so every end from `nonZero`, just past the last non-zero
   * byte, is tried, as zlib's reading of padding comes to). Null when it fits.
   */
  private lastTrailer(nonZero: number): { damage: string; cut: boolean } | null {
    const start = this.starts[this.starts.length - 1];
    const m = this.starts.length;
    const crc = this.crc.value();
    const size = this.memberSize >>> 0;
    const total = this.given + this.held;
    const fits = (end: number) => end - 8 >= start + 10 && this.u32(end - 4) === size && this.u32(end - 8) === crc;
    // Every end past nonZero + 8 reads eight zero bytes: the input's own end stands for them all.
    if (total >= nonZero + 8 && fits(total)) return null;
    for (let end = Math.min(total, nonZero + 7); end >= nonZero; end--) if (fits(end)) return null;
    const sizeOk = total - 4 >= start && this.u32(total - 4) === size;
    if (sizeOk) return { damage: `incorrect data check (gzip member ${m}: its CRC-32 differs)`, cut: false };
    // The CRC-32 in place and the length not: the length is wrong, not cut.
    if (total - 8 >= start + 10 && this.u32(total - 8) === crc) return { damage: `incorrect length check (gzip member ${m})`, cut: false };
    return { damage: `unexpected end of file (gzip member ${m}: its trailer is cut)`, cut: true };
  }

  /** Ends the stream, with this damage unless a trailer at a member boundary failed first. */
  private end(damage?: string, cut = false): false {
    this.finished = true;
    if (this.failedAt < 0 && damage !== undefined) {
      this.damage = damage;
      this.cutOff = cut;
    }
    return false;
  }
}

let TABLES: Int32Array | null = null;

/** CRC-32 (IEEE 802.3, reflected, the gzip one), slicing by 8 (8 table lookups per 8 bytes). */
export class Crc32 {
  private c = -1;
  private readonly t: Int32Array;
  constructor() {
    if (!TABLES) {
      const t = new Int32Array(256 * 8);
      for (let n = 0; n < 256; n++) {
        let c = n;
        for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
        t[n] = c;
      }
      for (let n = 0; n < 256; n++) for (let k = 1; k < 8; k++) t[k * 256 + n] = t[(k - 1) * 256 + n] >>> 8 ^ t[t[(k - 1) * 256 + n] & 0xff];
      TABLES = t;
    }
    this.t = TABLES;
  }
  reset(): void {
    this.c = -1;
  }
  update(b: Uint8Array, s: number, e: number): void {
    const t = this.t;
    let c = this.c;
    let i = s;
    for (; i + 8 <= e; i += 8) {
      const lo = c ^ (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24));
      c =
        t[1792 + (lo & 0xff)] ^ t[1536 + ((lo >>> 8) & 0xff)] ^ t[1280 + ((lo >>> 16) & 0xff)] ^ t[1024 + (lo >>> 24)] ^
        t[768 + b[i + 4]] ^ t[512 + b[i + 5]] ^ t[256 + b[i + 6]] ^ t[b[i + 7]];
    }
    for (; i < e; i++) c = t[(c ^ b[i]) & 0xff] ^ (c >>> 8);
    this.c = c;
  }
  value(): number {
    return ~this.c >>> 0;
  }
}
