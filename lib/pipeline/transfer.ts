/**
 * @module pipeline/transfer
 * What a worker can hand over instead of copying: the buffers under a result's typed arrays.
 * A scan of three days posts ~0.5 GB of columns; structured clone would hold it twice, once in
 * each thread, at the moment of the run's peak.
 */
import type { MessagePort } from 'node:worker_threads';

/** Below this a copy costs nothing and the buffer may be a slice of Node's shared Buffer pool. */
const MIN_TRANSFER = 64 * 1024;

/** The distinct, non-shared ArrayBuffers (≥ 64 KiB) under typed arrays anywhere in `value`. */
export function transferables(value: unknown): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const seen = new Set<object>();
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (ArrayBuffer.isView(v)) {
      const b = v.buffer;
      // by tag, not instanceof: a buffer from another realm (vm, test runner) is still one to move
      if (Object.prototype.toString.call(b) === '[object ArrayBuffer]' && b.byteLength >= MIN_TRANSFER) out.add(b as ArrayBuffer);
      return;
    }
    if (v instanceof Map) { for (const x of v.values()) walk(x); return; }
    for (const x of Object.values(v as Record<string, unknown>)) walk(x);
  };
  walk(value);
  return [...out];
}

/**
 * Posts `message`, moving its large typed arrays' buffers (the sender must not touch them again).
 * A buffer Node will not let go of (DataCloneError) is no reason to fail: then it is copied.
 */
export function postTransferring(port: MessagePort, message: unknown): void {
  const list = transferables(message);
  try {
    port.postMessage(message, list);
  } catch {
    port.postMessage(message);
  }
}
