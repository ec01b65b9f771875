/**
 * @module report/flowjson
 * One flow record as `alibi flows --json` prints it inside the flows array — exactly
 * `JSON.stringify(f)`, one connection per line (a test compares them on every record of lab and
 * public captures) — written as bytes into a reused buffer.
 *
 * One line per connection, not `JSON.stringify(f, null, 2)` as before: the same document, half
 * the bytes (482 MB → 2xx MB for the benchmark capture's 407 k connections, most of `--json`'s
 * time and of its memory, which holds them to sort by start), and a connection can be grepped.
 *
 * Why bytes and not a template string: on the benchmark capture's 407 k records the template (a
 * rope of ~90 pieces per record) took 2.4 s and copying it into a byte buffer 3.6 s more, most of a
 * `--json` run; digits and ASCII copied by hand into one buffer take a fraction of that.
 */
import type { Flow } from '../flow/flow';
import { addressToString } from '../flow/address';
import { exactDuration, flowState, handshakeRtt, type FlowRecord, type Pair } from '../flow/record';
import { isoOfParts } from '../time';

/** Text written as bytes into a reused buffer (JSON items, CSV rows, listing lines): ASCII by hand, anything else as UTF-8. */
export class TextBytes {
  buf: Buffer;
  at = 0;
  /** Some text went through the UTF-8 path (bytes may not all be ASCII). */
  utf8 = false;
  /**
   * Where the item being written began: when the buffer is full, the bytes before it are kept as
   * they are (in `full`) and only the item moves to a new buffer, so a spool of many items
   * writes straight into its own chunks.
   */
  mark = 0;
  /** Buffers given up when full, each filled to its length. */
  readonly full: Buffer[] = [];

  constructor(private readonly chunk = 1 << 16) {
    this.buf = Buffer.allocUnsafe(chunk);
  }

  /** Makes room for `n` more bytes at `at` (a new buffer when full: see `mark`). */
  room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const keep = this.at - this.mark;
    const b = Buffer.allocUnsafe(Math.max(this.chunk, 2 * (keep + n)));
    this.buf.copy(b, 0, this.mark, this.at);
    if (this.mark > 0) this.full.push(this.buf.subarray(0, this.mark));
    this.buf = b;
    this.at = keep;
    this.mark = 0;
  }

  /** Text known to be ASCII (keys, punctuation, numbers' digits). */
  ascii(s: string): void {
    const n = s.length;
    this.room(n);
    const b = this.buf;
    let at = this.at;
    for (let k = 0; k < n; k++) b[at++] = s.charCodeAt(k);
    this.at = at;
  }

  /** Bytes known to be ASCII (the constant pieces of a document): `set` copies them (a loop was 3x slower). */
  bytes(src: Uint8Array): void {
    this.room(src.length);
    this.buf.set(src, this.at);
    this.at += src.length;
  }

  /** A number as JSON.stringify writes it (null when not finite). */
  num(x: number | null): void {
    if (x === null || !Number.isFinite(x)) this.ascii('null');
    else if (x >= 0 && x < 4294967296 && (x >>> 0) === x) this.uint(x);
    else this.ascii(String(x));
  }

  /** A 32-bit unsigned integer's digits. */
  private uint(x: number): void {
    this.room(10);
    const b = this.buf;
    if (x < 10) {
      b[this.at++] = 48 + x;
      return;
    }
    let digits = 1;
    for (let p = 10; p <= x && digits < 10; p *= 10) digits++;
    let at = this.at + digits;
    this.at = at;
    while (x >= 10) {
      const q = Math.floor(x / 10);
      b[--at] = 48 + (x - q * 10);
      x = q;
    }
    b[--at] = 48 + x;
  }

  /** A string as JSON.stringify quotes it: printable ASCII copied, anything else escaped by it. */
  str(s: string): void {
    const n = s.length;
    this.room(n + 2);
    const b = this.buf;
    let at = this.at;
    b[at++] = 34;
    for (let k = 0; k < n; k++) {
      const c = s.charCodeAt(k);
      if (c < 0x20 || c > 0x7e || c === 34 || c === 92) {
        const q = JSON.stringify(s);
        this.room(q.length * 3);
        this.at += this.buf.write(q, this.at, 'utf8');
        this.utf8 = true;
        return;
      }
      b[at++] = c;
    }
    b[at++] = 34;
    this.at = at;
  }

  /** Any text, as UTF-8 (a line made by a template: one copy, not a loop over its characters). */
  write(s: string): void {
    this.room(s.length * 3);
    const wrote = this.buf.write(s, this.at, 'utf8');
    if (wrote !== s.length) this.utf8 = true;
    this.at += wrote;
  }

  /** The bytes written since `from`, as text. */
  text(from = 0): string {
    return this.buf.toString('utf8', from, this.at);
  }
}

/**
 * The constant pieces as bytes, made once: a template string evaluated per record took a third
 * of the time, and copying a string made by concatenation reads it through a slow path per
 * character (2.6 s on 407 k records).
 */
const A = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
/**
 * Each value is preceded by one constant piece (the previous value's closing text and this
 * value's key together): fewer copies, each a `set` call.
 */
