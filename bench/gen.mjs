#!/usr/bin/env node
// Synthetic pcap generator for streamsift end-to-end benchmarks.
//
//   node bench/gen.mjs KIND --out FILE [--seed N] [--size-mb N | --conns N]
//                      [--concurrency N] [--reorder P] [--retx P] [--no-pad]
//
// KIND: mixed | short | huge | idle (see bench/README.md).
// Output: classic pcap (microsecond, little-endian, LINKTYPE_ETHERNET) with
// valid IPv4 header and TCP checksums, plus FILE.expect.json holding the number
// of packets and connections and the TCP payload byte totals (client->server,
// server->client) a correct reassembler must deliver. Output is a pure function
// of (KIND, options, seed). No dependencies; streams through one reused buffer.

import fs from 'node:fs';
import { seededRng } from './rng.mjs';

const T0 = process.hrtime.bigint();

const USAGE = `usage: node bench/gen.mjs KIND --out FILE [--seed N] [--size-mb N | --conns N]
                           [--concurrency N] [--reorder P] [--retx P] [--no-pad]
  KIND      mixed | short | huge | idle
  mixed     HTTP-like keep-alive traffic; default --size-mb 2048, --concurrency 5000,
            --reorder 0.01 --retx 0.005 (fractions of data segments)
  short     --conns 1000000 one-request connections, --concurrency 300
  huge      --conns 4 interleaved bulk flows totalling --size-mb 2048
  idle      --conns 100000 connections, all left open (never closed)
  --no-pad  do not zero-pad frames shorter than 60 bytes (Ethernet minimum)`;

// ---------------------------------------------------------------- arguments
function parseArgs(argv) {
  const o = { kind: null, out: null, seed: 1, sizeMb: null, conns: null, concurrency: null, reorder: null, retx: null, pad: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) die(`missing value for ${a}`);
      return argv[++i];
    };
    const num = () => {
      const v = Number(val());
      if (!Number.isFinite(v) || v < 0) die(`bad number for ${a}`);
      return v;
    };
    switch (a) {
      case '--out': case '-o': o.out = val(); break;
      case '--seed': o.seed = num(); break;
      case '--size-mb': o.sizeMb = num(); break;
      case '--conns': o.conns = Math.floor(num()); break;
      case '--concurrency': o.concurrency = Math.floor(num()); break;
      case '--reorder': o.reorder = num(); break;
      case '--retx': o.retx = num(); break;
      case '--no-pad': o.pad = false; break;
      case '-h': case '--help': process.stdout.write(USAGE + '\n'); process.exit(0); break;
      default:
        if (a.startsWith('-') || o.kind) die(`unexpected argument ${a}`);
        o.kind = a;
    }
  }
  if (!o.kind || !o.out) die('KIND and --out are required');
  return o;
}
function die(msg) {
  process.stderr.write(`gen: ${msg}\n${USAGE}\n`);
  process.exit(2);
}

const opt = parseArgs(process.argv.slice(2));
const KIND = opt.kind;
if (!['mixed', 'short', 'huge', 'idle'].includes(KIND)) die(`unknown kind ${KIND}`);

// ---------------------------------------------------------------- PRNG (sfc32, bench/rng.mjs)
const { u32, rnd, randInt, gauss } = seededRng(opt.seed, 0x5eed5eed);

// ---------------------------------------------------------------- constants
const MSS = 1460;
const F_FIN = 0x01, F_SYN = 0x02, F_PSH = 0x08, F_ACK = 0x10;
const WINDOW = 65535;
const TS_BASE = 1704067200; // 2024-01-01T00:00:00Z
const SYN_OPT_SUM = 0x0204 + 0x05b4; // MSS option (kind 2, len 4, 1460)

