#!/usr/bin/env node
// End-to-end `scan` throughput against `reassemble` alone, on a generated capture (bench/gen.mjs
// mixed: HTTP-like keep-alive traffic) with the Emerging Threats fast-pattern sets as literal lists.
//
//   node bench/scan.mjs [--size-mb 512] [--runs 3] [--sets 100,1000,5000,all] [--capture FILE]
//                       [--extra "--inline"] [--workers 2]
//
// After the -q rows, two rows write EVE output (--eve /dev/null) for et-1000 (or the first set): alert
// lines only (--no-flows), then alerts and flow records (each direction's SHA-256, as reassemble --json).
// --workers N adds rows for `reassemble` and `scan` with N worker threads (their speed is still compared
// with single-threaded `reassemble -q`, and the table says how many threads each row used).
// Each cell is the best of --runs runs of the CLI (`elapsed=` of its summary line: the read loop,
// not node start-up). The capture is generated once into bench/out/ (deterministic, seed 1) and kept.
// Node builtins only.

import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..");
const PATTERNS = path.resolve(ROOT, "../shared/bench/patterns");
const OUT = path.join(ROOT, "bench/out");

const o = { sizeMb: 512, runs: 3, sets: ["100", "1000", "5000", "all"], capture: null, extra: [], workers: 0 };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i], v = () => argv[++i];
  if (a === "--size-mb") o.sizeMb = Number(v());
  else if (a === "--runs") o.runs = Number(v());
  else if (a === "--sets") o.sets = v().split(",");
  else if (a === "--capture") o.capture = v();
  else if (a === "--extra") o.extra = v().split(" ").filter(Boolean);
  else if (a === "--workers") o.workers = Number(v());
  else { console.error(`unknown option ${a}`); process.exit(2); }
}

fs.mkdirSync(OUT, { recursive: true });
const capture = o.capture ?? path.join(OUT, `mixed-${o.sizeMb}.pcap`);
if (!fs.existsSync(capture)) {
  console.error(`generating ${capture} ...`);
  const g = spawnSync(process.execPath, [path.join(HERE, "gen.mjs"), "mixed", "--out", capture, "--size-mb", String(o.sizeMb)], { stdio: "inherit" });
  if (g.status !== 0) process.exit(1);
}
const bytes = fs.statSync(capture).size;

/** ET .tsv (hex TAB flags) -> the literal-list rules format (|hex| and TAB nocase). */
function literalList(set) {
  const file = path.join(OUT, `et-${set}.lits`);
  if (!fs.existsSync(file)) {
    const lines = fs.readFileSync(path.join(PATTERNS, `et-${set}.tsv`), "utf8").split("\n").filter(Boolean).map((l) => {
      const [hex, flags] = l.split("\t");
      return `|${hex.match(/../g).join(" ")}|${flags && flags.includes("i") ? "\tnocase" : ""}`;
    });
    fs.writeFileSync(file, `${lines.join("\n")}\n`);
  }
  return file;
}

const CLI = path.join(ROOT, "dist/cli.js");
function best(args) {
  let min = Infinity, line = "";
  for (let r = 0; r < o.runs; r++) {
    const p = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", maxBuffer: 1 << 26 });
    if (p.status !== 0) { console.error(p.stderr); process.exit(1); }
    const out = p.stdout + p.stderr;
    const s = Number(/elapsed=([\d.]+)s/.exec(out)[1]);
    if (s < min) { min = s; line = out.trim().split("\n").pop(); }
    console.error(`  ${args.slice(0, 4).join(" ")} ... ${s.toFixed(3)} s`);
  }
  return { s: min, line };
}

const common = ["-q", "--checksum", "off", ...o.extra];
const base = best(["reassemble", capture, ...common]);
const rows = [["reassemble -q (bytes never leave the core)", "-", base.s, "-", "-"]];
const json = best(["reassemble", capture, "--json", ...common.filter((a) => a !== "-q")]);
rows.push(["reassemble --json (every byte hashed, SHA-256)", "-", json.s, (base.s / json.s).toFixed(2), json.line]);
const one = path.join(OUT, "one-literal.lits");
fs.writeFileSync(one, "streamsift-bench-literal-that-never-occurs\n");
const r1 = best(["scan", capture, "--rules", one, ...common]);
rows.push(["scan, 1 literal (the cost of inspecting every byte)", "0", r1.s, (base.s / r1.s).toFixed(2), r1.line]);
for (const set of o.sets) {
  const r = best(["scan", capture, "--rules", literalList(set), ...common]);
  const alerts = /alerts=(\d+)/.exec(r.line)?.[1] ?? "?";
  rows.push([`scan, et-${set}`, alerts, r.s, (base.s / r.s).toFixed(2), r.line]);
}
// the output a user reads: EVE lines (alerts only, then alerts and flow records with their SHA-256)
// written to /dev/null, for et-1000 (the reference set) or else the first set (-q stays: it
// only silences the readable lines)
const eveSet = o.sets.includes("1000") ? "1000" : o.sets[0];
if (eveSet !== undefined) {
  for (const [label, extra] of [["alert lines", ["--no-flows"]], ["alert + flow lines", []]]) {
    const r = best(["scan", capture, "--rules", literalList(eveSet), ...common, "--eve", "/dev/null", ...extra]);
    const alerts = /alerts=(\d+)/.exec(r.line)?.[1] ?? "?";
    rows.push([`scan --eve, et-${eveSet} (${label})`, alerts, r.s, (base.s / r.s).toFixed(2), r.line]);
  }
}
if (o.workers > 1) {
  const w = ["--workers", String(o.workers)];
  const rw = best(["reassemble", capture, ...common, ...w]);
  rows.push([`reassemble -q, ${o.workers} workers`, "-", rw.s, (base.s / rw.s).toFixed(2), rw.line]);
  for (const set of o.sets) {
    const r = best(["scan", capture, "--rules", literalList(set), ...common, ...w]);
    const alerts = /alerts=(\d+)/.exec(r.line)?.[1] ?? "?";
    rows.push([`scan, et-${set}, ${o.workers} workers`, alerts, r.s, (base.s / r.s).toFixed(2), r.line]);
  }
}
const mb = bytes / 1e6;
console.log(`\ncapture: ${path.relative(ROOT, capture)} (${mb.toFixed(0)} MB), best of ${o.runs}, options: ${common.join(" ")}\n`);
console.log("| run | alerts | seconds | MB/s | speed vs reassemble |");
console.log("|---|---:|---:|---:|---:|");
for (const [name, alerts, s, ratio] of rows) console.log(`| ${name} | ${alerts} | ${s.toFixed(3)} | ${(mb / s).toFixed(0)} | ${ratio} |`);
