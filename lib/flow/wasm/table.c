/*
 * The flow table's packet path in WebAssembly: lookup (one-entry cache, open addressing),
 * creation, LRU idle expiry and eviction, and the per-segment update of a flow record (counters,
 * Zeek history/states/retransmissions, Wireshark retransmission and zero-window analysis,
 * handshake RTT, TLS/HTTP starts), and the interval series when one attaches. Built by
 * `npm run build:wasm` (clang --target=wasm32) into table-wasm.ts; flow.ts reads the same
 * records through typed-array views.
 *
 * Why WebAssembly: the same logic in TypeScript took 1.5-2.2 s for the 6.37 M packets of the
 * benchmark capture (V8 code bound by the instructions it runs: bounds and type checks around
 * every typed-array access), and this takes 0.5-0.9 s (bench/RESULTS.md).
 *
 * The record layout is the one flow.ts names (F, DF, I, DI): change both together. Zeek's
 * definitions are transcribed from its TCPSessionAdapter (UpdateStateMachine, update_history,
 * update_window, DidRxmit) and Wireshark's from packet-tcp.c's sequence analysis; state.ts has
 * the conn_state mapping that reads the endpoint states written here.
 */
typedef int i32;
typedef unsigned int u32;
typedef unsigned char u8;

#define FIN 0x01
#define SYN 0x02
#define RST 0x04
#define ACK 0x10

enum { INACTIVE, SYN_SENT, SYN_ACK_SENT, PARTIAL, ESTABLISHED, CLOSED, RESET };
/* Float64 fields (flow.ts F). */
enum { F_START_SEC, F_START_FRAC, F_START_T, F_END_SEC, F_END_FRAC, F_END_T, F_SYN_T, F_RTT, F_LAST_BIN,
       F_C2S, F_S2C = 13, F_WAITING = 17, F_COUNT = 18 };
enum { DF_BYTES, DF_PAYLOAD, DF_LAST_ADVANCE, DF_LAST_ACK_T };
/* Int32 fields (flow.ts I). */
enum { I_ID, I_HASH, I_BITS, I_STATES, I_HIST_SEEN, I_PORTS, I_C0, I_S0, I_RES, I_HIST_LEN, I_HIST,
       I_C2S = 14, I_S2C = 33, I_PREV = 52, I_NEXT = 53, I_COUNT = 54 };
enum { DI_PACKETS, DI_SYN, DI_SYN_ACK, DI_FIN, DI_RST, DI_RETRANS, DI_ZERO_WIN, DI_NEXT_SEQ, DI_LAST_ACK,
       DI_BITS, DI_LAST_WIN, DI_H_SYN, DI_H_FIN, DI_H_RST, DI_ZEEK_LAST_SEQ, DI_RXMIT, DI_ZW, DI_TLS, DI_HTTP };
enum { FB_V6 = 1, FB_CLOSED = 2, FB_SYNACK_SEEN = 4 };
enum { DB_NEXT_VALID = 1, DB_ACK_VALID = 2, DB_ZEEK_VALID = 4, DB_H_SYN_VALID = 8, DB_H_FIN_VALID = 16, DB_H_RST_VALID = 32 };

#define STRIDE_F64 (F_COUNT + I_COUNT / 2)
#define RECORD_BYTES (STRIDE_F64 * 8)
#define CHUNK_SHIFT 12
#define CHUNK (1 << CHUNK_SHIFT)
#define CHUNK_MASK (CHUNK - 1)
#define MAX_CHUNKS 4096
#define V6_WORDS 6
#define MAX_HISTORY 64
#define HIST_INLINE 16

/*
 * Imports: a finished flow (before its record is freed), a history letter beyond HIST_INLINE,
 * and the first packet of a series with no grid yet (JS makes the grid and calls seriesGrid).
 */
__attribute__((import_name("finished"))) void js_finished(i32 idx);
__attribute__((import_name("historyMore"))) void js_history_more(i32 idx, i32 ch);
__attribute__((import_name("seriesStart"))) void js_series_start(double sec, double ns);
/* Memory could not grow by `bytes` (JS throws a typed error: this does not return). */
__attribute__((import_name("outOfMemory"))) void js_out_of_memory(double bytes);

extern u8 __heap_base;
static u32 heapTop;

/*
 * Bump allocation: memory only grows with the flow table (chunks, slot arrays, series rows) and
 * is never freed. Sizes are 64-bit here: a request past the 4 GiB address space must fail, not
 * wrap around.
 */
static u8 *bump(unsigned long long bytes) {
  unsigned long long at = (heapTop + 15) & ~15ull;
  unsigned long long end = at + bytes;
  unsigned long long have = (unsigned long long)__builtin_wasm_memory_size(0) << 16;
  if (end > have) {
    unsigned long long pages = (end - have + 0xffff) >> 16;
    if (end > 0xffffffffull || __builtin_wasm_memory_grow(0, (unsigned long)pages) == (unsigned long)-1) {
      js_out_of_memory((double)bytes);
      __builtin_trap();
    }
  }
  heapTop = (u32)end;
  return (u8 *)(u32)at;
}

static u8 *chunks[MAX_CHUNKS];
static i32 *v6chunks[MAX_CHUNKS];
static i32 nchunks, nextIdx, freeHead = -1;
static u32 *slots;
static u32 mask;
static i32 count, head = -1, tail = -1, started, maxFlows, evictedSpace, evictedIdle;
static double clockT, idleTimeout;
static i32 cached = -1, cachedV4, cC0, cS0, cCP, cSP;

/* The segment being applied: IPv6 address words 1-3 of source and destination, written by JS. */
static i32 segV6[6];
/* Timestamp resolution of each code (decode/handoff.ts RES), written by JS at setup. */
static double resOf[256];
/* Handoff units (decode/handoff.ts UnitWriter.put) copied in by JS, one slot at a time. */
static i32 *unitArea;
static u32 unitWords;
/* What the last add did (read by JS): bit 0 isOrig, 1 isNew, 2 retrans, 3 zeroWin, 4-6 app. */

