// commands/scan.ts: `streamsift scan FILE --rules R [options]`: reassemble, inspect (IDS chunks or
// inline), match the rules, and write EVE JSON (alert, anomaly, flow, drop, stats) or a readable
// summary. Output contract in README.md ("scan").

import { parseArgs } from "node:util";
import { readFileSync, openSync, closeSync } from "node:fs";
import type { EngineConfig, InspectionConfig } from "../config/schema.js";
import { parseRules, type Rule } from "../rules/parse.js";
import { isoTimestamp } from "../outputs/eve.js";
import { ENGINE_OPTIONS, ENGINE_USAGE, ByteOut, writeAll, configFromArgs, die, emit, flushOut, mergeShardStats, numberArg, progressMeter, KeyedMerge } from "./common.js";
import { runScanJob, Out, type ScanSpec, type ScanTotals } from "./scan-job.js";
import type { ScanWorkerMessage } from "../scan-worker.js";

export const SCAN_USAGE = `usage: streamsift scan FILE|- --rules RULES [options]

Reassembles every TCP connection and matches the rules against what each receiver saw.

  --rules FILE           rules: Suricata/Snort subset or a literal list (repeatable)
  --var NAME=VALUE       rule variable, e.g. HOME_NET=10.0.0.0/8 (repeatable)
  --policy all           also report every distinct overlap-policy behaviour of connections whose
                         overlapping segments carried different data, and mark policy-dependent alerts
  --inline               inline (IPS) mode: inspect data as it arrives; drop/reject rules drop the
                         connection from the packet that completes the match
  --verdicts FILE        inline: write each dropped packet (frame number, reason) as a JSON line
  --chunk-size N         IDS: inspect acknowledged data in chunks of N bytes (default 2560)
  --toserver-chunk-size N, --toclient-chunk-size N   the same per direction
  --randomize-chunk-range P   draw each chunk size within +-P % (default 10; 0 = fixed)
  --seed N               seed of the chunk-size draws (default 0): a run replays exactly
  --inspect-ports LIST   inspect only connections to these server ports (others are reassembled, not matched)
  --inspect-directions D both (default) | toserver | toclient
  --established-only     alert only on connections whose handshake was seen (Snort -z est)
  --verify-window N      bytes kept per direction to verify rule contents (default 65536)
  --post-rst MODE        payload after an honoured RST: discard (default: the receiver dropped it)
                         | reassemble (inspect it anyway, as Suricata does)
  --workers N            scan the connections in N threads (files only; default 1): the same
                         alerts, flows and counters as one; flow ids are numbered per worker
${ENGINE_USAGE}  --json                 EVE JSON lines on stdout: alert, anomaly, flow, drop, stats
  --eve FILE             the same lines into FILE (stdout keeps the readable summary)
  --no-flows             leave flow records out of the EVE output
  -q, --quiet            print only the summary line
  -h, --help             this text
`;

