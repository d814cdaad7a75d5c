// commands/scan-job.ts: one `scan` run over a capture (or over one shard of it, in a --workers worker):
// the scanner, the --policy all second pass, and every output line, handed to a sink in the order they
// were produced. The same code runs in the main thread (one worker) and in each worker thread
// (scan-worker.ts), so a run with --workers N writes the same records as a run with one (flow ids
// aside: each shard numbers its connections).
// Entry:     runScanJob(spec, sink) -> ScanTotals.
// Ordering:  every line carries a key: the number of capture records read when it was produced
//            (monotone, and the same in every shard at the same point of the capture). After the
//            capture: --policy all's alerts, ordered by frame (HELD + frame), then its variants
//            (TAIL). A run with several workers merges the workers' lines by (key, worker): the
//            order of a run with one, except among lines of one record from different workers
//            (flow timeouts, the end) and among the variants. Flow records of connections still
//            open at the end are sorted by flow id by the caller.

import { feedFile, coreModule } from "../node.js";
import { EngineError } from "../core/errors.js";
import type { EngineConfig } from "../config/schema.js";
import type { Rule } from "../rules/parse.js";
import { compileRuleSet } from "../detect/ruleset.js";
import { createScanner, type Drop } from "../detect/scanner.js";
import type { Alert } from "../detect/detector.js";
import { policyVariants, POLICY_CLASSES, type PolicyAllResult } from "../detect/policy-all.js";
import { HeldAlerts } from "./held-alerts.js";
import { alertEveLine, alertJson, anomalyJson, dropJson, isoTimestamp, type PolicyInfo } from "../outputs/eve.js";
import { flowOutputCallbacks, flowJsonLine } from "../outputs/flow-json.js";
import { endpoint } from "../outputs/flow-table.js";
import { ConnMemo } from "../outputs/conn-memo.js";

/** What one job does (plain data: it is sent to worker threads as is). */
export interface ScanSpec {
  file: string;
  /** Engine configuration, inspection and shard included. */
  config: EngineConfig;
  rules: Rule[];
  establishedOnly: boolean;
  verifyWindow: number | undefined;
  policyAll: boolean;
  /** EVE lines (--json or --eve); flow records among them unless `flows` is false. */
  eve: boolean;
  flows: boolean;
  /** Readable alert lines (no JSON, not quiet). */
  readable: boolean;
  /** Inline verdict lines (--verdicts FILE). */
  verdicts: boolean;
}

export const enum Out { Eve = 0, EofFlow = 1, Verdict = 2, Line = 3 }
/** Key of the lines written after the capture was read. */
export const TAIL = Number.MAX_SAFE_INTEGER;
/** Base of the keys of --policy all's held alerts (HELD + frame): after every line of the capture. */
const HELD = 2 ** 40;

export interface ScanSink {
  /** One output line (without its newline). `flowId`: EofFlow lines, for the caller's sort. */
  line(key: number, kind: Out, text: string, flowId?: number): void;
  notice(message: string): void;
  /** The capture was read up to `key`: no later line has a smaller key. `bytes` of `total` (undefined:
   *  not a regular file) were read so far. */
  progress?(key: number, bytes: number, total: number | undefined): void;
}

export interface ScanTotals {
  stats: Record<string, number>;
  memory: { engineBytes: number; pagesPeak: number; wasmMemoryBytes: number };
  prefilterDbBytes: number;
  prefilterStreamBytes: number;
  alerts: number;
  anomalies: number;
  drops: number;
  conflicting: number;
  variantDirections: number;
  verifyBudget: number;
  pendingDropped: number;
  /** Seconds from the first read to the end (--policy all's pass included; set-up excluded). */
  seconds: number;
  error?: { code: string; message: string };
}