static inline double *recF(i32 idx) { return (double *)(chunks[idx >> CHUNK_SHIFT] + (u32)(idx & CHUNK_MASK) * RECORD_BYTES); }
static inline i32 *recI(i32 idx) { return (i32 *)(recF(idx) + F_COUNT); }

static inline u32 mix(u32 h) {
  h = (h ^ (h >> 16)) * 0x85ebca6bu;
  h = (h ^ (h >> 13)) * 0xc2b2ae35u;
  return h ^ (h >> 16);
}
/* Zeek scales 'T' and 'W' history marks: recorded at counts 1, 10, 100, ... */
static inline int isPow10(i32 n) {
  while (n >= 10 && n % 10 == 0) n /= 10;
  return n == 1;
}
/* Sequence comparisons modulo 2^32 (RFC 1982). */
static inline int seqLt(u32 a, u32 b) { return (i32)(a - b) < 0; }
static inline int seqGt(u32 a, u32 b) { return (i32)(a - b) > 0; }

/*
 * Both endpoints' Zeek states packed in one int (state.ts PackedStates): bits 0-3 originator,
 * 4-7 its previous state, 8-11 responder, 12-15 its previous. SetState keeps the old state as
 * the previous one; setting the same state is a no-op.
 */
static inline i32 setState(i32 st, int sh, int s) {
  int cur = (st >> sh) & 15;
  if (s == cur) return st;
  return (st & ~(0xff << sh)) | (s << sh) | (cur << (sh + 4));
}
/* Zeek's UpdateStateMachine for one segment (UpdateInactiveState, UpdateSYN_SentState, ...). */
static i32 stepStates(i32 st, int isOrig, int flags, int len) {
  int e = isOrig ? 0 : 8, p = isOrig ? 8 : 0;
  switch ((st >> e) & 15) {
  case INACTIVE:
    if (flags & SYN) {
      if (isOrig) st = setState(st, e, flags & ACK ? SYN_ACK_SENT : SYN_SENT);
      else {
        if (((st >> p) & 15) == SYN_SENT) st = setState(st, p, ESTABLISHED);
        st = setState(st, e, ESTABLISHED);
      }
    }
    if (flags & FIN) st = setState(st, e, CLOSED);
    if (flags & RST) st = setState(st, e, RESET);
    if (((st >> e) & 15) == INACTIVE) {
      if (!isOrig && len == 0 && (st & 15) == SYN_SENT) {
        /* An ACK of the SYN before the SYN-ACK: not a partial connection (Zeek's comment). */
      } else if ((flags & ACK) && ((st >> p) & 15) == ESTABLISHED) st = setState(st, e, ESTABLISHED);
      else st = setState(st, e, PARTIAL);
    }
    return st;
  case SYN_SENT:
  case SYN_ACK_SENT:
    if (flags & FIN) st = setState(st, e, CLOSED);
    if (flags & RST) st = setState(st, e, RESET);
    return st;
  case ESTABLISHED:
  case PARTIAL:
    if ((flags & SYN) && ((st >> e) & 15) == PARTIAL && ((st >> p) & 15) == INACTIVE && !(flags & ACK)) st = setState(st, e, SYN_SENT);
    if ((flags & FIN) && !(flags & RST)) {
      st = setState(st, e, CLOSED);
      /* The peer sent a FIN followed by a RST: that was a normal termination. */
      if (((st >> p) & 15) == RESET && ((st >> (p + 4)) & 15) == CLOSED) st = setState(st, p, CLOSED);
    }
    if (flags & RST) st = setState(st, e, RESET);
    return st;
  case CLOSED:
    if ((flags & RST) && ((st >> p) & 15) != CLOSED) st = setState(st, e, RESET);
    return st;
  }
  return st;
}

/* Appends a history letter: uppercase for the originator, lowercase for the responder. */
static void addHistory(i32 idx, i32 *N, int isOrig, int code) {
  i32 len = N[I_HIST_LEN];
  if (len >= MAX_HISTORY) return;
  int ch = isOrig ? code : code | 0x20;
  if (len < HIST_INLINE) ((u8 *)(N + I_HIST))[len] = (u8)ch;
  else js_history_more(idx, ch);
  N[I_HIST_LEN] = len + 1;
}
/* Zeek's CheckHistory: records `code` the first time `mask_` is seen; true if seen before. */
static int checkHistory(i32 idx, i32 *N, int isOrig, i32 mask_, int code) {
  i32 m = isOrig ? mask_ : mask_ << 16;
  i32 seen = N[I_HIST_SEEN];
  if ((seen & m) == 0) {
    N[I_HIST_SEEN] = seen | m;
    addHistory(idx, N, isOrig, code);
    return 0;
  }
  return 1;
}