export async function scanMain(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv, allowPositionals: true, strict: true,
      options: {
        ...ENGINE_OPTIONS,
        rules: { type: "string", multiple: true }, var: { type: "string", multiple: true },
        inline: { type: "boolean" }, verdicts: { type: "string" },
        "chunk-size": { type: "string" }, "toserver-chunk-size": { type: "string" }, "toclient-chunk-size": { type: "string" },
        "randomize-chunk-range": { type: "string" }, seed: { type: "string" },
        "established-only": { type: "boolean" }, "post-rst": { type: "string" },
        "inspect-ports": { type: "string" }, "inspect-directions": { type: "string" }, "verify-window": { type: "string" },
        json: { type: "boolean" }, eve: { type: "string" }, "no-flows": { type: "boolean" },
        workers: { type: "string" },
        quiet: { type: "boolean", short: "q" }, help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) { die(`${(e as Error).message}\n${SCAN_USAGE}`); }
  const o = parsed.values;
  if (o.help) { process.stdout.write(SCAN_USAGE); return 0; }
  if (parsed.positionals.length !== 1) die(`expected one capture file (or -), got ${parsed.positionals.length}\n${SCAN_USAGE}`);
  const file = parsed.positionals[0]!;
  if (!o.rules?.length) die(`scan needs --rules FILE\n${SCAN_USAGE}`);
  const policyAll = o.policy === "all";
  const config: EngineConfig = configFromArgs({ ...o, policy: policyAll ? undefined : o.policy });
  if (policyAll && file === "-") die("--policy all reads the capture twice: it needs a file, not stdin");
  if (o.verdicts && !o.inline) die("--verdicts needs --inline (IDS mode never drops)");

  // inspection: Suricata's defaults (2560-byte chunks, +-10 %)
  const chunk = numberArg("chunk-size", o["chunk-size"]);
  const inspection: InspectionConfig = {
    ...(config.inspection ?? {}),
    mode: o.inline ? "inline" : (config.inspection?.mode ?? "ids"),
    toserverChunkSize: numberArg("toserver-chunk-size", o["toserver-chunk-size"]) ?? chunk ?? config.inspection?.toserverChunkSize ?? 2560,
    toclientChunkSize: numberArg("toclient-chunk-size", o["toclient-chunk-size"]) ?? chunk ?? config.inspection?.toclientChunkSize ?? 2560,
    randomizeChunkRange: numberArg("randomize-chunk-range", o["randomize-chunk-range"]) ?? config.inspection?.randomizeChunkRange ?? 10,
    seed: numberArg("seed", o.seed) ?? config.inspection?.seed ?? 0,
    ...(o["inspect-ports"] !== undefined ? { ports: o["inspect-ports"].split(",").map((p) => numberArg("inspect-ports", p.trim())!) } : {}),
    ...(o["inspect-directions"] !== undefined ? { directions: o["inspect-directions"] as InspectionConfig["directions"] } : {}),
  };
  config.postRst = (o["post-rst"] ?? config.postRst ?? "discard") as EngineConfig["postRst"];
  if (inspection.mode === "inline") {
    inspection.toserverChunkSize = 0; inspection.toclientChunkSize = 0;
    // inline, bytes are delivered (forwarded) before the ACK: keep the last delivered page so a re-send
    // that differs from what was forwarded is still reported (stream.reassembly_overlap_different_data)
    config.retainDelivered ??= true;
  }
  config.inspection = inspection;

  // rules: every file, every error reported; the good rules still load
  const vars: Record<string, string> = {};
  for (const v of o.var ?? []) {
    const eq = v.indexOf("=");
    if (eq <= 0) die(`--var expects NAME=VALUE, got "${v}"`);
    vars[v.slice(0, eq).replace(/^\$/, "")] = v.slice(eq + 1);
  }
  const rules: Rule[] = [];
  let ruleErrors = 0;
  for (const path of o.rules) {
    let text: string;
    try { text = readFileSync(path, "utf8"); } catch (e) { die(`--rules ${path}: ${(e as Error).message}`); }
    const r = parseRules(text, path, { vars, sidBase: 1000001 + rules.length });
    for (const err of r.errors) process.stderr.write(`streamsift: ${err.file}:${err.line}: ${err.reason}\n`);
    ruleErrors += r.errors.length;
    rules.push(...r.rules);
  }
  if (rules.length === 0) die(`no rule could be loaded from ${o.rules.join(", ")}`);
  const workers = numberArg("workers", o.workers) ?? 1;
  if (workers < 1 || workers > 64) die("--workers: 1 to 64");
  if (workers > 1 && file === "-") die("--workers needs a file: each worker reads the capture itself");

  // outputs
  let eveFd: number | undefined;
  if (o.eve) { try { eveFd = openSync(o.eve, "w"); } catch (e) { die(`--eve ${o.eve}: ${(e as Error).message}`); } }
  const eveOut = eveFd !== undefined ? new ByteOut((b) => writeAll(eveFd!, b), true, 1 << 20) : undefined;
  const wantEve = !!o.json || eveOut !== undefined;
  const eveLine = (line: string) => {
    if (o.json) emit(line);
    eveOut?.text(line);
  };
  let verdictFd: number | undefined;
  if (o.verdicts) { try { verdictFd = openSync(o.verdicts, "w"); } catch (e) { die(`--verdicts ${o.verdicts}: ${(e as Error).message}`); } }
  const verdictOut = verdictFd !== undefined ? new ByteOut((b) => writeAll(verdictFd!, b), true) : undefined;
  const eofFlows: Array<[number, string]> = [];
  const write = (kind: Out, text: string, flowId: number) => {
    if (kind === Out.Eve) eveLine(`${text}\n`);
    else if (kind === Out.EofFlow) eofFlows.push([flowId, text]);
    else if (kind === Out.Verdict) verdictOut!.text(`${text}\n`);
    else emit(`${text}\n`);             // readable lines (stdout has no EVE then): streamed, not held
  };
  const notices = new Set<string>();
  const notice = (m: string) => { if (!notices.has(m)) { notices.add(m); process.stderr.write(`streamsift: ${m}\n`); } };

  const spec: ScanSpec = {
    file, config, rules, policyAll,
    establishedOnly: !!o["established-only"], verifyWindow: numberArg("verify-window", o["verify-window"]),
    eve: wantEve, flows: !o["no-flows"], readable: !o.json && !o.quiet, verdicts: verdictFd !== undefined,
  };
  const t0 = performance.now();
  const meter = progressMeter(!!process.stderr.isTTY && !o.quiet, workers);
  const t = workers === 1
    ? await runScanJob(spec, {
      line: (_k, kind, text, flowId) => write(kind, text, flowId ?? 0), notice,
      ...(meter.on ? { progress: (_k: number, bytes: number, total: number | undefined) => meter.update(bytes, total) } : {}),
    })
    : await runScanWorkers(spec, workers, write, notice, meter);
  meter.done();
  // one worker: the read (as reassemble's elapsed); several: the wall time, worker start-up included
  const elapsed = workers === 1 ? t.seconds : (performance.now() - t0) / 1000;
  eofFlows.sort((a, b) => a[0] - b[0]);
  for (const [, l] of eofFlows) eveLine(`${l}\n`);
  const s = t.stats;
  if (wantEve) {
    eveLine(`${JSON.stringify({
      timestamp: isoTimestamp(Date.now() * 1000), event_type: "stats",
      stats: {
        packets: s.packets, bytes: s.capture_bytes, tcp_packets: s.tcp_packets, connections: s.flows_created,
        delivered_toserver: s.delivered_toserver, delivered_toclient: s.delivered_toclient, gaps: s.gaps,
        alerts: t.alerts, anomalies: t.anomalies, drops: t.drops, rules: rules.length, rule_errors: ruleErrors,
        verify_budget_exceeded: t.verifyBudget, pending_dropped: t.pendingDropped,
        match_errors: s.match_errors,
        memory: {
          engine_bytes: t.memory.engineBytes, pages_peak: t.memory.pagesPeak, wasm_memory_bytes: t.memory.wasmMemoryBytes,
          prefilter_db_bytes: t.prefilterDbBytes, prefilter_stream_bytes: t.prefilterStreamBytes,
        },
        ...(policyAll ? { policy_all: { conflicting_connections: t.conflicting, variant_directions: t.variantDirections } } : {}),
        ...(workers > 1 ? { workers } : {}),
        elapsed_s: elapsed,
      },
    })}\n`);
  }
  flushOut();
  if (eveFd !== undefined) { eveOut!.flush(); closeSync(eveFd); }
  if (verdictFd !== undefined) { verdictOut!.flush(); closeSync(verdictFd); }
  const summary = `summary: packets=${s.packets} connections=${s.flows_created} c2s=${s.delivered_toserver} s2c=${s.delivered_toclient} ` +
    `gaps=${s.gaps} rules=${rules.length} alerts=${t.alerts} anomalies=${t.anomalies}` +
    `${o.inline ? ` drops=${t.drops}` : ""}${policyAll ? ` conflicting=${t.conflicting}` : ""}` +
    `${workers > 1 ? ` workers=${workers}` : ""} elapsed=${elapsed.toFixed(3)}s`;
  (o.json ? process.stderr : process.stdout).write(`${summary}\n`);
  if (t.error) { process.stderr.write(`streamsift: ${file}: ${t.error.message} [${t.error.code}]\n`); return 1; }
  return 0;
}

