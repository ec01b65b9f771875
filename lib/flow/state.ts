/**
 * @module flow/state
 * Zeek's per-endpoint TCP states and conn_state (base/protocols/conn/main.zeek). The state
 * machine itself (TCPSessionAdapter's UpdateStateMachine) runs in the flow table's core,
 * wasm/table.c, which writes the packed states read here.
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
