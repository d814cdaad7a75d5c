#!/usr/bin/env node
// JavaScript Aho-Corasick reference for the literal prefilter benchmark: the same
// patterns, corpus, modes and output line as hs_bench.c, with an npm package as the
// matcher (see bench/prefilter/README.md for which package and why).
//
//   node bench/prefilter/js_ac.mjs PATTERNS.tsv CORPUS [--mode block|stream|interleaved]
//        [--write 1460] [--streams 1000] [--reps 3] [--lib NAME] [--modules DIR]
//        [--dump-matches FILE] [--dump-counts FILE]
//
// How the package is used, so that the counts equal Hyperscan's:
// - Bytes become latin1 strings (one char per byte, 0..255), which every package
//   accepts.
// - Caseless literals: all literals go into ONE automaton as their ASCII-lower-cased
//   bytes, and the haystack is ASCII-lower-cased (A-Z only, like HS_FLAG_CASELESS)
//   before it is decoded. A hit on a caseless literal counts as is; a hit on a
//   case-sensitive literal that contains an ASCII letter is verified against the
//   original bytes (cheap: the hit already fixed the position). Literals that share
//   lower-cased bytes share one key. With no caseless literal in the file, nothing is
//   lower-cased and nothing is verified.
// - Streaming: the packages have no resumable state, so each stream keeps the last
//   (longest literal - 1) bytes it has seen and every write is scanned as tail + write;
//   hits that end inside the tail were already reported and are dropped. That finds
//   exactly the matches that end in the write, including those that start in earlier
//   writes. The cost is scanning the tail again (<= 197 bytes per 1,460-byte write
//   for et-all).
// Timed: lower-casing, decoding to a string, the package's scan, mapping its hits back
// to literal ids (and stream offsets), counting. Not timed: reading the corpus,
// building the automaton (printed as compile=).
// One line per repetition on stdout:
//   js_ac: lib=NAME@VERSION patterns=N mode=M bytes=B matches=X elapsed=S MBps=R
//          heap_bytes=H stream_state_bytes=Z compile=S rep=K/N
// heap_bytes: V8 heap growth while building the automaton (run node with
// --expose-gc for a steadier number). stream_state_bytes: bytes kept per stream by
// the wrapper (the tail), 0 in block mode.
// --dump-matches / --dump-counts: the same files, format and order as hs_bench.

import fs from 'node:fs';
import { matchRecorder, record, writeCounts, writeMatches, parseHarnessArgs, checkHarnessArgs, loadPatterns } from './harness.mjs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');

const USAGE = `usage: node bench/prefilter/js_ac.mjs PATTERNS.tsv CORPUS [--mode block|stream|interleaved]
       [--write 1460] [--streams 1000] [--reps 3] [--lib NAME] [--modules DIR]
       [--dump-matches FILE] [--dump-counts FILE]
  --lib      npm package to use (default @monyone/aho-corasick/fast); --lib list shows all,
             --lib none runs the wrapper without a matcher (its own cost)
  --modules  directory whose node_modules holds the package (default: the repo root)`;

function die(msg) {
  process.stderr.write(`js_ac: ${msg}\n${USAGE}\n`);
  process.exit(2);
}

// ---------------------------------------------------------------- package adapters
// build(keys: string[]) -> scan(text, hit(keyIndex, endExclusive)) reporting every
// occurrence of every key (overlaps included).

/** Packages with the add(word, data) / build_fail() / search(text, cb) API (aho-corasick, aho-corasick2). */
function addSearchAdapter(pkg) {
  return {
    pkg,
    build(req, keys) {
      const AC = req(pkg);
      const ac = new AC();
      keys.forEach((k, i) => ac.add(k, i));
      ac.build_fail();
      return (text, hit) => {
        ac.search(text, (word, data, start) => {
          for (let j = 0; j < data.length; j++) hit(data[j], start + word.length);
        });
      };
    },
  };
}

