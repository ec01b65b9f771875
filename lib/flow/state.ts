/**
 * @module flow/state
 * Zeek's per-endpoint TCP state machine and conn_state, transcribed from Zeek's
 * TCPSessionAdapter (UpdateInactiveState, UpdateSYN_SentState, UpdateEstablishedState,
 * UpdateClosedState) and base/protocols/conn/main.zeek (conn_state).
 */

export const enum EndpointState {
  INACTIVE = 0,
  SYN_SENT = 1,
  SYN_ACK_SENT = 2,
  PARTIAL = 3,
  ESTABLISHED = 4,
  CLOSED = 5,
  RESET = 6,
}

export type ConnState = 'S0' | 'S1' | 'SF' | 'REJ' | 'S2' | 'S3' | 'RSTO' | 'RSTR' | 'RSTOS0' | 'RSTRH' | 'SH' | 'SHR' | 'OTH';

/**
 * Both endpoints' states packed in one small integer, so a flow keeps them in its typed-array
 * record instead of two objects: bits 0-3 originator state, 4-7 its previous state, 8-11
 * responder state, 12-15 its previous state. Zero is "both inactive".
 */
export type PackedStates = number;

export const ORIG_SHIFT = 0;
export const RESP_SHIFT = 8;

/** The state of the endpoint at `shift` (ORIG_SHIFT or RESP_SHIFT). */
export function stateAt(st: PackedStates, shift: number): EndpointState {
  return (st >>> shift) & 15;
}
/** The previous state of the endpoint at `shift`. */
export function prevStateAt(st: PackedStates, shift: number): EndpointState {
  return (st >>> (shift + 4)) & 15;
}

/** Zeek's SetState: a change keeps the old state as `prev`; setting the same state is a no-op. */
function set(st: PackedStates, shift: number, s: EndpointState): PackedStates {
  const cur = (st >>> shift) & 15;
  if (s === cur) return st;
  return (st & ~(0xff << shift)) | (s << shift) | (cur << (shift + 4));
}

const SYN = 0x02;
const FIN = 0x01;
const RST = 0x04;
const ACK = 0x10;

/**
 * Applies one segment to the endpoint states, as Zeek's UpdateStateMachine does, and returns
 * the new packed states (a pure function: no state lives outside its argument).
 * @example stepStates(0, true, 0x02, 0) //=> SYN_SENT for the originator (1)
 */
export function stepStates(st: PackedStates, isOrig: boolean, flags: number, len: number): PackedStates {
  const e = isOrig ? ORIG_SHIFT : RESP_SHIFT;
  const p = isOrig ? RESP_SHIFT : ORIG_SHIFT;
  switch ((st >>> e) & 15) {
    case EndpointState.INACTIVE: {
      if (flags & SYN) {
        if (isOrig) {
          st = set(st, e, flags & ACK ? EndpointState.SYN_ACK_SENT : EndpointState.SYN_SENT);
        } else {
          if (((st >>> p) & 15) === EndpointState.SYN_SENT) st = set(st, p, EndpointState.ESTABLISHED);
          st = set(st, e, EndpointState.ESTABLISHED);
        }
      }
      if (flags & FIN) st = set(st, e, EndpointState.CLOSED);
      if (flags & RST) st = set(st, e, EndpointState.RESET);
      if (((st >>> e) & 15) === EndpointState.INACTIVE) {
        if (!isOrig && len === 0 && (st & 15) === EndpointState.SYN_SENT) {
          // An ACK of the SYN before the SYN-ACK: not a partial connection (Zeek's comment).
        } else if (flags & ACK && ((st >>> p) & 15) === EndpointState.ESTABLISHED) {
          st = set(st, e, EndpointState.ESTABLISHED);
        } else {
          st = set(st, e, EndpointState.PARTIAL);
        }
      }
      return st;
    }
    case EndpointState.SYN_SENT:
    case EndpointState.SYN_ACK_SENT:
      if (flags & FIN) st = set(st, e, EndpointState.CLOSED);
      if (flags & RST) st = set(st, e, EndpointState.RESET);
      return st;
    case EndpointState.ESTABLISHED:
    case EndpointState.PARTIAL:
      if (flags & SYN && ((st >>> e) & 15) === EndpointState.PARTIAL && ((st >>> p) & 15) === EndpointState.INACTIVE && !(flags & ACK)) {
        st = set(st, e, EndpointState.SYN_SENT);
      }
      if (flags & FIN && !(flags & RST)) {
        st = set(st, e, EndpointState.CLOSED);
        // The peer sent a FIN followed by a RST: that was a normal termination.
        if (((st >>> p) & 15) === EndpointState.RESET && ((st >>> (p + 4)) & 15) === EndpointState.CLOSED) st = set(st, p, EndpointState.CLOSED);
      }
      if (flags & RST) st = set(st, e, EndpointState.RESET);
      return st;
    case EndpointState.CLOSED:
      if (flags & RST && ((st >>> p) & 15) !== EndpointState.CLOSED) st = set(st, e, EndpointState.RESET);
      return st;
  }
  return st;
}

const RSTOS0_HISTORY = /^\^?S[^HAFGIQ]*R.*/;

/**
 * Zeek's conn_state from the two endpoint states, the payload sizes and the history.
 * @example connState(SYN_SENT, INACTIVE, 0, 0, 'S') //=> 'S0'
 */
export function connState(os: EndpointState, rs: EndpointState, origSize: number, respSize: number, history: string): ConnState {
  const oInactive = os === EndpointState.INACTIVE || os === EndpointState.PARTIAL;
  const rInactive = rs === EndpointState.INACTIVE || rs === EndpointState.PARTIAL;
  if (rs === EndpointState.RESET) {
    if (os === EndpointState.SYN_SENT || os === EndpointState.SYN_ACK_SENT || (os === EndpointState.RESET && origSize === 0 && respSize === 0)) return 'REJ';
    if (oInactive) return 'RSTRH';
    return 'RSTR';
  }
  if (os === EndpointState.RESET) {
    if (rInactive) return RSTOS0_HISTORY.test(history) ? 'RSTOS0' : 'OTH';
    return 'RSTO';
  }
  if (rs === EndpointState.CLOSED && os === EndpointState.CLOSED) return 'SF';
  if (os === EndpointState.CLOSED) return rInactive ? 'SH' : 'S2';
  if (rs === EndpointState.CLOSED) return oInactive ? 'SHR' : 'S3';
  if (os === EndpointState.SYN_SENT && rs === EndpointState.INACTIVE) return 'S0';
  if (os === EndpointState.ESTABLISHED && rs === EndpointState.ESTABLISHED) return 'S1';
  return 'OTH';
}