export async function runScanJob(spec: ScanSpec, sink: ScanSink): Promise<ScanTotals> {
  const ruleset = compileRuleSet(spec.rules);
  const detection = { establishedOnly: spec.establishedOnly, verifyWindow: spec.verifyWindow };
  const held = spec.policyAll;            // --policy all: alerts wait until the variants are known
  const alerts = new HeldAlerts();
  const conflicting = new Map<number, number>();
  let anomalies = 0, drops = 0;
  // a line's key: the capture records read when it was produced (its own frame can be earlier: a packet
  // held back for the checksum verdict, data delivered at a later ACK)
  const at = () => scanner.engine.packetsRead();
  const eve = (k: number, rec: Record<string, unknown>) => sink.line(k, Out.Eve, JSON.stringify(rec));
  /** An alert's EVE and readable lines (`policy`: --policy all's fields, when its variants are known). */
  const writeAlert = (k: number, a: Alert, policy?: PolicyInfo) => {
    if (spec.eve) sink.line(k, Out.Eve, policy ? JSON.stringify(alertJson(a, policy)) : alertEveLine(a));
    if (spec.readable) sink.line(k, Out.Line, alertLine(a, policy?.policyDependent ? policy.policies : undefined));
  };
  const wasm = coreModule();
  const flows = flowOutputCallbacks({
    hashes: spec.eve && spec.flows, outDir: undefined,
    onRecord(rec, extra) {
      if (!spec.eve || !spec.flows) return;
      const l = flowJsonLine(rec, extra);
      if (rec.endReason === "eof") sink.line(TAIL, Out.EofFlow, l, rec.id);
      else sink.line(at(), Out.Eve, l);
    },
  });
  const scanner = await createScanner(wasm, {
    config: spec.config, ruleset, ...detection,
    extra: spec.eve && spec.flows ? flows : { onConnection: flows.onConnection! },
    onAlert(a) {
      if (held) { alerts.push(a); return; }
      if (spec.eve || spec.readable) writeAlert(at(), a);
    },
    onAnomaly(conn, dir, name, ts, frame) {
      anomalies++;
      if (name === "stream.reassembly_overlap_different_data") conflicting.set(conn.id, conn.destPort);
      if (spec.eve) eve(at(), anomalyJson(conn, dir, name, ts, frame));
    },
    onDrop(d: Drop) {
      drops++;
      const k = at();
      if (spec.verdicts) sink.line(k, Out.Verdict, JSON.stringify(dropJson(d)));
      if (spec.eve) eve(k, dropJson(d));
    },
    onNotice: (m) => sink.notice(m),
  });

  let error: EngineError | undefined;
  const t0 = performance.now();
  const progress = sink.progress ? (p: { bytes: number; total: number | undefined }) => sink.progress!(at(), p.bytes, p.total) : undefined;
  try { feedFile(scanner.engine, spec.file, progress); } catch (e) { if (!(e instanceof EngineError)) throw e; error = e; }
  let variants: PolicyAllResult | undefined;
  let alertCount = scanner.detector.alerts;
  if (held) {
    if (conflicting.size > 0) {
      // the second pass reads the same bytes: an input error was already reported by the first
      const feedQuiet = (engine: Parameters<typeof feedFile>[0]) => { try { feedFile(engine, spec.file); } catch (e) { if (!(e instanceof EngineError)) throw e; } };
      variants = await policyVariants(wasm, { config: spec.config, ruleset, ...detection }, feedQuiet, conflicting);
    }
    // the held alerts in capture order (by their frame: the same order whatever the workers), the
    // policy-dependent ones among the others (after the first pass's alerts of the same frame), then
    // the variants. The first pass's alerts are already in frame order (each one's frame is the packet
    // being processed); a stable sort of their indices covers any that are not.
    const keep = (i: number) => !variants || !conflicting.has(alerts.connId(i));
    let order: Uint32Array | null = null;
    for (let i = 1; i < alerts.length && !order; i++) {
      if (alerts.frame(i) < alerts.frame(i - 1)) {
        order = Uint32Array.from({ length: alerts.length }, (_, k) => k);
        const frames = Float64Array.from({ length: alerts.length }, (_, k) => alerts.frame(k));
        order.sort((x, y) => frames[x]! - frames[y]! || x - y);
      }
    }
    const vs = [...(variants?.alerts ?? [])].map((pa, k) => ({ pa, k })).sort((x, y) => x.pa.alert.frame - y.pa.alert.frame || x.k - y.k);
    const emit = (a: Alert, policy?: PolicyInfo) => writeAlert(HELD + a.frame, a, policy);
    let kept = 0, v = 0;
    for (let j = 0; j < alerts.length; j++) {
      const i = order ? order[j]! : j;
      if (!keep(i)) continue;
      const a = alerts.get(i);
      while (v < vs.length && vs[v]!.pa.alert.frame < a.frame) { emit(vs[v]!.pa.alert, vs[v]!.pa); v++; }
      emit(a);
      kept++;
    }
    for (; v < vs.length; v++) emit(vs[v]!.pa.alert, vs[v]!.pa);
    for (const d of variants?.directions ?? []) {
      if (spec.eve) eve(TAIL, variantsJson(d));
      if (spec.readable) for (const l of variantLines(d)) sink.line(TAIL, Out.Line, l);
    }
    alertCount = kept + vs.length;
  }
  const seconds = (performance.now() - t0) / 1000;
  const mem = scanner.engine.memory();
  return {
    stats: scanner.engine.stats(),
    memory: { engineBytes: mem.engineBytes, pagesPeak: mem.pagesPeak, wasmMemoryBytes: mem.wasmMemoryBytes },
    prefilterDbBytes: scanner.prefilter.dbBytes, prefilterStreamBytes: scanner.prefilter.streamBytes,
    alerts: alertCount, anomalies, drops, conflicting: conflicting.size, variantDirections: variants?.directions.length ?? 0,
    verifyBudget: scanner.detector.limits.verifyBudget, pendingDropped: scanner.detector.limits.pendingDropped, seconds,
    ...(error ? { error: { code: error.code, message: error.message } } : {}),
  };
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

/** fast.log-style line of one alert (`policies`: it fired under these policies only). The parts that
 *  repeat (a rule's `[gid:sid:rev] msg`, a connection's two `from -> to flow=N` forms) are made once:
 *  the rule's from the last alert (alerts of one rule come in runs), the connection's by ConnMemo. */
function alertLine(a: Alert, policies?: string[]): string {
  const r = a.rule;
  if (r !== lineRule) { lineRule = r; lineRuleText = `[${r.gid}:${r.sid}:${r.rev}] ${r.msg}`; }
  return `${isoTimestamp(a.ts)}  [${a.dropped ? "Drop" : "**"}] ${lineRuleText} [**] {TCP} ${lineEnds.get(a.conn)[a.dir === "toserver" ? 0 : 1]} ` +
    `offset=${a.streamOffset}${policies ? ` policy-dependent: ${policies.join(",")}` : ""}`;
}
const lineEnds = new ConnMemo((c): [string, string] => {
  const client = endpoint(c.srcIp, c.srcPort), server = endpoint(c.destIp, c.destPort);
  return [`${client} -> ${server} flow=${c.id}`, `${server} -> ${client} flow=${c.id}`];
});
let lineRule: Alert["rule"] | null = null, lineRuleText = "";

function variantLines(d: PolicyAllResult["directions"][number]): string[] {
  const show = (b: Uint8Array) => JSON.stringify(Array.from(b.subarray(0, 64), (c) => (c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : ".")).join(""));
  return [`policy variants: flow=${d.connId} ${d.dir}, bytes ${d.differing.map(([a, b]) => `[${a},${b})`).join(" ")} differ:`,
          ...d.variants.map((v) => `  ${v.policies.join(",")}: ${v.ranges.map((r) => show(r.bytes)).join(" ")}`)];
}
