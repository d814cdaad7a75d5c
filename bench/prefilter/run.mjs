#!/usr/bin/env node
// Runs hs_bench, wasm.mjs (streamsift's matcher) and js_ac side by side over the
// pattern sets and modes, keeps the best of --reps runs per cell, checks that every
// run of a cell gave the same match count and that every engine's count equals
// Hyperscan's, and prints a Markdown table. Engines run one after another (never in
// parallel), so they do not compete for the CPU.
//
//   node bench/prefilter/run.mjs [--corpus FILE] [--sets 100,1000,5000,all]
//        [--modes block,stream,interleaved] [--reps 3] [--engines hs,wasm,js] [--direct]
//        [--modules DIR] [--lib NAME] [--log FILE]
//
// Needs bench/prefilter/hs_bench (make -C bench/prefilter), npm run build (wasm) and
// the npm package for js_ac (see README.md). Every raw output line is echoed to
// stderr (and --log). Exits 1 when a count differs from Hyperscan's.

import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PATTERNS = path.resolve(HERE, '../../../shared/bench/patterns');

const o = {
  corpus: path.resolve(HERE, '../out/prefilter-corpus.bin'),
  sets: ['100', '1000', '5000', 'all'],
  modes: ['block', 'stream', 'interleaved'],
  reps: 3,
  engines: ['hs', 'wasm', 'js'],
  direct: false,
  modules: null,
  lib: null,
  log: null,
};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const v = () => {
    if (i + 1 >= argv.length) { process.stderr.write(`run: missing value for ${a}\n`); process.exit(2); }
    return argv[++i];
  };
  switch (a) {
    case '--corpus': o.corpus = path.resolve(v()); break;
    case '--sets': o.sets = v().split(','); break;
    case '--modes': o.modes = v().split(','); break;
    case '--reps': o.reps = Number(v()); break;
    case '--engines': o.engines = v().split(','); break;
    case '--direct': o.direct = true; break;
    case '--modules': o.modules = v(); break;
    case '--lib': o.lib = v(); break;
    case '--log': o.log = v(); break;
    default: process.stderr.write(`run: unknown argument ${a}\n`); process.exit(2);
  }
}
if (!fs.existsSync(o.corpus)) {
  process.stderr.write(`run: no corpus at ${o.corpus}; run node bench/prefilter/corpus.mjs first\n`);
  process.exit(2);
}
const logFd = o.log ? fs.openSync(o.log, 'a') : null;

function parse(line) {
  const f = {};
  for (const m of line.matchAll(/(\w+)=(\S+)/g)) f[m[1]] = m[2];
  return f;
}
function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const lines = (r.stdout || '').split('\n').filter((l) => /^(hyperscan|js_ac|wasm):/.test(l));
  for (const l of lines) {
    process.stderr.write(l + '\n');
    if (logFd !== null) fs.writeSync(logFd, l + '\n');
  }
  if (r.status !== 0) {
    process.stderr.write(`run: ${cmd} ${args.join(' ')} exited ${r.status}\n${r.stderr}\n`);
    return null;
  }
  const runs = lines.map(parse);
  const counts = new Set(runs.map((x) => x.matches));
  if (counts.size !== 1) process.stderr.write(`run: match counts differ between repetitions: ${[...counts]}\n`);
  runs.sort((a, b) => Number(a.elapsed) - Number(b.elapsed));
  return runs[0];
}

const rows = [];
for (const set of o.sets) {
  const pat = path.join(PATTERNS, `et-${set}.tsv`);
  for (const mode of o.modes) {
    const row = { set, mode };
    if (o.engines.includes('hs')) {
      row.hs = run(path.join(HERE, 'hs_bench'), [pat, o.corpus, '--mode', mode, '--reps', String(o.reps)]);
    }
    if (o.engines.includes('wasm')) {
      row.wasm = run(process.execPath, [path.join(HERE, 'wasm.mjs'), pat, o.corpus, '--mode', mode, '--reps', String(o.reps),
        ...(o.direct && mode !== 'block' ? ['--direct'] : [])]);
    }
    if (o.engines.includes('js')) {
      const extra = [];
      if (o.modules) extra.push('--modules', o.modules);
      if (o.lib) extra.push('--lib', o.lib);
      row.js = run(process.execPath, [path.join(HERE, 'js_ac.mjs'), pat, o.corpus, '--mode', mode,
        '--reps', String(o.reps), ...extra]);
    }
    rows.push(row);
  }
}

const out = [];
out.push(`corpus: ${path.basename(o.corpus)} (${fs.statSync(o.corpus).size} bytes), best of ${o.reps}, MB/s = 10^6 bytes/s`);
out.push('');
out.push(`wasm stream modes: ${o.direct ? 'direct (pointer + length, as the engine calls it)' : 'through the Prefilter interface'}`);
out.push('');
out.push('| literals | mode | Hyperscan MB/s | wasm MB/s | wasm / HS | JS MB/s | Hyperscan matches | wasm matches | JS matches | same | ' +
  'HS db bytes | wasm db bytes | HS stream state | wasm stream state |');
out.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |');
let mismatch = false;
for (const r of rows) {
  const hs = r.hs || {}, js = r.js || {}, wa = r.wasm || {};
  const others = [r.wasm, r.js].filter(Boolean);
  let same = '';
  if (r.hs && others.length) {
    same = others.every((x) => x.matches === hs.matches) ? 'yes' : '**NO**';
    if (same !== 'yes') mismatch = true;
  }
  const ratio = hs.MBps && wa.MBps ? (Number(String(wa.MBps).replace(/,/g, '')) / Number(String(hs.MBps).replace(/,/g, ''))).toFixed(2) : '';
  out.push(`| ${r.set} | ${r.mode} | ${hs.MBps ?? ''} | ${wa.MBps ?? ''} | ${ratio} | ${js.MBps ?? ''} | ${hs.matches ?? ''} | ` +
    `${wa.matches ?? ''} | ${js.matches ?? ''} | ${same} | ${hs.db_bytes ?? ''} | ${wa.db_bytes ?? ''} | ` +
    `${hs.stream_state_bytes ?? ''} | ${wa.stream_state_bytes ?? ''} |`);
}
process.stdout.write(out.join('\n') + '\n');
if (logFd !== null) fs.writeSync(logFd, out.join('\n') + '\n');
if (mismatch) {
  process.stderr.write('run: match counts differ from Hyperscan\'s (see "same")\n');
  process.exit(1);
}
