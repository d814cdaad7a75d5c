// commands/scan.ts: `streamsift scan FILE --rules R [options]`: reassemble, inspect (IDS chunks or
// inline), match the rules, and write EVE JSON (alert, anomaly, flow, drop, stats) or a readable
// summary. Output contract in README.md ("scan").

import { parseArgs } from "node:util";
import { readFileSync, openSync, writeSync, closeSync } from "node:fs";
import { coreModule, feedFile } from "../node.js";
import { EngineError } from "../core/errors.js";
import type { EngineConfig, InspectionConfig } from "../config/schema.js";
import { parseRules, type Rule } from "../rules/parse.js";
import { compileRuleSet } from "../detect/ruleset.js";
import { createScanner, type Drop } from "../detect/scanner.js";
import type { Alert } from "../detect/detector.js";
import { policyVariants, POLICY_CLASSES, type PolicyAllResult } from "../detect/policy-all.js";
import { alertJson, anomalyJson, dropJson, isoTimestamp } from "../outputs/eve.js";
import { flowOutputCallbacks, flowJson } from "../outputs/flow-json.js";
import { ENGINE_OPTIONS, ENGINE_USAGE, configFromArgs, die, emit, flushOut, numberArg } from "./common.js";

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
  const ruleset = compileRuleSet(rules);
  // the detector's options, the same for the first pass and --policy all's second
  const detection = { establishedOnly: !!o["established-only"], verifyWindow: numberArg("verify-window", o["verify-window"]) };

  // outputs
  let eveFd: number | undefined;
  if (o.eve) { try { eveFd = openSync(o.eve, "w"); } catch (e) { die(`--eve ${o.eve}: ${(e as Error).message}`); } }
  const eveBuf: string[] = [];
  const eve = (rec: Record<string, unknown>) => {
    const line = `${JSON.stringify(rec)}\n`;
    if (o.json) emit(line);
    if (eveFd !== undefined) { eveBuf.push(line); if (eveBuf.length >= 512) { writeSync(eveFd, eveBuf.join("")); eveBuf.length = 0; } }
  };
  const wantEve = !!o.json || eveFd !== undefined;
  let verdictFd: number | undefined;
  if (o.verdicts) { try { verdictFd = openSync(o.verdicts, "w"); } catch (e) { die(`--verdicts ${o.verdicts}: ${(e as Error).message}`); } }

  const alerts: Alert[] = [];             // for the readable summary (and --policy all)
  const conflicting = new Map<number, number>();
  let anomalies = 0, drops = 0;
  const held = policyAll;                  // --policy all: alerts wait until the variants are known
  const flowLines: Array<Record<string, unknown>> = [];
  const wasm = coreModule();
  const flows = flowOutputCallbacks({
    hashes: wantEve && !o["no-flows"], outDir: undefined,
    onRecord(rec, extra) { if (wantEve && !o["no-flows"]) { const l = flowJson(rec, extra); if (rec.endReason === "eof") flowLines.push(l); else eve(l); } },
  });
  const notices = new Set<string>();
  const scanner = await createScanner(wasm, {
    config, ruleset, ...detection,
    extra: wantEve && !o["no-flows"] ? flows : { onConnection: flows.onConnection! },
    onAlert(a) {
      if (held || (!wantEve && !o.quiet)) alerts.push(a);
      if (!held && wantEve) eve(alertJson(a));
    },
    onAnomaly(conn, dir, name, ts, frame) {
      anomalies++;
      if (name === "stream.reassembly_overlap_different_data") conflicting.set(conn.id, conn.destPort);
      if (wantEve) eve(anomalyJson(conn, dir, name, ts, frame));
    },
    onDrop(d: Drop) {
      drops++;
      const line = `${JSON.stringify(dropJson(d))}\n`;
      if (verdictFd !== undefined) writeSync(verdictFd, line);
      if (wantEve) eve(dropJson(d));
    },
    onNotice(m) { if (!notices.has(m)) { notices.add(m); process.stderr.write(`streamsift: ${m}\n`); } },
  });

  const t0 = performance.now();
  let error: EngineError | undefined;
  try { feedFile(scanner.engine, file); } catch (e) { if (!(e instanceof EngineError)) throw e; error = e; }
  let variants: PolicyAllResult | undefined;
  if (policyAll) {
    const replaced = new Set<number>();
    if (conflicting.size > 0) {
      // the second pass reads the same bytes: an input error was already reported by the first
      const feedQuiet = (engine: Parameters<typeof feedFile>[0]) => { try { feedFile(engine, file); } catch (e) { if (!(e instanceof EngineError)) throw e; } };
      variants = await policyVariants(wasm, { config, ruleset, ...detection },
        feedQuiet, conflicting);
      for (const id of conflicting.keys()) replaced.add(id);
    }
    for (const a of alerts) if (!replaced.has(a.conn.id) && wantEve) eve(alertJson(a));
    for (const pa of variants?.alerts ?? []) if (wantEve) eve(alertJson(pa.alert, pa));
    for (const d of variants?.directions ?? []) if (wantEve) eve(variantsJson(d));
    if (variants) { alerts.splice(0, alerts.length, ...alerts.filter((a) => !replaced.has(a.conn.id)), ...variants.alerts.map((p) => p.alert)); }
  }
  const elapsed = (performance.now() - t0) / 1000;
  flowLines.sort((a, b) => (a.flow_id as number) - (b.flow_id as number));
  for (const l of flowLines) eve(l);
  const s = scanner.engine.stats();
  const mem = scanner.engine.memory();
  const alertCount = policyAll ? alerts.length : scanner.detector.alerts;
  if (wantEve) {
    eve({
      timestamp: isoTimestamp(Date.now() * 1000), event_type: "stats",
      stats: {
        packets: s.packets, bytes: s.capture_bytes, tcp_packets: s.tcp_packets, connections: s.flows_created,
        delivered_toserver: s.delivered_toserver, delivered_toclient: s.delivered_toclient, gaps: s.gaps,
        alerts: alertCount, anomalies, drops, rules: rules.length, rule_errors: ruleErrors,
        verify_budget_exceeded: scanner.detector.limits.verifyBudget, pending_dropped: scanner.detector.limits.pendingDropped,
        match_errors: s.match_errors,
        memory: {
          engine_bytes: mem.engineBytes, pages_peak: mem.pagesPeak, wasm_memory_bytes: mem.wasmMemoryBytes,
          prefilter_db_bytes: scanner.prefilter.dbBytes, prefilter_stream_bytes: scanner.prefilter.streamBytes,
        },
        ...(policyAll ? { policy_all: { conflicting_connections: conflicting.size, variant_directions: variants?.directions.length ?? 0 } } : {}),
        elapsed_s: elapsed,
      },
    });
  }
  flushOut();
  if (eveFd !== undefined) { writeSync(eveFd, eveBuf.join("")); closeSync(eveFd); }
  if (verdictFd !== undefined) closeSync(verdictFd);
  if (!o.json && !o.quiet) printAlerts(alerts, variants);
  const summary = `summary: packets=${s.packets} connections=${s.flows_created} c2s=${s.delivered_toserver} s2c=${s.delivered_toclient} ` +
    `gaps=${s.gaps} rules=${rules.length} alerts=${alertCount} anomalies=${anomalies}` +
    `${o.inline ? ` drops=${drops}` : ""}${policyAll ? ` conflicting=${conflicting.size}` : ""} elapsed=${elapsed.toFixed(3)}s`;
  (o.json ? process.stderr : process.stdout).write(`${summary}\n`);
  if (error) { process.stderr.write(`streamsift: ${file}: ${error.message} [${error.code}]\n`); return 1; }
  return 0;
}

