/**
 * @module bytes/text
 * Text from bytes and bytes from text for the core, which must run without Node (a browser, a
 * notebook, a worker with no Node globals): Node's `Buffer` is used when the runtime has it —
 * its latin1 decoding, byte search and copies are native and the log scanner's speed rests on
 * them — and plain `Uint8Array` code and `TextDecoder` otherwise, with the same results.
 */

interface NodeBuffer extends Uint8Array {
  toString(encoding?: string, start?: number, end?: number): string;
}
interface BufferClass {
  from(a: ArrayBufferLike, byteOffset?: number, length?: number): NodeBuffer;
  from(s: string, encoding: string): NodeBuffer;
  isBuffer(b: unknown): boolean;
}

/** Node's Buffer, or null where there is none (looked up once; tests may hide it before loading). */
const NodeBuf: BufferClass | null = (globalThis as { Buffer?: BufferClass }).Buffer ?? null;

/** Whether the fast Node paths are in use (false in a runtime without `Buffer`). */
export const NODE_BYTES = NodeBuf !== null;

const utf8Decoder = new TextDecoder('utf-8');

/** A view of `b` with Node's methods (no copy), when Node is there. */
function nodeView(b: Uint8Array): NodeBuffer {
  return NodeBuf!.from(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * Bytes `[s, e)` of `b` as latin1 text (one character per byte, 0-255: not WHATWG's
 * "latin1", which is windows-1252).
 */
export function latin1(b: Uint8Array, s = 0, e = b.length): string {
  if (NodeBuf !== null) return (isNodeBuffer(b) ? b : nodeView(b)).toString('latin1', s, e);
  let out = '';
  for (let i = s; i < e; i += 8192) out += String.fromCharCode.apply(null, b.subarray(i, Math.min(e, i + 8192)) as unknown as number[]);
  return out;
}

/** Bytes `[s, e)` of `b` as UTF-8 text (a bad sequence becomes U+FFFD, as both decoders do). */
export function utf8(b: Uint8Array, s = 0, e = b.length): string {
  if (NodeBuf !== null) return (isNodeBuffer(b) ? b : nodeView(b)).toString('utf8', s, e);
  return utf8Decoder.decode(b.subarray(s, e));
}

/** Text of characters 0-255 as bytes, one per character. */
export function latin1Bytes(s: string): Uint8Array {
  if (NodeBuf !== null) return NodeBuf.from(s, 'latin1');
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/**
 * `b` itself, or on Node a Buffer over the same bytes (no copy): its `indexOf` is Node's native
 * byte search, which the log scanner's newline search runs on.
 */
export function fastBytes(b: Uint8Array): Uint8Array {
  return NodeBuf === null || NodeBuf.isBuffer(b) ? b : nodeView(b);
}

function isNodeBuffer(b: Uint8Array): b is NodeBuffer {
  return NodeBuf !== null && NodeBuf.isBuffer(b);
}
