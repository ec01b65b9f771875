/**
 * @module capture/clock
 * A configured clock correction applied as the packets leave the reader. The reader's record is
 * left as it was (readers reuse it and may read it back); the shifted packet is a record of the
 * correction's own, pointing at the same bytes.
 */
import { PacketRecord } from './record';

/**
 * Moves a time of `frac / res` past second `sec` by `shift` seconds, keeping the fraction in the
 * same resolution: whole microseconds stay exact for µs and ns captures alike.
 */
export function shiftedTime(sec: number, frac: number, res: number, shift: number): [sec: number, frac: number] {
  const total = frac / res + shift;
  const whole = Math.floor(total);
  let s = sec + whole;
  let f = Math.round((total - whole) * res);
  if (f >= res) {
    s++;
    f -= res;
  }
  return [s, f];
}

/**
 * The records of a reader as seen by a clock `seconds` ahead (`clockOffset`): `null` when there
 * is nothing to shift, so the unshifted path stays the reader's own records.
 * @example
 * const shift = clockShift(-2.5);
 * for (let p = reader.next(); p !== null; p = reader.next()) pass.packet(shift ? shift(p) : p);
 */
export function clockShift(seconds: number | undefined): ((p: PacketRecord) => PacketRecord) | null {
  if (!seconds) return null;
  const out = new PacketRecord();
  return (p) => {
    out.index = p.index;
    [out.tsSec, out.tsFrac] = shiftedTime(p.tsSec, p.tsFrac, p.tsRes, seconds);
    out.tsRes = p.tsRes;
    out.hasTimestamp = p.hasTimestamp;
    out.capLen = p.capLen;
    out.origLen = p.origLen;
    out.linkType = p.linkType;
    out.fcsLen = p.fcsLen;
    out.ifaceId = p.ifaceId;
    out.fileOffset = p.fileOffset;
    out.bytes = p.bytes;
    out.offset = p.offset;
    return out;
  };
}
