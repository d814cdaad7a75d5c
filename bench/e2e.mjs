#!/usr/bin/env node
// End-to-end benchmark: streamsift vs libnids vs the read-once ceiling on the
// generated captures (bench/gen.mjs), plus a per-connection memory comparison.
//
//   node bench/e2e.mjs [--size-mb N] [--runs N] [--keep] [--only mixed,short,huge,idle]
//                      [--short-conns N] [--idle-conns N] [--dir DIR]
//
//   --size-mb N      size of the mixed and huge captures (default 2048). The short capture
//                    is scaled with it: 1,000,000 * N / 2048 connections (default 1,000,000).
//   --short-conns N  override the short capture's connection count.
//   --idle-conns N   connections of the idle capture (default 100,000).
//   --runs N         runs per tool and capture (default 3); the table shows best and median.
//   --keep           keep the captures this run generated (default: delete them at the end;
//                    files that already existed are never deleted).
//   --only LIST      only these captures (the memory section needs idle).
//   --dir DIR        where captures live (default bench/out).
//
// Tools per capture: the ceiling (bench/ceiling.mjs), libnids (bench/libnids/count),
// `streamsift --checksum off` and `streamsift` (checksum auto), each with its own timer:
// ceiling and streamsift time their read loop (not node start-up or wasm compile), libnids
// times nids_run(). The "wall" column is the whole process, start-up included.
// Peak RSS: /usr/bin/time -f %M for every process (or bench/maxrss.c, a getrusage wrapper
// compiled on demand, when /usr/bin/time is missing); streamsift rows use rss_peak_bytes
// from its --stats record instead.
// Node builtins only.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..");
// paths as printed: relative to the repository root when inside it (the footer's commands run there)
const rel = (p) => {
  const r = path.relative(ROOT, p);
  return r.startsWith("..") || path.isAbsolute(r) ? p : r || ".";
};

// ------------------------------------------------------------------ memory probe (child mode)
// `node bench/e2e.mjs --memory-probe FILE`: feeds FILE through the library without finish()
// and prints one JSON line with e.memory(), e.stats() and the process RSS growth.
if (process.argv[2] === "--memory-probe") {
  await memoryProbe(process.argv[3]);
  process.exit(0);
}

async function memoryProbe(file) {
  const { createNodeEngine } = await import(path.join(ROOT, "dist/node.js"));
  globalThis.gc?.();
  const rss0 = process.memoryUsage.rss();
  const e = await createNodeEngine({});
  const rssEngine = process.memoryUsage.rss();
  const fd = fs.openSync(file, "r");
  for (;;) {
    const space = e.inputSpace();
    const n = fs.readSync(fd, space, 0, space.length, null);
    if (n === 0) break;
    e.commit(n, false); // never eof, never finish(): every connection stays open
  }
  fs.closeSync(fd);
  globalThis.gc?.();
  const rss1 = process.memoryUsage.rss();
  const out = { memory: e.memory(), stats: e.stats(), rss0, rssEngine, rss1, maxRSS: process.resourceUsage().maxRSS * 1024 };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

// ------------------------------------------------------------------ arguments
const USAGE = "usage: node bench/e2e.mjs [--size-mb N] [--runs N] [--keep] [--only mixed,short,huge,idle] [--short-conns N] [--idle-conns N] [--dir DIR]";
const opt = { sizeMb: 2048, runs: 3, keep: false, only: null, shortConns: null, idleConns: 100_000, dir: path.join(HERE, "out") };
{
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i++) {
    const num = () => {
      const v = Number(a[++i]);
      if (!Number.isFinite(v) || v <= 0) die(`bad value for ${a[i - 1]}`);
      return v;
    };
    switch (a[i]) {
      case "--size-mb": opt.sizeMb = num(); break;
      case "--runs": opt.runs = Math.floor(num()); break;
      case "--keep": opt.keep = true; break;
      case "--only": opt.only = String(a[++i] ?? "").split(",").filter(Boolean); break;
      case "--short-conns": opt.shortConns = Math.floor(num()); break;
      case "--idle-conns": opt.idleConns = Math.floor(num()); break;
      case "--dir": opt.dir = path.resolve(a[++i] ?? die("missing value for --dir")); break;
      case "-h": case "--help": process.stdout.write(`${USAGE}\n`); process.exit(0); break;
      default: die(`unexpected argument ${a[i]}`);
    }
  }
}
function die(msg) {
  process.stderr.write(`e2e: ${msg}\n${USAGE}\n`);
  process.exit(2);
}
const log = (s) => process.stderr.write(`${s}\n`);

