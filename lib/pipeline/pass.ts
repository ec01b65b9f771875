/**
 * @module pipeline/pass
 * One pass over a capture: every packet is decoded once and feeds the flow table and, when
 * asked, the interval series — a capture is read once, whatever is asked of it.
 */
import type { PacketRecord } from '../capture/record';
import type { ReaderState } from '../capture/reader';
import { DecoderSummary, PacketDecoder } from '../decode/decoder';
import { explainIssue } from '../decode/issues';
import { DecodeStatus, TcpSegment } from '../decode/segment';
import type { Warning } from '../errors';
import { FlowRecord, toRecord } from '../flow/record';
import type { Flow } from '../flow/flow';
import { FlowTable, FlowTableOptions } from '../flow/table';
import type { PacketFilter } from '../decode/bpf';

export interface PassOptions extends FlowTableOptions {
  /** The capture's vantage name, copied into flow records. */
  vantage?: string;
  /** Called with each finished flow (as a record) — for streaming consumers. */
  onFlow?: (f: FlowRecord) => void;
  /**
   * Called with each finished flow as a view over the flow table's memory, read during the call
   * (before any record is made): for writers that copy what they need, e.g. report/flowcolumns.
   */
  onFinished?: (f: Flow) => void;
  /** Keep finished flow records in `flows` (default true). */
  keepFlows?: boolean;
  /** A per-packet observer in the same pass (the series accumulator). */
  observer?: PacketObserver;
  /**
   * Only packets it accepts are decoded and counted (`--filter`, decode/bpf's compileFilter): as
   * if the capture had been cut with `tcpdump -r IN -w OUT EXPR` first. A filtered pass runs on one
   * thread (passFile), since the filter reads the frame's raw bytes.
   */
  packetFilter?: PacketFilter;
}

export type { PacketObserver, PacketEvent } from '../flow/observer';
import type { PacketObserver } from '../flow/observer';

export interface PassResult {
  flows: FlowRecord[];
  packets: number;
  tcpPackets: number;
  warnings: Warning[];
}

export class CapturePass {
  readonly decoder = new PacketDecoder();
  readonly table: FlowTable;
  readonly flows: FlowRecord[] = [];
  packets = 0;
  private readonly keep: boolean;
  /** The observer counts inside the flow table's core (`PacketObserver.attach`). */
  private readonly inCore: boolean;

  /** Packets the packet filter left out. */
  filteredOut = 0;
  private readonly filter: PacketFilter | undefined;

  constructor(private readonly opts: PassOptions = {}) {
    this.filter = opts.packetFilter;
    this.keep = opts.keepFlows ?? true;
    const obs = opts.observer;
    this.table = new FlowTable((f) => {
      if (obs?.flowFinished) obs.flowFinished(f);
      opts.onFinished?.(f);
      if (this.keep || opts.onFlow) {
        const r = toRecord(f, opts.vantage);
        if (this.keep) this.flows.push(r);
        opts.onFlow?.(r);
      }
    }, opts);
    this.inCore = obs?.attach?.(this.table) ?? false;
    // A series counted here adds what the core says each packet adds (one definition of the metrics).
    if (obs !== undefined && !this.inCore) this.table.wantIncrements();
  }

  /** Decodes one packet and accounts it. */
  packet(p: PacketRecord): void {
    if (this.filter !== undefined && !this.filter(p.linkType, p.bytes, p.offset, p.capLen)) {
      this.filteredOut++;
      return;
    }
    const d = this.decoder;
    d.issues.offset = p.fileOffset;
    this.accept(p, d.decode(p.bytes, p.offset, p.capLen, p.origLen, p.linkType, p.index), d.seg);
  }