/* Applies one segment to flow `idx` at time t; returns bits 2-6 of add's answer. */
static i32 update(i32 idx, double t, int isOrig, int flags, int len, u32 seq, u32 ack, int win, double wireLen, int cap, u32 pay0, u32 pay1) {
  double *D = recF(idx);
  i32 *N = (i32 *)(D + F_COUNT);
  i32 *d = N + (isOrig ? I_C2S : I_S2C);
  i32 *o = N + (isOrig ? I_S2C : I_C2S);
  double *df = D + (isOrig ? F_C2S : F_S2C);
  double *of = D + (isOrig ? F_S2C : F_C2S);
  i32 out = 0;
  d[DI_PACKETS]++;
  df[DF_BYTES] += wireLen;
  df[DF_PAYLOAD] += len;
  if (flags & SYN) {
    if (flags & ACK) d[DI_SYN_ACK]++;
    else d[DI_SYN]++;
  }
  if (flags & FIN) d[DI_FIN]++;
  if (flags & RST) d[DI_RST]++;
  i32 db = d[DI_BITS];

  /* --- Zeek history (update_history) --- */
  int bits = ((flags & SYN) != 0) + ((flags & FIN) != 0) + ((flags & RST) != 0);
  if (bits > 1) {
    if ((flags & FIN) && (flags & RST)) checkHistory(idx, N, isOrig, 0x40, 'I');
    else checkHistory(idx, N, isOrig, 0x80, 'Q');
  } else if (bits == 1) {
    if (flags & SYN) {
      int code = flags & ACK ? 'H' : 'S';
      if (checkHistory(idx, N, isOrig, 0x1, code) && !((db & DB_H_SYN_VALID) && seq == (u32)d[DI_H_SYN])) addHistory(idx, N, isOrig, code);
      d[DI_H_SYN] = seq;
      db |= DB_H_SYN_VALID;
    }
    if (flags & FIN) {
      u32 fs = seq + len;
      if (checkHistory(idx, N, isOrig, 0x2, 'F') && !((db & DB_H_FIN_VALID) && fs == (u32)d[DI_H_FIN])) addHistory(idx, N, isOrig, 'F');
      d[DI_H_FIN] = fs;
      db |= DB_H_FIN_VALID;
    }
    if (flags & RST) {
      if (checkHistory(idx, N, isOrig, 0x4, 'R') && !((db & DB_H_RST_VALID) && seq == (u32)d[DI_H_RST])) addHistory(idx, N, isOrig, 'R');
      d[DI_H_RST] = seq;
      db |= DB_H_RST_VALID;
    }
  } else if (len) {
    checkHistory(idx, N, isOrig, 0x10, 'D');
  } else if (flags & ACK) {
    checkHistory(idx, N, isOrig, 0x20, 'A');
  }

  /* --- Zeek zero window (update_window), scaled history 'W' --- */
  i32 states = N[I_STATES];
  int epState = (states >> (isOrig ? 0 : 8)) & 15;
  int peerState = (states >> (isOrig ? 8 : 0)) & 15;
  if (win == 0 && !(flags & RST) && peerState != CLOSED && epState != RESET) {
    i32 n = ++d[DI_ZW];
    if (isPow10(n)) addHistory(idx, N, isOrig, 'W');
  }

  /* --- Zeek retransmission (update_last_seq / DidRxmit), scaled history 'T' --- */
  int segLen = len + ((flags & SYN) ? 1 : 0) + ((flags & FIN) ? 1 : 0) - ((flags & RST) ? len : 0);
  u32 lastSeq = seq + segLen;
  if (!(db & DB_ZEEK_VALID) || (flags & SYN)) {
    d[DI_ZEEK_LAST_SEQ] = lastSeq;
    db |= DB_ZEEK_VALID;
  } else if (epState != RESET) {
    i32 delta = (i32)(lastSeq - (u32)d[DI_ZEEK_LAST_SEQ]);
    if ((flags & (SYN | RST)) && (delta > 1048576 || delta < -1048576)) {
      /* Untrusted jump on SYN/RST. */
    } else if (delta > 0) d[DI_ZEEK_LAST_SEQ] = lastSeq;
    else if (len > 0 && !(flags & RST)) {
      i32 n = ++d[DI_RXMIT];
      if (isPow10(n)) addHistory(idx, N, isOrig, 'T');
    }
  }

  /* --- Wireshark sequence analysis: retransmission and zero-window frames --- */
  if (!(flags & RST)) {
    int wsLen = len + ((flags & (SYN | FIN)) ? 1 : 0);
    int nextValid = (db & DB_NEXT_VALID) != 0;
    u32 nextSeq = d[DI_NEXT_SEQ];
    int keepAlive = len <= 1 && !(flags & (SYN | FIN)) && nextValid && seq == nextSeq - 1;
    int retrans = 0;
    i32 ob = o[DI_BITS];
    if (!keepAlive && wsLen > 0 && nextValid && seqLt(seq, nextSeq)) {
      if (((u32)ob >> 8) >= 2 && (u32)o[DI_LAST_ACK] == seq && t - of[DF_LAST_ACK_T] < 0.02) {
        retrans = 1; /* fast retransmission: answers the peer's duplicate ACKs */
      } else {
        /*
         * Out of order, not retransmitted: arrives within one RTT (3 ms when unknown) of the
         * segment that advanced the sequence, and does not end where that one ended.
         */
        double rtt = D[F_RTT];
        double ooo = rtt >= 0 ? rtt : 0.003;
        int outOfOrder = t - df[DF_LAST_ADVANCE] < ooo && nextSeq != seq + wsLen;
        retrans = !outOfOrder;
      }
    }
    /* Spurious retransmission: data the peer has already acknowledged. */
    if (!retrans && len > 0 && (ob & DB_ACK_VALID) && !seqGt(seq + len, (u32)o[DI_LAST_ACK])) retrans = 1;
    if (retrans) {
      d[DI_RETRANS]++;
      out |= 4;
    }
    u32 end = seq + wsLen;
    if (!nextValid || seqGt(end, nextSeq) || (flags & SYN)) {
      if (!nextValid || seqGt(end, nextSeq)) df[DF_LAST_ADVANCE] = t;
      d[DI_NEXT_SEQ] = end;
      db |= DB_NEXT_VALID;
    }
    if (win == 0 && !(flags & (SYN | FIN))) {
      d[DI_ZERO_WIN]++;
      out |= 8;
    }
    if (flags & ACK) {
      if (!(db & DB_ACK_VALID) || seqGt(ack, (u32)d[DI_LAST_ACK])) {
        d[DI_LAST_ACK] = ack;
        db = (db & 0xff) | DB_ACK_VALID; /* duplicate ACKs = 0 */
        df[DF_LAST_ACK_T] = t;
      } else if (ack == (u32)d[DI_LAST_ACK] && len == 0 && !(flags & (SYN | FIN)) && win == d[DI_LAST_WIN]) {
        /* Only "at least 2" is ever asked: saturating at 255 loses nothing. */
        if (((u32)db >> 8) < 255) db += 0x100;
        df[DF_LAST_ACK_T] = t;
      }
    }
    d[DI_LAST_WIN] = win;
  }
  d[DI_BITS] = db;

  /* --- Zeek endpoint states: without SYN/FIN/RST only an inactive endpoint changes --- */
  if ((flags & (SYN | FIN | RST)) != 0 || epState == INACTIVE) N[I_STATES] = stepStates(states, isOrig, flags, len);

  /* --- Handshake RTT: first SYN to the client's first ACK after a SYN-ACK --- */
  i32 fbits = N[I_BITS];
  if (flags & SYN) {
    if (!(flags & ACK) && isOrig && D[F_SYN_T] < 0) D[F_SYN_T] = t;
    /* The SYN-ACK time is only ever compared with 0: a bit says "set and not negative". */
    else if ((flags & ACK) && !isOrig && !(fbits & FB_SYNACK_SEEN) && D[F_SYN_T] >= 0) {
      if (t >= 0) fbits |= FB_SYNACK_SEEN;
    }
  } else if (isOrig && (flags & ACK) && (fbits & FB_SYNACK_SEEN) && D[F_RTT] < 0) {
    D[F_RTT] = t - D[F_SYN_T];
  }

  /* Protocol starts on the first 6 payload bytes (pay0: bytes 0-3, pay1: bytes 4-5): a TLS handshake
     record (22, version 3.x) gives its type in byte 5; an HTTP method or "HTTP/" starts a request or a
     status line. */
  if (len > 0 && cap >= 6) {
    u32 b0 = pay0 & 0xff, b1 = (pay0 >> 8) & 0xff, b2 = (pay0 >> 16) & 0xff, b3 = pay0 >> 24;
    u32 b4 = pay1 & 0xff, b5 = (pay1 >> 8) & 0xff;
    u32 tls = b0 == 22 && b1 == 3 ? b5 : 0;
    int http;
    if (isOrig) {
      switch (b0) {
      case 0x47: http = b1 == 0x45 && b2 == 0x54 && b3 == 0x20; break;
      case 0x50: http = (b1 == 0x4f && b2 == 0x53 && b3 == 0x54) || (b1 == 0x55 && b2 == 0x54 && b3 == 0x20) || (b1 == 0x41 && b2 == 0x54); break;
      case 0x48: http = b1 == 0x45 && b2 == 0x41 && b3 == 0x44; break;
      case 0x44: http = b1 == 0x45 && b2 == 0x4c; break;
      case 0x4f: http = b1 == 0x50 && b2 == 0x54; break;
      default: http = 0;
      }
    } else http = b0 == 0x48 && b1 == 0x54 && b2 == 0x54 && b3 == 0x50 && b4 == 0x2f;
    if (tls == (isOrig ? 1u : 2u)) {
      d[DI_TLS]++;
      out |= (isOrig ? 1 : 2) << 4;
    } else if (http) {
      d[DI_HTTP]++;
      out |= (isOrig ? 3 : 4) << 4;
    }
  }

  /* FIN both ways, or a RST: a new SYN on this 5-tuple starts a new connection. */
  if (flags & RST) fbits |= FB_CLOSED;
  else if (N[I_C2S + DI_FIN] > 0 && N[I_S2C + DI_FIN] > 0) fbits |= FB_CLOSED;
  N[I_BITS] = fbits;
  return out;
}

