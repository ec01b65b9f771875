/**
 * @module capture/timeguard
 * Leaves out a record whose time cannot be right: one that is more than a day away from the
 * records on both sides of it while those agree with each other — a flipped high bit in a
 * seconds field, not a clock that stepped. A clock step (NTP after boot, two captures
 * concatenated) is followed by records that agree with the new time, so every record of it
 * stays.
 *
 * The reader asks `pass()` of every record: the hot path is one subtraction. Only a record
 * that jumps is held (copied, since the reader's record is reused) until the next one or two
 * records decide it; this happens at the start of each file and at each jump, never per packet.
 */
import { MalformedRecordError, Warning } from '../errors';
import { PacketRecord } from './record';

/** How far a record's time may be from its neighbours: a day, as the resync check allows. */
export const TIME_JUMP_LIMIT = 86_400;

function near(a: number, b: number): boolean {
  const d = a - b;
  return d <= TIME_JUMP_LIMIT && d >= -TIME_JUMP_LIMIT;
}

/** An owned copy of a record: its own bytes, valid for as long as it is kept. */
function own(r: PacketRecord): PacketRecord {
  const c = new PacketRecord();
  c.index = r.index;
  c.tsSec = r.tsSec;
  c.tsFrac = r.tsFrac;
  c.tsRes = r.tsRes;
  c.hasTimestamp = r.hasTimestamp;
  c.capLen = r.capLen;
  c.origLen = r.origLen;
  c.linkType = r.linkType;
  c.fcsLen = r.fcsLen;
  c.ifaceId = r.ifaceId;
  c.fileOffset = r.fileOffset;
  c.bytes = r.data.slice();
  c.offset = 0;
  return c;
}

function iso(sec: number): string {
  const d = new Date(sec * 1000);
  return Number.isNaN(d.getTime()) ? `${sec} s` : d.toISOString().replace('.000Z', 'Z');
}

export class TimeGuard {
  /** Records decided and waiting to be handed out, oldest first (owned copies). */
  readonly ready: PacketRecord[] = [];
  /** Records not yet decided (owned copies): one after a jump, two at a file's start. */
  held: PacketRecord[] = [];
  /** Time of the last record handed out (NaN before the first); the reader's hot path reads it. */
  last = NaN;
  lastIface = 0;

  /**
   * `enabled` false (`timeCheck: false`): every record passes as stored; `last` stays NaN, so the
   * reader's hot path always asks, and is told so at once.
   */
  constructor(readonly enabled: boolean, private readonly file: string | undefined, private readonly warn: (w: Warning) => void) {}

  /**
   * True when `r` may be handed out as it is. False when the guard took a copy instead: hand
   * out `ready` first (it may now hold records), then read on.
   */
  pass(r: PacketRecord): boolean {
    if (this.held.length === 0 && this.ready.length === 0) {
      const d = r.tsSec - this.last;
      if ((d <= TIME_JUMP_LIMIT && d >= -TIME_JUMP_LIMIT) || !r.hasTimestamp || (r.ifaceId !== this.lastIface && this.last === this.last)) {
        this.last = r.tsSec;
        this.lastIface = r.ifaceId;
        return true;
      }
    }
    this.take(own(r));
    return false;
  }

  /** At the end of the input: decides what is still held. */
  end(): void {
    const h = this.held;
    this.held = [];
    if (h.length === 0) return;
    if (h.length === 1 && this.last === this.last && h[0].ifaceId === this.lastIface) {
      // The last record, a day or more from everything before it: nothing after it agrees.
      this.drop(h[0], 'the records before it', this.last);
      return;
    }
    // Two records at the start that disagree, and nothing else: no way to tell; keep both.
    for (const r of h) this.emit(r);
  }

  private take(r: PacketRecord): void {
    const h = this.held;
    if (h.length === 0) {
      // A file's first record, or one that jumped: wait for the next one.
      if (r.hasTimestamp && !(this.last === this.last && r.ifaceId === this.lastIface && near(r.tsSec, this.last))) {
        h.push(r);
        return;
      }
      this.emit(r);
      return;
    }
    const a = h[0];
    if (h.length === 1) {
      if (r.ifaceId !== a.ifaceId || !r.hasTimestamp || near(a.tsSec, r.tsSec)) {
        // The next record agrees (a clock step, or a file's first records): both are right.
        this.held = [];
        this.emit(a);
        this.take(r);
        return;
      }
      if (this.last === this.last) {
        this.held = [];
        if (near(this.last, r.tsSec) && a.ifaceId === this.lastIface) this.drop(a, 'the records on both sides', this.last);
        else this.emit(a);
        this.take(r);
        return;
      }
      // The file's first two records disagree: the third tells which one is wrong.
      h.push(r);
      return;
    }
    // h = [first, second] of a file, a day or more apart; r is the third.
    const b = h[1];
    this.held = [];
    if (r.ifaceId === b.ifaceId && near(b.tsSec, r.tsSec)) this.drop(a, 'the records after it', b.tsSec);
    else this.emit(a);
    this.take(b);
    this.take(r);
  }

  private emit(r: PacketRecord): void {
    this.last = r.tsSec;
    this.lastIface = r.ifaceId;
    this.ready.push(r);
  }

  private drop(r: PacketRecord, others: string, ref: number): void {
    this.warn(new MalformedRecordError(
      `record time ${iso(r.tsSec)} is more than a day from ${others} (${iso(ref)}): record left out`,
      { file: this.file, offset: r.fileOffset, packet: r.index },
    ).toWarning());
  }
}
