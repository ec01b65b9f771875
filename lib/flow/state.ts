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

/** The mutable per-endpoint state a flow keeps (two per flow). */
export interface Endpoint {
  state: EndpointState;
  prev: EndpointState;
}

export function setState(e: Endpoint, s: EndpointState): void {
  if (s !== e.state) {
    e.prev = e.state;
    e.state = s;
  }
}

const SYN = 0x02;
const FIN = 0x01;
const RST = 0x04;
const ACK = 0x10;

/**
 * Applies one segment from `ep` (whose peer is `peer`) to the endpoint states, as Zeek's
 * UpdateStateMachine does.
 */
export function updateStateMachine(ep: Endpoint, peer: Endpoint, isOrig: boolean, flags: number, len: number, orig: Endpoint): void {
  switch (ep.state) {
    case EndpointState.INACTIVE: {
      if (flags & SYN) {
        if (isOrig) {
          setState(ep, flags & ACK ? EndpointState.SYN_ACK_SENT : EndpointState.SYN_SENT);
        } else {
          if (peer.state === EndpointState.SYN_SENT) setState(peer, EndpointState.ESTABLISHED);
          setState(ep, EndpointState.ESTABLISHED);
        }
      }
      if (flags & FIN) setState(ep, EndpointState.CLOSED);
      if (flags & RST) setState(ep, EndpointState.RESET);
      if (ep.state === EndpointState.INACTIVE) {
        if (!isOrig && len === 0 && orig.state === EndpointState.SYN_SENT) {
          // An ACK of the SYN before the SYN-ACK: not a partial connection (Zeek's comment).
        } else if (flags & ACK && peer.state === EndpointState.ESTABLISHED) {
          setState(ep, EndpointState.ESTABLISHED);
        } else {
          setState(ep, EndpointState.PARTIAL);
        }
      }
      return;
    }
    case EndpointState.SYN_SENT:
    case EndpointState.SYN_ACK_SENT:
      if (flags & FIN) setState(ep, EndpointState.CLOSED);
      if (flags & RST) setState(ep, EndpointState.RESET);
      return;
    case EndpointState.ESTABLISHED:
    case EndpointState.PARTIAL:
      if (flags & SYN && ep.state === EndpointState.PARTIAL && peer.state === EndpointState.INACTIVE && !(flags & ACK)) {
        setState(ep, EndpointState.SYN_SENT);
      }
      if (flags & FIN && !(flags & RST)) {
        setState(ep, EndpointState.CLOSED);
        // The peer sent a FIN followed by a RST: that was a normal termination.
        if (peer.state === EndpointState.RESET && peer.prev === EndpointState.CLOSED) setState(peer, EndpointState.CLOSED);
      }
      if (flags & RST) setState(ep, EndpointState.RESET);
      return;
    case EndpointState.CLOSED:
      if (flags & RST && peer.state !== EndpointState.CLOSED) setState(ep, EndpointState.RESET);
      return;
    case EndpointState.RESET:
      return;
  }
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
