// Shared by js_ac.mjs and wasm.mjs: the --dump-counts and --dump-matches files, in hs_bench.c's format
// and order (so `cmp` can compare engines): counts as "id count" lines; matches sorted by (stream,
// end, id) as "id end" lines, or "stream id end" in interleaved mode.

import fs from 'node:fs';

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