/* Table delete with backward shift (linear probing stays tombstone-free); LRU unlink; free. */
static void finish(i32 f) {
  i32 *N = recI(f);
  i32 p = N[I_PREV], n = N[I_NEXT];
  if (p >= 0) recI(p)[I_NEXT] = n;
  else head = n;
  if (n >= 0) recI(n)[I_PREV] = p;
  else tail = p;
  u32 i = (u32)N[I_HASH] & mask;
  while (slots[i << 1] != (u32)f + 1) i = (i + 1) & mask;
  u32 j = i;
  for (;;) {
    j = (j + 1) & mask;
    u32 jid = slots[j << 1];
    if (jid == 0) break;
    u32 k = slots[(j << 1) + 1] & mask;
    if ((j > i && (k <= i || k > j)) || (j < i && k <= i && k > j)) {
      slots[i << 1] = jid;
      slots[(i << 1) + 1] = slots[(j << 1) + 1];
      i = j;
    }
  }
  slots[i << 1] = 0;
  slots[(i << 1) + 1] = 0;
  count--;
  if (cached == f) cached = -1;
  js_finished(f);
  N = recI(f); /* JS may not grow memory, but re-read anyway: the call is opaque */
  N[I_NEXT] = freeHead;
  freeHead = f;
}

static void expire(double now) {
  double limit = now - idleTimeout;
  while (head >= 0 && recF(head)[F_END_T] < limit) {
    evictedIdle++;
    finish(head);
  }
}

static void grow(void) {
  u32 *old = slots;
  u32 oldLen = (mask + 1) * 2;
  u32 cap = (mask + 1) * 2;
  slots = (u32 *)bump((unsigned long long)cap * 8);
  mask = cap - 1;
  for (u32 k = 0; k < oldLen; k += 2) {
    u32 id1 = old[k];
    if (id1 == 0) continue;
    u32 h = old[k + 1];
    u32 i = h & mask;
    while (slots[i << 1] != 0) i = (i + 1) & mask;
    slots[i << 1] = id1;
    slots[(i << 1) + 1] = h;
  }
}