const ADAPTERS = {
  // Double-array trie variant of @monyone/aho-corasick: the fastest one measured.
  '@monyone/aho-corasick/fast': {
    pkg: '@monyone/aho-corasick',
    build(req, keys) {
      const { AhoCorasick } = req('@monyone/aho-corasick/fast');
      const ac = new AhoCorasick(keys);
      const index = keyIndex(keys);
      return (text, hit) => {
        const ms = ac.matchInText(text);
        for (let i = 0; i < ms.length; i++) hit(index.get(ms[i].keyword), ms[i].end);
      };
    },
  },
  '@monyone/aho-corasick': {
    pkg: '@monyone/aho-corasick',
    build(req, keys) {
      const { AhoCorasick } = req('@monyone/aho-corasick');
      const ac = new AhoCorasick(keys);
      const index = keyIndex(keys);
      return (text, hit) => {
        const ms = ac.matchInText(text);
        for (let i = 0; i < ms.length; i++) hit(index.get(ms[i].keyword), ms[i].end);
      };
    },
  },
  ahocorasick: {
    pkg: 'ahocorasick',
    build(req, keys) {
      const AC = req('ahocorasick');
      const ac = new AC(keys);
      const index = keyIndex(keys);
      return (text, hit) => {
        const rs = ac.search(text); // [[index of last char, [keyword, ...]], ...]
        for (let i = 0; i < rs.length; i++) {
          const end = rs[i][0] + 1, ws = rs[i][1];
          for (let j = 0; j < ws.length; j++) hit(index.get(ws[j]), end);
        }
      };
    },
  },
  'modern-ahocorasick': {
    pkg: 'modern-ahocorasick',
    build(req, keys) {
      const AC = req('modern-ahocorasick');
      const ac = new AC(keys);
      return (text, hit) => {
        for (const m of ac.iterate(text)) hit(m.patternIndex, m.end);
      };
    },
  },
  'modern-ahocorasick/fast': {
    pkg: 'modern-ahocorasick',
    build(req, keys) {
      const AC = req('modern-ahocorasick/fast');
      const ac = new AC(keys);
      return (text, hit) => {
        for (const m of ac.iterate(text)) hit(m.patternIndex, m.end);
      };
    },
  },
  'aho-corasick': addSearchAdapter('aho-corasick'),
  'aho-corasick2': addSearchAdapter('aho-corasick2'),
  '@tanishiking/aho-corasick': {
    pkg: '@tanishiking/aho-corasick',
    build(req, keys) {
      const { Trie } = req('@tanishiking/aho-corasick');
      const t = new Trie(keys);
      const index = keyIndex(keys);
      return (text, hit) => {
        const es = t.parseText(text); // end is the index of the last char
        for (let i = 0; i < es.length; i++) hit(index.get(es[i].keyword), es[i].end + 1);
      };
    },
  },
  fastscan: {
    // fastscan trims its keywords, so bytes are mapped to U+0100..U+01FF (no
    // whitespace there) for keys and haystack alike.
    pkg: 'fastscan',
    shifted: true,
    build(req, keys) {
      const FastScanner = req('fastscan');
      const s = new FastScanner(keys);
      const index = keyIndex(keys);
      return (text, hit) => {
        const rs = s.search(text); // [[start, word], ...]
        for (let i = 0; i < rs.length; i++) hit(index.get(rs[i][1]), rs[i][0] + rs[i][1].length);
      };
    },
  },
  'lazy-aho-corasick': {
    pkg: 'lazy-aho-corasick',
    build(req, keys) {
      const AC = req('lazy-aho-corasick').default;
      const ac = new AC(keys, { allowDuplicates: false });
      const index = keyIndex(keys);
      return (text, hit) => {
        const rs = ac.search(text, { positions: true, returns: 'all' }); // sparse, by last char
        rs.forEach((ws, i) => {
          for (let j = 0; j < ws.length; j++) hit(index.get(ws[j]), i + 1);
        });
      };
    },
  },
  // No matcher at all: what the wrapper alone costs (lower-casing, decoding,
  // stream windows). Reports no matches.
  none: {
    pkg: null,
    build() {
      return () => {};
    },
  },
};
const DEFAULT_LIB = '@monyone/aho-corasick/fast';

function keyIndex(keys) {
  const m = new Map();
  keys.forEach((k, i) => m.set(k, i));
  return m;
}

// ---------------------------------------------------------------- arguments
function parseArgs(argv) {
  const o = parseHarnessArgs(argv, { lib: DEFAULT_LIB, modules: REPO }, (a, o, val) => {
    if (a === '--lib') o.lib = val();
    else if (a === '--modules') o.modules = path.resolve(val());
    else return false;
    return true;
  }, USAGE, die);
  if (o.lib === 'list') {
    process.stdout.write(Object.keys(ADAPTERS).join('\n') + '\n');
    process.exit(0);
  }
  checkHarnessArgs(o, die);
  if (!(o.lib in ADAPTERS)) die(`unknown --lib ${o.lib} (try --lib list)`);
  return o;
}
const opt = parseArgs(process.argv.slice(2));

