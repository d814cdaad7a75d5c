#!/usr/bin/env node
// cli.ts: `streamsift reassemble FILE [options]` and `streamsift scan FILE --rules R` (commands/scan.ts).
// Output contracts in README.md ("CLI", "scan").

import { parseArgs } from "node:util";
import { createNodeEngine, feedFile } from "./node.js";
import { EngineError } from "./core/errors.js";
import type { EngineConfig } from "./config/schema.js";
import { TABLE_HEADER, tableRow } from "./outputs/flow-table.js";
import { flowOutputCallbacks, flowJsonLine } from "./outputs/flow-json.js";
import type { WorkerMessage } from "./worker.js";
import { ENGINE_OPTIONS, ENGINE_USAGE, configFromArgs, die, emit, flushOut, mergeShardStats, numberArg, progressMeter, KeyedMerge } from "./commands/common.js";
import { scanMain, SCAN_USAGE } from "./commands/scan.js";

const USAGE = `usage: streamsift reassemble FILE|- [options]

Reassembles every TCP connection in a pcap or pcapng capture (FILE, or - for stdin).

${ENGINE_USAGE}  --json                 one JSON object per connection (EVE flow naming), then the summary on stderr
  --out DIR              write each direction's bytes to DIR, named like tcpflow
  --stats                print a final JSON stats record (counters and memory)
  --workers N            split the connections over N worker threads (files only; default 1)
  -q, --quiet            print only the summary line
  -h, --help             this text
`;

