// Shared by js_ac.mjs and wasm.mjs (the harnesses next to hs_bench.c): their common arguments, and the
// --dump-counts and --dump-matches files, in hs_bench.c's format and order (so `cmp` can compare
// engines): counts as "id count" lines; matches sorted by (stream, end, id) as "id end" lines, or
// "stream id end" in interleaved mode.

import fs from 'node:fs';

/**
 * A pattern set file (.tsv: hex TAB flags, `i` = caseless) as [{id, bytes (Buffer), caseless}]; a bad
 * line, or no pattern at all unless `allowEmpty`, goes to die(msg).
 */
export function loadPatterns(file, die, allowEmpty = false) {
  const lits = [];
  for (const line of fs.readFileSync(file, 'latin1').split('\n')) {
    if (line === '') continue;
    const [hex, flags = ''] = line.replace(/\r$/, '').split('\t');
    if (!/^([0-9a-fA-F]{2})+$/.test(hex)) die(`bad pattern line in ${file}: ${line.slice(0, 40)}`);
    lits.push({ id: lits.length, bytes: Buffer.from(hex, 'hex'), caseless: flags.includes('i') });
  }
  if (lits.length === 0 && !allowEmpty) die(`no patterns in ${file}`);
  return lits;
}

/**
 * PATTERNS CORPUS [--mode block|stream|interleaved] [--write N] [--streams N] [--reps N]
 * [--dump-matches FILE] [--dump-counts FILE] [-h], plus the harness's own options: `own(arg, o, val,
 * int)` takes one (returns true) or leaves it (false). Bad arguments go to die(msg).
 */
export function parseHarnessArgs(argv, defaults, own, usage, die) {
  const o = { patterns: null, corpus: null, mode: 'block', write: 1460, streams: 1000, reps: 3, dump: null, counts: null, ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) die(`missing value for ${a}`);
      return argv[++i];
    };
    const int = () => {
      const v = Number(val());
      if (!Number.isInteger(v) || v < 0) die(`bad number for ${a}`);
      return v;
    };
    switch (a) {
      case '--mode': o.mode = val(); break;
      case '--write': o.write = int(); break;
      case '--streams': o.streams = int(); break;
      case '--reps': o.reps = int(); break;
      case '--dump-matches': o.dump = val(); break;
      case '--dump-counts': o.counts = val(); break;
      case '-h': case '--help': process.stdout.write(usage + '\n'); process.exit(0); break;
      default:
        if (own(a, o, val, int)) break;
        if (a.startsWith('-')) die(`unknown option ${a}`);
        if (!o.patterns) o.patterns = a;
        else if (!o.corpus) o.corpus = a;
        else die(`unexpected argument ${a}`);
    }
  }
  return o;
}

/** The checks both harnesses make once their own options are read. */
export function checkHarnessArgs(o, die) {
  if (!o.patterns || !o.corpus) die('PATTERNS and CORPUS are required');
  if (!['block', 'stream', 'interleaved'].includes(o.mode)) die(`unknown mode ${o.mode}`);
  if (o.write < 1) die('--write must be >= 1');
  if (o.streams < 1) die('--streams must be >= 1');
}

/** A growable record of (stream, pattern, end) triples. */
export function matchRecorder() {
  return { s: new Uint32Array(1 << 16), p: new Uint32Array(1 << 16), e: new Float64Array(1 << 16), n: 0 };
}

/** Appends one match to a recorder made by matchRecorder(). */
export function record(rec, stream, id, end) {
  if (rec.n === rec.p.length) {
    const cap = rec.n * 2;
    const grow = (a, T) => { const b = new T(cap); b.set(a); return b; };
    rec.s = grow(rec.s, Uint32Array); rec.p = grow(rec.p, Uint32Array); rec.e = grow(rec.e, Float64Array);
  }
  rec.s[rec.n] = stream; rec.p[rec.n] = id; rec.e[rec.n] = end; rec.n++;
}

export function writeCounts(file, counts) {
  const lines = [];
  for (let i = 0; i < counts.length; i++) lines.push(`${i} ${counts[i]}\n`);
  fs.writeFileSync(file, lines.join(''));
}

/** Writes the recorded matches; returns how many. */
export function writeMatches(file, rec, interleaved) {
  const n = rec.n;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const { s, p, e } = rec;
  order.sort((a, b) => (s[a] - s[b]) || (e[a] - e[b]) || (p[a] - p[b]));
  const fd = fs.openSync(file, 'w');
  let chunk = [];
  for (let k = 0; k < n; k++) {
    const i = order[k];
    chunk.push(interleaved ? `${s[i]} ${p[i]} ${e[i]}\n` : `${p[i]} ${e[i]}\n`);
    if (chunk.length === 65536) { fs.writeSync(fd, chunk.join('')); chunk = []; }
  }
  if (chunk.length) fs.writeSync(fd, chunk.join(''));
  fs.closeSync(fd);
  return n;
}
