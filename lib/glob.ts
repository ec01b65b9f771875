/**
 * @module glob
 * Path patterns as tcpdump rotations and log sets need them, with no file system: whether a
 * segment is a pattern, one segment as a RegExp, and natural order (`fw.pcap2` before
 * `fw.pcap10`). Shared by capture sets and the config's file lists.
 */

const MAGIC = /[*?[]/;

/** Whether a path segment is a pattern. */
export function hasMagic(s: string): boolean {
  return MAGIC.test(s);
}

/**
 * Natural order: digit runs compare as numbers.
 * @example ['a10', 'a2', 'a1'].sort(naturalCompare) //=> ['a1', 'a2', 'a10']
 */
export function naturalCompare(a: string, b: string): number {
  const ra = a.split(/(\d+)/);
  const rb = b.split(/(\d+)/);
  for (let i = 0; i < Math.min(ra.length, rb.length); i++) {
    if (ra[i] === rb[i]) continue;
    if (i % 2 === 1) {
      const d = Number(ra[i]) - Number(rb[i]);
      if (d !== 0) return d;
    }
    return ra[i] < rb[i] ? -1 : 1;
  }
  return ra.length - rb.length;
}

/**
 * One path segment's pattern as a RegExp: `*` any run, `?` one character, `[abc]`/`[a-z]`/
 * `[!abc]` a class; the rest literal. Neither `*` nor `?` crosses a `/`.
 * @example segmentRegExp('fw*.pcap?').test('fw-1.pcap0') //=> true
 */
export function segmentRegExp(seg: string): RegExp {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = seg.indexOf(']', i + 2);
      if (end < 0) {
        re += '\\[';
        continue;
      }
      let body = seg.slice(i + 1, end);
      const negate = body[0] === '!' || body[0] === '^';
      if (negate) body = body.slice(1);
      re += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = end;
    } else re += c.replace(/[.+^${}()|\\/\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
