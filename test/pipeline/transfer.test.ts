/**
 * A worker's result handed over, not copied (#20's memory target): the large typed arrays'
 * buffers are moved, each once, and the small ones (possibly slices of Node's Buffer pool) left
 * to structured clone — and what arrives is the same result.
 */
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { postTransferring, transferables } from '../../lib/pipeline/transfer';

test('transferables: each large buffer once, views of one buffer counted once, small and shared ones left', () => {
  const big = new Float64Array(100_000);
  const a = big.subarray(0, 10), b = big.subarray(10, 20);
  const other = new Uint8Array(70_000);
  const small = new Float64Array(8);
  const shared = new Float64Array(new SharedArrayBuffer(80_000 * 8));
  const msg = { ok: true, scan: { a, b, nested: [{ other }, { small, shared }], map: new Map([['k', big]]) } };
  const list = transferables(msg);
  expect(list).toHaveLength(2);
  expect(list).toContain(big.buffer);
  expect(list).toContain(other.buffer);
});

test('postTransferring: the receiver gets the same values, the sender\'s buffers are detached', () => {
  const { port1, port2 } = new MessageChannel();
  const col = Float64Array.from({ length: 50_000 }, (_, i) => i * 0.5);
  const view = col.subarray(100, 200);
  postTransferring(port1, { ok: true, scan: { col, view } });
  const got = receiveMessageOnPort(port2)!.message as { scan: { col: Float64Array; view: Float64Array } };
  expect(got.scan.col[49_999]).toBe(49_999 * 0.5);
  expect(Array.from(got.scan.view)).toEqual(Array.from({ length: 100 }, (_, i) => (i + 100) * 0.5));
  expect(got.scan.view.buffer).toBe(got.scan.col.buffer);
  expect(col.byteLength).toBe(0); // moved, not copied
  port1.close(); port2.close();
});
