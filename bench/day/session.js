'use strict';
// One client's attempt at the service: TCP handshake, TLS handshake, keep-alive requests, close —
// every packet as the firewall and the server capture it, stunnel's and the backend's log lines,
// and what each fault does to it (see README.md "Faults").
//
// Times are µs since the epoch, true time. tf: when a packet passes the firewall; ts: when it
// leaves or reaches the server's NIC. The server's capture and logs add the server clock offset.
const { F } = require('./pcap');
const { ipStr } = require('./model');

const MSS = 1448;
const CLIENT_WIN = 502; // ×128 (window scale 7)
const SERVER_WIN = 509;
const KEEPALIVE_US = 65e6; // nginx keepalive_timeout 65s (the lab's)
const TIMEOUTCLOSE_US = 60e6; // stunnel TIMEOUTclose default
const TIMEOUTCONNECT_US = 10e6; // stunnel TIMEOUTconnect default
const ACCEPT_QUEUE = 128; // somaxconn of the story's kernel
const BACKEND_BACKLOG = 511; // nginx listen backlog default
// SYN retransmission times: Linux with tcp_syn_linear_timeouts (the lab's 6.18 clients: 1 s
// apart, measured) and the classic exponential backoff (1, 3, 7, 15 s) of older stacks.
const SYN_LINEAR_US = [0, 1e6, 2e6, 3e6, 4e6, 5e6, 7e6, 11e6, 19e6];
const SYN_EXP_US = [0, 1e6, 3e6, 7e6, 15e6, 31e6];

const PATHS = [
  ['GET /', 1951, 0.16], ['GET /api/v1/items?page=1', 0, 0.2], ['GET /api/v1/session', 0, 0.12],
  ['POST /api/v1/events', 0, 0.14], ['GET /static/app.js', 48211, 0.05], ['GET /static/app.css', 12874, 0.04],
  ['GET /img/logo.png', 7342, 0.04], ['GET /api/v1/items/42', 0, 0.13], ['POST /api/v1/orders', 0, 0.05],
  ['GET /health', 2, 0.04], ['GET /favicon.ico', 1150, 0.03],
];
const PATH_CUM = (() => { let s = 0; return PATHS.map((p) => (s += p[2])); })();

class World {
  constructor(o) {
    Object.assign(this, o);
    // o: rng, fw, srv, clients, cum, serverIp, faults, stunnelLog (LogBuckets), accessLog,
    //    srvOffUs, delayUs, jitterUs, flight13, flight12, pool (random bytes), retry(fn)
    this.p = {
      src: 0, dst: 0, sport: 0, dport: 0, seq: 0, ack: 0, flags: 0, win: 0, ipid: 0,
      opt: 0, tsval: 0, tsecr: 0, len: 0, head: Buffer.alloc(64), cksum: 0, ttl: 64,
    };
    this.poolAt = 0;
    this.stunnelId = 0;
    this.nginxConn = 0;
    this.backendPort = 32768;
    this.stats = { sessions: 0, attempts: 0, requests: 0, retries: 0, aborted: 0, retransmissions: 0 };
    this.freezes = this.faults.filter((f) => f.type === 'stunnel-freeze');
    this.stalls = this.faults.filter((f) => f.type === 'backend-stall');
    this.drops = this.faults.filter((f) => f.type === 'network-drop');
  }

  // --- faults ---
  inAny(list, t) { for (const f of list) if (t >= f.startUs && t < f.endUs) return f; return null; }
  dropped(t) { return this.drops.length ? this.inAny(this.drops, t) !== null : false; }
  /** When stunnel can act on something that reached it at t. */
  stunnelReady(t) {
    const f = this.freezes.length ? this.inAny(this.freezes, t) : null;
    return f ? f.endUs + this.rng.uniform(200, 4000) : t;
  }
  freezeAt(t) { return this.freezes.length ? this.inAny(this.freezes, t) : null; }
  stallAt(t) { return this.stalls.length ? this.inAny(this.stalls, t) : null; }
  delay() { return this.delayUs + this.rng.exp(this.jitterUs); }

