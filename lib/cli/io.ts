/**
 * @module cli/io
 * Where a command writes: stdout (with back-pressure), stderr, and whether stderr is a terminal.
 */

export interface CliIo {
  /** Writes to stdout; false (as a stream's `write`) asks the writer to wait for `drained`. */
  stdout(text: string): void | boolean;
  /** Writes UTF-8 bytes to stdout, as `stdout` (where absent, they are decoded and given to `stdout`). */
  stdoutBytes?(bytes: Uint8Array): void | boolean;
  /** Resolves when stdout, having returned false, can take more (a pipe that is read slowly). */
  drained?(): Promise<void>;
  stderr(text: string): void;
  /** Whether stderr is a TTY (progress bars only then). */
  isTTY?: boolean;
  stdin?: NodeJS.ReadableStream;
}