// ---------------------------------------------------------------- body pool + prefix sums
// Bodies are random bytes: body byte i of a message = POOL[(base + i) % POOL_SIZE].
// The pool carries SLACK extra bytes (a copy of its start) so any segment is one
// contiguous slice. PE/PO are prefix sums of big-endian 16-bit words starting at
// even/odd pool offsets, so a segment's payload checksum costs O(1).
const POOL_SIZE = 1 << 22;
const SLACK = 4096;
const OUT_SIZE = 8 << 20;
// One arena: [output buffer | body pool | request templates], so a body slice is copied with
// copyWithin (a memmove, no view allocation or argument checks per segment).
const N_REQ = 1024, REQ_MAX = 1536; // request templates live in the arena too
const TEXT_OFF = OUT_SIZE + POOL_SIZE + SLACK;
const ARENA = new Uint8Array(TEXT_OFF + N_REQ * REQ_MAX);
const out = ARENA;
const POOL_OFF = OUT_SIZE;
const POOL = ARENA.subarray(POOL_OFF);
for (let i = 0; i < POOL_SIZE; i += 4) {
  const v = u32();
  POOL[i] = v & 255; POOL[i + 1] = (v >>> 8) & 255; POOL[i + 2] = (v >>> 16) & 255; POOL[i + 3] = v >>> 24;
}
POOL.copyWithin(POOL_SIZE, 0, SLACK);
const NW = ((POOL_SIZE + SLACK) >> 1) - 1;
const PE = new Float64Array(NW + 1);
const PO = new Float64Array(NW + 1);
for (let j = 0; j < NW; j++) {
  PE[j + 1] = PE[j] + ((POOL[2 * j] << 8) | POOL[2 * j + 1]);
  PO[j + 1] = PO[j] + ((POOL[2 * j + 1] << 8) | POOL[2 * j + 2]);
}
// Unfolded ones'-complement sum of POOL[pos, pos+len) as big-endian words (len <= MSS, < 2^32).
function poolSum(pos, len) {
  const k = pos >>> 1, w = len >>> 1;
  let s = (pos & 1) ? PO[k + w] - PO[k] : PE[k + w] - PE[k];
  if (len & 1) s += ARENA[POOL_OFF + pos + len - 1] << 8;
  return s;
}
function fold(s) {
  s = (s & 0xffff) + (s >>> 16);
  s = (s & 0xffff) + (s >>> 16);
  return s;
}

// ---------------------------------------------------------------- HTTP-looking text
const WORDS = ['api', 'v1', 'v2', 'static', 'js', 'css', 'img', 'assets', 'user', 'items', 'search', 'cart',
  'product', 'media', 'cdn', 'en', 'blog', 'news', 'video', 'thumbs', 'feed', 'account', 'login', 'shop'];
const EXTS = ['.js', '.css', '.png', '.jpg', '.html', '.json', '.woff2', '.svg', '', '.php', '.mp4', '.gif'];
const UAS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15',
  'curl/8.5.0', 'python-requests/2.31.0', 'okhttp/4.12.0',
];
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function randStr(n, alphabet = ALNUM) {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[randInt(alphabet.length)];
  return s;
}
function hex(n) { return randStr(n, '0123456789abcdef'); }
function pick(a) { return a[randInt(a.length)]; }
function randPath() {
  const d = 1 + randInt(3);
  let p = '';
  for (let i = 0; i < d; i++) p += '/' + pick(WORDS);
  p += '/' + hex(4 + randInt(12)) + pick(EXTS);
  if (rnd() < 0.3) p += `?v=${randInt(100000)}&lang=en`;
  return p;
}

// A complete HTTP/1.1 request (head, and a urlencoded body for POST) of exactly
// `target` bytes when target is large enough (else as short as possible).
function buildRequest(target) {
  const post = rnd() < 0.15;
  const host = `www${randInt(50)}.example${randInt(20)}.com`;
  const opt = [
    `User-Agent: ${pick(UAS)}`,
    `Accept: ${pick(['*/*', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'application/json', 'image/avif,image/webp,*/*'])}`,
    'Accept-Language: en-US,en;q=0.9',
    'Accept-Encoding: gzip, deflate, br',
    'Connection: keep-alive',
    `Referer: https://${host}${randPath()}`,
  ];
  let bodyLen = 0, body = '';
  if (post) {
    bodyLen = Math.max(0, Math.floor(target * (0.1 + 0.3 * rnd())));
    body = 'q=' + randStr(Math.max(0, bodyLen - 2), ALNUM + '&=+');
    body = body.slice(0, bodyLen);
    bodyLen = body.length;
  }
  const first = [`${post ? 'POST' : 'GET'} ${randPath()} HTTP/1.1`, `Host: ${host}`];
  if (post) first.push('Content-Type: application/x-www-form-urlencoded', `Content-Length: ${bodyLen}`);
  let n = opt.length;
  for (;;) {
    const head = first.concat(opt.slice(0, n)).join('\r\n') + '\r\nCookie: sid=';
    const need = target - bodyLen - head.length - 4;
    if (need >= 1 || n === 0) {
      const s = head + randStr(Math.max(1, need), ALNUM + '-_') + '\r\n\r\n' + body;
      return Buffer.from(s, 'latin1');
    }
    n--;
  }
}

