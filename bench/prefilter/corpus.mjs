#!/usr/bin/env node
// Benchmark corpus for the literal prefilter (see bench/prefilter/README.md).
//
//   node bench/prefilter/corpus.mjs [--size-mb 200] [--seed 1] [--out FILE]
//        [--patterns FILE.tsv] [--plant-every 4096] [--mix http=50,tls=30,bin=20]
//
// Writes one flat byte stream made of back-to-back records:
//   http  HTTP/1.1 requests and responses (realistic request lines, headers,
//         HTML / JSON / JS / form bodies, and compressed-looking binary bodies)
//   tls   TLS-like records: 5-byte header (type, 0x0303, length) + random bytes,
//         with an occasional ClientHello-like handshake carrying an SNI host name
//   bin   binary protocol bytes: SMB2-like messages (NetBIOS length + 0xFE 'SMB'
//         header + UTF-16LE paths or file data), DNS-over-TCP-like messages, and
//         a generic TLV protocol with many zero and small-integer bytes
// Literals from --patterns are planted (inserted, never overwriting each other) at
// a mean rate of one per --plant-every bytes (Poisson per record), chosen uniformly
// from the file; every ASCII letter of a caseless literal gets a random case.
// Output: FILE (default bench/out/prefilter-corpus.bin, exactly size-mb MiB) and
// FILE.json with its composition. The bytes are a pure function of the options.
// No dependencies.

import fs from 'node:fs';
import { seededRng } from '../rng.mjs';
import { loadPatterns } from './harness.mjs';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const T0 = process.hrtime.bigint();

const USAGE = `usage: node bench/prefilter/corpus.mjs [--size-mb N] [--seed N] [--out FILE]
       [--patterns FILE.tsv] [--plant-every BYTES] [--mix http=50,tls=30,bin=20]
  --size-mb      corpus size in MiB (default 200)
  --seed         PRNG seed (default 1)
  --out          output file (default bench/out/prefilter-corpus.bin; FILE.json is written too)
  --patterns     literals to plant (default ../shared/bench/patterns/et-all.tsv)
  --plant-every  mean bytes per planted literal (default 4096; 0 = plant nothing)
  --mix          byte shares of the record kinds (default http=50,tls=30,bin=20)`;