// ---------------------------------------------------------------- patterns
const LITS = loadPatterns(opt.patterns, die);
const NPAT = LITS.length;
const FOLD = LITS.some((l) => l.caseless);
const MAXLEN = LITS.reduce((m, l) => Math.max(m, l.bytes.length), 0);

const LOWER = new Uint8Array(256);
for (let i = 0; i < 256; i++) LOWER[i] = i >= 0x41 && i <= 0x5a ? i + 32 : i;
const isAlpha = (c) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

// Keys: distinct (lower-cased when FOLD) byte strings. Per key: the literal ids that
// count on any hit (KEY_ANY) and the case-sensitive ones that need a byte check
// (KEY_VERIFY).
const keyOf = new Map();
const keys = [];
const KEY_ANY = [];
const KEY_VERIFY = [];
for (let id = 0; id < NPAT; id++) {
  const l = LITS[id];
  const kb = FOLD ? Buffer.from(l.bytes.map((c) => LOWER[c])) : l.bytes;
  const k = kb.toString('latin1');
  let ki = keyOf.get(k);
  if (ki === undefined) {
    ki = keys.length;
    keyOf.set(k, ki);
    keys.push(k);
    KEY_ANY.push([]);
    KEY_VERIFY.push([]);
  }
  if (!FOLD || l.caseless || !l.bytes.some(isAlpha)) KEY_ANY[ki].push(id);
  else KEY_VERIFY[ki].push(id);
}

// ---------------------------------------------------------------- package
const adapter = ADAPTERS[opt.lib];
const req = createRequire(path.join(opt.modules, 'package.json'));
let version = '-';
if (adapter.pkg) try {
  version = JSON.parse(fs.readFileSync(req.resolve(`${adapter.pkg}/package.json`), 'utf8')).version;
} catch {
  try {
    let d = path.dirname(req.resolve(adapter.pkg));
    while (!fs.existsSync(path.join(d, 'package.json'))) d = path.dirname(d);
    version = JSON.parse(fs.readFileSync(path.join(d, 'package.json'), 'utf8')).version;
  } catch {
    die(`cannot load ${adapter.pkg} from ${opt.modules}/node_modules (npm install ${adapter.pkg}, or --modules DIR)`);
  }
}
const SHIFT = adapter.shifted === true;
const toKeyText = (k) => (SHIFT ? shiftText(Buffer.from(k, 'latin1'), 0, k.length) : k);
function shiftText(buf, start, end) {
  const u = new Uint16Array(end - start);
  for (let i = start; i < end; i++) u[i - start] = 0x100 + buf[i];
  return Buffer.from(u.buffer, u.byteOffset, u.byteLength).toString('utf16le');
}

const gc = globalThis.gc;
if (gc) gc();
const heap0 = process.memoryUsage().heapUsed;
const tc = process.hrtime.bigint();
const scan = adapter.build(req, keys.map(toKeyText));
const compileS = Number(process.hrtime.bigint() - tc) / 1e9;
if (gc) gc();
const heapBytes = Math.max(0, process.memoryUsage().heapUsed - heap0);

// ---------------------------------------------------------------- matching core
const corpus = fs.readFileSync(opt.corpus);
const LEN = corpus.length;
const counts = new Float64Array(NPAT);
let total = 0;
let recording = false;
let rec = null; // { s: Uint32Array, p: Uint32Array, e: Float64Array, n }

function recordMatch(stream, pattern, end) { record(rec, stream, pattern, end); }

// Scratch for lower-cased bytes (block mode: the whole corpus; otherwise one window).
const WINDOW = MAXLEN - 1 + opt.write;
const lowBuf = Buffer.allocUnsafe(FOLD ? (opt.mode === 'block' ? LEN : WINDOW) : 0);

