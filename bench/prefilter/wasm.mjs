#!/usr/bin/env node
// streamsift's own matcher (assembly/match/, build/core.wasm) on the literal prefilter benchmark: the
// same patterns, corpus, modes, output line and dump files as hs_bench.c and js_ac.mjs.
//
//   node bench/prefilter/wasm.mjs PATTERNS.tsv CORPUS [--mode block|stream|interleaved]
//        [--write 1460] [--streams 1000] [--reps 3] [--wasm FILE]
//        [--dump-matches FILE] [--dump-counts FILE] [--direct]
//
// Needs `npm run build` (dist/ and build/core.wasm). The matcher is used through the engine-neutral
// interface (src/prefilter/prefilter.ts, dist/prefilter/core.js): compile, open, scan(data, sink),
// close. The corpus is copied once into the core's memory (untimed), so every scan is zero-copy: the
// Uint8Array handed to scan() is a view of wasm memory. Each scan call's matches are records the
// host reads back and hands to the sink, which counts them per pattern.
// --direct (stream modes): call the matcher with (stream, pointer, length) as the engine's in-core
// inspection does (assembly/inspect/scan.ts, what `streamsift scan` uses), without the interface's
// per-write JS view and closure; this is the comparison with a C harness calling Hyperscan.
// Timed: scanning, reading the results, the sink's counting; in the stream modes also opening and
// closing the streams. Not timed: reading the corpus, copying it into wasm memory, compiling
// (printed as compile=).
// One line per repetition on stdout:
//   wasm: engine=streamsift-core patterns=N mode=M bytes=B matches=X elapsed=S MBps=R
//         db_bytes=D stream_state_bytes=Z compile=S rep=K/N
// db_bytes: the compiled database (matchDbBytes); stream_state_bytes: one stream's state
// (matchStreamBytes), 0 in block mode.

import fs from 'node:fs';
import { matchRecorder, record, writeCounts, writeMatches, parseHarnessArgs, checkHarnessArgs, loadPatterns } from './harness.mjs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');

const USAGE = `usage: node bench/prefilter/wasm.mjs PATTERNS.tsv CORPUS [--mode block|stream|interleaved]
       [--write 1460] [--streams 1000] [--reps 3] [--wasm FILE] [--dump-matches FILE] [--dump-counts FILE] [--direct]
  --wasm    the core to load (default build/core.wasm)
  --direct  stream modes: call the matcher with pointer + length, as the engine does (no per-write JS view)`;

function die(msg) {
  process.stderr.write(`wasm: ${msg}\n${USAGE}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const o = parseHarnessArgs(argv, { wasm: path.join(REPO, 'build/core.wasm'), direct: false }, (a, o, val) => {
    if (a === '--wasm') o.wasm = path.resolve(val());
    else if (a === '--direct') o.direct = true;
    else return false;
    return true;
  }, USAGE, die);
  checkHarnessArgs(o, die);
  return o;
}
const opt = parseArgs(process.argv.slice(2));

const LITS = loadPatterns(opt.patterns, die);
const NPAT = LITS.length;

const distCore = path.join(REPO, 'dist/prefilter/core.js');
if (!fs.existsSync(distCore)) die('dist/prefilter/core.js is missing: run npm run build');
if (!fs.existsSync(opt.wasm)) die(`${opt.wasm} is missing: run npm run build`);
const { createCorePrefilterEngine } = await import(pathToFileURL(distCore).href);
const engine = await createCorePrefilterEngine(fs.readFileSync(opt.wasm));
const matcher = engine.matcher;

const tc = process.hrtime.bigint();
const pf = engine.compile(LITS);
const compileS = Number(process.hrtime.bigint() - tc) / 1e9;

// the corpus, copied once into wasm memory (the scratch area; nothing else uses it after compile)
const file = fs.readFileSync(opt.corpus);
const LEN = file.length;
const BASE = matcher.scratch(Math.max(1, LEN));
matcher.bytes().set(file, BASE);
let memBuf = null, corpus = null;
/** A view of the corpus in wasm memory (re-made when memory grows and detaches the old buffer). */
function view() {
  const b = matcher.memory.buffer;
  if (b !== memBuf) { memBuf = b; corpus = new Uint8Array(b, BASE, LEN); }
  return corpus;
}

const counts = new Float64Array(NPAT);
let total = 0;
let rec = null; // { s, p, e, n } when dumping
let curStream = 0;
function sink(id, end) {
  counts[id]++; total++;
}
function recordingSink(id, end) {
  counts[id]++; total++;
  record(rec, curStream, id, end);
}

function runPass(fn) {
  counts.fill(0);
  total = 0;
  if (opt.mode === 'block') {
    pf.scanBlock(view(), fn);
  } else if (opt.direct) {
    // the matcher as the engine's in-core inspection calls it: stream handle, pointer, length (no JS
    // view, closure or placement check per write; results still read and counted by the host)
    const db = pf.handle;
    const S = opt.mode === 'stream' ? 1 : opt.streams;
    const sts = [];
    for (let i = 0; i < S; i++) sts.push(matcher.open(db));
    let si = 0;
    for (let off = 0; off < LEN; off += opt.write) {
      curStream = si;
      matcher.scan(sts[si], BASE + off, Math.min(opt.write, LEN - off), fn);
      if (++si === S) si = 0;
    }
    for (const st of sts) matcher.close(st);
  } else if (opt.mode === 'stream') {
    const st = pf.open();
    for (let off = 0; off < LEN; off += opt.write) st.scan(view().subarray(off, Math.min(LEN, off + opt.write)), fn);
    st.close();
  } else {
    const S = opt.streams;
    const sts = [];
    for (let i = 0; i < S; i++) sts.push(pf.open());
    let si = 0;
    for (let off = 0; off < LEN; off += opt.write) {
      curStream = si;
      sts[si].scan(view().subarray(off, Math.min(LEN, off + opt.write)), fn);
      if (++si === S) si = 0;
    }
    for (const s of sts) s.close();
  }
}

const stateBytes = opt.mode === 'block' ? 0 : pf.streamBytes;
for (let r = 1; r <= opt.reps; r++) {
  const t0 = process.hrtime.bigint();
  runPass(sink);
  const el = Number(process.hrtime.bigint() - t0) / 1e9;
  process.stdout.write(`wasm: engine=${pf.engine} patterns=${NPAT} mode=${opt.mode} bytes=${LEN} ` +
    `matches=${total} elapsed=${el.toFixed(4)} MBps=${(LEN / el / 1e6).toFixed(1)} db_bytes=${pf.dbBytes} ` +
    `${opt.direct ? 'direct=1 ' : ''}` +
    `stream_state_bytes=${stateBytes} compile=${compileS.toFixed(3)} rep=${r}/${opt.reps}\n`);
}

if (opt.dump || opt.counts || opt.reps === 0) {
  if (opt.dump) rec = matchRecorder();
  runPass(opt.dump ? recordingSink : sink);
}
if (opt.counts) writeCounts(opt.counts, counts);
if (opt.dump) {
  const n = writeMatches(opt.dump, rec, opt.mode === 'interleaved');
  process.stderr.write(`wasm: wrote ${n} matches to ${opt.dump}\n`);
}
if (opt.reps === 0) {
  process.stdout.write(`wasm: engine=${pf.engine} patterns=${NPAT} mode=${opt.mode} bytes=${LEN} matches=${total}\n`);
}
pf.free();