static i32 alloc(void) {
  i32 idx;
  if (freeHead >= 0) {
    idx = freeHead;
    freeHead = recI(idx)[I_NEXT];
    __builtin_memset(recF(idx), 0, RECORD_BYTES);
  } else {
    idx = nextIdx++;
    if ((idx >> CHUNK_SHIFT) >= nchunks) chunks[nchunks++] = bump(CHUNK * RECORD_BYTES); /* zero from memory.grow */
  }
  double *D = recF(idx);
  i32 *N = (i32 *)(D + F_COUNT);
  D[F_SYN_T] = -1;
  D[F_RTT] = -1;
  D[F_LAST_BIN] = -0x7fffffff;
  D[F_WAITING] = -1;
  N[I_C2S + DI_LAST_WIN] = -1;
  N[I_S2C + DI_LAST_WIN] = -1;
  return idx;
}

static inline i32 hashV4(u32 s0, u32 sp, u32 d0, u32 dp) {
  return (i32)(mix(s0 ^ mix(sp + 0x9e3779b9u)) + mix(d0 ^ mix(dp + 0x9e3779b9u)));
}
static inline i32 hashV6(u32 s0, u32 sp, u32 d0, u32 dp) {
  u32 hs = mix(s0 ^ mix((u32)segV6[0] ^ mix((u32)segV6[1] ^ mix((u32)segV6[2] ^ sp))));
  u32 hd = mix(d0 ^ mix((u32)segV6[3] ^ mix((u32)segV6[4] ^ mix((u32)segV6[5] ^ dp))));
  return (i32)(hs + hd);
}

/* flow.ts FlowStore.matches: 1 src is the client, -1 src is the server, 0 no. */
static int matches(i32 idx, int v6, i32 s0, i32 d0, i32 sp, i32 dp) {
  i32 *N = recI(idx);
  if (((N[I_BITS] & FB_V6) != 0) != v6) return 0;
  i32 ports = N[I_PORTS];
  const i32 *w = v6 ? v6chunks[idx >> CHUNK_SHIFT] + (idx & CHUNK_MASK) * V6_WORDS : 0;
  if (ports == (sp | (dp << 16)) && N[I_C0] == s0 && N[I_S0] == d0) {
    if (!v6) return 1;
    if (w[0] == segV6[0] && w[1] == segV6[1] && w[2] == segV6[2] && w[3] == segV6[3] && w[4] == segV6[4] && w[5] == segV6[5]) return 1;
  }
  if (ports == (dp | (sp << 16)) && N[I_C0] == d0 && N[I_S0] == s0) {
    if (!v6) return -1;
    if (w[0] == segV6[3] && w[1] == segV6[4] && w[2] == segV6[5] && w[3] == segV6[0] && w[4] == segV6[1] && w[5] == segV6[2]) return -1;
  }
  return 0;
}

/*
 * The interval series of metrics/series.ts (SeriesAccumulator.packet without response timing,
 * and without a filter other than flowFilter's port and host), counted here when an accumulator
 * attaches to this table: the same rows of NC doubles per bin, the same bin math in doubles, the
 * same growth, shift and maxBins bound.
 */
#include "metrics.h" /* C_PACKETS, … NC: each metric's place in a row, from metrics/catalog.ts */
static int sOn, sHaveGrid, sFirstAlign, sWholeSec;
static double gOriginSec, gOriginNs, gWidthNs;
static double *sRows;
static i32 sCap, sUsed, sMaxBins;
static double sBase;
static double sOverflow, sCacheSec, sCacheBin, sPrevBin;
static i32 sPrevIdx = -1;
/* flow/filter.ts flowFilter as numbers: a port (-1: any) and an address (version 0: any). */
static int sFilter, sFPort, sFVersion;
static u32 sFHost[4];

/* Does flow `f` pass the filter (a port at either end, the address at either end)? */
static int seriesKeeps(i32 f) {
  const i32 *N = recI(f);
  if (sFPort >= 0) {
    u32 ports = (u32)N[I_PORTS];
    if ((int)(ports & 0xffff) != sFPort && (int)(ports >> 16) != sFPort) return 0;
  }
  if (sFVersion != 0) {
    int v6 = (N[I_BITS] & FB_V6) != 0;
    if (sFVersion != (v6 ? 6 : 4)) return 0;
    const i32 *w = v6 ? v6chunks[f >> CHUNK_SHIFT] + (f & CHUNK_MASK) * V6_WORDS : 0;
    int c = (u32)N[I_C0] == sFHost[0] && (!v6 || ((u32)w[0] == sFHost[1] && (u32)w[1] == sFHost[2] && (u32)w[2] == sFHost[3]));
    int sv = (u32)N[I_S0] == sFHost[0] && (!v6 || ((u32)w[3] == sFHost[1] && (u32)w[4] == sFHost[2] && (u32)w[5] == sFHost[3]));
    if (!c && !sv) return 0;
  }
  return 1;
}

static inline double fmod_(double a, double b) { return a - __builtin_trunc(a / b) * b; }

/* PacketRecord.tsNs. */
static inline double nsOf(double frac, double res) {
  if (res == 1e6) return frac * 1000;
  if (res == 1e9) return frac;
  return res <= 1e9 && fmod_(1e9, res) == 0 ? frac * (1e9 / res) : __builtin_floor((frac * 1e9) / res);
}

/* Rows for `want` bins (at most maxBins), the used ones moved down by `shift` rows. */
static void seriesResize(double want, i32 shift) {
  i32 n = want > sMaxBins ? sMaxBins : (i32)want;
  if (n <= sCap) {
    /* Room enough: move in place (an old region would never be reused). */
    __builtin_memmove(sRows + shift * NC, sRows, (u32)sUsed * NC * 8);
    __builtin_memset(sRows, 0, (u32)shift * NC * 8);
    return;
  }
  double *old = sRows;
  sRows = (double *)bump((unsigned long long)n * NC * 8); /* fresh pages: zero; the old rows are left behind (doubling bounds them) */
  __builtin_memcpy(sRows + shift * NC, old, (u32)sUsed * NC * 8);
  sCap = n;
}

