/**
 * @module cli/spool
 * Items of a document that must come out in an order other than the one they are made in (the
 * flows of `--json`, in start order, finish in another): each item is written as UTF-8 straight
 * into large byte chunks outside the JS heap, its sort key kept in typed arrays, and the items
 * are written in key order at the end.
 *
 * Why not hold the records and write them at the end: 407 k held flow records (12 objects each)
 * cost the collector 4 s of a 13 s `alibi flows --json` on the benchmark capture; as bytes they
 * are a few dozen buffers the collector never walks.
 */
import { MemoryLimitError } from '../errors';
import { TextBytes } from '../report/flowjson';


export class TextSpool {
  /** Where items are written (`begin`, write, `commit`): straight into the spool's chunks. */
  readonly out: TextBytes;
  private n = 0;
  private key1 = new Float64Array(1024);
  private key2 = new Float64Array(1024);
  /** Chunk index × 2^32 + offset of each item. */
  private where = new Float64Array(1024);
  private size = new Uint32Array(1024);
  private total = 0;

  /**
   * @param limit most bytes held (a MemoryLimitError past it, naming `file`, `what` is held and the `fix`)
   * @param chunkBytes size of the byte chunks (32 MiB)
   */
  constructor(private readonly limit: number, private readonly file: string, private readonly what: string, private readonly fix: string, chunkBytes = 32 << 20) {
    this.out = new TextBytes(chunkBytes);
  }

  /** Number of items held. */
  get length(): number {
    return this.n;
  }

  /** Starts an item: what is written to `out` until `commit` is one item. */
  begin(): void {
    this.out.mark = this.out.at;
  }

  /** Ends the item begun; it comes out ordered by `k1`, then `k2`. */
  commit(k1: number, k2: number): void {
    const w = this.out;
    const len = w.at - w.mark;
    if (this.n === this.key1.length) this.grow();
    const i = this.n++;
    this.key1[i] = k1;
    this.key2[i] = k2;
    this.where[i] = w.full.length * 4294967296 + w.mark;
    this.size[i] = len;
    this.total += len;
    w.mark = w.at;
    if (this.total > this.limit) {
      const mib = (b: number) => `${Math.round(b / 2 ** 20)} MiB`;
      throw new MemoryLimitError(`${this.n.toLocaleString('en-US')} connections held for ${this.what} fill ${mib(this.total)}, past the ${mib(this.limit)} allowed (Node's heap limit): ${this.fix}`, { file: this.file });
    }
  }

  private grow(): void {
    const m = this.key1.length * 2;
    const f = (a: Float64Array) => { const b = new Float64Array(m); b.set(a); return b; };
    this.key1 = f(this.key1);
    this.key2 = f(this.key2);
    this.where = f(this.where);
    const s = new Uint32Array(m);
    s.set(this.size);
    this.size = s;
  }

  /**
   * The items in key order, joined (each preceded by `sep(i)`, ASCII) into pieces of about 1 MB,
   * as bytes (UTF-8): written to stdout as they are, not decoded into a string and encoded back
   * (that round trip was 15 % of `flows --json` on the benchmark capture). The spool is empty
   * afterwards.
   */
  *pieces(sep: (i: number) => string): Generator<Uint8Array> {
    const chunks = [...this.out.full, this.out.buf.subarray(0, this.out.at)];
    const n = this.n;
    const k1 = this.key1, k2 = this.key2;
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => k1[a] - k1[b] || k2[a] - k2[b]);
    // A new buffer per piece: the writer may still hold the last one (a stream queues it).
    let out = Buffer.allocUnsafe(1 << 20);
    let at = 0;
    const flush = (): Uint8Array => {
      const piece = out.subarray(0, at);
      out = Buffer.allocUnsafe(1 << 20);
      at = 0;
      return piece;
    };
    for (let j = 0; j < n; j++) {
      const i = order[j];
      const s = sep(j);
      const w = this.where[i];
      const c = Math.floor(w / 4294967296);
      const off = w - c * 4294967296;
      const len = this.size[i];
      if (at + s.length + len > out.length) {
        if (at > 0) yield flush();
        if (s.length + len > out.length) {
          yield Buffer.concat([Buffer.from(s, 'latin1'), chunks[c].subarray(off, off + len)]);
          continue;
        }
      }
      at += out.write(s, at, 'latin1');
      at += chunks[c].copy(out, at, off, off + len);
    }
    if (at > 0) yield flush();
    this.out.full.length = 0;
    this.out.at = this.out.mark = 0;
    this.n = 0;
  }
}