function die(msg) {
  process.stderr.write(`corpus: ${msg}\n${USAGE}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const o = {
    sizeMb: 200,
    seed: 1,
    out: path.resolve(HERE, '../out/prefilter-corpus.bin'),
    patterns: path.resolve(HERE, '../../../shared/bench/patterns/et-all.tsv'),
    plantEvery: 4096,
    mix: { http: 50, tls: 30, bin: 20 },
  };
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
      case '--size-mb': o.sizeMb = num(); break;
      case '--seed': o.seed = num(); break;
      case '--out': case '-o': o.out = path.resolve(val()); break;
      case '--patterns': o.patterns = path.resolve(val()); break;
      case '--plant-every': o.plantEvery = num(); break;
      case '--mix': {
        const m = { http: 0, tls: 0, bin: 0 };
        for (const part of val().split(',')) {
          const [k, v] = part.split('=');
          if (!(k in m) || !Number.isFinite(Number(v)) || Number(v) < 0) die(`bad --mix part ${part}`);
          m[k] = Number(v);
        }
        if (m.http + m.tls + m.bin <= 0) die('--mix shares sum to 0');
        o.mix = m;
        break;
      }
      case '-h': case '--help': process.stdout.write(USAGE + '\n'); process.exit(0); break;
      default: die(`unexpected argument ${a}`);
    }
  }
  if (o.sizeMb <= 0) die('--size-mb must be > 0');
  return o;
}

const opt = parseArgs(process.argv.slice(2));
const TOTAL = Math.floor(opt.sizeMb * 1048576);

// ---------------------------------------------------------------- PRNG (sfc32, seeded by splitmix32)
const { u32, rnd, randInt, gauss } = seededRng(opt.seed, 0x51f7e2a3);   // bench/rng.mjs
function range(lo, hi) { return lo + randInt(hi - lo + 1); } // inclusive
function pick(arr) { return arr[randInt(arr.length)]; }
function chance(p) { return rnd() < p; }
function lognormal(median, sigma) { return median * Math.exp(sigma * gauss()); }
function poisson(lambda) {
  // Knuth; lambda is at most a few dozen here.
  if (lambda <= 0) return 0;
  const l = Math.exp(-lambda);
  let k = 0, p = 1;
  do { k++; p *= rnd(); } while (p > l);
  return k - 1;
}

// ---------------------------------------------------------------- patterns to plant
const LITS = opt.plantEvery > 0 ? loadPatterns(opt.patterns, die, true) : [];

// ---------------------------------------------------------------- output buffer
const CHUNK = 8 << 20;
const outBuf = Buffer.allocUnsafe(CHUNK);
let outLen = 0;
let written = 0;
fs.mkdirSync(path.dirname(opt.out), { recursive: true });
const fd = fs.openSync(opt.out, 'w');
const hash = crypto.createHash('sha256');
function flush() {
  if (outLen === 0) return;
  const view = outBuf.subarray(0, outLen);
  hash.update(view);
  let off = 0;
  while (off < outLen) off += fs.writeSync(fd, outBuf, off, outLen - off);
  outLen = 0;
}
// Appends up to the remaining corpus size; returns the number of bytes taken.
function emit(bytes) {
  const take = Math.min(bytes.length, TOTAL - written);
  let off = 0;
  while (off < take) {
    const n = Math.min(take - off, CHUNK - outLen);
    bytes.copy(outBuf, outLen, off, off + n);
    outLen += n; off += n;
    if (outLen === CHUNK) flush();
  }
  written += take;
  return take;
}

// ---------------------------------------------------------------- vocabulary
const WORDS = ('the of and to in is for on that with as by this from at are be or an it was ' +
  'which not have has you your all can more will one new about page home search news contact ' +
  'service account login user data file report update system network security server client ' +
  'price order product cart shipping free download video music image photo online support help ' +
  'privacy policy terms cookie settings profile message email address phone mobile app version ' +
  'release notes document library project team company business market travel hotel weather ' +
  'sports game score player season health food recipe school student course event ticket city')
  .split(' ');
const HOSTS = ['www.example.com', 'cdn.example.net', 'api.shopfront.io', 'static.newsportal.org',
  'img.cdn-cache.net', 'login.corp-intranet.local', 'updates.softvendor.com', 'mail.example.org',
  'ads.tracker-metrics.com', 'video.streamhost.tv', 'www.weatherdaily.com', 'download.mirrors.org',
  'telemetry.appservice.net', 'www.onlinebank.example', 'fonts.webfonts.io', 'graph.socialsite.com'];
const TLDS = ['com', 'net', 'org', 'io', 'ru', 'cn', 'de', 'info', 'biz', 'xyz', 'top'];
const UAS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.43 Mobile Safari/537.36',
  'curl/8.5.0', 'Wget/1.21.4', 'python-requests/2.31.0', 'Go-http-client/1.1',
  'Microsoft-CryptoAPI/10.0', 'Windows-Update-Agent/10.0.10011.16384 Client-Protocol/2.50',
  'Java/1.8.0_392', 'okhttp/4.12.0', 'Apache-HttpClient/4.5.14 (Java/17.0.9)'];
const SERVERS = ['nginx', 'nginx/1.24.0', 'Apache', 'Apache/2.4.58 (Ubuntu)', 'Microsoft-IIS/10.0',
  'cloudflare', 'gws', 'AmazonS3', 'Caddy', 'LiteSpeed', 'openresty', 'ECS (nyb/1D2E)'];
const EXTS = ['html', 'php', 'js', 'css', 'png', 'jpg', 'gif', 'json', 'aspx', 'jsp', 'cgi', 'txt', 'xml', 'svg', 'woff2', 'exe', 'zip', 'pdf'];
const CTYPES_TEXT = ['text/html; charset=utf-8', 'text/html', 'text/plain', 'text/css', 'application/xml'];
const CTYPES_BIN = ['image/png', 'image/jpeg', 'image/gif', 'application/octet-stream', 'application/zip',
  'application/pdf', 'font/woff2', 'application/x-msdownload'];
const METHODS = ['GET', 'GET', 'GET', 'GET', 'GET', 'GET', 'POST', 'POST', 'HEAD', 'PUT', 'OPTIONS'];
const LANGS = ['en-US,en;q=0.9', 'en-GB,en;q=0.8', 'de-DE,de;q=0.9,en;q=0.8', 'fr-FR,fr;q=0.9', 'ru-RU,ru;q=0.9,en;q=0.5', 'zh-CN,zh;q=0.9'];
const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const HEX = '0123456789abcdef';
const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const B64 = ALNUM + '+/';

function word() { return pick(WORDS); }
function randStr(alpha, n) {
  let s = '';
  for (let i = 0; i < n; i++) s += alpha[randInt(alpha.length)];
  return s;
}
function sentence(nWords) {
  let s = '';
  for (let i = 0; i < nWords; i++) s += (i ? ' ' : '') + word();
  return s.charAt(0).toUpperCase() + s.slice(1) + '.';
}
function randomHost() {
  return chance(0.7) ? pick(HOSTS) : `${word()}${chance(0.5) ? '-' + word() : ''}${range(0, 99)}.${pick(TLDS)}`;
}
function randPath() {
  const depth = range(0, 4);
  let p = '';
  for (let i = 0; i < depth; i++) p += '/' + (chance(0.2) ? randStr(ALNUM, range(4, 16)) : word());
  p += '/' + (chance(0.3) ? randStr(ALNUM, range(3, 12)) : word()) + '.' + pick(EXTS);
  if (chance(0.45)) {
    const n = range(1, 5);
    const qs = [];
    for (let i = 0; i < n; i++) qs.push(`${word()}=${chance(0.5) ? word() : randStr(ALNUM, range(1, 24))}`);
    p += '?' + qs.join('&');
  }
  return p;
}
function httpDate() {
  return `${pick(DAYS)}, ${String(range(1, 28)).padStart(2, '0')} ${pick(MONTHS)} 2024 ` +
    `${String(range(0, 23)).padStart(2, '0')}:${String(range(0, 59)).padStart(2, '0')}:${String(range(0, 59)).padStart(2, '0')} GMT`;
}
function randomBytes(n) {
  const b = Buffer.allocUnsafe(n);
  let i = 0;
  for (; i + 4 <= n; i += 4) b.writeUInt32LE(u32(), i);
  for (; i < n; i++) b[i] = u32() & 255;
  return b;
}

// ---------------------------------------------------------------- bodies
function htmlBody(target) {
  const parts = ['<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
    `<title>${sentence(range(2, 6))}</title>\n`,
    `<link rel="stylesheet" href="${randPath()}">\n<script src="https://${randomHost()}${randPath()}"></script>\n</head>\n<body>\n`];
  let len = parts.reduce((a, s) => a + s.length, 0);
  while (len < target) {
    let s;
    switch (randInt(6)) {
      case 0: s = `<div class="${word()}-${word()}" id="${word()}${range(1, 999)}">\n`; break;
      case 1: s = `<a href="${chance(0.5) ? '' : 'https://' + randomHost()}${randPath()}">${sentence(range(1, 5))}</a>\n`; break;
      case 2: s = `<img src="${randPath()}" alt="${word()}" width="${range(16, 1200)}" height="${range(16, 900)}">\n`; break;
      case 3: s = `<script>var ${word()}_${word()} = ${JSON.stringify({ id: range(1, 1e6), name: word(), ok: chance(0.5) })};</script>\n`; break;
      default: s = `<p>${sentence(range(5, 40))} ${sentence(range(5, 30))}</p>\n`; break;
    }
    parts.push(s);
    len += s.length;
  }
  parts.push('</body>\n</html>\n');
  return Buffer.from(parts.join(''), 'latin1');
}
function jsonValue(depth) {
  const r = randInt(depth > 2 ? 4 : 6);
  if (r === 0) return range(0, 100000);
  if (r === 1) return chance(0.5) ? word() : randStr(ALNUM, range(4, 32));
  if (r === 2) return chance(0.5);
  if (r === 3) return `${word()} ${word()} ${word()}`;
  if (r === 4) {
    const a = [];
    for (let i = range(1, 5); i > 0; i--) a.push(jsonValue(depth + 1));
    return a;
  }
  const o = {};
  for (let i = range(1, 6); i > 0; i--) o[word() + (chance(0.3) ? '_' + word() : '')] = jsonValue(depth + 1);
  return o;
}
function jsonBody(target) {
  const items = [];
  let len = 0;
  while (len < target) {
    const v = { id: range(1, 1e7), type: word(), attributes: jsonValue(1), url: `https://${randomHost()}${randPath()}` };
    const s = JSON.stringify(v);
    items.push(s);
    len += s.length + 1;
  }
  return Buffer.from(`{"data":[${items.join(',')}],"meta":{"count":${items.length}}}`, 'latin1');
}
function scriptBody(target) {
  const parts = [];
  let len = 0;
  while (len < target) {
    let s;
    switch (randInt(4)) {
      case 0: s = `function ${word()}${randStr(ALNUM, 3)}(${word()}, ${word()}) {\n  return ${word()}.${word()}(${range(0, 99)});\n}\n`; break;
      case 1: s = `.${word()}-${word()} { margin: ${range(0, 40)}px; color: #${randStr(HEX, 6)}; font-family: Arial, sans-serif; }\n`; break;
      case 2: s = `var ${word()} = document.getElementById("${word()}"); ${word()}.addEventListener("click", function(e) { e.preventDefault(); });\n`; break;
      default: s = `if (window.${word()} && typeof ${word()} !== "undefined") { ${word()}.push("${randStr(B64, range(8, 64))}"); }\n`; break;
    }
    parts.push(s);
    len += s.length;
  }
  return Buffer.from(parts.join(''), 'latin1');
}
function formBody() {
  const n = range(1, 8);
  const kv = [];
  for (let i = 0; i < n; i++) kv.push(`${word()}=${encodeURIComponent(chance(0.5) ? sentence(range(1, 4)) : randStr(B64, range(4, 40)))}`);
  return Buffer.from(kv.join('&'), 'latin1');
}