/**
 * --workers N: N threads each scan the connections of one shard (every worker reads the whole
 * capture). Lines are merged by (key, worker) as they come: a line is written once every worker that
 * is still reading has read past its key, so the output is the same from run to run.
 */
async function runScanWorkers(spec: ScanSpec, n: number, write: (kind: Out, text: string, flowId: number) => void,
                              notice: (m: string) => void, meter: ReturnType<typeof progressMeter>): Promise<ScanTotals> {
  const { Worker } = await import("node:worker_threads");
  const merge = new KeyedMerge<[number, Out, string, number]>(n, ([, kind, text, flowId]) => write(kind, text, flowId));
  const totals = await Promise.all(Array.from({ length: n }, (_, index) => new Promise<ScanTotals>((res, rej) => {
    const w = new Worker(new URL("../scan-worker.js", import.meta.url), {
      workerData: { ...spec, config: { ...spec.config, shard: { index, count: n } } } satisfies ScanSpec,
    });
    w.on("message", (m: ScanWorkerMessage) => {
      if (m.type === "lines") merge.push(index, m.lines, m.upTo);
      else if (m.type === "notice") notice(m.message);
      else if (m.type === "progress") meter.update(m.bytes, m.total, index);
      else { merge.end(index); res(m.totals); }
    });
    w.on("error", rej);
  })));
  merge.end();
  return mergeTotals(totals);
}

/** Totals of the shards: counters of the capture (every shard walks all of it) once, the rest summed. */
function mergeTotals(ts: ScanTotals[]): ScanTotals {
  const stats = mergeShardStats(ts.map((t) => t.stats));
  const sum = (f: (t: ScanTotals) => number) => ts.reduce((a, t) => a + f(t), 0);
  const error = ts.find((t) => t.error)?.error;
  return {
    stats,
    memory: { engineBytes: sum((t) => t.memory.engineBytes), pagesPeak: sum((t) => t.memory.pagesPeak), wasmMemoryBytes: sum((t) => t.memory.wasmMemoryBytes) },
    prefilterDbBytes: sum((t) => t.prefilterDbBytes), prefilterStreamBytes: ts[0]!.prefilterStreamBytes,
    alerts: sum((t) => t.alerts), anomalies: sum((t) => t.anomalies), drops: sum((t) => t.drops),
    conflicting: sum((t) => t.conflicting), variantDirections: sum((t) => t.variantDirections),
    verifyBudget: sum((t) => t.verifyBudget), pendingDropped: sum((t) => t.pendingDropped),
    seconds: Math.max(...ts.map((t) => t.seconds)),
    ...(error ? { error } : {}),
  };
}
