/**
 * @module watch/live
 * A live packet source over libpcap, through the optional `cap` binding. Each packet is handed
 * out as the same reused {@link PacketRecord} the file readers use ("valid until the next packet;
 * copy what you keep"), so everything downstream (CapturePass, series, recorder) is unchanged.
 *
 * `cap` (0.2) does not pass libpcap's per-packet header to JavaScript: no capture timestamp and
 * no original length. Packets are stamped from the injected clock when libpcap hands them over
 * (immediate mode, so within well under a millisecond of the kernel's stamp on an idle machine),
 * and the original length is the captured length (snaplen 65535, so nothing is cut in practice).
 */
import { AlibiError } from '../errors';
import { PacketRecord } from '../capture/record';
import { LinkType } from '../capture/linktypes';

/** Why a live capture could not start: `unavailable` (cap not installed or not built), `permission`, `device`, `filter`. */
export type LiveCaptureReason = 'unavailable' | 'permission' | 'device' | 'filter' | 'other';

/** Live capture could not start. `reason` says what the user can do about it. */
export class LiveCaptureError extends AlibiError {
  constructor(message: string, readonly reason: LiveCaptureReason, options?: { cause?: unknown }) {
    super(message, {}, options);
  }
  override get code() { return `live_capture_${this.reason}`; }
  override describe(): string { return this.message; }
}

/** The parts of the `cap` binding used here. */
interface CapModule {
  Cap: {
    new (): CapHandle;
    deviceList(): { name: string; addresses?: { addr: string }[] }[];
  };
}
interface CapHandle {
  open(device: string, filter: string, bufSize: number, buffer: Buffer): string;
  close(): void;
  on(ev: 'packet', fn: (nbytes: number, truncated: boolean) => void): void;
  removeAllListeners(): void;
}

let loaded: CapModule | null = null;
let loadError: unknown = null;

/**
 * Loads `cap`; throws {@link LiveCaptureError} (`unavailable`) when it is missing or not built.
 * @example
 * liveCaptureAvailable() //=> true where `cap` was built against libpcap-dev
 */
export function loadCap(): CapModule {
  if (loaded) return loaded;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require('cap') as CapModule;
    return loaded;
  } catch (e) {
    loadError = e;
    const detail = (e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' ? 'it is not installed or was not built' : (e as Error).message;
    throw new LiveCaptureError(
      `live capture needs the optional "cap" package (libpcap binding), and ${detail}: install libpcap-dev (Debian/Ubuntu) or libpcap-devel, then run "npm rebuild cap"`,
      'unavailable',
      { cause: e },
    );
  }
}

/** Whether `cap` loads here (no privileges are checked). */
export function liveCaptureAvailable(): boolean {
  if (loaded) return true;
  if (loadError) return false;
  try {
    loadCap();
    return true;
  } catch {
    return false;
  }
}

const LINK: Record<string, number> = { ETHERNET: LinkType.ETHERNET, RAW: LinkType.RAW, LINKTYPE_LINUX_SLL: LinkType.LINUX_SLL, NULL: LinkType.NULL };

export interface LiveSourceOptions {
  /** Interface name (`eth0`, `veth0`, `any`). */
  iface: string;
  /** BPF filter (pcap-filter(7)); empty = everything. */
  filter?: string;
  /** Kernel buffer size, bytes (default 16 MiB). */
  bufferSize?: number;
  /** Epoch seconds now (float). Default: the wall clock. */
  now?: () => number;
}

/** A packet handler: the record is reused; copy what you keep. */
export type PacketHandler = (rec: PacketRecord) => void;

/**
 * A live capture on one interface.
 *
 * Creation: `new LiveSource(opts)`, then `start(onPacket)`. Output: packets to the handler,
 * `packets`. Transformation: `stop()`.
 * @example
 * const src = new LiveSource({ iface: 'eth0', filter: 'tcp port 443' });
 * src.start((p) => pass.packet(p));
 * src.linkType //=> 1 (Ethernet)
 */
export class LiveSource {
  private handle: CapHandle | null = null;
  private readonly buf = Buffer.alloc(65536);
  private readonly rec = new PacketRecord();
  linkType = 0;
  packets = 0;
  truncated = 0;

  constructor(private readonly opts: LiveSourceOptions) {}

  start(onPacket: PacketHandler): void {
    const cap = loadCap();
    const { iface } = this.opts;
    const names = (() => { try { return cap.Cap.deviceList().map((d) => d.name); } catch { return []; } })();
    if (names.length && !names.includes(iface)) {
      throw new LiveCaptureError(`no interface "${iface}" to capture on (this machine has: ${names.join(', ')})`, 'device');
    }
    const h = new cap.Cap();
    let lt: string;
    try {
      lt = h.open(iface, this.opts.filter ?? '', this.opts.bufferSize ?? 16 << 20, this.buf);
    } catch (e) {
      throw classify(e, iface, this.opts.filter ?? '');
    }
    const link = LINK[lt];
    if (link === undefined) {
      h.close();
      throw new LiveCaptureError(`interface ${iface} has a link type the live capture cannot decode: ${lt}`, 'device');
    }
    this.linkType = link;
    const now = this.opts.now ?? (() => Date.now() / 1000);
    const rec = this.rec;
    rec.linkType = link;
    rec.bytes = this.buf;
    rec.offset = 0;
    rec.tsRes = 1e6;
    h.on('packet', (n, trunc) => {
      const t = now();
      const sec = Math.floor(t);
      rec.index = this.packets++;
      rec.tsSec = sec;
      rec.tsFrac = Math.min(999_999, Math.round((t - sec) * 1e6));
      rec.capLen = n;
      rec.origLen = n;
      if (trunc) this.truncated++;
      onPacket(rec);
    });
    this.handle = h;
  }

  stop(): void {
    const h = this.handle;
    this.handle = null;
    if (!h) return;
    h.removeAllListeners();
    try { h.close(); } catch { /* already closed */ }
  }
}

function classify(e: unknown, iface: string, filter: string): LiveCaptureError {
  const msg = (e as Error)?.message ?? String(e);
  if (/permission|not permitted|EPERM|EACCES/i.test(msg)) {
    return new LiveCaptureError(
      `capturing on ${iface} needs privileges this process lacks (${msg}): run as root, or give node the capture capabilities: sudo setcap cap_net_raw,cap_net_admin=eip "$(readlink -f "$(command -v node)")"`,
      'permission', { cause: e },
    );
  }
  if (filter && /syntax|filter|parse|illegal|unknown (host|port|protocol|network)|expression/i.test(msg)) {
    return new LiveCaptureError(`bad capture filter "${filter}": ${msg}`, 'filter', { cause: e });
  }
  if (/no such device|doesn't exist|not up|SIOCGIFHWADDR/i.test(msg)) {
    return new LiveCaptureError(`cannot capture on ${iface}: ${msg}`, 'device', { cause: e });
  }
  return new LiveCaptureError(`cannot capture on ${iface}: ${msg}`, 'other', { cause: e });
}