// ---------------------------------------------------------------- record generators
const stats = {
  bytes: { http: 0, tls: 0, bin: 0 },
  records: { http_request: 0, http_response: 0, tls_record: 0, tls_client_hello: 0, smb2: 0, dns: 0, tlv: 0 },
  planted: 0, plantedBytes: 0, plantedCaseless: 0,
};

function httpRequest() {
  stats.records.http_request++;
  const method = pick(METHODS);
  const host = randomHost();
  let h = `${method} ${randPath()} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: ${pick(UAS)}\r\n` +
    `Accept: ${pick(['*/*', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'application/json', 'image/avif,image/webp,*/*'])}\r\n` +
    `Accept-Language: ${pick(LANGS)}\r\nAccept-Encoding: gzip, deflate, br\r\n`;
  if (chance(0.6)) h += `Cookie: ${word()}=${randStr(HEX, 32)}; _ga=GA1.2.${range(1e8, 9e8)}.${range(1.6e9, 1.7e9)}; ${word()}=${word()}\r\n`;
  if (chance(0.5)) h += `Referer: https://${randomHost()}${randPath()}\r\n`;
  if (chance(0.2)) h += `Authorization: Bearer ${randStr(B64, range(40, 180))}\r\n`;
  if (chance(0.15)) h += `X-Requested-With: XMLHttpRequest\r\n`;
  let body = null;
  if (method === 'POST' || method === 'PUT') {
    body = chance(0.5) ? formBody() : jsonBody(range(60, 2000));
    h += `Content-Type: ${body[0] === 0x7b ? 'application/json' : 'application/x-www-form-urlencoded'}\r\nContent-Length: ${body.length}\r\n`;
  }
  h += `Connection: ${chance(0.8) ? 'keep-alive' : 'close'}\r\n\r\n`;
  const head = Buffer.from(h, 'latin1');
  return body ? Buffer.concat([head, body]) : head;
}
function httpResponse() {
  stats.records.http_response++;
  const status = pick(['200 OK', '200 OK', '200 OK', '200 OK', '304 Not Modified', '302 Found', '404 Not Found', '206 Partial Content', '500 Internal Server Error']);
  const size = Math.min(262144, Math.max(0, Math.round(lognormal(3000, 1.3))));
  let body, ctype;
  if (status.startsWith('304') || status.startsWith('302')) {
    body = Buffer.alloc(0); ctype = 'text/html';
  } else {
    const r = rnd();
    if (r < 0.40) { body = htmlBody(size); ctype = pick(CTYPES_TEXT); }
    else if (r < 0.60) { body = jsonBody(size); ctype = 'application/json'; }
    else if (r < 0.75) { body = scriptBody(size); ctype = pick(['application/javascript', 'text/css', 'text/javascript']); }
    else { body = randomBytes(size); ctype = pick(CTYPES_BIN); }
  }
  const gz = body.length > 0 && ctype.startsWith('text') && chance(0.3);
  if (gz) body = randomBytes(Math.max(20, body.length >> 2)); // compressed-looking
  let h = `HTTP/1.1 ${status}\r\nDate: ${httpDate()}\r\nServer: ${pick(SERVERS)}\r\nContent-Type: ${ctype}\r\n` +
    `Content-Length: ${body.length}\r\n`;
  if (gz) h += 'Content-Encoding: gzip\r\nVary: Accept-Encoding\r\n';
  if (chance(0.5)) h += `Cache-Control: ${pick(['no-cache', 'max-age=3600', 'private, max-age=0', 'public, max-age=31536000, immutable'])}\r\n`;
  if (chance(0.4)) h += `ETag: "${randStr(HEX, 16)}"\r\nLast-Modified: ${httpDate()}\r\n`;
  if (chance(0.3)) h += `Set-Cookie: ${word()}=${randStr(ALNUM, 24)}; Path=/; HttpOnly; Secure; SameSite=Lax\r\n`;
  if (status.startsWith('302')) h += `Location: https://${randomHost()}${randPath()}\r\n`;
  if (chance(0.3)) h += `X-Frame-Options: SAMEORIGIN\r\nX-Content-Type-Options: nosniff\r\n`;
  h += `Connection: keep-alive\r\n\r\n`;
  return Buffer.concat([Buffer.from(h, 'latin1'), body]);
}

