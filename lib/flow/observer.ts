/**
 * @module flow/observer
 * What a capture pass hands each packet to after decoding and flow accounting: the one narrow
 * interface series, ledgers and recorders plug into.
 */
import type { PacketRecord } from '../capture/record';
import type { DecodeStatus } from '../decode/segment';
import type { Flow } from './flow';
import type { FlowTable } from './table';

/** Sees every packet after decoding and flow accounting (null flow for non-TCP packets). */
export interface PacketObserver {
  packet(rec: PacketRecord, status: DecodeStatus, table: FlowTable): void;
  flowFinished?(f: Flow): void;
  /**
   * Offered the pass's flow table before the first packet: an observer that can count in the
   * table's core (the series accumulator without a filter) starts it there and returns true;
   * `packet` is then not called.
   */
  attach?(table: FlowTable): boolean;
}
