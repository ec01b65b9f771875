/**
 * @module decode/appstart
 * Cheap protocol facts from the first bytes of a TCP payload, shared by the flow records and the
 * series: a TLS handshake record's type, and an HTTP request or status line. Callers check that
 * at least 6 payload bytes were captured.
 */

/** TLS handshake type (1 ClientHello, 2 ServerHello, …) if the payload starts a TLS handshake record (22, version 3.x), else 0. */
export function tlsHandshakeType(b: Uint8Array, p: number): number {
  return b[p] === 22 && b[p + 1] === 3 ? b[p + 5] : 0;
}

/** GET, POST, PUT, PATCH, HEAD, DELETE or OPTIONS at the start of the payload. */
export function isHttpRequestStart(b: Uint8Array, p: number): boolean {
  switch (b[p]) {
    case 0x47: return b[p + 1] === 0x45 && b[p + 2] === 0x54 && b[p + 3] === 0x20; // GET
    case 0x50: return (b[p + 1] === 0x4f && b[p + 2] === 0x53 && b[p + 3] === 0x54) || (b[p + 1] === 0x55 && b[p + 2] === 0x54 && b[p + 3] === 0x20) || (b[p + 1] === 0x41 && b[p + 2] === 0x54); // POST PUT PATCH
    case 0x48: return b[p + 1] === 0x45 && b[p + 2] === 0x41 && b[p + 3] === 0x44; // HEAD
    case 0x44: return b[p + 1] === 0x45 && b[p + 2] === 0x4c; // DELETE
    case 0x4f: return b[p + 1] === 0x50 && b[p + 2] === 0x54; // OPTIONS
  }
  return false;
}

/** "HTTP/" at the start of the payload (a response status line). */
export function isHttpResponseStart(b: Uint8Array, p: number): boolean {
  return b[p] === 0x48 && b[p + 1] === 0x54 && b[p + 2] === 0x54 && b[p + 3] === 0x50 && b[p + 4] === 0x2f;
}