// Scans orig[start, end): reports literals whose end lies after orig[start + skip],
// in stream coordinates (base + offset within the window).
let curOrig = null, curStart = 0, curSkip = 0, curBase = 0, curStream = 0;
function onHit(ki, end) {
  if (end <= curSkip) return;
  const any = KEY_ANY[ki];
  for (let j = 0; j < any.length; j++) {
    const id = any[j];
    counts[id]++; total++;
    if (recording) recordMatch(curStream, id, curBase + end);
  }
  const ver = KEY_VERIFY[ki];
  for (let j = 0; j < ver.length; j++) {
    const id = ver[j];
    const b = LITS[id].bytes;
    const s = curStart + end - b.length;
    let k = 0;
    while (k < b.length && curOrig[s + k] === b[k]) k++;
    if (k === b.length) {
      counts[id]++; total++;
      if (recording) recordMatch(curStream, id, curBase + end);
    }
  }
}
function scanWindow(orig, start, end, skip, base, stream) {
  curOrig = orig; curStart = start; curSkip = skip; curBase = base; curStream = stream;
  let text;
  if (SHIFT) {
    if (FOLD) {
      const u = new Uint16Array(end - start);
      for (let i = start; i < end; i++) u[i - start] = 0x100 + LOWER[orig[i]];
      text = Buffer.from(u.buffer, u.byteOffset, u.byteLength).toString('utf16le');
    } else {
      text = shiftText(orig, start, end);
    }
  } else if (FOLD) {
    const n = end - start;
    for (let i = 0; i < n; i++) lowBuf[i] = LOWER[orig[start + i]];
    text = lowBuf.latin1Slice(0, n);
  } else {
    text = orig.latin1Slice(start, end);
  }
  scan(text, onHit);
}

// Per-stream state for the streaming modes: a window buffer holding tail + write.
function makeStream() {
  return { buf: Buffer.allocUnsafe(WINDOW), tail: 0, pos: 0 }; // pos: stream bytes before buf[0]
}
const KEEP = MAXLEN - 1;
function streamWrite(st, data, off, n, streamId) {
  data.copy(st.buf, st.tail, off, off + n);
  const len = st.tail + n;
  scanWindow(st.buf, 0, len, st.tail, st.pos, streamId);
  const keep = Math.min(KEEP, len);
  st.buf.copy(st.buf, 0, len - keep, len);
  st.pos += len - keep;
  st.tail = keep;
}

function runPass() {
  counts.fill(0);
  total = 0;
  if (opt.mode === 'block') {
    scanWindow(corpus, 0, LEN, 0, 0, 0);
  } else if (opt.mode === 'stream') {
    const st = makeStream();
    for (let off = 0; off < LEN; off += opt.write) streamWrite(st, corpus, off, Math.min(opt.write, LEN - off), 0);
  } else {
    const S = opt.streams;
    const sts = [];
    for (let i = 0; i < S; i++) sts.push(makeStream());
    let si = 0;
    for (let off = 0; off < LEN; off += opt.write) {
      streamWrite(sts[si], corpus, off, Math.min(opt.write, LEN - off), si);
      if (++si === S) si = 0;
    }
  }
}

const stateBytes = opt.mode === 'block' ? 0 : KEEP;
for (let r = 1; r <= opt.reps; r++) {
  const t0 = process.hrtime.bigint();
  runPass();
  const el = Number(process.hrtime.bigint() - t0) / 1e9;
  process.stdout.write(`js_ac: lib=${opt.lib}@${version} patterns=${NPAT} mode=${opt.mode} bytes=${LEN} ` +
    `matches=${total} elapsed=${el.toFixed(4)} MBps=${(LEN / el / 1e6).toFixed(1)} heap_bytes=${heapBytes} ` +
    `stream_state_bytes=${stateBytes} compile=${compileS.toFixed(3)} rep=${r}/${opt.reps}\n`);
}

if (opt.dump || opt.counts || opt.reps === 0) {
  if (opt.dump) {
    recording = true;
    rec = matchRecorder();
  }
  runPass();
  recording = false;
}
if (opt.counts) writeCounts(opt.counts, counts);
if (opt.dump) {
  const n = writeMatches(opt.dump, rec, opt.mode === 'interleaved');
  process.stderr.write(`js_ac: wrote ${n} matches to ${opt.dump}\n`);
}
if (opt.reps === 0) {
  process.stdout.write(`js_ac: lib=${opt.lib}@${version} patterns=${NPAT} mode=${opt.mode} bytes=${LEN} matches=${total}\n`);
}
