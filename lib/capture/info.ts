/**
 * @module capture/info
 * `alibi info`: what a capture is (format, byte order, resolution, link types, interfaces) and
 * what it holds (packets, earliest and latest time, drops), as capinfos reports it.
 */
import type { Warning } from '../errors';
import { isoExact } from '../time';
import { resolutionName } from './format';
import type { PacketRecord } from './record';
import type { ReaderState } from './reader';
import { linkTypeName } from './linktypes';

export interface InterfaceSummary {
  id: number;
  linkType: number;
  linkTypeName: string;
  snaplen: number;
  tsResolution: string;
  tsOffset: number;
  packets: number;
  name?: string;
  ifDrop?: number;
  osDrop?: number;
}

/** The SPEC.md `alibi info` document (plus per-interface detail). */
export interface CaptureInfo {
  file: string | null;
  format: 'pcap' | 'pcapng';
  byteOrder: 'le' | 'be';
  /** `us`, `ns`, … of the first interface; `mixed` when interfaces differ. */
  tsResolution: string;
  linkTypes: number[];
  interfaces: number;
  packets: number;
  /** Earliest and latest packet time (capinfos -a / -e), full precision; null when empty. */
  first: string | null;
  last: string | null;
  bytes: number;
  interfaceDetails: InterfaceSummary[];
  sections?: number;
  warnings: Warning[];
}

/** Accumulates packet facts while a reader runs (one pass, no packet kept). */
export class InfoCollector {
  packets = 0;
  bytes = 0;
  private minSec = Infinity;
  private minFrac = 0;
  private minRes = 1e6;
  private maxSec = -Infinity;
  private maxFrac = 0;
  private maxRes = 1e6;
  private perIface: number[] = [];

  add(r: PacketRecord): void {
    this.packets++;
    this.bytes += r.origLen;
    this.perIface[r.ifaceId] = (this.perIface[r.ifaceId] ?? 0) + 1;
    if (!r.hasTimestamp) return;
    const s = r.tsSec;
    if (s < this.minSec || (s === this.minSec && r.tsFrac / r.tsRes < this.minFrac / this.minRes)) {
      this.minSec = s; this.minFrac = r.tsFrac; this.minRes = r.tsRes;
    }
    if (s > this.maxSec || (s === this.maxSec && r.tsFrac / r.tsRes > this.maxFrac / this.maxRes)) {
      this.maxSec = s; this.maxFrac = r.tsFrac; this.maxRes = r.tsRes;
    }
  }

  finish(reader: ReaderState, file: string | null): CaptureInfo {
    const ifs = reader.interfaces;
    const res = [...new Set(ifs.map((f) => resolutionName(f.tsRes)))];
    const info: CaptureInfo = {
      file,
      format: reader.format ?? 'pcap',
      byteOrder: reader.byteOrder ?? 'le',
      tsResolution: res.length === 1 ? res[0] : res.length === 0 ? 'us' : 'mixed',
      linkTypes: [...new Set(ifs.map((f) => f.linkType))],
      interfaces: ifs.length,
      packets: this.packets,
      first: this.minSec === Infinity ? null : isoExact({ sec: this.minSec, frac: this.minFrac, res: this.minRes }),
      last: this.maxSec === -Infinity ? null : isoExact({ sec: this.maxSec, frac: this.maxFrac, res: this.maxRes }),
      bytes: this.bytes,
      interfaceDetails: ifs.map((f) => {
        const d: InterfaceSummary = {
          id: f.id,
          linkType: f.linkType,
          linkTypeName: linkTypeName(f.linkType),
          snaplen: f.snaplen,
          tsResolution: resolutionName(f.tsRes),
          tsOffset: f.tsOffset,
          packets: this.perIface[f.id] ?? 0,
        };
        if (f.name !== undefined) d.name = f.name;
        if (f.ifDrop !== undefined) d.ifDrop = f.ifDrop;
        if (f.osDrop !== undefined) d.osDrop = f.osDrop;
        return d;
      }),
      warnings: [...reader.warnings],
    };
    return info;
  }
}
