/**
 * @module capture/resolution
 * Timestamp resolutions as one-byte codes, pcapng's if_tsresol encoding: 10^-v seconds, or
 * 2^-(v & 0x7f) with the high bit set. Every resolution the readers make has a code, so the
 * decoding thread's handoff and the flow records carry the byte instead of the double.
 */

/** Ticks per second of each code (computed as pcapng's if_tsresol is, so the doubles are identical). */
export const RES: readonly number[] = Array.from({ length: 256 }, (_, v) => (v & 0x80 ? 2 ** (v & 0x7f) : 10 ** v));

const CODE = new Map<number, number>();
for (let v = 255; v >= 0; v--) CODE.set(RES[v], v);

// Captures use one resolution (pcapng: one per interface): the last answer is kept, so the
// per-packet callers (the flow table, the handoff) skip the map.
let lastTicks = 1e6;
let lastCode = 6;

/** The code of `ticks` per second; throws for a resolution the readers never make (a bug, not input). */
export function resolutionCode(ticks: number): number {
  if (ticks === lastTicks) return lastCode;
  const code = CODE.get(ticks);
  if (code === undefined) throw new Error(`timestamp resolution ${ticks} has no code (only 10^-n and 2^-n seconds)`);
  lastTicks = ticks;
  lastCode = code;
  return code;
}