function tlsHeader(type, len) {
  const b = Buffer.allocUnsafe(5);
  b[0] = type; b[1] = 3; b[2] = 3; b.writeUInt16BE(len, 3);
  return b;
}
function tlsClientHello() {
  stats.records.tls_client_hello++;
  const sni = Buffer.from(randomHost(), 'latin1');
  const parts = [];
  // handshake header: type 1, 3-byte length (patched), client_version, random, session id
  const hs = Buffer.alloc(4 + 2 + 32 + 1 + 32);
  hs[0] = 1; hs[4] = 3; hs[5] = 3;
  randomBytes(32).copy(hs, 6);
  hs[38] = 32; randomBytes(32).copy(hs, 39);
  parts.push(hs);
  const suites = [0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035];
  const cs = Buffer.alloc(2 + suites.length * 2 + 2);
  cs.writeUInt16BE(suites.length * 2, 0);
  suites.forEach((s, i) => cs.writeUInt16BE(s, 2 + 2 * i));
  cs[cs.length - 2] = 1; cs[cs.length - 1] = 0; // compression: null
  parts.push(cs);
  const ext = [];
  const sniExt = Buffer.alloc(4 + 2 + 3 + sni.length);
  sniExt.writeUInt16BE(0, 0); sniExt.writeUInt16BE(5 + sni.length, 2);
  sniExt.writeUInt16BE(3 + sni.length, 4); sniExt[6] = 0; sniExt.writeUInt16BE(sni.length, 7);
  sni.copy(sniExt, 9);
  ext.push(sniExt);
  ext.push(Buffer.from('000a000c000a001d0017001e00190018', 'hex')); // supported_groups
  ext.push(Buffer.from('0010000e000c02683208687474702f312e31', 'hex')); // ALPN h2, http/1.1
  ext.push(Buffer.from('002b00050403040303', 'hex')); // supported_versions: TLS 1.3, 1.2
  const ks = Buffer.alloc(4 + 2 + 4 + 32);
  ks.writeUInt16BE(0x33, 0); ks.writeUInt16BE(2 + 4 + 32, 2); ks.writeUInt16BE(4 + 32, 4);
  ks.writeUInt16BE(0x1d, 6); ks.writeUInt16BE(32, 8); randomBytes(32).copy(ks, 10);
  ext.push(ks);
  const extBuf = Buffer.concat(ext);
  const extLen = Buffer.alloc(2); extLen.writeUInt16BE(extBuf.length, 0);
  parts.push(extLen, extBuf);
  const body = Buffer.concat(parts);
  const hl = body.length - 4;
  body[1] = (hl >>> 16) & 255; body[2] = (hl >>> 8) & 255; body[3] = hl & 255;
  return Buffer.concat([tlsHeader(0x16, body.length), body]);
}
function tlsRecord() {
  if (chance(0.03)) return tlsClientHello();
  stats.records.tls_record++;
  const len = chance(0.5) ? 16384 + range(17, 256) : Math.min(16640, Math.max(24, Math.round(lognormal(600, 1.2))));
  const type = chance(0.97) ? 0x17 : pick([0x14, 0x15, 0x16]);
  return Buffer.concat([tlsHeader(type, len), randomBytes(len)]);
}