/*
 * SeriesAccumulator.slot: the row of grid bin `bin`, growing or shifting; -1 beyond maxBins. In
 * doubles as there: a bogus timestamp's bin can be far outside int32.
 */
static i32 seriesSlot(double bin) {
  if (sUsed == 0) {
    sBase = bin;
    sUsed = 1;
    return 0;
  }
  double i = bin - sBase;
  if (i >= 0 && i < sUsed) return (i32)i;
  if (i >= sUsed) {
    if (i + 1 > sMaxBins) return -1;
    if (i + 1 > sCap) seriesResize(sCap * 2.0 > i + 1 ? sCap * 2.0 : i + 1, 0);
    sUsed = (i32)i + 1;
    return (i32)i;
  }
  /* Earlier than the first bin (timestamps slightly out of order): shift right. */
  double shift = -i;
  if (sUsed + shift > sMaxBins) return -1;
  i32 need = sUsed + (i32)shift;
  seriesResize(need > sCap ? need * 2.0 : sCap, (i32)shift);
  sBase -= shift;
  sUsed = need;
  return 0;
}

/* SeriesAccumulator.packet for one packet; `tcp`: a segment accounted to flow `f` (`r`: add's answer). */
/*
 * What one packet adds to its bin: every metric of the catalog but the active connections (which
 * need a series' own memory of the flows it has seen in a bin) and the response times (counted
 * by the series that pairs requests with responses). The one definition of the metrics: the
 * core's series adds it to its row, and a series counted in JavaScript (filtered by a predicate,
 * timing responses, several in one pass) adds the same increments, read from `incRow`.
 */
static void countInto(double *d, double wireLen, int tcp, int flags, int len, i32 r) {
  d[C_PACKETS]++;
  d[C_BYTES] += wireLen;
  if (!tcp) return;
  int orig = r & 1;
  d[C_PAYLOAD] += len;
  if (orig) d[C_PAYLOAD_C2S] += len;
  else d[C_PAYLOAD_S2C] += len;
  switch ((r >> 4) & 7) {
  case 1: d[C_CLIENT_HELLO]++; break;
  case 2: d[C_SERVER_HELLO]++; break;
  case 3: d[C_HTTP_REQUESTS]++; break;
  case 4: d[C_HTTP_RESPONSES]++; break;
  }
  if (flags & SYN) {
    if (flags & ACK) d[C_SYN_ACK]++;
    else d[C_SYN_ONLY]++;
  }
  if (flags & RST) {
    d[C_RESETS]++;
    if (orig) d[C_RESETS_BY_CLIENT]++;
    else d[C_RESETS_BY_SERVER]++;
  }
  if (r & 4) d[C_RETRANS]++;
  if (r & 8) {
    d[C_ZERO_WINDOWS]++;
    if (orig) d[C_ZERO_WINDOWS_BY_CLIENT]++;
    else d[C_ZERO_WINDOWS_BY_SERVER]++;
  }
}

/* The last packet's increments (countInto), when a JavaScript series asked for them (`incOn`). */
static double incRow[NC];
static int incWanted;
static void increments(double wireLen, int tcp, int flags, int len, i32 r) {
  if (!incWanted) return;
  for (int k = 0; k < NC; k++) incRow[k] = 0;
  countInto(incRow, wireLen, tcp, flags, len, r);
}
__attribute__((export_name("incOn"))) void incOn(void) { incWanted = 1; }
__attribute__((export_name("incAddr"))) u32 incAddr(void) { return (u32)incRow; }
__attribute__((export_name("incWidth"))) i32 incWidth(void) { return NC; }

static void seriesCount(double sec, double frac, i32 code, double wireLen, int tcp, int flags, int len, i32 f, i32 r) {
  /* Filtered: only packets of the flows kept (none that is not TCP), before the grid starts. */
  if (sFilter && (!tcp || !seriesKeeps(f))) return;
  if (!sHaveGrid) {
    js_series_start(sec, nsOf(frac, resOf[code]));
    if (!sHaveGrid) __builtin_trap();
  }
  double bin;
  if (sec == sCacheSec) bin = sCacheBin;
  else {
    bin = __builtin_floor(((sec - gOriginSec) * 1e9 + (nsOf(frac, resOf[code]) - gOriginNs)) / gWidthNs);
    /* Whole-second bins on whole-second edges: the bin changes only with the second. */
    if (sWholeSec) {
      sCacheSec = sec;
      sCacheBin = bin;
    }
  }
  if (bin < 0 && sFirstAlign) bin = 0;
  i32 i = seriesSlot(bin);
  if (i < 0) {
    sOverflow++;
    return;
  }
  double *d = sRows + i * NC;
  countInto(d, wireLen, tcp, flags, len, r);
  if (!tcp) return;
  /* Consecutive packets of one connection in one bin (most of them) skip the flow record. */
  if ((r & 2) || f != sPrevIdx || bin != sPrevBin) {
    sPrevIdx = f;
    sPrevBin = bin;
    double *F = recF(f);
    if (F[F_LAST_BIN] != bin) {
      F[F_LAST_BIN] = bin;
      d[C_ACTIVE_FLOWS]++;
    }
  }
}

