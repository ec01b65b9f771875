/**
 * @module flow/observer
 * What a capture pass hands each packet to after decoding and flow accounting: the one narrow
 * interface series, ledgers and recorders plug into (as Zeek's analyzers are fed), and what they
 * are told about the packet.
 */
import type { PacketRecord } from '../capture/record';
import type { Flow } from './flow';
import type { PacketEvent } from './event';
import type { FlowTable } from './table';

export type { PacketEvent } from './event';

/** Sees every packet after decoding and flow accounting. */
export interface PacketObserver {
  packet(rec: PacketRecord, ev: PacketEvent): void;
  flowFinished?(f: Flow): void;
  /**
   * Offered the pass's flow table before the first packet: an observer that can count in the
   * table's core (the series accumulator without a filter) starts it there and returns true;
   * `packet` is then not called.
   */
  attach?(table: FlowTable): boolean;
}
