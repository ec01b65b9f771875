/**
 * Flows against Wireshark on the public corpus: per address/port pair, frames and bytes each way
 * equal tshark's `-z conv,tcp` rows; RST frames, retransmissions and zero windows equal tshark's
 * counts (manifest.json).
 */
import { corpusPath, describeCorpus, HAVE_CORPUS, manifest, ManifestFile } from '../helpers/corpus';
import { flowsOf } from '../helpers/flows';

/**
 * Where we count a frame tshark leaves out of its conversation table. tshark adds a frame to the
 * table only when dissection completes; these frames end in a dissector exception, yet their TCP
 * headers are intact and Zeek counts them too.
 */
const TSHARK_DROPS: Record<string, { pair: string; extraFrames: number; why: string }> = {
  'zeek__truncated-header.pcap': {
    pair: '128.3.26.249:25 201.186.157.67:60827',
    extraFrames: 1,
    why: 'frame 1 (the SYN) has a malformed TCP option ("option length should be 10"); tshark aborts before its conversation tap',
  },
  'tcpdump__beep-oobr.pcap': {
    pair: '3030:3030:3030:3030:3030:3030:3030:3030:10288 3030:3030:3030:3030:3030:3030:3030:3030:12336',
    extraFrames: 1,
    why: 'frame 2: the BEEP dissector throws (the out-of-bounds read this file was made to test); its TCP header is intact',
  },
};

const files = HAVE_CORPUS ? manifest().filter((f) => !f.bad_input) : [];

function aggregate(f: ManifestFile) {
  const res = flowsOf(corpusPath(f.file));
  const pairs = new Map<string, Map<string, { frames: number; bytes: number }>>();
  const add = (key: string, from: string, frames: number, bytes: number) => {
    let m = pairs.get(key);
    if (!m) pairs.set(key, (m = new Map()));
    const e = m.get(from) ?? { frames: 0, bytes: 0 };
    e.frames += frames;
    e.bytes += bytes;
    m.set(from, e);
  };
  for (const fl of res.flows) {
    const c = `${fl.client.ip}:${fl.client.port}`;
    const s = `${fl.server.ip}:${fl.server.port}`;
    const key = [c, s].sort().join(' ');
    add(key, c, fl.packets.c2s, fl.bytes.c2s);
    add(key, s, fl.packets.s2c, fl.bytes.s2c);
  }
  return { res, pairs };
}

describeCorpus('flows equal tshark conversations', () => {
  test.each(files.map((f) => [f.file, f] as const))('%s', (_n, f) => {
    const { res, pairs } = aggregate(f);
    const drop = TSHARK_DROPS[f.file];
    const rows = f.truth.tcp_conversation_rows;
    const ours = new Set(pairs.keys());
    for (const row of rows) {
      const A = `${row.addr_a}:${row.port_a}`;
      const B = `${row.addr_b}:${row.port_b}`;
      const key = [A, B].sort().join(' ');
      expect(ours.has(key)).toBe(true);
      ours.delete(key);
      const m = pairs.get(key)!;
      const extra = drop && drop.pair === key ? drop.extraFrames : 0;
      expect((m.get(A)?.frames ?? 0) + (m.get(B)?.frames ?? 0)).toBe(row.frames_a_to_b + row.frames_b_to_a + extra);
      if (!extra) {
        expect(m.get(A)?.frames ?? 0).toBe(row.frames_a_to_b);
        expect(m.get(B)?.frames ?? 0).toBe(row.frames_b_to_a);
      }
      if (row.exact_bytes_check === 'ok' && !extra) {
        expect(m.get(A)?.bytes ?? 0).toBe(row.bytes_a_to_b);
        expect(m.get(B)?.bytes ?? 0).toBe(row.bytes_b_to_a);
      }
    }
    // Conversations we found that tshark did not: only the documented ones.
    expect([...ours]).toEqual(drop && !rows.length ? [drop.pair] : []);
    const sum = (k: 'rst' | 'retransmissions' | 'zeroWindows') => res.flows.reduce((s, x) => s + x[k].c2s + x[k].s2c, 0);
    expect(sum('rst')).toBe(f.truth.frames_tcp_rst);
    expect(sum('retransmissions')).toBe(Number(f.truth.extra.retransmission_frames ?? 0));
    expect(sum('zeroWindows')).toBe(Number(f.truth.extra.zero_window_frames ?? 0));
    const syns = res.flows.reduce((s, x) => s + x.syn.c2s + x.syn.s2c, 0);
    expect(syns).toBe(f.truth.frames_tcp_syn_only);
  });
});