// Response heads: prefix + Content-Length + suffix, solved so head+body == total.
// (no image/video types: tshark would try to decode the random bodies)
const CTYPES = ['text/html; charset=utf-8', 'application/javascript', 'text/css', 'application/json',
  'application/octet-stream', 'font/woff2', 'application/wasm', 'application/x-protobuf'];
const SERVERS = ['nginx/1.24.0', 'Apache/2.4.58 (Debian)', 'cloudflare', 'gws', 'Microsoft-IIS/10.0', 'envoy'];
const RESP_PRE = [], RESP_SUF = [];
for (let i = 0; i < 64; i++) {
  const date = `Mon, 01 Jan 2024 ${String(randInt(24)).padStart(2, '0')}:${String(randInt(60)).padStart(2, '0')}:${String(randInt(60)).padStart(2, '0')} GMT`;
  RESP_PRE.push(i < 8
    ? 'HTTP/1.1 200 OK\r\nContent-Length: '
    : `HTTP/1.1 200 OK\r\nServer: ${pick(SERVERS)}\r\nDate: ${date}\r\nContent-Type: ${pick(CTYPES)}\r\nContent-Length: `);
  const extra = [];
  if (i >= 8) {
    extra.push('Connection: keep-alive');
    if (rnd() < 0.7) extra.push(`Cache-Control: max-age=${randInt(86400)}`);
    if (rnd() < 0.6) extra.push(`ETag: "${hex(16)}"`);
    if (rnd() < 0.4) extra.push('Vary: Accept-Encoding');
    if (rnd() < 0.3) extra.push(`Last-Modified: Sun, 31 Dec 2023 ${String(randInt(24)).padStart(2, '0')}:00:00 GMT`);
    if (rnd() < 0.3) extra.push(`X-Request-Id: ${hex(32)}`);
  }
  RESP_SUF.push('\r\n' + extra.map((l) => l + '\r\n').join('') + '\r\n');
}
function responseHead(total, small) {
  const k = small ? randInt(8) : 8 + randInt(56);
  const pre = RESP_PRE[k], suf = RESP_SUF[k];
  let body = Math.max(0, total - pre.length - suf.length - 1);
  for (let i = 0; i < 3; i++) body = Math.max(0, total - pre.length - suf.length - String(body).length);
  return Buffer.from(pre + body + suf, 'latin1');
}

// ---------------------------------------------------------------- kind configuration
const K = {
  mixed: { conc: 5000, sizeMb: 2048, conns: Infinity, reorder: 0.01, retx: 0.005, close: true, reqMin: 200, reqMax: 1500, smallResp: false },
  short: { conc: 300, sizeMb: Infinity, conns: 1000000, reorder: 0, retx: 0, close: true, reqMin: 100, reqMax: 300, smallResp: true },
  huge: { conc: 4, sizeMb: 2048, conns: 4, reorder: 0, retx: 0, close: true, reqMin: 200, reqMax: 600, smallResp: false },
  idle: { conc: 100000, sizeMb: Infinity, conns: 100000, reorder: 0, retx: 0, close: false, reqMin: 100, reqMax: 300, smallResp: true },
}[KIND];
if (KIND === 'mixed') {
  if (opt.conns != null && opt.sizeMb == null) { K.conns = opt.conns; K.sizeMb = Infinity; }
  else { if (opt.conns != null) K.conns = opt.conns; if (opt.sizeMb != null) K.sizeMb = opt.sizeMb; }
} else if (KIND === 'huge') {
  if (opt.conns != null) K.conns = K.conc = Math.max(1, opt.conns);
  if (opt.sizeMb != null) K.sizeMb = opt.sizeMb;
} else {
  if (opt.sizeMb != null) die(`--size-mb does not apply to ${KIND}; use --conns`);
  if (opt.conns != null) K.conns = opt.conns;
  if (KIND === 'idle') K.conc = K.conns;
}
if (opt.concurrency != null) K.conc = Math.max(1, opt.concurrency);
if (opt.reorder != null) K.reorder = opt.reorder;
if (opt.retx != null) K.retx = opt.retx;
const TARGET = K.sizeMb * 1048576;
const MIN_FRAME = opt.pad ? 60 : 0;
// Per huge flow: response size so that the whole file is ~TARGET bytes
// (a 1460-byte segment costs 1530 bytes on disk, plus ~2/3 of a 70-byte ACK).
const HUGE_FLOW = Math.max(1, Math.floor(TARGET / (1577 / 1460) / K.conns));

