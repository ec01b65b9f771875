/**
 * @module errors
 * Typed errors and per-item issues. File-level damage is a typed error that carries where it
 * happened (file, byte offset or line, packet index); per-packet/per-line oddities are counted
 * issues, never exceptions on the hot path.
 */

/** Where a problem was found. Every field is optional: a Buffer input has no file name. */
export interface Where {
  file?: string;
  /** Byte offset in the input where the damaged record/block starts. */
  offset?: number;
  /** 0-based index of the packet that could not be read (= packets read before it). */
  packet?: number;
  /** 1-based line number (logs). */
  line?: number;
}

/** Base class of every error this library throws. */
export class AlibiError extends Error {
  readonly file?: string;
  readonly offset?: number;
  readonly packet?: number;
  readonly line?: number;
  constructor(message: string, where: Where = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.file = where.file;
    this.offset = where.offset;
    this.packet = where.packet;
    this.line = where.line;
  }
  /** `file: offset 1234 (packet 17): message` — one line for a CLI. */
  describe(): string {
    const at: string[] = [];
    if (this.offset !== undefined) at.push(`offset ${this.offset}`);
    if (this.line !== undefined) at.push(`line ${this.line}`);
    if (this.packet !== undefined) at.push(`packet ${this.packet}`);
    return `${this.file ?? '<input>'}${at.length ? ': ' + at.join(', ') : ''}: ${this.message}`;
  }
  /** The SPEC.md `warnings` entry for this error. */
  toWarning(): Warning {
    const w: Warning = { file: this.file ?? null, reason: this.message, code: this.code };
    if (this.line !== undefined) w.line = this.line;
    else {
      w.offset = this.offset ?? null;
      w.packet = this.packet ?? null;
    }
    return w;
  }
  get code(): string {
    return 'error';
  }
}

/** Bad command-line or API arguments (exit code 2). */
export class ArgumentError extends AlibiError {
  override get code() { return 'bad_argument'; }
}

/** The input is not a capture we know (bad magic), or its header is unusable. */
export class UnknownFormatError extends AlibiError {
  override get code() { return 'unknown_format'; }
}
/** A format version we do not read (pcap major 1, pcapng SHB 0.1, …). */
export class UnsupportedVersionError extends AlibiError {
  override get code() { return 'unsupported_version'; }
}
/** The capture ends in the middle of a record or block. */
export class TruncatedCaptureError extends AlibiError {
  override get code() { return 'truncated'; }
}
/** A length field that cannot be right (larger than the file, block, or any sane limit). */
export class BadLengthError extends AlibiError {
  override get code() { return 'bad_length'; }
}
/** A structurally invalid record or block (mismatched lengths, bad interface id, reserved bits). */
export class MalformedRecordError extends AlibiError {
  override get code() { return 'malformed'; }
}
/** Compressed input (a gzip capture) whose compressed data is damaged. */
export class CompressedDataError extends AlibiError {
  override get code() { return 'bad_compressed_data'; }
}
/** A log that cannot be read at all (unreadable file, bad gzip). */
export class LogFormatError extends AlibiError {
  override get code() { return 'log_format'; }
}
/** I/O failure on an input. */
export class InputError extends AlibiError {
  override get code() { return 'input'; }
}
/** The flow table's memory could not grow (its 4 GiB address space, or the machine, is full). */
export class MemoryLimitError extends AlibiError {
  override get code() { return 'out_of_memory'; }
}

/** An error as plain data, to cross a thread boundary (`errorFromData` rebuilds it). */
export interface ErrorData {
  name: string;
  message: string;
  file?: string;
  offset?: number;
  packet?: number;
  line?: number;
}

export function errorData(e: unknown): ErrorData {
  if (e instanceof AlibiError) return { name: e.name, message: e.message, file: e.file, offset: e.offset, packet: e.packet, line: e.line };
  return { name: 'Error', message: (e as Error)?.message ?? String(e) };
}

const ERROR_CLASSES: Record<string, new (m: string, w?: Where) => AlibiError> = {
  AlibiError, ArgumentError, UnknownFormatError, UnsupportedVersionError, TruncatedCaptureError,
  BadLengthError, MalformedRecordError, CompressedDataError, LogFormatError, InputError, MemoryLimitError,
};

/** The typed error of the same class, message and place (an unknown class: AlibiError). */
export function errorFromData(d: ErrorData): AlibiError {
  const C = ERROR_CLASSES[d.name] ?? AlibiError;
  const where: Where = {};
  if (d.file !== undefined) where.file = d.file;
  if (d.offset !== undefined) where.offset = d.offset;
  if (d.packet !== undefined) where.packet = d.packet;
  if (d.line !== undefined) where.line = d.line;
  const msg = d.name in ERROR_CLASSES ? d.message : `${d.name}: ${d.message}`;
  return new C(msg, where);
}

/** A capture-level error class (all are AlibiErrors). */
export type CaptureError =
  | UnknownFormatError
  | UnsupportedVersionError
  | TruncatedCaptureError
  | BadLengthError
  | MalformedRecordError
  | CompressedDataError;

/** The SPEC.md warnings entry: `{file, offset, packet, reason}` or `{file, line, reason}`. */
export interface Warning {
  file: string | null;
  offset?: number | null;
  packet?: number | null;
  line?: number;
  reason: string;
  /** Stable snake_case code of the problem kind. */
  code: string;
  /** For resynchronisation: the byte range skipped [offset, skippedTo). */
  skippedTo?: number;
}
