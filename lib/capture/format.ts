/**
 * @module capture/format
 * What both format parsers share: the step protocol the drivers use, interface descriptions,
 * and resolution names.
 */
import type { AlibiError } from '../errors';
import type { PacketRecord } from './record';

/** A capture interface (classic pcap has exactly one). */
export interface InterfaceInfo {
  id: number;
  linkType: number;
  snaplen: number;
  /** Units per second of timestamps on this interface. */
  tsRes: number;
  /** pcapng if_tsoffset, seconds added to every timestamp. */
  tsOffset: number;
  fcsLen: number;
  name?: string;
  /** Section number (pcapng: 0-based SHB count). */
  section: number;
  /** Drop counts from the last Interface Statistics Block, when present. */
  ifDrop?: number;
  osDrop?: number;
}

/**
 * A format parser is fed windows of bytes by a driver (memory, file, stream). `step` parses one
 * record/block at `pos`; it returns the bytes consumed, or 0 when it needs `need` bytes at `pos`
 * (the driver refills and calls again). When a packet was produced, `produced` is true and the
 * record is filled. Damage throws a typed AlibiError; the driver decides what to do.
 */
export interface FormatParser {
  readonly format: 'pcap' | 'pcapng';
  readonly byteOrder: 'le' | 'be';
  readonly interfaces: InterfaceInfo[];
  need: number;
  produced: boolean;
  /** A record the last step consumed but left out (an impossible time): the reader warns with it. */
  note?: AlibiError | null;
  step(buf: Uint8Array, pos: number, end: number, fileOffset: number, rec: PacketRecord): number;
  /**
   * After damage at `pos`: find the next offset in `buf[from..end)` where a record/block
   * plausibly starts, or -1. Used to resynchronise instead of losing the rest of the file.
   */
  resync(buf: Uint8Array, from: number, end: number): number;
}

/** `us`, `ns`, `ms`, `s`, `ps`, `1e-N`, `2^-N` for a units-per-second value. */
export function resolutionName(res: number): string {
  switch (res) {
    case 1: return 's';
    case 1e3: return 'ms';
    case 1e6: return 'us';
    case 1e9: return 'ns';
    case 1e12: return 'ps';
  }
  const l10 = Math.round(Math.log10(res));
  if (10 ** l10 === res) return `1e-${l10}`;
  const l2 = Math.round(Math.log2(res));
  return `2^-${l2}`;
}

/** Wireshark's ceiling for one block/record (wtap max snaplen for pcapng: 128 MiB + slack). */
export const MAX_BLOCK = 134_348_832;
/** Wireshark's standard max packet size (256 KiB); larger pcap records are treated as damage. */
export const MAX_PCAP_RECORD = 262_144;
