/**
 * @module capture/file
 * Captures by path and by Node stream: the readers of capture/reader over a file descriptor
 * (positional reads, constant memory) or a Readable. Node-only; `pcap-alibi/node` exports them.
 */
import * as fs from 'node:fs';
import { InputError } from '../errors';
import { AsyncCaptureReader, CaptureReader, ReaderOptions, SyncByteSource, WindowOptions } from './reader';

/** A positional source over a file descriptor: constant memory whatever the file size. */
export function fileSource(path: string): SyncByteSource {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch (e) {
    throw new InputError(`cannot open: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: path }, { cause: e });
  }
  const st = fs.fstatSync(fd);
  if (st.isDirectory()) {
    // open() succeeds on a folder; the first read would fail with EISDIR.
    fs.closeSync(fd);
    throw new InputError('is a folder, not a capture (give the files in it, or a glob for a rotated set)', { file: path });
  }
  let closed = false;
  return {
    size: st.isFile() ? st.size : undefined,
    read(into, at, length, position) {
      if (closed) return 0;
      return fs.readSync(fd, into, at, length, st.isFile() ? position : null);
    },
    close() {
      if (!closed) {
        closed = true;
        fs.closeSync(fd);
      }
    },
  };
}

/**
 * Opens a capture file for sync reading in 1 MiB chunks. A gzip-compressed file (`.pcap.gz`,
 * `tcpdump -z gzip`) is inflated as it is read; offsets in its warnings are in the inflated
 * capture.
 * @example
 * const r = openCapture('captures/healthy/server.pcap');
 * for (const p of r) total += p.origLen;
 */
export function openCapture(path: string, opts: ReaderOptions & WindowOptions = {}): CaptureReader {
  return new CaptureReader(fileSource(path), { file: path, ...opts });
}

/** Opens a capture from a Node Readable (e.g. `process.stdin`) for async iteration. */
export function openCaptureStream(stream: NodeJS.ReadableStream, opts: ReaderOptions = {}): AsyncCaptureReader {
  return new AsyncCaptureReader(stream as AsyncIterable<Uint8Array>, { file: opts.file ?? '-', ...opts });
}