__attribute__((export_name("seriesOn"))) void seriesOn(i32 maxBins) {
  sOn = 1;
  sMaxBins = maxBins;
  sCacheSec = __builtin_nan("");
  sPrevBin = __builtin_nan("");
  sCap = 1024 < maxBins ? 1024 : maxBins;
  sRows = (double *)bump((unsigned long long)sCap * NC * 8);
}
__attribute__((export_name("seriesFilter"))) void seriesFilter(i32 port, i32 version, i32 w0, i32 w1, i32 w2, i32 w3) {
  sFilter = 1;
  sFPort = port;
  sFVersion = version;
  sFHost[0] = w0; sFHost[1] = w1; sFHost[2] = w2; sFHost[3] = w3;
}
__attribute__((export_name("seriesGrid"))) void seriesGrid(double originSec, double originNs, double widthNs, i32 firstAlign) {
  gOriginSec = originSec;
  gOriginNs = originNs;
  gWidthNs = widthNs;
  sFirstAlign = firstAlign;
  sWholeSec = originNs == 0 && fmod_(widthNs, 1e9) == 0;
  sHaveGrid = 1;
}
__attribute__((export_name("seriesRows"))) u32 seriesRows(void) { return (u32)sRows; }
__attribute__((export_name("seriesBase"))) double seriesBase(void) { return sBase; }
__attribute__((export_name("seriesUsed"))) i32 seriesUsed(void) { return sUsed; }
__attribute__((export_name("seriesOverflow"))) double seriesOverflow(void) { return sOverflow; }

/* A packet that is not a TCP segment, for the series (its bin's packets and bytes). */
__attribute__((export_name("other"))) void other(double sec, double frac, i32 code, double wireLen) {
  if (sOn) seriesCount(sec, frac, code, wireLen, 0, 0, 0, -1, 0);
  increments(wireLen, 0, 0, 0, 0);
}

/* FlowTable.create + FlowStore.init. */
static i32 create(i32 hash, int v6, i32 s0, i32 d0, i32 sp, i32 dp, int srcIsClient, int isOrig, double sec, double frac, i32 res, double t) {
  if (count >= maxFlows && head >= 0) {
    evictedSpace++;
    finish(head);
  }
  if ((u32)(count + 1) * 2 > mask + 1) grow();
  i32 f = alloc();
  double *D = recF(f);
  i32 *N = (i32 *)(D + F_COUNT);
  N[I_ID] = started++;
  N[I_HASH] = hash;
  N[I_BITS] = v6 ? FB_V6 : 0;
  if (srcIsClient) {
    N[I_C0] = s0; N[I_S0] = d0; N[I_PORTS] = sp | (dp << 16);
  } else {
    N[I_C0] = d0; N[I_S0] = s0; N[I_PORTS] = dp | (sp << 16);
  }
  if (v6) {
    i32 c = f >> CHUNK_SHIFT;
    if (v6chunks[c] == 0) v6chunks[c] = (i32 *)bump(CHUNK * V6_WORDS * 4);
    i32 *w = v6chunks[c] + (f & CHUNK_MASK) * V6_WORDS;
    int a = srcIsClient ? 0 : 3, b = srcIsClient ? 3 : 0;
    w[0] = segV6[a]; w[1] = segV6[a + 1]; w[2] = segV6[a + 2];
    w[3] = segV6[b]; w[4] = segV6[b + 1]; w[5] = segV6[b + 2];
  }
  N[I_RES] = res | (res << 16);
  D[F_START_SEC] = D[F_END_SEC] = sec;
  D[F_START_FRAC] = D[F_END_FRAC] = frac;
  D[F_START_T] = D[F_END_T] = t;
  if (!isOrig) {
    ((u8 *)(N + I_HIST))[0] = 0x5e; /* '^': the first packet comes from the server */
    N[I_HIST_LEN] = 1;
  }
  u32 i = (u32)hash & mask;
  while (slots[i << 1] != 0) i = (i + 1) & mask;
  slots[i << 1] = f + 1;
  slots[(i << 1) + 1] = hash;
  count++;
  N[I_PREV] = tail;
  N[I_NEXT] = -1;
  if (tail >= 0) recI(tail)[I_NEXT] = f;
  else head = f;
  tail = f;
  return f;
}

static void touch(i32 f) {
  if (tail == f) return;
  i32 *N = recI(f);
  i32 p = N[I_PREV], n = N[I_NEXT];
  if (p >= 0) recI(p)[I_NEXT] = n;
  else head = n;
  recI(n)[I_PREV] = p;
  N[I_PREV] = tail;
  N[I_NEXT] = -1;
  recI(tail)[I_NEXT] = f;
  tail = f;
}

__attribute__((export_name("setup"))) void setup(double idle, i32 max) {
  heapTop = (u32)&__heap_base;
  idleTimeout = idle;
  maxFlows = max;
  clockT = -__builtin_inf();
  mask = (1 << 12) - 1;
  slots = (u32 *)bump((mask + 1) * 8);
}

/*
 * FlowTable.add for one segment at time t (sec + frac / res as JS computed it; res: the code of
 * the timestamp resolution). Returns (flow index << 7) | what happened (bits above).
 */