// Request templates (shared by connections; identical bytes on reuse are fine),
// stored in the arena with their precomputed ones'-complement sums.
const REQ_OFF = new Float64Array(N_REQ), REQ_LEN = new Float64Array(N_REQ), REQ_SUM = new Float64Array(N_REQ);
for (let i = 0, off = TEXT_OFF; i < N_REQ; i++) {
  const r = rnd();
  const b = buildRequest(Math.min(REQ_MAX, K.reqMin + Math.floor((K.reqMax - K.reqMin) * r * r)));
  if (b.length > REQ_MAX) throw new Error('request template too long');
  ARENA.set(b, off);
  REQ_OFF[i] = off; REQ_LEN[i] = b.length; REQ_SUM[i] = bytesSum(b, 0, b.length);
  off += REQ_MAX;
}
// Unfolded sum of arr[o, e) as big-endian words starting at o.
function bytesSum(arr, o, e) {
  let s = 0;
  const e2 = o + ((e - o) & ~1);
  for (let i = o; i < e2; i += 2) s += (arr[i] << 8) | arr[i + 1];
  if ((e - o) & 1) s += arr[e - 1] << 8;
  return s;
}

// ---------------------------------------------------------------- output
let wp = 0;
let fileBytes = 0;
const fd = fs.openSync(opt.out, 'w');
function flush() {
  let off = 0;
  while (off < wp) off += fs.writeSync(fd, out, off, wp - off);
  fileBytes += wp;
  wp = 0;
}
function w32le(p, v) {
  out[p] = v & 255; out[p + 1] = (v >>> 8) & 255; out[p + 2] = (v >>> 16) & 255; out[p + 3] = (v >>> 24) & 255;
}
// pcap global header
w32le(0, 0xa1b2c3d4);
out[4] = 2; out[5] = 0; out[6] = 4; out[7] = 0; // version 2.4
w32le(8, 0); w32le(12, 0); w32le(16, 65535); w32le(20, 1);
wp = 24;

// Ethernet headers: the capture sits between a client-side and a server-side router.
const MAC_C = [0x00, 0x1b, 0x21, 0x3a, 0x00, 0x01];
const MAC_S = [0x00, 0x1b, 0x21, 0x3a, 0x00, 0x02];
const DV = new DataView(ARENA.buffer);
const be32 = (b, i) => ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
const ETH_C2S = [...MAC_S, ...MAC_C], ETH_S2C = [...MAC_C, ...MAC_S];
const ETH_C2S_0 = be32(ETH_C2S, 0), ETH_C2S_1 = be32(ETH_C2S, 4), ETH_C2S_2 = be32(ETH_C2S, 8);
const ETH_S2C_0 = be32(ETH_S2C, 0), ETH_S2C_1 = be32(ETH_S2C, 4), ETH_S2C_2 = be32(ETH_S2C, 8);

let tsSec = TS_BASE, tsUsec = 0;
let nPackets = 0;
let c2sBytes = 0, s2cBytes = 0;