function variantsJson(d: PolicyAllResult["directions"][number]): Record<string, unknown> {
  const r = d.record;
  const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");
  const printable = (b: Uint8Array) => Array.from(b, (c) => (c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : ".")).join("");
  return {
    timestamp: isoTimestamp(r.firstTs), event_type: "policy_variants", flow_id: r.id,
    src_ip: r.srcIp, src_port: r.srcPort, dest_ip: r.destIp, dest_port: r.destPort, proto: "TCP",
    direction: d.dir,
    differing_ranges: d.differing,
    variants: d.variants.map((v) => ({
      policies: v.policies, length: v.length,
      ranges: v.ranges.map((x) => ({ offset: x.offset, length: x.length, payload: b64(x.bytes.subarray(0, 4096)), payload_printable: printable(x.bytes.subarray(0, 4096)) })),
    })),
    classes: POLICY_CLASSES.length,
  };
}

function printAlerts(alerts: Alert[], variants: PolicyAllResult | undefined): void {
  const dep = new Map<Alert, string[]>();
  for (const p of variants?.alerts ?? []) if (p.policyDependent) dep.set(p.alert, p.policies);
  const ep = (ip: string, port: number) => (ip.includes(":") ? `[${ip}]:${port}` : `${ip}:${port}`);
  const lines = alerts.map((a) => {
    const r = a.rule;
    const [from, to] = a.dir === "toserver" ? [ep(a.conn.srcIp, a.conn.srcPort), ep(a.conn.destIp, a.conn.destPort)]
      : [ep(a.conn.destIp, a.conn.destPort), ep(a.conn.srcIp, a.conn.srcPort)];
    const p = dep.get(a);
    return `${isoTimestamp(a.ts)}  [${a.dropped ? "Drop" : "**"}] [${r.gid}:${r.sid}:${r.rev}] ${r.msg} [**] {TCP} ${from} -> ${to} ` +
      `flow=${a.conn.id} offset=${a.streamOffset}${p ? ` policy-dependent: ${p.join(",")}` : ""}`;
  });
  for (const d of variants?.directions ?? []) {
    const show = (b: Uint8Array) => JSON.stringify(Array.from(b.subarray(0, 64), (c) => (c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : ".")).join(""));
    lines.push(`policy variants: flow=${d.connId} ${d.dir}, bytes ${d.differing.map(([a, b]) => `[${a},${b})`).join(" ")} differ:`);
    for (const v of d.variants) lines.push(`  ${v.policies.join(",")}: ${v.ranges.map((r) => show(r.bytes)).join(" ")}`);
  }
  if (lines.length) process.stdout.write(`${lines.join("\n")}\n`);
}