// ------------------------------------------------------------------ captures and disk
// Approximate bytes per unit, measured on gen.mjs output (seed 1).
const SHORT_BYTES_PER_CONN = 1506;
const IDLE_BYTES_PER_CONN = 1277;
const MB = 1 << 20;

function plan(sizeMb, shortConns, idleConns) {
  const dflt = sizeMb === 2048;
  const sc = shortConns ?? Math.max(1000, Math.round((1_000_000 * sizeMb) / 2048));
  const caps = [
    { name: "mixed", args: ["--size-mb", String(sizeMb)], file: dflt ? "mixed.pcap" : `mixed-${sizeMb}mb.pcap`, estBytes: sizeMb * MB },
    { name: "short", args: ["--conns", String(sc)], file: sc === 1_000_000 ? "short.pcap" : `short-${sc}.pcap`, estBytes: sc * SHORT_BYTES_PER_CONN },
    { name: "huge", args: ["--size-mb", String(sizeMb)], file: dflt ? "huge.pcap" : `huge-${sizeMb}mb.pcap`, estBytes: sizeMb * MB },
    { name: "idle", args: ["--conns", String(idleConns)], file: idleConns === 100_000 ? "idle.pcap" : `idle-${idleConns}.pcap`, estBytes: idleConns * IDLE_BYTES_PER_CONN },
  ];
  for (const c of caps) c.path = path.join(opt.dir, c.file);
  return caps.filter((c) => !opt.only || opt.only.includes(c.name));
}
const haveCapture = (c) => fs.existsSync(c.path) && fs.existsSync(`${c.path}.expect.json`);

fs.mkdirSync(opt.dir, { recursive: true });
const notes = [];
let caps = plan(opt.sizeMb, opt.shortConns, opt.idleConns);
{
  const st = fs.statfsSync(opt.dir);
  const free = st.bavail * st.bsize;
  const need = (cs) => cs.filter((c) => !haveCapture(c)).reduce((s, c) => s + c.estBytes, 0);
  const margin = 512 * MB; // leave room for everything else on the disk
  const needed = need(caps);
  log(`e2e: free disk in ${rel(opt.dir)}: ${(free / 1e9).toFixed(1)} GB, captures to generate: ${(needed / 1e9).toFixed(2)} GB`);
  if (needed + margin > free) {
    const f = Math.max(0.01, (free - margin) / needed);
    const newSize = Math.max(16, Math.floor(opt.sizeMb * f));
    const newShort = Math.max(1000, Math.floor((opt.shortConns ?? (1_000_000 * opt.sizeMb) / 2048) * f));
    const newIdle = Math.max(1000, Math.floor(opt.idleConns * Math.min(1, f)));
    const msg = `only ${(free / 1e9).toFixed(1)} GB free but ${(needed / 1e9).toFixed(1)} GB needed: REDUCED sizes to ` +
      `--size-mb ${newSize} (was ${opt.sizeMb}), short ${newShort} connections, idle ${newIdle} connections`;
    log(`e2e: ${msg}`);
    notes.push(msg);
    opt.sizeMb = newSize;
    caps = plan(newSize, newShort, newIdle);
    if (need(caps) + margin > free) die("not enough free disk even after reducing the sizes");
  }
}

const generated = [];
for (const c of caps) {
  if (haveCapture(c)) {
    log(`e2e: using existing ${rel(c.path)}`);
    continue;
  }
  const cmd = [process.execPath, path.join(HERE, "gen.mjs"), c.name, "--out", c.path, ...c.args];
  log(`e2e: generating: ${shellJoin(cmd)}`);
  generated.push(c.path, `${c.path}.expect.json`);
  const r = spawnSync(cmd[0], cmd.slice(1), { stdio: ["ignore", "inherit", "inherit"] });
  if (r.status !== 0) die(`gen.mjs failed for ${c.name}`);
}
for (const c of caps) {
  c.expect = JSON.parse(fs.readFileSync(`${c.path}.expect.json`, "utf8"));
  c.bytes = fs.statSync(c.path).size;
}

