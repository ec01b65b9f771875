/**
 * @module capture/source
 * Where a sync reader's bytes come from: a positional source (a file, an inflating gzip stream,
 * bytes in memory) and how it can end early.
 */

/** Positional sync reads: `read(into, at, length, position)` returns bytes read (0 at EOF). */
export interface SyncByteSource {
  readonly size?: number;
  read(into: Uint8Array, at: number, length: number, position: number): number;
  close?(): void;
  /** Bytes taken from the underlying file and its size, when they differ from the bytes served (compressed input): for progress. */
  readonly consumed?: number;
  readonly inputSize?: number;
  /** Why the source ended early, once it has (a cut or damaged gzip stream); then null. */
  takeDamage?(): SourceDamage | null;
}

/** A source that ended early: the capture ends where its bytes stop. */
export interface SourceDamage {
  /** Cut off (the rest is missing) rather than damaged. */
  cutOff: boolean;
  reason: string;
}