process.stdout.on("error", (e: NodeJS.ErrnoException) => { if (e.code === "EPIPE") process.exit(0); throw e; });

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === "-h" || cmd === "--help") {
    process.stdout.write(`streamsift: TCP stream reassembly and inspection. Commands:\n  streamsift reassemble FILE [options]\n  streamsift scan FILE --rules RULES [options]\n\n${USAGE}\n${SCAN_USAGE}`);
    return cmd ? 0 : 2;
  }
  if (cmd === "scan") return scanMain(rest);
  if (cmd !== "reassemble") die(`unknown command "${cmd}" (try: streamsift reassemble FILE, or streamsift scan FILE --rules R)`);
  let parsed;
  try {
    parsed = parseArgs({
      args: rest, allowPositionals: true, strict: true,
      options: {
        ...ENGINE_OPTIONS,
        json: { type: "boolean" }, out: { type: "string" }, stats: { type: "boolean" }, workers: { type: "string" },
        quiet: { type: "boolean", short: "q" }, help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) { die(`${(e as Error).message}\n${USAGE}`); }
  const o = parsed.values;
  if (o.help) { process.stdout.write(USAGE); return 0; }
  if (parsed.positionals.length !== 1) die(`expected one capture file (or -), got ${parsed.positionals.length}\n${USAGE}`);
  const file = parsed.positionals[0]!;

  const config = configFromArgs(o);

  const workers = numberArg("workers", o.workers) ?? 1;
  if (workers > 1) {
    if (file === "-") die("--workers needs a file: each worker reads the capture itself");
    if (workers > 64) die("--workers: at most 64");
    return runWorkers(file, config, workers, { json: !!o.json, out: o.out, quiet: !!o.quiet, stats: !!o.stats });
  }

  const rows: Array<[number, string]> = [];
  const eofRecords: Array<[number, string]> = [];   // [flow id, JSON line]: text, not objects, until the end
  const wantFlows = !o.quiet;
  const callbacks = flowOutputCallbacks({
    hashes: !!o.json, outDir: o.out,
    onRecord(rec, extra) {
      if (o.json) {
        const line = flowJsonLine(rec, extra);
        // connections still open at the end come out in creation order; the others as they end
        if (rec.endReason === "eof") eofRecords.push([rec.id, line]); else emit(`${line}\n`);
      } else if (wantFlows) rows.push(tableRow(rec));
    },
  });
  const notices: string[] = [];
  const engine = await createNodeEngine(config, {
    ...(o.json || o.out ? { onData: callbacks.onData!, onGap: callbacks.onGap! } : {}),
    ...(o.quiet && !o.json && !o.out ? {} : { onConnection: callbacks.onConnection! }),
    onNotice: (m) => { if (!notices.includes(m)) { notices.push(m); process.stderr.write(`streamsift: ${m}\n`); } },
  });

  const t0 = performance.now();
  const meter = progressMeter(!!process.stderr.isTTY && !o.quiet);
  let error: EngineError | undefined;
  try {
    feedFile(engine, file, meter.on ? (p) => meter.update(p.bytes, p.total) : undefined);
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
    error = e;
  }
  meter.done();
  const elapsed = (performance.now() - t0) / 1000;
  eofRecords.sort((a, b) => a[0] - b[0]);
  for (const [, line] of eofRecords) emit(`${line}\n`);
  flushOut();
  if (!o.json && wantFlows) printTable(rows);

  const s = engine.stats();
  const summary = summaryLine(s, elapsed);
  (o.json ? process.stderr : process.stdout).write(`${summary}\n`);
  if (o.stats) {
    const mem = engine.memory();
    process.stdout.write(`${JSON.stringify({ event_type: "stats", stats: s, memory: mem, elapsed_s: elapsed,
      rss_peak_bytes: process.resourceUsage().maxRSS * 1024 })}\n`);
  }
  if (error) {
    process.stderr.write(`streamsift: ${file}: ${error.message} [${error.code}]\n`);
    return 1;
  }
  return 0;
}


function summaryLine(s: Record<string, number>, elapsed: number): string {
  return `summary: packets=${s.packets} tcp=${s.tcp_packets} connections=${s.flows_created} c2s=${s.delivered_toserver} ` +
    `s2c=${s.delivered_toclient} gaps=${s.gaps} gap_bytes=${s.gap_bytes} events=${s.events} ` +
    `bad_checksum=${s.bad_checksum} elapsed=${elapsed.toFixed(3)}s`;
}

async function runWorkers(file: string, config: EngineConfig, n: number,
                          o: { json: boolean; out: string | undefined; quiet: boolean; stats: boolean }): Promise<number> {
  const { Worker } = await import("node:worker_threads");
  const t0 = performance.now();
  const rows: Array<[number, string]> = [];
  const eof: Array<[number, string]> = [];
  const notices = new Set<string>();
  // flow lines in capture order whatever the thread timing (the same output from run to run)
  const merge = new KeyedMerge<[number, string]>(n, ([, line]) => emit(`${line}\n`));
  const meter = progressMeter(!!process.stderr.isTTY && !o.quiet, n);
  const results = await Promise.all(Array.from({ length: n }, (_, index) => new Promise<WorkerMessage & { type: "done" }>((res, rej) => {
    const w = new Worker(new URL("./worker.js", import.meta.url), {
      workerData: { file, config: { ...config, shard: { index, count: n } }, json: o.json, out: o.out, table: !o.json && !o.quiet },
    });
    w.on("message", (m: WorkerMessage) => {
      if (m.type === "json") {
        merge.push(index, m.lines, m.upTo);
        meter.update(m.bytes, m.total, index);
      } else if (m.type === "eof") for (const l of m.lines) eof.push(l);
      else if (m.type === "rows") for (const r of m.rows) rows.push(r);
      else if (m.type === "notice") { if (!notices.has(m.message)) { notices.add(m.message); process.stderr.write(`streamsift: ${m.message}\n`); } }
      else if (m.type === "done") { merge.end(index); res(m); }
    });
    w.on("error", rej);
  })));
  merge.end();
  meter.done();
  // connections still open at the end: by connection id, as one thread writes them
  eof.sort((a, b) => a[0] - b[0]);
  for (const [, line] of eof) emit(`${line}\n`);
  flushOut();
  const total = mergeShardStats(results.map((r) => r.stats));
  if (!o.json && !o.quiet) printTable(rows);
  const elapsed = (performance.now() - t0) / 1000;
  (o.json ? process.stderr : process.stdout).write(`${summaryLine(total, elapsed)} workers=${n}\n`);
  if (o.stats) process.stdout.write(`${JSON.stringify({ event_type: "stats", stats: total, workers: n, elapsed_s: elapsed })}\n`);
  const err = results.find((r) => r.error)?.error;
  if (err) { process.stderr.write(`streamsift: ${file}: ${err.message} [${err.code}]\n`); return 1; }
  return 0;
}

function printTable(rows: Array<[number, string]>): void {
  rows.sort((a, b) => a[0] - b[0]);
  emit(`${TABLE_HEADER}\n`);
  for (const [, row] of rows) emit(`${row}\n`);
  flushOut();
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: unknown) => {
  if (e instanceof EngineError) { process.stderr.write(`streamsift: ${e.message} [${e.code}]\n`); process.exitCode = 2; return; }
  throw e;
});