// ------------------------------------------------------------------ tools
const NODE = process.execPath;
const TIME_BIN = fs.existsSync("/usr/bin/time") ? "/usr/bin/time" : null;
let maxrssWrapper = null;
if (!TIME_BIN) {
  // getrusage wrapper: fork/exec/wait4, writes ru_maxrss (KiB) to the file named by argv[1]
  const src = path.join(HERE, "maxrss.c");
  const bin = path.join(opt.dir, "maxrss");
  if (!fs.existsSync(bin) || fs.statSync(bin).mtimeMs < fs.statSync(src).mtimeMs) {
    const r = spawnSync("cc", ["-O2", "-o", bin, src], { stdio: "inherit" });
    if (r.status === 0) maxrssWrapper = bin;
    else notes.push("no /usr/bin/time and bench/maxrss.c did not compile: peak RSS of libnids and the ceiling is n/a");
  } else maxrssWrapper = bin;
}

const LIBNIDS = path.join(HERE, "libnids", "count");
let haveLibnids = fs.existsSync(LIBNIDS);
if (!haveLibnids) {
  log("e2e: building bench/libnids/count (make -C bench/libnids)");
  const r = spawnSync("make", ["-C", path.join(HERE, "libnids")], { stdio: "inherit" });
  haveLibnids = r.status === 0 && fs.existsSync(LIBNIDS);
  if (!haveLibnids) notes.push("libnids reference unavailable (apt-get install -y libnids-dev libpcap-dev; make -C bench/libnids): libnids rows and ratios are n/a");
}
const CLI = path.join(ROOT, "dist", "cli.js");
if (!fs.existsSync(CLI)) die("dist/cli.js is missing: run npm run build");

const TOOLS = [
  { id: "ceiling", label: "ceiling (read-once)", cmd: (f) => [NODE, path.join(HERE, "ceiling.mjs"), f] },
  ...(haveLibnids ? [{ id: "libnids", label: "libnids 1.26", cmd: (f) => [LIBNIDS, f] }] : []),
  { id: "ss-off", label: "streamsift --checksum off", cmd: (f) => [NODE, CLI, "reassemble", f, "-q", "--checksum", "off", "--stats"] },
  { id: "ss", label: "streamsift (checksum auto)", cmd: (f) => [NODE, CLI, "reassemble", f, "-q", "--stats"] },
];

const rssFile = path.join(os.tmpdir(), `streamsift-e2e-rss-${process.pid}`);