// ---------------------------------------------------------------- connections
class Conn {
  constructor(idx) {
    this.cip = (0x0a000001 + (idx >>> 4)) >>> 0; // 10.x.y.z, 16 connections per client address
    this.cport = 1024 + (idx & 15) * 4032 + randInt(4032); // unique (ip, port) per index
    this.sip = (0xc0a80001 + randInt(1000)) >>> 0; // 192.168.0.1 .. 192.168.3.232
    this.sport = KIND === 'huge' ? 443 : 80;
    this.cIsn = u32();
    this.sIsn = u32();
    if (KIND === 'huge' && idx === 0) this.cIsn = this.sIsn = 0xffffffff - 20000; // sequence wrap early on
    const a = (this.cip >>> 16) + (this.cip & 0xffff) + (this.sip >>> 16) + (this.sip & 0xffff);
    this.ipSumC = 0x4500 + 0x4000 + ((64 << 8) | 6) + a; // DF, TTL 64
    this.ipSumS = 0x4500 + 0x4000 + ((57 << 8) | 6) + a; // DF, TTL 57
    this.tcpSum = a + 6 + this.cport + this.sport; // pseudo header + ports (same both ways)
    this.cId = u32() & 0xffff;
    this.sId = u32() & 0xffff;
    this.cOff = 0; this.sOff = 0; // stream bytes committed so far (excl. SYN/FIN)
    this.cFin = 0; this.sFin = 0;
    this.phase = 0;
    this.tx = 0;
    this.closerClient = rnd() < 0.6;
    // transactions: [request template, response total size] pairs
    let ntx = 1;
    if (KIND === 'mixed') while (ntx < 8 && rnd() < 0.5) ntx++;
    this.txs = new Array(ntx * 2);
    let est = 0;
    for (let t = 0; t < ntx; t++) {
      const req = randInt(N_REQ);
      let resp;
      if (KIND === 'mixed') {
        resp = rnd() < 0.01
          ? Math.floor(1048576 * (0.9 + 0.2 * rnd()))
          : Math.min(8 << 20, Math.max(120, Math.round(Math.exp(Math.log(8000) + gauss()))));
      } else if (KIND === 'huge') {
        resp = HUGE_FLOW;
      } else {
        resp = 200 + randInt(801);
      }
      this.txs[2 * t] = req;
      this.txs[2 * t + 1] = resp;
      est += REQ_LEN[req] + resp;
    }
    this.est = est; // estimated payload, for the size budget
    this.sent = 0;
    // current message
    this.mHead = null; this.mHeadOff = 0; this.mHeadSum = 0; this.mH = 0; this.mLen = 0; this.mBase = 0; this.mStart = 0;
    this.mOff = 0; this.mSteps = 1; this.mLast = -1; this.mPrev = -1;
    this.unacked = 0; this.ackEvery = 1;
  }
}

