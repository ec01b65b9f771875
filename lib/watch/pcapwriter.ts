/**
 * @module watch/pcapwriter
 * A classic pcap writer (microsecond, little-endian, what tcpdump -w writes): readable by our own
 * reader, Wireshark and tshark. Records are buffered and written with blocking writes, so a
 * record is on disk (in the page cache) when `flush()` or `close()` returns.
 */
import * as fs from 'node:fs';

const MAGIC_US = 0xa1b2c3d4;
const HEADER = 24;
const REC = 16;

/**
 * Writes packets to a pcap file.
 *
 * Creation: `PcapWriter.create(path, linkType)`. Output: `write(...)`, `flush()`, `close()`;
 * `packets` and `bytes` written so far.
 * @example
 * const w = PcapWriter.create('/tmp/x.pcap', 1);
 * w.write(1700000000, 123456, frame, frame.length);
 * w.close(); // tshark -r /tmp/x.pcap
 */
export class PcapWriter {
  private buf = Buffer.alloc(1 << 20);
  private used = 0;
  packets = 0;
  bytes = HEADER;
  private closed = false;

  private constructor(private readonly fd: number, readonly path: string) {}

  static create(path: string, linkType: number, snaplen = 65535): PcapWriter {
    // A new file only: never an existing one, never through a symbolic link (watch runs as root).
    const fd = fs.openSync(path, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o644);
    const w = new PcapWriter(fd, path);
    const h = w.buf;
    h.writeUInt32LE(MAGIC_US, 0);
    h.writeUInt16LE(2, 4);
    h.writeUInt16LE(4, 6);
    h.writeInt32LE(0, 8);
    h.writeUInt32LE(0, 12);
    h.writeUInt32LE(snaplen, 16);
    h.writeUInt32LE(linkType, 20);
    w.used = HEADER;
    return w;
  }

  /** One record: time (integer seconds + microseconds), bytes `data[offset, offset+capLen)`, original length. */
  write(sec: number, usec: number, data: Uint8Array, capLen: number, origLen = capLen, offset = 0): void {
    if (this.closed) return;
    if (this.used + REC + capLen > this.buf.length) {
      this.flush();
      if (REC + capLen > this.buf.length) this.buf = Buffer.alloc(REC + capLen);
    }
    const b = this.buf;
    let o = this.used;
    b.writeUInt32LE(sec >>> 0, o);
    b.writeUInt32LE(usec >>> 0, o + 4);
    b.writeUInt32LE(capLen, o + 8);
    b.writeUInt32LE(Math.max(origLen, capLen), o + 12);
    o += REC;
    b.set(data.subarray(offset, offset + capLen), o);
    this.used = o + capLen;
    this.packets++;
    this.bytes += REC + capLen;
  }

  flush(): void {
    let off = 0;
    while (off < this.used) off += fs.writeSync(this.fd, this.buf, off, this.used - off);
    this.used = 0;
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    fs.closeSync(this.fd);
  }
}
