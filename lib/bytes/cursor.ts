/**
 * @module bytes/cursor
 * Unchecked integer reads over a Uint8Array, both byte orders. Callers check lengths once
 * (smoltcp's `check_len`) and then read without bounds checks; these compile to a few
 * byte loads and shifts, faster than a DataView per record.
 */

export function u16be(b: Uint8Array, o: number): number {
  return (b[o] << 8) | b[o + 1];
}
export function u16le(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8);
}
export function u32be(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}
export function u32le(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
}
export function u16(b: Uint8Array, o: number, le: boolean): number {
  return le ? u16le(b, o) : u16be(b, o);
}
export function u32(b: Uint8Array, o: number, le: boolean): number {
  return le ? u32le(b, o) : u32be(b, o);
}
/** Signed 64-bit as a number; exact for |v| < 2^53 (pcapng if_tsoffset seconds). */
export function i64(b: Uint8Array, o: number, le: boolean): number {
  const hi = le ? u32le(b, o + 4) : u32be(b, o);
  const lo = le ? u32le(b, o) : u32be(b, o + 4);
  return (hi | 0) * 4294967296 + lo;
}
/** Unsigned 64-bit as a number (counters such as ISB drops); exact below 2^53. */
export function u64(b: Uint8Array, o: number, le: boolean): number {
  const hi = le ? u32le(b, o + 4) : u32be(b, o);
  const lo = le ? u32le(b, o) : u32be(b, o + 4);
  return hi * 4294967296 + lo;
}