/** Runs argv; returns { out, err, status, wall, maxrss } (maxrss in bytes, or null). */
function run(argv) {
  let full = argv;
  if (TIME_BIN) full = [TIME_BIN, "-f", "%M", "-o", rssFile, ...argv];
  else if (maxrssWrapper) full = [maxrssWrapper, rssFile, ...argv];
  try { fs.rmSync(rssFile, { force: true }); } catch { /* none */ }
  const t0 = process.hrtime.bigint();
  const r = spawnSync(full[0], full.slice(1), { encoding: "utf8", maxBuffer: 64 << 20 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  let maxrss = null;
  try {
    const m = /(\d+)\s*$/.exec(fs.readFileSync(rssFile, "utf8").trim());
    if (m) maxrss = Number(m[1]) * 1024;
  } catch { /* no rss */ }
  return { out: r.stdout ?? "", err: r.stderr ?? "", status: r.status, error: r.error, wall, maxrss };
}

const kv = (line) => Object.fromEntries([...line.matchAll(/(\w+)=([\d.]+)s?/g)].map((m) => [m[1], Number(m[2])]));

/** Parses one tool run into { elapsed, c2s, s2c, packets, conns, rss }. */
function parse(tool, r) {
  if (r.status !== 0) throw new Error(`exit ${r.status ?? r.error}: ${r.err.trim().split("\n").slice(-3).join(" | ")}`);
  const lines = r.out.split("\n");
  if (tool.id === "ceiling") {
    const v = kv(lines.find((l) => l.startsWith("ceiling:")) ?? "");
    return { elapsed: v.elapsed, packets: v.packets, rss: r.maxrss };
  }
  if (tool.id === "libnids") {
    const v = kv(lines.find((l) => l.startsWith("libnids:")) ?? "");
    return { elapsed: v.elapsed, c2s: v.c2s, s2c: v.s2c, conns: v.conns, rss: r.maxrss };
  }
  const v = kv(lines.find((l) => l.startsWith("summary:")) ?? "");
  const statsLine = lines.find((l) => l.startsWith("{"));
  const st = statsLine ? JSON.parse(statsLine) : null;
  return { elapsed: v.elapsed, c2s: v.c2s, s2c: v.s2c, packets: v.packets, conns: v.connections, rss: st?.rss_peak_bytes ?? r.maxrss };
}

/** Compares a run with expect.json; returns a list of problems. */
function check(tool, p, exp) {
  const bad = [];
  if (p.elapsed === undefined || Number.isNaN(p.elapsed)) bad.push("no elapsed in output");
  if (tool.id === "ceiling") {
    if (p.packets !== exp.packets) bad.push(`packets=${p.packets} expected ${exp.packets}`);
    return bad;
  }
  if (p.c2s !== exp.c2s) bad.push(`c2s=${p.c2s} expected ${exp.c2s}`);
  if (p.s2c !== exp.s2c) bad.push(`s2c=${p.s2c} expected ${exp.s2c}`);
  if (p.packets !== undefined && p.packets !== exp.packets) bad.push(`packets=${p.packets} expected ${exp.packets}`);
  if (p.conns !== undefined && p.conns !== exp.connections) bad.push(`connections=${p.conns} expected ${exp.connections}`);
  return bad;
}

// ------------------------------------------------------------------ throughput runs
const commands = new Set();
const results = []; // { cap, tool, runs: [parsed], problems: [] }
const benchCaps = caps;
for (const c of benchCaps) {
  // warm the page cache (and the binaries) once, untimed
  run(TOOLS[0].cmd(c.path));
  const rows = TOOLS.map((tool) => ({ cap: c, tool, runs: [], problems: new Set() }));
  for (let i = 0; i < opt.runs; i++) {
    for (const row of rows) { // tools interleaved, so drift hits all of them alike
      const argv = row.tool.cmd(c.path);
      commands.add(shellJoin(argv.map((a) => (a === NODE ? "node" : path.isAbsolute(a) ? rel(a) : a))));
      const r = run(argv);
      let p;
      try { p = parse(row.tool, r); } catch (e) { row.problems.add(`FAILED: ${e.message}`); continue; }
      for (const b of check(row.tool, p, c.expect)) row.problems.add(b);
      p.wall = r.wall;
      row.runs.push(p);
      log(`e2e: ${c.name} run ${i + 1}/${opt.runs} ${row.tool.label}: ${p.elapsed}s`);
    }
  }
  results.push(...rows);
}

// ------------------------------------------------------------------ table
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const min = (xs) => Math.min(...xs);
const fmtMB = (b) => (b == null ? "n/a" : `${(b / MB).toFixed(0)} MiB`);

const header = ["capture", "size", "packets", "tool", "best s", "median s", "wall s", "Gbit/s", "Mpkt/s", "peak RSS", "vs libnids", "check"];
const table = [];
const mismatches = [];
for (const c of benchCaps) {
  const rows = results.filter((r) => r.cap === c);
  const nids = rows.find((r) => r.tool.id === "libnids");
  const nidsBest = nids && nids.runs.length ? min(nids.runs.map((p) => p.elapsed)) : null;
  rows.forEach((r, i) => {
    const el = r.runs.map((p) => p.elapsed);
    const best = el.length ? min(el) : null;
    const rss = r.runs.map((p) => p.rss).filter((x) => x != null);
    const problems = [...r.problems];
    if (problems.length) mismatches.push(`${c.name} / ${r.tool.label}: ${problems.join("; ")}`);
    table.push([
      i === 0 ? c.name : "",
      i === 0 ? `${(c.bytes / 1e6).toFixed(0)} MB` : "",
      i === 0 ? String(c.expect.packets) : "",
      r.tool.label,
      best == null ? "-" : best.toFixed(3),
      best == null ? "-" : median(el).toFixed(3),
      best == null ? "-" : min(r.runs.map((p) => p.wall)).toFixed(3),
      best == null ? "-" : ((c.bytes * 8) / best / 1e9).toFixed(2),
      best == null ? "-" : (c.expect.packets / best / 1e6).toFixed(2),
      rss.length ? fmtMB(Math.max(...rss)) : "n/a",
      best == null || nidsBest == null ? "n/a" : `${(nidsBest / best).toFixed(2)}x`,
      problems.length ? "!!! MISMATCH !!!" : r.tool.id === "ceiling" ? "ok (packets)" : "ok",
    ]);
  });
}

const out = [];
out.push("");
out.push(`streamsift end-to-end benchmark: ${opt.runs} run(s) per tool, best and median of the tool's own timer; ${os.cpus().length} x ${os.cpus()[0]?.model ?? "?"}, node ${process.version}`);
for (const n of notes) out.push(`NOTE: ${n}`);
out.push("");
out.push(...renderTable(header, table, new Set([1, 2, 4, 5, 6, 7, 8, 9, 10])));
out.push("");
out.push("Gbit/s = capture file bytes * 8 / best; Mpkt/s = packets / best; vs libnids = libnids best / tool best (above 1 = faster than libnids).");
out.push("Timers: ceiling and streamsift time their read loop (no node start-up, no wasm compile); libnids times nids_run() (teardown included); wall = whole process.");
out.push(`Peak RSS: streamsift = rss_peak_bytes of --stats; others = ${TIME_BIN ? "/usr/bin/time -f %M" : maxrssWrapper ? "getrusage(RUSAGE_CHILDREN) via bench/maxrss.c" : "n/a"}. check = c2s/s2c (and packets, connections) against FILE.expect.json.`);
if (mismatches.length) {
  out.push("");
  out.push("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!");
  out.push("!!! MISMATCH against expect.json:");
  for (const m of mismatches) out.push(`!!!   ${m}`);
  out.push("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!");
}
process.stdout.write(`${out.join("\n")}\n`);

// ------------------------------------------------------------------ memory per connection
const idle = caps.find((c) => c.name === "idle");
if (idle) {
  const mem = [];
  mem.push("");
  mem.push(`Memory per open connection: ${rel(idle.path)} (${idle.expect.connections} connections, none closed)`);
  const probeCmd = [NODE, "--expose-gc", fileURLToPath(import.meta.url), "--memory-probe", idle.path];
  commands.add(shellJoin(["node", "--expose-gc", rel(fileURLToPath(import.meta.url)), "--memory-probe", rel(idle.path)]));
  const r = spawnSync(probeCmd[0], probeCmd.slice(1), { encoding: "utf8" });
  if (r.status !== 0) {
    mem.push(`  streamsift: probe FAILED: ${r.stderr.trim()}`);
  } else {
    const p = JSON.parse(r.stdout.trim().split("\n").pop());
    const m = p.memory;
    const total = m.flowsLive * m.flowRecordBytes + m.flowTableBytes + m.segmentsLive * 24 + m.pagesLive * 4112;
    const per = m.flowsLive ? total / m.flowsLive : NaN;
    mem.push(`  streamsift engine: ${per.toFixed(0)} bytes/connection = (flowsLive ${m.flowsLive} * flowRecordBytes ${m.flowRecordBytes} + flowTableBytes ${m.flowTableBytes}` +
      ` + segmentsLive ${m.segmentsLive} * 24 + pagesLive ${m.pagesLive} * 4112) / flowsLive`);
    mem.push(`    (library, default config, file fed with inputSpace()/commit(n, false) and no finish(); e.memory() after the last byte;` +
      ` engineBytes ${fmtMB(m.engineBytes)}, wasm memory ${fmtMB(m.wasmMemoryBytes)}, pagesPeak ${m.pagesPeak})`);
    mem.push(`    whole-process RSS growth (node): ${((p.rss1 - p.rss0) / Math.max(1, m.flowsLive)).toFixed(0)} bytes/connection` +
      ` (RSS ${fmtMB(p.rss0)} before createNodeEngine -> ${fmtMB(p.rss1)} after feeding; includes the engine's fixed tables and the input region)`);
    if (m.flowsLive !== idle.expect.connections) mem.push(`    !!! flowsLive ${m.flowsLive} != ${idle.expect.connections} connections in the capture`);
  }
  if (haveLibnids) {
    const empty = path.join(opt.dir, "empty.pcap");
    fs.writeFileSync(empty, Buffer.from([0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 1, 0, 0, 0]));
    const samples = { base: [], full: [] };
    let line = "";
    for (let i = 0; i < Math.max(1, opt.runs); i++) {
      const b = run([LIBNIDS, empty]);
      const f = run([LIBNIDS, idle.path]);
      if (b.maxrss != null) samples.base.push(b.maxrss);
      if (f.maxrss != null) samples.full.push(f.maxrss);
      line = f.out.trim();
    }
    fs.rmSync(empty, { force: true });
    commands.add(shellJoin([...(TIME_BIN ? [TIME_BIN, "-f", "%M"] : []), rel(LIBNIDS), rel(idle.path)]));
    commands.add(shellJoin([...(TIME_BIN ? [TIME_BIN, "-f", "%M"] : []), rel(LIBNIDS), `${rel(opt.dir)}/empty.pcap`]));
    if (samples.base.length && samples.full.length) {
      const base = median(samples.base), full = median(samples.full);
      const n = kv(line).open || idle.expect.connections;
      mem.push(`  libnids: ${((full - base) / n).toFixed(0)} bytes/connection = (peak RSS on the idle capture ${fmtMB(full)} - peak RSS on a header-only pcap ${fmtMB(base)}) / ${n} open connections`);
      mem.push(`    (median of ${samples.full.length} runs each; peak RSS by ${TIME_BIN ? "/usr/bin/time -f %M" : "getrusage"}; the peak is reached at end of file, before nids_exit() frees;`);
      mem.push("     the baseline holds libnids's preallocated stream pool and hash table for n_tcp_streams = 1<<20, so only per-connection growth is counted;");
      mem.push("     count.c sets collect on both halves, so libnids keeps a receive buffer per direction of every connection)");
      mem.push(`    ${line}`);
    } else mem.push("  libnids: peak RSS unavailable (no /usr/bin/time and no getrusage wrapper)");
  }
  process.stdout.write(`${mem.join("\n")}\n`);
}

// ------------------------------------------------------------------ footer, clean-up
const foot = ["", "Commands (from the repository root):"];
for (const c of caps) foot.push(`  node bench/gen.mjs ${c.name} --out ${rel(c.path)} ${c.args.join(" ")}`);
for (const c of commands) foot.push(`  ${c}`);
foot.push(`  (each run wrapped in ${TIME_BIN ? "/usr/bin/time -f %M -o FILE" : maxrssWrapper ? "bench/maxrss.c" : "nothing"} for peak RSS; ${opt.runs} runs, tools interleaved per run, one untimed ceiling run first to warm the page cache)`);
process.stdout.write(`${foot.join("\n")}\n`);

try { fs.rmSync(rssFile, { force: true }); } catch { /* none */ }
if (!opt.keep && generated.length) {
  for (const f of generated) fs.rmSync(f, { force: true });
  log(`e2e: deleted the generated captures (${generated.filter((f) => f.endsWith(".pcap")).map(rel).join(", ")}); --keep keeps them`);
}
process.exitCode = mismatches.length ? 1 : 0;

// ------------------------------------------------------------------ helpers
function shellJoin(argv) {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(" ");
}

function renderTable(head, rows, right) {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (right.has(i) ? c.padStart(w[i]) : c.padEnd(w[i]))).join(" | ").trimEnd();
  return [line(head), w.map((x) => "-".repeat(x)).join("-|-"), ...rows.map(line)];
}