function utf16(s) { return Buffer.from(s, 'utf16le'); }
function smb2() {
  stats.records.smb2++;
  const cmd = pick([5, 5, 8, 8, 8, 9, 6, 14, 16, 11]); // CREATE, READ, WRITE, CLOSE, QUERY_DIRECTORY, QUERY_INFO, IOCTL
  const resp = chance(0.5);
  const hdr = Buffer.alloc(64);
  hdr[0] = 0xfe; hdr.write('SMB', 1, 'latin1');
  hdr.writeUInt16LE(64, 4); hdr.writeUInt16LE(1, 6);
  hdr.writeUInt32LE(resp ? 0 : 0, 8);
  hdr.writeUInt16LE(cmd, 12); hdr.writeUInt16LE(range(1, 64), 14);
  hdr.writeUInt32LE(resp ? 1 : 0, 16);
  hdr.writeUInt32LE(range(1, 5000), 24); // message id (low)
  hdr.writeUInt32LE(0xfeff, 32); hdr.writeUInt32LE(range(1, 9), 36); // pid, tree id
  hdr.writeUInt32LE(u32(), 40); hdr.writeUInt32LE(u32() & 0xffff, 44); // session id
  let payload;
  if (cmd === 5 && !resp) {
    const name = utf16([word(), word(), word() + '.' + pick(EXTS)].join('\\'));
    payload = Buffer.alloc(56 + name.length);
    payload.writeUInt16LE(57, 0); payload.writeUInt32LE(0x0012019f, 24); payload.writeUInt32LE(7, 32);
    payload.writeUInt32LE(1, 36); payload.writeUInt16LE(120, 44); payload.writeUInt16LE(name.length, 46);
    name.copy(payload, 56);
  } else if ((cmd === 8 && resp) || (cmd === 9 && !resp)) {
    const n = chance(0.3) ? range(4096, 65536) : range(64, 4096);
    payload = Buffer.concat([Buffer.from([17, 0, 80, 0, n & 255, (n >> 8) & 255, n >>> 16, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
      chance(0.5) ? randomBytes(n) : lowEntropy(n)]);
  } else if (cmd === 14) {
    const parts = [Buffer.from([resp ? 9 : 33, 0, 72, 0, 0, 0, 0, 0])];
    for (let i = range(1, 12); i > 0; i--) {
      const nm = utf16(word() + (chance(0.5) ? '.' + pick(EXTS) : ''));
      const e = Buffer.alloc(104 + nm.length);
      e.writeUInt32LE(104 + nm.length, 0); e.writeUInt32LE(nm.length, 60);
      randomBytes(32).copy(e, 8);
      nm.copy(e, 104);
      parts.push(e);
    }
    payload = Buffer.concat(parts);
  } else {
    payload = Buffer.alloc(range(8, 120));
    payload.writeUInt16LE(range(4, 90), 0);
    for (let i = 2; i < payload.length; i += 4) if (chance(0.4)) payload.writeUInt32LE(u32() & 0xffff, Math.min(i, payload.length - 4));
  }
  const msg = Buffer.concat([hdr, payload]);
  const nb = Buffer.alloc(4);
  nb.writeUInt32BE(msg.length & 0xffffff, 0);
  return Buffer.concat([nb, msg]);
}
function lowEntropy(n) {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    // mostly zeros, then small integers, then anything
    const r = u32() & 255;
    b[i] = r < 180 ? 0 : r < 230 ? (r & 15) : (u32() & 255);
  }
  return b;
}
function dnsName(host) {
  const parts = host.split('.');
  const bufs = [];
  for (const p of parts) {
    bufs.push(Buffer.from([p.length]), Buffer.from(p, 'latin1'));
  }
  bufs.push(Buffer.from([0]));
  return Buffer.concat(bufs);
}
function dns() {
  stats.records.dns++;
  const host = chance(0.3) ? `${randStr('abcdefghijklmnopqrstuvwxyz0123456789', range(6, 30))}.${randomHost()}` : randomHost();
  const qtype = pick([1, 1, 1, 28, 28, 5, 16, 15, 12, 33]);
  const resp = chance(0.5);
  const nAns = resp ? range(0, 4) : 0;
  const hdr = Buffer.alloc(12);
  hdr.writeUInt16BE(u32() & 0xffff, 0);
  hdr.writeUInt16BE(resp ? 0x8180 : 0x0100, 2);
  hdr.writeUInt16BE(1, 4); hdr.writeUInt16BE(nAns, 6);
  const parts = [hdr, dnsName(host), Buffer.from([0, qtype, 0, 1])];
  for (let i = 0; i < nAns; i++) {
    let rdata;
    if (qtype === 28) rdata = randomBytes(16);
    else if (qtype === 16) { const t = Buffer.from(`v=spf1 include:_spf.${randomHost()} ~all`, 'latin1'); rdata = Buffer.concat([Buffer.from([t.length]), t]); }
    else if (qtype === 5 || qtype === 12 || qtype === 15) rdata = Buffer.concat([qtype === 15 ? Buffer.from([0, 10]) : Buffer.alloc(0), dnsName(randomHost())]);
    else rdata = randomBytes(4);
    const rr = Buffer.alloc(12);
    rr.writeUInt16BE(0xc00c, 0); rr.writeUInt16BE(qtype === 33 ? 1 : qtype, 2); rr.writeUInt16BE(1, 4);
    rr.writeUInt32BE(range(30, 86400), 6); rr.writeUInt16BE(rdata.length, 10);
    parts.push(rr, rdata);
  }
  const msg = Buffer.concat(parts);
  const l = Buffer.alloc(2); l.writeUInt16BE(msg.length, 0);
  return Buffer.concat([l, msg]);
}
function tlv() {
  // A generic request/response protocol: magic, version, opcode, sequence, then TLVs
  // with small integers, counters, short ASCII tokens and zero padding.
  stats.records.tlv++;
  const parts = [];
  const head = Buffer.alloc(16);
  head.writeUInt32BE(0x53534631, 0); head.writeUInt16BE(2, 4); head.writeUInt16BE(range(1, 40), 6);
  head.writeUInt32LE(u32(), 8);
  parts.push(head);
  for (let i = range(2, 24); i > 0; i--) {
    const t = range(1, 30);
    let v;
    if (t < 10) { v = Buffer.alloc(4); v.writeUInt32LE(range(0, 1000), 0); }
    else if (t < 16) { v = Buffer.alloc(8); v.writeBigUInt64LE(BigInt(range(0, 1e9)), 0); }
    else if (t < 22) v = Buffer.from(word() + (chance(0.5) ? '_' + word() : ''), 'latin1');
    else if (t < 26) v = Buffer.alloc(range(4, 64));
    else v = randomBytes(range(4, 48));
    const th = Buffer.alloc(4);
    th.writeUInt16LE(t, 0); th.writeUInt16LE(v.length, 2);
    parts.push(th, v);
  }
  const msg = Buffer.concat(parts);
  head.writeUInt32LE(msg.length, 12);
  return msg;
}
function binRecord() {
  const r = rnd();
  if (r < 0.5) return smb2();
  if (r < 0.8) return dns();
  return tlv();
}

// ---------------------------------------------------------------- planting
function plantedCopy(lit) {
  const b = Buffer.from(lit.bytes);
  if (lit.caseless) {
    for (let i = 0; i < b.length; i++) {
      const c = b[i];
      if (c >= 0x61 && c <= 0x7a && (u32() & 1)) b[i] = c - 32;
    }
  }
  return b;
}
function plant(rec) {
  if (LITS.length === 0) return rec;
  const k = poisson(rec.length / opt.plantEvery);
  if (k === 0) return rec;
  const pos = [];
  for (let i = 0; i < k; i++) pos.push(randInt(rec.length + 1));
  pos.sort((a, b) => a - b);
  const parts = [];
  let prev = 0;
  for (const p of pos) {
    parts.push(rec.subarray(prev, p));
    const lit = LITS[randInt(LITS.length)];
    parts.push(plantedCopy(lit));
    stats.planted++;
    stats.plantedBytes += lit.bytes.length;
    if (lit.caseless) stats.plantedCaseless++;
    prev = p;
  }
  parts.push(rec.subarray(prev));
  return Buffer.concat(parts);
}

// ---------------------------------------------------------------- main loop
// Record kinds are chosen so that each kind's share of the bytes follows --mix:
// always generate the kind that is furthest below its target share.
const mixSum = opt.mix.http + opt.mix.tls + opt.mix.bin;
const share = { http: opt.mix.http / mixSum, tls: opt.mix.tls / mixSum, bin: opt.mix.bin / mixSum };
while (written < TOTAL) {
  let kind = 'http', deficit = -Infinity;
  for (const k of ['http', 'tls', 'bin']) {
    if (share[k] === 0) continue;
    const d = share[k] * (written + 1) - stats.bytes[k];
    if (d > deficit) { deficit = d; kind = k; }
  }
  let rec;
  if (kind === 'http') rec = chance(0.5) ? httpRequest() : httpResponse();
  else if (kind === 'tls') rec = tlsRecord();
  else rec = binRecord();
  rec = plant(rec);
  stats.bytes[kind] += emit(rec);
}
flush();
fs.closeSync(fd);

const meta = {
  file: path.basename(opt.out),
  bytes: written,
  sha256: hash.digest('hex'),
  seed: opt.seed,
  sizeMb: opt.sizeMb,
  mix: opt.mix,
  plantFrom: path.basename(opt.patterns),
  plantFromLiterals: LITS.length,
  plantEvery: opt.plantEvery,
  bytesByKind: stats.bytes,
  records: stats.records,
  planted: stats.planted,
  plantedBytes: stats.plantedBytes,
  plantedCaseless: stats.plantedCaseless,
  generator: 'bench/prefilter/corpus.mjs',
};
fs.writeFileSync(opt.out + '.json', JSON.stringify(meta, null, 2) + '\n');
const secs = Number(process.hrtime.bigint() - T0) / 1e9;
process.stderr.write(`corpus: bytes=${written} http=${stats.bytes.http} tls=${stats.bytes.tls} bin=${stats.bytes.bin} ` +
  `planted=${stats.planted} file=${opt.out} elapsed=${secs.toFixed(1)}s\n`);
