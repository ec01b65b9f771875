/**
 * @module bytes/snappy
 * Snappy's raw block format (github.com/google/snappy, format_description.txt), the codec Parquet
 * writers use by default and every Parquet reader has: a varint of the length, then literals and
 * back-references. Compression is the reference's greedy scheme — 4-byte hashes into a table
 * per 64 KiB block, matches extended byte by byte, a growing skip over bytes that do not match —
 * so the output is valid Snappy though not byte-identical to the C++ library's.
 */

const BLOCK = 1 << 16;
const HASH_BITS = 14;
const table = new Int32Array(1 << HASH_BITS);

/** Largest output of {@link compress} for `n` input bytes (the format's own bound). */
export function maxCompressedLength(n: number): number {
  return 32 + n + Math.floor(n / 6);
}

/**
 * `src` compressed into `out` from `at` (room: {@link maxCompressedLength}); returns the end.
 * @example
 * decompress(out.subarray(0, compress(src, out, 0))) // equals src
 */
export function compress(src: Uint8Array, out: Uint8Array, at: number): number {
  let o = varint(out, at, src.length);
  for (let start = 0; start < src.length; start += BLOCK) o = block(src, start, Math.min(src.length, start + BLOCK), out, o);
  return o;
}

function u32(b: Uint8Array, i: number): number {
  return b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
}

function block(src: Uint8Array, start: number, end: number, out: Uint8Array, o: number): number {
  let emit = start;
  if (end - start >= 16) {
    table.fill(-1);
    const limit = end - 4; // a hash reads 4 bytes
    let ip = start + 1;
    let skip = 32;
    while (ip <= limit) {
      const word = u32(src, ip);
      const h = Math.imul(word, 0x1e35a7bd) >>> (32 - HASH_BITS);
      const cand = table[h];
      table[h] = ip;
      if (cand < 0 || u32(src, cand) !== word) {
        ip += skip++ >> 5; // the longer nothing matches, the faster it skips (incompressible data)
        continue;
      }
      skip = 32;
      if (ip > emit) o = literal(src, emit, ip, out, o);
      let len = 4;
      while (ip + len < end && src[cand + len] === src[ip + len]) len++;
      o = copy(ip - cand, len, out, o);
      ip += len;
      emit = ip;
      if (ip - 1 <= limit) table[Math.imul(u32(src, ip - 1), 0x1e35a7bd) >>> (32 - HASH_BITS)] = ip - 1;
    }
  }
  if (emit < end) o = literal(src, emit, end, out, o);
  return o;
}

function literal(src: Uint8Array, s: number, e: number, out: Uint8Array, o: number): number {
  const n = e - s - 1;
  if (n < 60) out[o++] = n << 2;
  else if (n < 256) {
    out[o++] = 60 << 2;
    out[o++] = n;
  } else {
    out[o++] = 61 << 2;
    out[o++] = n & 0xff;
    out[o++] = n >>> 8;
  }
  if (e - s < 32) for (let i = s; i < e; i++) out[o++] = src[i];
  else {
    out.set(src.subarray(s, e), o);
    o += e - s;
  }
  return o;
}

function copy(offset: number, len: number, out: Uint8Array, o: number): number {
  // As the reference: 64-byte copies while more than 67 remain, then one of 60 if more than 64.
  while (len >= 68) {
    o = copy2(offset, 64, out, o);
    len -= 64;
  }
  if (len > 64) {
    o = copy2(offset, 60, out, o);
    len -= 60;
  }
  if (len < 12 && offset < 2048) {
    out[o++] = ((offset >>> 8) << 5) | ((len - 4) << 2) | 1;
    out[o++] = offset & 0xff;
    return o;
  }
  return copy2(offset, len, out, o);
}

function copy2(offset: number, len: number, out: Uint8Array, o: number): number {
  out[o++] = ((len - 1) << 2) | 2;
  out[o++] = offset & 0xff;
  out[o++] = offset >>> 8;
  return o;
}

function varint(out: Uint8Array, o: number, v: number): number {
  while (v >= 0x80) {
    out[o++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 128);
  }
  out[o++] = v;
  return o;
}

/**
 * Snappy bytes inflated (for tests and for reading back); throws on data that is not Snappy.
 * `into`: where to inflate when it is large enough (a reader's reused page buffer: fresh memory
 * for every page is paid in page faults); the result is then a view of it.
 */
export function decompress(src: Uint8Array, into?: Uint8Array): Uint8Array {
  let i = 0;
  let n = 0;
  for (let shift = 1; ; shift *= 128) {
    if (i >= src.length) throw new Error('snappy: cut length');
    const b = src[i++];
    n += (b & 0x7f) * shift;
    if (b < 0x80) break;
  }
  const out = into !== undefined && into.length >= n ? into.subarray(0, n) : new Uint8Array(n);
  let o = 0;
  while (i < src.length) {
    const tag = src[i++];
    const kind = tag & 3;
    if (kind === 0) {
      let len = tag >>> 2;
      if (len >= 60) {
        const k = len - 59;
        len = 0;
        for (let j = 0; j < k; j++) len += src[i++] * 2 ** (8 * j);
      }
      len++;
      if (i + len > src.length || o + len > n) throw new Error('snappy: literal past the end');
      // short literals by byte: a subarray per literal (a Buffer's, slower still) cost more than the copy
      if (len < 64) for (let k = 0; k < len; k++) out[o + k] = src[i + k];
      else out.set(src.subarray(i, i + len), o);
      i += len;
      o += len;
      continue;
    }
    let len: number;
    let off: number;
    if (kind === 1) {
      len = ((tag >>> 2) & 7) + 4;
      off = ((tag >>> 5) << 8) | src[i++];
    } else if (kind === 2) {
      len = (tag >>> 2) + 1;
      off = src[i] | (src[i + 1] << 8);
      i += 2;
    } else {
      len = (tag >>> 2) + 1;
      off = u32(src, i) >>> 0;
      i += 4;
    }
    if (off === 0 || off > o || o + len > n) throw new Error('snappy: bad copy');
    for (let k = 0; k < len; k++, o++) out[o] = out[o - off];
  }
  if (o !== n) throw new Error(`snappy: ${o} bytes of ${n}`);
  return out;
}