  // --- payload heads (the first bytes a 96-byte snaplen keeps) ---
  head(prefix) {
    const h = this.p.head;
    if (this.poolAt + 40 > this.pool.length) this.poolAt = (this.poolAt * 7 + 13) % 4096;
    this.pool.copy(h, 0, this.poolAt, this.poolAt + 32);
    this.poolAt += 29;
    if (prefix) for (let i = 0; i < prefix.length; i++) h[i] = prefix[i];
  }
}

function rec(type, len, hs) { // a TLS record header (+ handshake type)
  const a = [type, 3, type === 22 && hs === 1 ? 1 : 3, (len >> 8) & 255, len & 255];
  if (hs !== undefined) a.push(hs, 0, ((len - 4) >> 8) & 255, (len - 4) & 255);
  return a;
}

/**
 * Runs one connection attempt of `cl` starting at tf0 (the SYN passes the firewall).
 * attempt: 0 for a user's first try, 1-2 for retries after a failure.
 */
function runSession(W, cl, tf0, attempt, nReqLeft) {
  const rng = W.rng;
  const p = W.p;
  const fw = W.fw, srv = W.srv;
  W.stats.attempts++;
  if (attempt === 0) W.stats.sessions++;
  const sport = cl.nat ? (cl.nextPort = cl.nextPort >= 65000 ? 1024 : cl.nextPort + rng.int(1, 9)) : rng.int(32768, 60999);
  const cIp = cl.addr, sIp = W.serverIp;
  const rc = cl.rtt * rng.uniform(0.95, 1.1);
  const T = cl.timeout;
  const tls12 = cl.tls12;
  let cSeq = rng.u32(), sSeq = rng.u32();
  const cIsn = cSeq, sIsn = sSeq;
  let cAck = 0, sAck = 0; // what each side acknowledges
  let cIpid = rng.int(0, 65535), sIpid = rng.int(0, 65535);
  const sTs = W.srvTs;
  const nReq = nReqLeft || rng.geometric(0.19, 20);
  let fifoC = 0, fifoS = 0;
  let lastSrv = 0; // last time the server sent or received data (keep-alive timeout base)

  // Emit one client→server packet passing the firewall at tf. Returns its server arrival or -1.
  function C(tf, flags, len, seq, opt) {
    p.src = cIp; p.dst = sIp; p.sport = sport; p.dport = 443;
    p.seq = seq; p.ack = flags & F.ACK ? cAck : 0; p.flags = flags; p.win = flags & F.SYN ? 64240 : CLIENT_WIN;
    p.ipid = cIpid++; p.opt = opt === undefined ? (flags & F.RST ? 0 : 1) : opt;
    p.tsval = (cl.ts + Math.floor(tf / 1000)) >>> 0; p.tsecr = flags & F.SYN ? 0 : (sTs + Math.floor(tf / 1000) - Math.floor(rc / 2000)) >>> 0;
    p.len = len; p.cksum = rng.u32();
    if (flags & F.RST) p.win = 0;
    p.ttl = cl.ttl;
    fw.add(tf, p, true);
    if (W.dropped(tf)) return -1;
    let ts = tf + W.delay();
    if (ts <= fifoC) ts = fifoC + 1; // one path: packets of a flow keep their order
    fifoC = ts;
    p.ttl = cl.ttl - 1;
    srv.add(ts + W.srvOffUs, p, true);
    return ts;
  }
  // Emit one server→client packet leaving the server at ts. Returns when it passes the firewall or -1.
  function S(ts, flags, len, seq, opt) {
    p.src = sIp; p.dst = cIp; p.sport = 443; p.dport = sport;
    p.seq = seq; p.ack = sAck; p.flags = flags; p.win = flags & F.SYN ? 65160 : SERVER_WIN;
    p.ipid = flags & F.SYN ? 0 : sIpid++; p.opt = opt === undefined ? (flags & F.RST ? 0 : 1) : opt;
    p.tsval = (sTs + Math.floor(ts / 1000)) >>> 0; p.tsecr = (cl.ts + Math.floor(ts / 1000) - Math.floor(rc / 2000)) >>> 0;
    p.len = len; p.cksum = rng.u32();
    p.ttl = 64;
    srv.add(ts + W.srvOffUs, p, false);
    if (W.dropBoth && W.dropped(ts)) return -1;
    let tf = ts + W.delay();
    if (tf <= fifoS) tf = fifoS + 1;
    fifoS = tf;
    p.ttl = 63;
    fw.add(tf, p, false);
    return tf;
  }
  const rto = Math.max(200e3, rc * 1.5 + 10e3);
  // Client data with retransmissions while the link drops it (until `until`). Returns arrival or -1.
  function sendC(tf, flags, len, prefix, until) {
    const seq = cSeq;
    let k = 0;
    let arr = -1;
    for (let t = tf; t < until; t = tf + rto * ((1 << ++k) - 1)) {
      W.head(prefix);
      arr = C(t, flags, len, seq);
      if (k > 0) W.stats.retransmissions++;
      if (arr >= 0) break;
      if (k > 8) break;
    }
    if (arr >= 0 && len > 0 && rng.chance(0.0008)) { // spurious retransmission (an ACK lost beyond the firewall)
      W.head(prefix); C(tf + rto, flags, len, seq); W.stats.retransmissions++;
    }
    cSeq = (cSeq + len + (flags & (F.SYN | F.FIN) ? 1 : 0)) >>> 0;
    return arr;
  }
  // Server data with retransmissions: random loss beyond the firewall (both vantages see the
  // original and the copy) and the link's drops (the server sees every copy). Returns the
  // firewall time of the copy that got through, or -1.
  function sendS(ts, flags, len, prefix, until) {
    const seq = sSeq;
    let k = 0;
    let tf = -1;
    for (let t = ts; t < until; t = ts + rto * ((1 << ++k) - 1)) {
      W.head(prefix);
      tf = S(t, flags, len, seq);
      if (k > 0) W.stats.retransmissions++;
      if (tf >= 0 && len > 0 && rng.chance(0.0025)) { tf = -1; continue; } // lost after the firewall
      if (tf >= 0) break;
      if (k > 9) break;
    }
    sSeq = (sSeq + len + (flags & (F.SYN | F.FIN) ? 1 : 0)) >>> 0;
    return tf;
  }
  let quiet = false; // stunnel already logged this connection's end
  function stunnelLine(t, level, id, text) { if (quiet) return; W.stunnelLog.add((t + W.srvOffUs) / 1000, `LOG${level}[${id}]: ${text}`); }
  function retry(tAbort) {
    if (attempt < 2) { W.stats.retries++; W.retry(tAbort + rng.uniform(1e6, 1.5e6), cl, attempt + 1, 0); }
  }

  // ---- TCP handshake (SYN retransmissions at 1, 3, 7 … s while unanswered) ----
  const deadline0 = tf0 + T;
  let est = -1, accArr = -1;
  const synAt = cl.synLinear ? SYN_LINEAR_US : SYN_EXP_US;
  for (let k = 0; k < synAt.length; k++) {
    const tf = tf0 + synAt[k];
    if (tf >= deadline0) break;
    W.head(null);
    const arr = C(tf, F.SYN, 0, cIsn, 2);
    if (k > 0) W.stats.retransmissions++;
    if (arr < 0) continue;
    const fz = W.freezeAt(arr);
    if (fz && fz.queued >= ACCEPT_QUEUE) continue; // accept queue full: the SYN is dropped
    sAck = (cIsn + 1) >>> 0;
    const fsa = S(arr + rng.uniform(12, 40), F.SYN | F.ACK, 0, sIsn, 2);
    if (fsa < 0) continue;
    cAck = (sIsn + 1) >>> 0;
    cSeq = (cIsn + 1) >>> 0; sSeq = (sIsn + 1) >>> 0;
    est = fsa + rc;
    accArr = C(est, F.ACK, 0, cSeq);
    if (accArr < 0) accArr = fsa + W.delayUs; // (a drop starting this very moment: ignored)
    break;
  }
  if (est < 0) { W.stats.aborted++; retry(deadline0); return; } // SYN_SENT timeout: nothing sent

  // ---- accept: now, or when a frozen stunnel resumes (the connection waits in the queue) ----
  const fz = W.freezeAt(accArr);
  let tAcc;
  if (fz) { fz.queued++; tAcc = fz.endUs + fz.queued * rng.uniform(1500, 3500); } else tAcc = accArr + rng.uniform(20, 80);
  const id = W.stunnelId++;
  const deadline = deadline0;

  // Client aborts at `t` (its timeout): RST (80 %) or FIN, as the lab's clients. Returns nothing.
  function abort(t, tlsUp, bytesTls, bytesSock) {
    W.stats.aborted++;
    const rst = rng.chance(0.8);
    const arr = rst ? C(t, F.RST | F.ACK, 0, cSeq) : sendC(t, F.FIN | F.ACK, 0, null, t + 30e6);
    // stunnel learns of it when it next runs
    const tSeen = arr >= 0 ? W.stunnelReady(Math.max(arr, tAcc)) : -1;
    if (!rst && arr >= 0) { // the kernel ACKs the FIN at once
      sAck = (sAck + 1) >>> 0; S(arr + 30, F.ACK, 0, sSeq);
    }
    if (!tlsUp && tAcc <= t) stunnelLine(tAcc, 5, id, `Service [https] accepted connection from ${ipStr(cIp)}:${sport}`);
    if (tSeen >= 0) {
      const tl = Math.max(tSeen, tAcc);
      if (!tlsUp && tAcc > t) { // still in the accept queue when the client gave up
        if (rst) {
          stunnelLine(tl, 3, id, 'getpeerbyname (local_rfd): Transport endpoint is not connected (107)');
          stunnelLine(tl + 5, 5, id, 'Connection reset: 0 byte(s) sent to TLS, 0 byte(s) sent to socket');
        } else {
          stunnelLine(tl, 5, id, `Service [https] accepted connection from ${ipStr(cIp)}:${sport}`);
          stunnelLine(tl + 40, 3, id, 'SSL_accept: ../ssl/record/rec_layer_s3.c:318: error:0A000126:SSL routines::unexpected eof while reading');
          stunnelLine(tl + 60, 5, id, 'Connection reset/closed: 0 byte(s) sent to TLS, 0 byte(s) sent to socket');
          const tf = S(tl + 70, F.FIN | F.ACK, 0, sSeq);
          if (tf >= 0) { cAck = (cAck + 1) >>> 0; C(tf + rc, F.ACK, 0, cSeq); }
        }
      } else if (!tlsUp) {
        stunnelLine(tl, 3, id, rst ? 'SSL_accept: Connection reset by peer (104)' : 'SSL_accept: ../ssl/record/rec_layer_s3.c:318: error:0A000126:SSL routines::unexpected eof while reading');
        stunnelLine(tl + 20, 5, id, `Connection reset${rst ? '' : '/closed'}: 0 byte(s) sent to TLS, 0 byte(s) sent to socket`);
        if (!rst) { const tf = S(tl + 70, F.FIN | F.ACK, 0, sSeq); if (tf >= 0) { cAck = (cAck + 1) >>> 0; C(tf + rc, F.ACK, 0, cSeq); } }
      } else {
        stunnelLine(tl, 5, id, `Connection closed: ${bytesTls} byte(s) sent to TLS, ${bytesSock} byte(s) sent to socket`);
        if (!rst) { // stunnel closes its side: close_notify + FIN; the orphaned client socket resets
          const tf = S(tl + 50, F.PSH | F.ACK | F.FIN, 24, sSeq);
          if (tf >= 0) C(tf + rc, F.RST, 0, cSeq);
        }
      }
    } else if (!tlsUp) { // nothing more reaches stunnel: its handshake timer (TIMEOUTbusy 300 s) ends it
      const tl = W.stunnelReady(Math.max(tAcc, t) + 300e6 - Math.max(0, t - tAcc));
      stunnelLine(tl, 5, id, 'transfer: s_poll_wait: TIMEOUTbusy exceeded: sending reset');
      stunnelLine(tl + 20, 5, id, 'Connection reset: 0 byte(s) sent to TLS, 0 byte(s) sent to socket');
      S(tl + 30, F.RST | F.ACK, 0, sSeq);
    } else { // established, the abort never arrived: the keep-alive timeout closes it later
      const tS = W.stunnelReady(Math.max(lastSrv, tAcc) + KEEPALIVE_US);
      const fA = sendS(tS, F.PSH | F.ACK, 24, rec(tls12 ? 21 : 23, 19), tS + TIMEOUTCLOSE_US);
      if (fA < 0) {
        stunnelLine(tS + TIMEOUTCLOSE_US, 5, id, 'transfer: s_poll_wait: TIMEOUTclose exceeded: closing');
        stunnelLine(tS + TIMEOUTCLOSE_US + 30, 5, id, `Connection closed: ${bytesTls} byte(s) sent to TLS, ${bytesSock} byte(s) sent to socket`);
      } else {
        const a = C(fA + rc, F.RST, 0, cSeq); // the client's socket is gone
        stunnelLine(W.stunnelReady(a >= 0 ? a : fA + rc), 5, id, `Connection reset: ${bytesTls} byte(s) sent to TLS, ${bytesSock} byte(s) sent to socket`);
      }
    }
    retry(t);
  }

  // ---- TLS: ClientHello ----
  const tCh = est + rng.uniform(150, 2500);
  const chLen = cl.chLen; // TCP payload of the ClientHello segment(s)
  let arrCh;
  const chRec = chLen - 5;
  if (chLen > MSS) {
    arrCh = sendC(tCh, F.PSH | F.ACK, MSS, rec(22, chRec, 1), deadline);
    const a2 = sendC(tCh + 20, F.PSH | F.ACK, chLen - MSS, null, deadline);
    arrCh = arrCh < 0 || a2 < 0 ? -1 : Math.max(arrCh, a2);
  } else arrCh = sendC(tCh, F.PSH | F.ACK, chLen, rec(22, chRec, 1), deadline);
  if (arrCh < 0) { abort(deadline, false, 0, 0); return; }
  sAck = cSeq;
  S(arrCh + rng.uniform(10, 40), F.ACK, 0, sSeq); // the kernel ACKs the ClientHello

  // ---- ServerHello flight (stunnel must run: accepted and not frozen) ----
  const tSh = W.stunnelReady(Math.max(arrCh, tAcc)) + rng.uniform(500, tls12 ? 1600 : 1100);
  if (tSh + W.delayUs + rc / 2 > deadline) { abort(deadline, false, 0, 0); return; }
  stunnelLine(tAcc, 5, id, `Service [https] accepted connection from ${ipStr(cIp)}:${sport}`);
  const flight = tls12 ? W.flight12 : W.flight13;
  let t = tSh, fLast = -1;
  for (let off = 0; off < flight; off += MSS) {
    const len = Math.min(MSS, flight - off);
    fLast = sendS(t, off + len >= flight ? F.PSH | F.ACK : F.ACK, len, off === 0 ? rec(22, tls12 ? 89 : 122, 2) : null, deadline);
    t += rng.uniform(8, 20);
  }
  if (fLast < 0) { abort(deadline, false, 0, 0); return; }
  cAck = sSeq;
  let tc = fLast + rc; // client's next packet time at the firewall
  C(tc, F.ACK, 0, cSeq);
  tc += rng.uniform(300, 2000);
  let arrFin;
  let bytesTls = 0, bytesSock = 0;
  let firstReqPiggy = false;
  if (tls12) { // ClientKeyExchange + ChangeCipherSpec + Finished
    arrFin = sendC(tc, F.PSH | F.ACK, 126, [22, 3, 3, 0, 37, 16, 0, 0, 33], deadline);
    if (arrFin < 0) { abort(deadline, false, 0, 0); return; }
    sAck = cSeq;
    const tS = W.stunnelReady(arrFin) + rng.uniform(300, 900);
    const f2 = sendS(tS, F.PSH | F.ACK, 226 + 51, [22, 3, 3, 0, 202, 4, 0, 0, 198], deadline); // NewSessionTicket, CCS, Finished
    if (f2 < 0) { abort(deadline, true, 0, 0); return; }
    cAck = sSeq;
    tc = f2 + rc;
  } else {
    firstReqPiggy = rng.chance(0.7);
    arrFin = -2; // sent with or before the first request
  }

  // ---- requests ----
  let tReq = tc;
  let connected = false;
  let backendPort = 0, nconn = 0;
  let stallTimeout = false;
  for (let i = 0; i < nReq; i++) {
    const pathIx = rng.weighted(PATH_CUM);
    const [req, size0] = PATHS[pathIx];
    const reqPlain = Math.round(Math.min(4000, 60 + rng.logn(req.length + 300, 0.45)));
    let respPlain = size0 > 0 ? size0 + 239 : Math.round(Math.min(400e3, 260 + rng.logn(1400, 1.1)));
    const reqRec = reqPlain + (tls12 ? 29 : 22);
    const dl = tReq + T;
    // the request record in ≤ MSS segments (a large one: cookies, a POST body)
    const sendReq = (t0) => {
      if (reqRec <= MSS) return sendC(t0, F.PSH | F.ACK, reqRec, rec(23, reqRec - 5), dl);
      const a1 = sendC(t0, F.ACK, MSS, rec(23, reqRec - 5), dl);
      const a2 = sendC(t0 + rng.uniform(5, 20), F.PSH | F.ACK, reqRec - MSS, null, dl);
      return a1 < 0 || a2 < 0 ? -1 : Math.max(a1, a2);
    };
    let arr;
    if (arrFin === -2) { // TLS 1.3 client Finished (CCS 6 + Finished 74), with the request or before it
      const pre = [20, 3, 3, 0, 1, 1, 23, 3, 3, 0, 69];
      if (firstReqPiggy && 80 + reqRec <= MSS) arr = arrFin = sendC(tReq, F.PSH | F.ACK, 80 + reqRec, pre, dl);
      else { arrFin = sendC(tReq, F.PSH | F.ACK, 80, pre, dl); arr = arrFin < 0 ? -1 : sendReq(tReq + rng.uniform(50, 400)); }
    } else arr = sendReq(tReq);
    if (arr < 0 && !connected) { abort(dl, false, 0, 0); return; }
    if (arr < 0) { abort(dl, true, bytesTls, bytesSock); return; }
    sAck = cSeq;
    lastSrv = arr;
    const tSt = W.stunnelReady(arr);
    if (!connected) { // stunnel connects the backend once the TLS handshake is done
      connected = true;
      nconn = ++W.nginxConn;
      backendPort = W.backendPort = W.backendPort >= 60999 ? 32768 : W.backendPort + rng.int(1, 3);
      const st = W.stallAt(tSt);
      if (st && ++st.queued > BACKEND_BACKLOG) { // backlog full: connect() times out
        const tto = tSt + TIMEOUTCONNECT_US;
        stunnelLine(tto, 3, id, 's_connect: s_poll_wait 127.0.0.1:8080: TIMEOUTconnect exceeded');
        stunnelLine(tto + 30, 5, id, 'Connection reset: 0 byte(s) sent to TLS, 0 byte(s) sent to socket');
        stallTimeout = true;
        if (tto < dl) { S(tto + 40, F.RST | F.ACK, 0, sSeq); W.stats.aborted++; retry(tto); return; }
      }
      if (!stallTimeout) {
        stunnelLine(tSt + 150, 5, id, 's_connect: connected 127.0.0.1:8080');
        stunnelLine(tSt + 170, 5, id, `Service [https] connected remote server from 127.0.0.1:${backendPort}`);
      }
      if (!tls12) { // TLS 1.3: two NewSessionTickets after the client's Finished
        sendS(tSt + rng.uniform(150, 300), F.PSH | F.ACK, 271, rec(23, 266), dl);
        sendS(tSt + rng.uniform(320, 500), F.PSH | F.ACK, 271, rec(23, 266), dl);
      }
      if (stallTimeout) { quiet = true; abort(dl, true, 0, 0); return; }
    }
    // backend: nginx answers after its response time; a stalled backend answers when it resumes
    const tB = tSt + rng.uniform(40, 120);
    const st = W.stallAt(tB);
    const tB2 = st ? st.endUs + rng.uniform(1e3, 400e3) : tB;
    let rt = rng.logn(6e3, 1.1);
    if (rng.chance(0.002)) rt = rng.uniform(1e6, 4e6); // the occasional slow response
    rt = Math.min(rt, 8e6);
    const tDone = tB2 + rt;
    const tResp = W.stunnelReady(tDone + rng.uniform(30, 90));
    const ctxAccess = (tAt, status, bytes) => {
      const rtS = ((tAt - tB) / 1e6).toFixed(3);
      W.accessLog.add((tAt + W.srvOffUs) / 1000, `127.0.0.1:${backendPort} "${req} HTTP/1.1" ${status} ${bytes} ${rtS} "-" ${nconn} ${i + 1}`);
      W.stats.requests++;
    };
    if (tResp + W.delayUs + rc / 2 > dl) { // the client gives up first
      if (dl - arr > 40e3) S(arr + 40e3, F.ACK, 0, sSeq); // delayed ACK of the request
      const fzArr = W.freezeAt(arr);
      if (!fzArr) { // the request reached the backend
        bytesSock += reqPlain;
        if (!st && tDone < dl) ctxAccess(tDone, 200, respPlain - 239 > 0 ? respPlain - 239 : respPlain); // answered; lost on the way
        else ctxAccess(st ? Math.max(tB2, dl + 2e3) : Math.max(tDone, dl + 2e3), 499, 0);
      }
      abort(dl, true, bytesTls, bytesSock);
      return;
    }
    bytesSock += reqPlain;
    bytesTls += respPlain;
    ctxAccess(tDone, pathIx === 9 ? 200 : rng.chance(0.006) ? 404 : rng.chance(0.04) && req.startsWith('GET /static') ? 304 : 200, respPlain - 239 > 0 ? respPlain - 239 : respPlain);
    if (tResp - arr > 40e3) S(arr + 40e3, F.ACK, 0, sSeq);
    // response records (OpenSSL: ≤16 kB plaintext each) cut into MSS segments, sent in flights
    // (initial window 10, doubling) paced by the client's ACKs
    let remaining = respPlain + Math.ceil(respPlain / 16384) * (tls12 ? 29 : 22);
    let recLeft = 0;
    let ts = tResp, sent = 0, flightSegs = 10, inFlight = 0, fl = -1, lastFl = -1;
    while (remaining > 0) {
      const len = Math.min(MSS, remaining);
      let prefix = null;
      if (recLeft <= 0) { const r = Math.min(16384 + (tls12 ? 29 : 22), remaining); recLeft = r; prefix = rec(23, r - 5); }
      recLeft -= len;
      remaining -= len;
      fl = sendS(ts, recLeft <= 0 || remaining === 0 ? F.PSH | F.ACK : F.ACK, len, prefix, dl + 30e6); // PSH ends each record's write
      if (fl < 0) break;
      lastFl = fl;
      sent++; inFlight++;
      if (sent % 2 === 0 || remaining === 0) { cAck = sSeq; C(fl + rc, F.ACK, 0, cSeq); }
      if (inFlight >= flightSegs) { ts = fl + rc + W.delayUs * 2 + rng.uniform(10, 60); inFlight = 0; flightSegs *= 2; }
      else ts += rng.uniform(6, 16);
    }
    if (lastFl < 0) { abort(dl, true, bytesTls, bytesSock); return; }
    cAck = sSeq;
    const tGot = lastFl + rc;
    lastSrv = ts;
    // think time before the next request on this connection
    let think = rng.chance(0.8) ? rng.logn(0.22e6, 0.5) : Math.min(120e6, rng.logn(6e6, 1.1));
    tReq = tGot + think;
    if (tReq - lastSrv > KEEPALIVE_US) break; // the server closes first
  }

  // ---- close ----
  const r = rng.next();
  const tIdle = lastSrv + KEEPALIVE_US;
  if (r < 0.015) { // the occasional client reset (tab closed, mobile network gone)
    const tr = Math.min(tIdle - 1e6, tReq - rng.uniform(0, 0.5e6));
    const arr = C(tr, F.RST | F.ACK, 0, cSeq);
    if (arr >= 0) stunnelLine(W.stunnelReady(arr), 5, id, `Connection reset: ${bytesTls} byte(s) sent to TLS, ${bytesSock} byte(s) sent to socket`);
    return;
  }
  if (r < 0.42 && tReq < tIdle) { // the client closes: close_notify, FIN
    const tcl = tReq;
    const a1 = sendC(tcl, F.PSH | F.ACK, 24, rec(tls12 ? 21 : 23, 19), tcl + 120e6);
    const a2 = sendC(tcl + rng.uniform(20, 80), F.FIN | F.ACK, 0, null, tcl + 120e6);
    if (a1 < 0 || a2 < 0) return;
    sAck = cSeq;
    const tS = W.stunnelReady(a2) + rng.uniform(100, 400);
    const fA = sendS(tS, F.PSH | F.ACK, 24, rec(tls12 ? 21 : 23, 19), tS + 120e6);
    const fF = sendS(tS + 30, F.FIN | F.ACK, 0, null, tS + 120e6);
    stunnelLine(tS + 40, 5, id, `Connection closed: ${bytesTls} byte(s) sent to TLS, ${bytesSock} byte(s) sent to socket`);
    if (fA >= 0 && fF >= 0) { cAck = sSeq; C(Math.max(fA, fF) + rc, F.ACK, 0, cSeq); }
    return;
  }
  // the server's keep-alive timeout: close_notify from stunnel, the client answers, FINs
  const tS = W.stunnelReady(tIdle);
  const fA = sendS(tS, F.PSH | F.ACK, 24, rec(tls12 ? 21 : 23, 19), tS + TIMEOUTCLOSE_US);
  if (fA < 0) {
    stunnelLine(tS + TIMEOUTCLOSE_US, 5, id, 'transfer: s_poll_wait: TIMEOUTclose exceeded: closing');
    stunnelLine(tS + TIMEOUTCLOSE_US + 30, 5, id, `Connection closed: ${bytesTls} byte(s) sent to TLS, ${bytesSock} byte(s) sent to socket`);
    return;
  }
  cAck = sSeq;
  const aC = sendC(fA + rc, F.PSH | F.ACK, 24, rec(tls12 ? 21 : 23, 19), tS + TIMEOUTCLOSE_US);
  if (aC < 0) {
    stunnelLine(tS + TIMEOUTCLOSE_US, 5, id, 'transfer: s_poll_wait: TIMEOUTclose exceeded: closing');
    stunnelLine(tS + TIMEOUTCLOSE_US + 30, 5, id, `Connection closed: ${bytesTls} byte(s) sent to TLS, ${bytesSock} byte(s) sent to socket`);
    return;
  }
  sAck = cSeq;
  const fF = sendS(aC + rng.uniform(200, 900), F.FIN | F.ACK, 0, null, aC + 30e6);
  stunnelLine(aC + 1000, 5, id, `Connection closed: ${bytesTls} byte(s) sent to TLS, ${bytesSock} byte(s) sent to socket`);
  if (fF < 0) return;
  cAck = sSeq;
  const aF = sendC(fF + rc, F.FIN | F.ACK, 0, null, fF + rc + 30e6);
  if (aF >= 0) { sAck = cSeq; S(aF + rng.uniform(10, 40), F.ACK, 0, sSeq); }
}

module.exports = { World, runSession };
