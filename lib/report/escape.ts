/**
 * @module report/escape
 * Text from an input (a pcapng interface name, a file name, a log line) on its way to a terminal:
 * control characters and bidirectional overrides become visible escapes, so an `ESC ] 0 ;` in a
 * capture's interface name cannot retitle the window or clear the screen, and a right-to-left
 * override cannot make `gpj.exe` read as `exe.jpg`.
 */

// C0 and C1 controls, DEL, and the Unicode bidi embeddings, overrides, isolates and marks.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `s` with every control character as `\xNN` and every bidi control as `\u{NNNN}`.
 * @example forTerminal('eth\u001b]0;PWNED\u0007') //=> 'eth\\x1b]0;PWNED\\x07'
 */
export function forTerminal(s: string): string {
  return s.replace(UNSAFE, (c) => {
    const n = c.charCodeAt(0);
    return n < 0x100 ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u{${n.toString(16).padStart(4, '0')}}`;
  });
}

/** Text of several lines for a terminal: each line as `forTerminal` makes it, the newlines kept. */
export function forTerminalLines(s: string): string {
  return s.split('\n').map(forTerminal).join('\n');
}

// eslint-disable-next-line no-control-regex
const BIDI = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `s` with the bidi embeddings, overrides, isolates and marks shown as `\u{NNNN}`: for a page,
 * where they cannot move the cursor but can still make `gpj.exe` read as `exe.jpg`. Right-to-left
 * letters stay as they are (a name in Hebrew or Arabic is a name); the page isolates each name in
 * `<bdi>` so it cannot reorder the text around it.
 */
export function showBidi(s: string): string {
  return s.replace(BIDI, (c) => `\\u{${c.charCodeAt(0).toString(16).padStart(4, '0')}}`);
}