const PAIR_HEAD = (key: string, first: boolean) => A(`${first ? ',' : '},'}"${key}":{"c2s":`);
const PAIR_MID = A(`,"s2c":`);
const K = {
  id: A(`{"id":`),
  client: A(`,"client":{"ip":`),
  port: A(`,"port":`),
  server: A(`},"server":{"ip":`),
  start: A(`},"start":`),
  end: A(`,"end":`),
  duration: A(`,"duration":`),
  startTime: A(`,"startTime":`),
  endTime: A(`,"endTime":`),
  packets: PAIR_HEAD('packets', true), bytes: PAIR_HEAD('bytes', false), payload: PAIR_HEAD('payload', false),
  syn: PAIR_HEAD('syn', false), synAck: PAIR_HEAD('synAck', false), fin: PAIR_HEAD('fin', false), rst: PAIR_HEAD('rst', false),
  state: A(`},"state":`),
  history: A(`,"history":`),
  handshakeRtt: A(`,"handshakeRtt":`),
  retransmissions: PAIR_HEAD('retransmissions', true), zeroWindows: PAIR_HEAD('zeroWindows', false),
  tlsHellos: PAIR_HEAD('tlsHellos', false), httpStarts: PAIR_HEAD('httpStarts', false),
  ipVersion: A(`},"ipVersion":`),
  vantage: A(`,"vantage":`),
  close: A('}'),
};

function pair(w: TextBytes, head: Uint8Array, p: Pair): void {
  w.bytes(head);
  w.num(p.c2s);
  w.bytes(PAIR_MID);
  w.num(p.s2c);
}

/** Appends one flow record's JSON (the array item, without the separator before it). */
export function writeFlowJson(w: TextBytes, f: FlowRecord): void {
  const c = f.client, v = f.server;
  w.bytes(K.id);
  w.num(f.id);
  w.bytes(K.client);
  w.str(c.ip);
  w.bytes(K.port);
  w.num(c.port);
  w.bytes(K.server);
  w.str(v.ip);
  w.bytes(K.port);
  w.num(v.port);
  w.bytes(K.start);
  w.str(f.start);
  w.bytes(K.end);
  w.str(f.end);
  w.bytes(K.duration);
  w.num(f.duration);
  w.bytes(K.startTime);
  w.num(f.startTime);
  w.bytes(K.endTime);
  w.num(f.endTime);
  pair(w, K.packets, f.packets);
  pair(w, K.bytes, f.bytes);
  pair(w, K.payload, f.payload);
  pair(w, K.syn, f.syn);
  pair(w, K.synAck, f.synAck);
  pair(w, K.fin, f.fin);
  pair(w, K.rst, f.rst);
  w.bytes(K.state);
  w.str(f.state);
  w.bytes(K.history);
  w.str(f.history);
  w.bytes(K.handshakeRtt);
  w.num(f.handshakeRtt);
  pair(w, K.retransmissions, f.retransmissions);
  pair(w, K.zeroWindows, f.zeroWindows);
  pair(w, K.tlsHellos, f.tlsHellos);
  pair(w, K.httpStarts, f.httpStarts);
  w.bytes(K.ipVersion);
  w.num(f.ipVersion);
  if (f.vantage !== undefined) {
    w.bytes(K.vantage);
    w.str(f.vantage);
  }
  w.bytes(K.close);
}

function pairOf(w: TextBytes, head: Uint8Array, c2s: number, s2c: number): void {
  w.bytes(head);
  w.num(c2s);
  w.bytes(PAIR_MID);
  w.num(s2c);
}

/**
 * The same item written straight from the flow table's view of a finished connection, with no
 * record made (`toRecord` and its objects were a tenth of `flows --json`): every value as
 * `toRecord` computes it. A test compares the two on every connection of lab and public captures.
 */
export function writeFlowJsonView(w: TextBytes, f: Flow, vantage?: string): void {
  const a = f.c2s, b = f.s2c;
  const v = f.ipVersion;
  w.bytes(K.id);
  w.num(f.id);
  w.bytes(K.client);
  w.str(addressToString(v, f.c0, f.c1, f.c2, f.c3));
  w.bytes(K.port);
  w.num(f.cPort);
  w.bytes(K.server);
  w.str(addressToString(v, f.s0, f.s1, f.s2, f.s3));
  w.bytes(K.port);
  w.num(f.sPort);
  w.bytes(K.start);
  w.str(isoOfParts(f.startSec, f.startFrac, f.startRes));
  w.bytes(K.end);
  w.str(isoOfParts(f.endSec, f.endFrac, f.endRes));
  w.bytes(K.duration);
  w.num(exactDuration(f));
  w.bytes(K.startTime);
  w.num(f.startT);
  w.bytes(K.endTime);
  w.num(f.endT);
  pairOf(w, K.packets, a.packets, b.packets);
  pairOf(w, K.bytes, a.bytes, b.bytes);
  pairOf(w, K.payload, a.payload, b.payload);
  pairOf(w, K.syn, a.syn, b.syn);
  pairOf(w, K.synAck, a.synAck, b.synAck);
  pairOf(w, K.fin, a.fin, b.fin);
  pairOf(w, K.rst, a.rst, b.rst);
  const history = f.history;
  w.bytes(K.state);
  w.str(flowState(f, history));
  w.bytes(K.history);
  w.str(history);
  w.bytes(K.handshakeRtt);
  w.num(handshakeRtt(f));
  pairOf(w, K.retransmissions, a.retrans, b.retrans);
  pairOf(w, K.zeroWindows, a.zeroWin, b.zeroWin);
  pairOf(w, K.tlsHellos, a.tlsHello, b.tlsHello);
  pairOf(w, K.httpStarts, a.http, b.http);
  w.bytes(K.ipVersion);
  w.num(v === 6 ? 6 : 4);
  if (vantage !== undefined) {
    w.bytes(K.vantage);
    w.str(vantage);
  }
  w.bytes(K.close);
}

const scratch = new TextBytes();

/** One flow record's JSON as text (see writeFlowJson). */
export function flowJsonItem(f: FlowRecord): string {
  scratch.at = 0;
  scratch.mark = 0;
  writeFlowJson(scratch, f);
  return scratch.text();
}