// One packet. Payload = bytes [o, o+len) of the connection's current message.
function pkt(c, fromClient, seq, ack, flags, o, len) {
  const tcpHL = (flags & F_SYN) ? 24 : 20;
  const ipLen = 20 + tcpHL + len;
  const frame = 14 + ipLen;
  const cap = frame < MIN_FRAME ? MIN_FRAME : frame; // Ethernet minimum: zero padding after IP
  if (wp + 16 + cap > OUT_SIZE) flush();
  tsUsec += 1 + (u32() & 7);
  if (tsUsec >= 1000000) { tsUsec -= 1000000; tsSec++; }
  let p = wp;
  DV.setUint32(p, tsSec, true); DV.setUint32(p + 4, tsUsec, true);
  DV.setUint32(p + 8, cap, true); DV.setUint32(p + 12, cap, true);
  p += 16;
  // Ethernet (big-endian words of the two fixed MAC pairs)
  if (fromClient) { DV.setUint32(p, ETH_C2S_0); DV.setUint32(p + 4, ETH_C2S_1); DV.setUint32(p + 8, ETH_C2S_2); }
  else { DV.setUint32(p, ETH_S2C_0); DV.setUint32(p + 4, ETH_S2C_1); DV.setUint32(p + 8, ETH_S2C_2); }
  DV.setUint16(p + 12, 0x0800);
  p += 14;
  // IPv4
  let id, src, dst, ipSum, sport, dport, ttlProto;
  if (fromClient) {
    id = c.cId = (c.cId + 1) & 0xffff; src = c.cip; dst = c.sip; ipSum = c.ipSumC; sport = c.cport; dport = c.sport;
    ttlProto = (64 << 8) | 6;
  } else {
    id = c.sId = (c.sId + 1) & 0xffff; src = c.sip; dst = c.cip; ipSum = c.ipSumS; sport = c.sport; dport = c.cport;
    ttlProto = (57 << 8) | 6;
  }
  ipSum = (~fold(ipSum + ipLen + id)) & 0xffff;
  DV.setUint32(p, 0x45000000 + ipLen); // version/IHL, TOS, total length
  DV.setUint32(p + 4, (id << 16 | 0x4000) >>> 0); // ID, DF
  DV.setUint32(p + 8, (ttlProto << 16 | ipSum) >>> 0);
  DV.setUint32(p + 12, src); DV.setUint32(p + 16, dst);
  p += 20;
  // TCP
  const t = p;
  const offFlags = ((tcpHL >>> 2) << 12) | flags;
  DV.setUint32(t, (sport << 16 | dport) >>> 0);
  DV.setUint32(t + 4, seq); DV.setUint32(t + 8, ack);
  DV.setUint32(t + 12, (offFlags << 16 | WINDOW) >>> 0);
  DV.setUint32(t + 16, 0); // checksum (filled below), urgent pointer
  let sum = c.tcpSum + tcpHL + len + (seq >>> 16) + (seq & 0xffff) + (ack >>> 16) + (ack & 0xffff) + offFlags + WINDOW;
  p += 20;
  if (tcpHL === 24) {
    DV.setUint32(p, 0x02040000 | MSS);
    sum += SYN_OPT_SUM;
    p += 4;
  }
  if (len > 0) {
    // payload: head part (text, summed bytewise) then body part (pool, prefix sums)
    let q = 0;
    const H = c.mH;
    if (o < H) {
      const e = o + len < H ? o + len : H;
      const head = c.mHead, n = e - o;
      if (n === H) { // whole head: cached sum, native copy
        if (head === ARENA) out.copyWithin(p, c.mHeadOff, c.mHeadOff + H);
        else out.set(head, p);
        sum += c.mHeadSum;
      } else {
        const i0 = c.mHeadOff + o, i1 = i0 + n, i2 = i0 + (n & ~1), d = p - i0;
        let s = 0;
        for (let i = i0; i < i2; i += 2) {
          const a = head[i], b = head[i + 1];
          out[d + i] = a; out[d + i + 1] = b;
          s += (a << 8) | b;
        }
        if (n & 1) { const a = head[i1 - 1]; out[d + i1 - 1] = a; s += a << 8; }
        sum += s;
      }
      q = n;
    }
    if (q < len) {
      const bl = len - q;
      const pos = (c.mBase + (o + q - H)) % POOL_SIZE;
      out.copyWithin(p + q, POOL_OFF + pos, POOL_OFF + pos + bl);
      let s = fold(poolSum(pos, bl));
      if (q & 1) s = ((s & 0xff) << 8) | (s >>> 8);
      sum += s;
    }
    p += len;
  }
  DV.setUint16(t + 16, (~fold(sum)) & 0xffff);
  for (let e = wp + 16 + cap; p < e; p++) out[p] = 0;
  wp = p;
  nPackets++;
}

const cSeq = (c) => (c.cIsn + 1 + c.cOff + c.cFin) >>> 0;
const sSeq = (c) => (c.sIsn + 1 + c.sOff + c.sFin) >>> 0;

let pending = 0; // estimated payload bytes not yet sent by active connections