__attribute__((export_name("add"))) i32 add(double t, double sec, double frac, i32 res, i32 v6, i32 s0, i32 d0, i32 sp, i32 dp,
                                            i32 flags, i32 seq, i32 ack, i32 win, i32 len, i32 cap, i32 pay0, i32 pay1, double wireLen) {
  if (t > clockT) {
    clockT = t;
    expire(t);
  }
  i32 f = -1;
  int isOrig = 1;
  i32 hash = 0;
  int hashed = 0;
  int m0 = 0;
  if (cached >= 0) {
    if (cachedV4 && !v6) {
      if (sp == cCP && dp == cSP && s0 == cC0 && d0 == cS0) m0 = 1;
      else if (dp == cCP && sp == cSP && d0 == cC0 && s0 == cS0) m0 = -1;
    } else m0 = matches(cached, v6, s0, d0, sp, dp);
  }
  if (m0 != 0) {
    f = cached;
    isOrig = m0 > 0;
  } else {
    hash = v6 ? hashV6(s0, sp, d0, dp) : hashV4(s0, sp, d0, dp);
    hashed = 1;
    u32 i = (u32)hash & mask;
    for (;;) {
      u32 id1 = slots[i << 1];
      if (id1 == 0) break;
      if (slots[(i << 1) + 1] == (u32)hash) {
        int m = matches(id1 - 1, v6, s0, d0, sp, dp);
        if (m != 0) {
          f = id1 - 1;
          isOrig = m > 0;
          break;
        }
      }
      i = (i + 1) & mask;
    }
  }
  i32 isNew = 0;
  if (f >= 0 && (flags & (SYN | ACK)) == SYN && (recI(f)[I_BITS] & FB_CLOSED)) {
    finish(f);
    f = -1;
  }
  if (f < 0) {
    int syn = (flags & SYN) != 0, ack_ = (flags & ACK) != 0;
    int srcIsClient = syn ? !ack_ : (sp > dp || sp == dp);
    isOrig = srcIsClient || (sp == dp && s0 == d0 && (!v6 || (segV6[0] == segV6[3] && segV6[1] == segV6[4] && segV6[2] == segV6[5])));
    if (!hashed) hash = v6 ? hashV6(s0, sp, d0, dp) : hashV4(s0, sp, d0, dp);
    f = create(hash, v6, s0, d0, sp, dp, srcIsClient, isOrig, sec, frac, res, t);
    isNew = 1;
  } else {
    touch(f);
    double *D = recF(f);
    if (t >= D[F_END_T]) {
      D[F_END_SEC] = sec;
      D[F_END_FRAC] = frac;
      D[F_END_T] = t;
      i32 *N = (i32 *)(D + F_COUNT);
      N[I_RES] = (N[I_RES] & 0xffff) | (res << 16);
    }
  }
  i32 out = update(f, t, isOrig, flags, len, (u32)seq, (u32)ack, win, wireLen, cap, (u32)pay0, (u32)pay1);
  if (cached != f) {
    cached = f;
    cachedV4 = !v6;
    cC0 = isOrig ? s0 : d0;
    cS0 = isOrig ? d0 : s0;
    cCP = isOrig ? sp : dp;
    cSP = isOrig ? dp : sp;
  }
  i32 r = (f << 7) | out | (isNew << 1) | isOrig;
  if (sOn) seriesCount(sec, frac, res, wireLen, 1, flags, len, f, r);
  increments(wireLen, 1, flags, len, r);
  return r;
}

/*
 * One packet's handoff unit at `w` (layout: decode/handoff.ts UnitWriter.put), a TCP segment:
 * the same call as JS makes from the unit it reads (UnitReader.read, FlowTable.add).
 */
static i32 addUnitAt(const i32 *w) {
  i32 head = w[4];
  double sec, frac;
  if (head & 0x40) {
    sec = ((const double *)w)[0];
    frac = ((const double *)w)[1];
  } else {
    sec = (u32)w[0];
    frac = (u32)w[2];
  }
  i32 code = (u32)head >> 24;
  int v6 = (head & 0x10) != 0;
  if (v6) {
    for (int k = 0; k < 6; k++) segV6[k] = w[16 + k];
  }
  u32 ports = w[9];
  return add(sec + frac / resOf[code], sec, frac, code, v6, w[7], w[8], ports & 0xffff, ports >> 16, (head >> 16) & 0xff,
             w[10], w[11], w[12], w[13], (head >> 8) & 0xf, w[14], w[15], (double)w[5]);
}

/* Room for `words` words of units; returns its word address. */
__attribute__((export_name("units"))) u32 units(u32 words) {
  if (words > unitWords) {
    unitArea = (i32 *)bump((unsigned long long)words * 4);
    unitWords = words;
  }
  return (u32)unitArea >> 2;
}

/* The unit at word address `at` (a TCP segment): as `add`. */
__attribute__((export_name("addUnit"))) i32 addUnit(u32 at) { return addUnitAt((const i32 *)(at << 2)); }

/* Accounts the `n` units from word address `at` (every decode status); returns the packets they hold. */
__attribute__((export_name("addUnits"))) i32 addUnits(u32 at, i32 n) {
  const i32 *w = (const i32 *)(at << 2);
  const i32 *end = w + n * 16;
  i32 packets = 0;
  while (w < end) {
    i32 head = w[4];
    packets++;
    if ((head & 0xf) == 0) addUnitAt(w);
    else if (sOn) {
      double sec = (head & 0x40) ? ((const double *)w)[0] : (u32)w[0];
      double frac = (head & 0x40) ? ((const double *)w)[1] : (u32)w[2];
      seriesCount(sec, frac, (u32)head >> 24, (double)w[5], 0, 0, 0, -1, 0);
    }
    w += (head & 0x10) ? 32 : 16; /* an IPv6 segment's words 1-3 take a second unit */
  }
  return packets;
}

/* Finishes every live flow (end of capture), oldest activity first. */
__attribute__((export_name("flush"))) void flush(void) {
  while (head >= 0) finish(head);
}

/* Finishes at most n of the live flows, oldest activity first; 1 while some remain. In portions,
   a writer of the finished flows gets turns in between (200 k flows live at the end of a capture
   were otherwise all handed over at once). */
__attribute__((export_name("flushSome"))) i32 flushSome(i32 n) {
  while (head >= 0 && n-- > 0) finish(head);
  return head >= 0;
}

__attribute__((export_name("segV6"))) i32 *segV6Addr(void) { return segV6; }
__attribute__((export_name("resTable"))) double *resTable(void) { return resOf; }
__attribute__((export_name("chunkAddr"))) u32 chunkAddr(i32 c) { return (u32)chunks[c]; }
__attribute__((export_name("v6Addr"))) u32 v6Addr(i32 c) { return (u32)v6chunks[c]; }
__attribute__((export_name("chunkCount"))) i32 chunkCount(void) { return nchunks; }
__attribute__((export_name("size"))) i32 size(void) { return count; }
__attribute__((export_name("started"))) i32 startedCount(void) { return started; }
__attribute__((export_name("evictedSpace"))) i32 evictedSpaceCount(void) { return evictedSpace; }
__attribute__((export_name("evictedIdle"))) i32 evictedIdleCount(void) { return evictedIdle; }
__attribute__((export_name("head"))) i32 headIdx(void) { return head; }
