/** Classic pcap files written by tests (µs resolution, little-endian, snaplen 65535 or more). */

/** The 24-byte file header. */
export function pcapHeader(linkType: number, snaplen = 65535): Buffer {
  const h = Buffer.alloc(24);
  h.writeUInt32LE(0xa1b2c3d4, 0);
  h.writeUInt16LE(2, 4);
  h.writeUInt16LE(4, 6);
  h.writeUInt32LE(snaplen, 16);
  h.writeUInt32LE(linkType, 20);
  return h;
}

/** One record: its 16-byte header and the captured bytes (`capLen` of `data`, default all). */
export function pcapRecord(sec: number, usec: number, data: Uint8Array, capLen = data.length): Buffer {
  const r = Buffer.alloc(16 + capLen);
  r.writeUInt32LE(sec, 0);
  r.writeUInt32LE(usec, 4);
  r.writeUInt32LE(capLen, 8);
  r.writeUInt32LE(data.length, 12);
  Buffer.from(data.buffer, data.byteOffset, capLen).copy(r, 16);
  return r;
}

/** One pcapng block (little-endian): type, body padded to 32 bits, both length fields. */
export function pcapngBlock(type: number, body: Buffer): Buffer {
  const pad = (4 - (body.length % 4)) % 4;
  const len = 12 + body.length + pad;
  const b = Buffer.alloc(len);
  b.writeUInt32LE(type, 0);
  b.writeUInt32LE(len, 4);
  body.copy(b, 8);
  b.writeUInt32LE(len, len - 4);
  return b;
}