// Message = head bytes (head[headOff, headOff+headLen), ones'-complement sum
// headSum) followed by len-headLen random body bytes from the pool.
function startMessage(c, fromClient, head, headOff, headLen, headSum, len) {
  c.mHead = head; c.mHeadOff = headOff; c.mH = headLen; c.mHeadSum = headSum; c.mLen = len;
  c.mBase = randInt(POOL_SIZE);
  c.mOff = 0; c.mLast = -1; c.mPrev = -1; c.unacked = 0; c.ackEvery = 1 + (u32() & 1);
  if (fromClient) { c.mStart = c.cOff; c.cOff += len; c2sBytes += len; }
  else { c.mStart = c.sOff; c.sOff += len; s2cBytes += len; }
  const segs = Math.ceil(len / MSS);
  if (KIND === 'huge') c.mSteps = 0; // fixed-size random bursts
  else if (!fromClient && KIND === 'mixed') c.mSteps = Math.min(segs, 10 + randInt(40));
  else c.mSteps = 1;
}

function dataSeg(c, fromClient, base, o, l, ack) {
  pkt(c, fromClient, (base + o) >>> 0, ack, F_ACK | (o + l === c.mLen ? F_PSH : 0), o, l);
}

// Send part of the current message; receiver ACKs every 1-2 segments.
// Returns true once the whole message is sent.
function transfer(c, fromClient) {
  const base = (fromClient ? c.cIsn : c.sIsn) + 1 + c.mStart; // seq of message byte 0 (unwrapped)
  const rseq = fromClient ? sSeq(c) : cSeq(c); // receiver's own sequence number
  const len = c.mLen;
  const off0 = c.mOff;
  let n;
  if (c.mSteps === 0) n = 1 + (u32() & 7);
  else {
    n = Math.ceil(Math.ceil((len - c.mOff) / MSS) / c.mSteps);
    if (c.mSteps > 1) c.mSteps--;
  }
  for (let k = 0; k < n && c.mOff < len; k++) {
    const o = c.mOff;
    const l = len - o < MSS ? len - o : MSS;
    if (K.reorder > 0 && o + l < len && rnd() < K.reorder) {
      // swap this segment with the next one; receiver sends a duplicate ACK in between
      const l2 = len - o - l < MSS ? len - o - l : MSS;
      dataSeg(c, fromClient, base, o + l, l2, rseq);
      pkt(c, !fromClient, rseq, (base + o) >>> 0, F_ACK, 0, 0);
      dataSeg(c, fromClient, base, o, l, rseq);
      c.mPrev = o; c.mLast = o + l; c.mOff = o + l + l2; c.unacked += 2; k++;
    } else {
      dataSeg(c, fromClient, base, o, l, rseq);
      c.mPrev = c.mLast; c.mLast = o; c.mOff = o + l; c.unacked++;
    }
    if (K.retx > 0 && rnd() < K.retx) {
      // retransmit already-sent bytes: exact copy of the last segment, its tail,
      // or a re-segmentation straddling the last two segments
      const last = c.mLast, ll = c.mOff - last, r = rnd();
      if (r < 0.5 || ll < 2) dataSeg(c, fromClient, base, last, ll, rseq);
      else if (r < 0.75 || c.mPrev < 0 || last - c.mPrev < 2) {
        const x = 1 + randInt(ll - 1);
        dataSeg(c, fromClient, base, last + x, ll - x, rseq);
      } else {
        const x = 1 + randInt(last - c.mPrev - 1);
        const y = 1 + randInt(Math.min(x, ll));
        dataSeg(c, fromClient, base, c.mPrev + x, last + y - (c.mPrev + x), rseq);
      }
      pkt(c, !fromClient, rseq, (base + c.mOff) >>> 0, F_ACK, 0, 0);
      c.unacked = 0;
    } else if (c.unacked >= c.ackEvery) {
      pkt(c, !fromClient, rseq, (base + c.mOff) >>> 0, F_ACK, 0, 0);
      c.unacked = 0; c.ackEvery = 1 + (u32() & 1);
    }
  }
  c.sent += c.mOff - off0;
  pending -= c.mOff - off0;
  if (c.mOff < len) return false;
  // final ACK; after a request it is often left to the response to carry it
  if (c.unacked > 0 && !(fromClient && rnd() < 0.5)) pkt(c, !fromClient, rseq, (base + len) >>> 0, F_ACK, 0, 0);
  c.unacked = 0;
  return true;
}