  /**
   * Accounts a packet decoded elsewhere (another thread: see `passFile`): `seg` is its TCP
   * segment when `st` is Tcp. `packet` is the entry point; this and the two unit forms below are
   * passFile's.
   * @internal
   */
  accept(p: PacketRecord, st: DecodeStatus, seg: TcpSegment): void {
    this.packets++;
    if (st === DecodeStatus.Tcp) {
      // The float time (sec + frac / res) is computed inside `add`: passed from here it would
      // be a boxed double, an allocation per packet.
      this.table.add(seg, p.origLen, p.tsSec, p.tsFrac, p.tsRes);
    } else if (this.opts.observer !== undefined) this.table.countOther(p.tsSec, p.tsFrac, p.tsRes, p.origLen);
    if (!this.inCore && this.opts.observer !== undefined) {
      this.opts.observer.packet(p, this.table.eventFor(st));
    }
  }

  /** Whether a packet filter is set (such a pass reads on one thread: see passFile). */
  get filtered(): boolean {
    return this.filter !== undefined;
  }

  /** Whether a per-packet observer watches this pass (else packets may be accounted in batches). */
  get observed(): boolean {
    return this.opts.observer !== undefined && !this.inCore;
  }

  /**
   * `accept` for a packet handed off by another thread: its unit is loaded in the flow table's
   * core at word address `at` (`FlowTable.loadUnits`), and `p`, `st` and `seg` were read from it.
   * @internal
   */
  acceptUnit(p: PacketRecord, st: DecodeStatus, seg: TcpSegment, at: number): void {
    this.packets++;
    if (st === DecodeStatus.Tcp) this.table.addUnit(at, seg);
    else this.table.countOther(p.tsSec, p.tsFrac, p.tsRes, p.origLen);
    if (this.opts.observer !== undefined) {
      this.opts.observer.packet(p, this.table.eventFor(st));
    }
  }

  /** Accounts `n` loaded units from word address `at` at once (no observer: `observed` is false). @internal */
  acceptUnits(at: number, n: number): void {
    this.packets += this.table.addUnits(at, n);
  }

  /**
   * Ends the pass: finishes live flows, sorts records by start, gathers warnings. `decoded`:
   * what the decoder found, when packets were decoded elsewhere (default: this pass's decoder).
   */
  finish(reader: ReaderState, file: string | null, decoded: DecoderSummary = this.decoder.summary()): PassResult {
    this.table.flush();
    this.flows.sort((a, b) => a.startTime - b.startTime || a.id - b.id);
    const warnings: Warning[] = [...reader.warnings];
    if (reader.warningsDropped) {
      warnings.push({ file, offset: null, packet: null, reason: `${reader.warningsDropped} more damaged ranges not listed (warnings are capped)`, code: 'too_many_warnings' });
    }
    for (const i of decoded.issues) {
      warnings.push({
        file,
        offset: i.firstOffset,
        packet: i.firstPacket,
        reason: `${i.count} packet${i.count === 1 ? '' : 's'}: ${explainIssue(i.code)}${i.detail ? ` (${i.detail})` : ''}`,
        code: i.code,
      });
    }
    const open = decoded.fragmentsOpen;
    if (open > 0) warnings.push({ file, offset: null, packet: null, reason: `${open} IP datagrams left incomplete (fragments never reassembled)`, code: 'ip_fragment_unmatched' });
    const dropped = decoded.fragmentsDropped;
    if (dropped > 0) warnings.push({ file, offset: null, packet: null, reason: `${dropped} incomplete IP datagrams dropped: more than ${decoded.fragmentsMaxPending} pending at once`, code: 'ip_fragment_table_full' });
    if (this.table.evictedForSpace > 0) {
      warnings.push({ file, offset: null, packet: null, reason: `${this.table.evictedForSpace} connections finished early: more than ${this.table.maxFlows} concurrent (maxFlows, alibi --max-flows); the least recently active were evicted`, code: 'flow_table_full' });
    }
    return { flows: this.flows, packets: this.packets, tcpPackets: decoded.counts.tcp, warnings };
  }
}
