/**
 * @module flow/event
 * What a capture pass tells its observers about one packet (flow/observer), apart from the
 * packet record itself.
 */
import type { DecodeStatus, TcpSegment } from '../decode/segment';
import type { Flow } from './flow';

/** What the pass tells an observer about one packet: a view, valid during the call only. */
export interface PacketEvent {
  /** What the decoder made of the packet. */
  readonly status: DecodeStatus;
  /** The TCP connection it belongs to (a view), null unless it is a TCP segment. */
  readonly flow: Flow | null;
  /** Its decoded TCP segment, null unless it is one. */
  readonly segment: TcpSegment | null;
  /** Sent by its connection's client (the side that sent the first SYN). */
  readonly fromClient: boolean;
  /** The packet opened its connection's record. */
  readonly newFlow: boolean;
  /**
   * What the packet adds to each interval metric (metrics/catalog order), as the flow table's
   * core counts it for its own series: all but the active connections and response times.
   */
  increments(): Float64Array;
}