function startRequest(c) {
  const r = c.txs[2 * c.tx];
  startMessage(c, true, ARENA, REQ_OFF[r], REQ_LEN[r], REQ_SUM[r], REQ_LEN[r]);
}
function startResponse(c) {
  const total = c.txs[2 * c.tx + 1];
  const head = responseHead(total, K.smallResp);
  startMessage(c, false, head, 0, head.length, bytesSum(head, 0, head.length), Math.max(total, head.length));
  c.tx++;
}

// Advance a connection by one step; returns false when it has nothing more to send.
function step(c) {
  switch (c.phase) {
    case 0: // SYN
      pkt(c, true, c.cIsn, 0, F_SYN, 0, 0);
      c.phase = 1; return true;
    case 1: // SYN-ACK
      pkt(c, false, c.sIsn, (c.cIsn + 1) >>> 0, F_SYN | F_ACK, 0, 0);
      c.phase = 2; return true;
    case 2: // ACK
      pkt(c, true, cSeq(c), sSeq(c), F_ACK, 0, 0);
      startRequest(c);
      c.phase = 3; return true;
    case 3: // request
      if (transfer(c, true)) { startResponse(c); c.phase = 4; }
      return true;
    case 4: // response
      if (!transfer(c, false)) return true;
      if (2 * c.tx < c.txs.length) { startRequest(c); c.phase = 3; return true; }
      if (!K.close) return false; // idle: leave the connection open
      c.phase = 5; return true;
    case 5: // closer's FIN
      if (c.closerClient) { pkt(c, true, cSeq(c), sSeq(c), F_FIN | F_ACK, 0, 0); c.cFin = 1; }
      else { pkt(c, false, sSeq(c), cSeq(c), F_FIN | F_ACK, 0, 0); c.sFin = 1; }
      c.phase = 6; return true;
    case 6: // other side's FIN (acks the first one)
      if (c.closerClient) { pkt(c, false, sSeq(c), cSeq(c), F_FIN | F_ACK, 0, 0); c.sFin = 1; }
      else { pkt(c, true, cSeq(c), sSeq(c), F_FIN | F_ACK, 0, 0); c.cFin = 1; }
      c.phase = 7; return true;
    case 7: // last ACK
      if (c.closerClient) pkt(c, true, cSeq(c), sSeq(c), F_ACK, 0, 0);
      else pkt(c, false, sSeq(c), cSeq(c), F_ACK, 0, 0);
      c.phase = 8; return false;
    default:
      return false;
  }
}

// ---------------------------------------------------------------- scheduler
// On-disk bytes per payload byte, to stop opening connections near the size target.
const OVERHEAD = KIND === 'mixed' ? 1.1 : 1.08;
let created = 0;
let openSum = 0, openMax = 0; // connections open, weighted by packets emitted
function run() {
  const active = [];
  for (;;) {
    while (active.length < K.conc && created < K.conns &&
           (TARGET === Infinity || KIND === 'huge' || fileBytes + wp + pending * OVERHEAD < TARGET)) {
      const c = new Conn(created++);
      pending += c.est;
      active.push(c);
    }
    const n = active.length;
    if (n === 0) break;
    const i = n === 1 ? 0 : Math.floor(rnd() * n);
    const c = active[i];
    const before = nPackets;
    const more = step(c);
    openSum += n * (nPackets - before);
    if (n > openMax) openMax = n;
    if (!more) {
      pending += c.sent - c.est; // drop what is left of the estimate
      active[i] = active[n - 1];
      active.pop();
    }
  }
}
run();
flush();
fs.closeSync(fd);
const secs = Number(process.hrtime.bigint() - T0) / 1e9;

const expect = { packets: nPackets, connections: created, c2s: c2sBytes, s2c: s2cBytes };
fs.writeFileSync(opt.out + '.expect.json', JSON.stringify(expect) + '\n');
process.stderr.write(
  `gen ${KIND}: packets=${nPackets} connections=${created} c2s=${c2sBytes} s2c=${s2cBytes} ` +
  `file=${fileBytes} open(avg/max)=${Math.round(openSum / Math.max(1, nPackets))}/${openMax} elapsed=${secs.toFixed(2)}s rate=${(fileBytes / 1048576 / secs).toFixed(0)}MB/s\n`);
