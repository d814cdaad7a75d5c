// detect/scanner.ts: one scan job, browser-safe: an engine (reassembly + inspection mode), a stream
// dispatcher, the detector and its prefilter, wired together. The caller feeds capture bytes
// (scanner.engine.feed / inputSpace+commit, or node.ts feedFile) and receives alerts, anomalies, drops
// and connection records through callbacks. `streamsift scan` and the browser viewer both use it.
// Entry:     createScanner(wasm, options): Promise<Scanner>

import { Engine, type Connection, type Direction, type EngineCallbacks, type ConnectionRecord } from "../core/engine.js";
import { validateConfig } from "../config/validate.js";
import type { EngineConfig } from "../config/schema.js";
import { StreamDispatcher } from "../stream/api.js";
import type { Prefilter, PrefilterEngine } from "../prefilter/prefilter.js";
import { corePrefilterEngine } from "../prefilter/core.js";
import { Detector, type Alert, type DetectorHost } from "./detector.js";
import type { RuleSet } from "./ruleset.js";

/** A packet verdict in inline mode (only drops are reported; every other packet is accepted). */
export interface Drop {
  frame: number;
  ts: number;
  conn: Connection;
  dir: Direction;
  /** "rule": this packet completed a drop rule's match; "flow": a later packet of a dropped connection. */
  reason: "rule" | "flow";
  sid?: number;
}

export interface ScanCallbacks {
  onAlert?(a: Alert): void;
  /** An anomaly event, at the packet that raised it. */
  onAnomaly?(conn: Connection, dir: Direction, name: string, ts: number, frame: number): void;
  onDrop?(d: Drop): void;
  onConnection?(rec: ConnectionRecord): void;
  onNotice?(message: string, code: string): void;
}

export interface ScanOptions extends ScanCallbacks {
  config: EngineConfig;
  ruleset: RuleSet;
  /** "core" (default): the core's matcher in the engine's own instance, scanning delivered bytes in
   *  place; or any other engine behind the Prefilter interface. */
  prefilter?: PrefilterEngine | "core";
  /** Snort's -z est: alert only on connections whose handshake was seen. */
  establishedOnly?: boolean;
  verifyWindow?: number;
  /** More engine callbacks (e.g. per-connection hashes for flow records), called before detection. */
  extra?: EngineCallbacks;
}

export interface Scanner {
  readonly engine: Engine;
  readonly prefilter: Prefilter;
  readonly detector: Detector;
  /** Prefilter streams open at once, at most, when the host scans (the core's own streams are in
   *  engine.memory()). */
  readonly peakStreams: () => number;
}

/** Calls each callback set in turn (the engine takes one function per callback). */
export function mergeCallbacks(...sets: EngineCallbacks[]): EngineCallbacks {
  const out: EngineCallbacks = {};
  for (const key of ["onData", "onGap", "onEvent", "onConnection", "onNotice", "onDropped", "onMatch"] as const) {
    const fns = sets.map((s) => s[key]).filter((f): f is NonNullable<typeof f> => !!f) as Array<(a: unknown, b: unknown, c: unknown, d: unknown) => void>;
    // fixed parameters (every callback takes at most four): rest/spread calls are a slow path in V8
    if (fns.length === 1) (out as Record<string, unknown>)[key] = fns[0];
    else if (fns.length > 1) (out as Record<string, unknown>)[key] = (a: unknown, b: unknown, c: unknown, d: unknown) => { for (const f of fns) f(a, b, c, d); };
  }
  return out;
}

export async function createScanner(wasm: WebAssembly.Module | BufferSource, o: ScanOptions): Promise<Scanner> {
  const resolved = validateConfig(o.config);
  const inline = resolved.inspection.mode === "inline";
  // "core": the core scans each delivered run where it lies and reports only matches (no host call per
  // delivery); the detector then reads the bytes only if some rule needs them verified (history).
  const inCore = !o.prefilter || o.prefilter === "core";
  let engine: Engine | undefined;
  let prefilter: Prefilter | undefined;
  const host: DetectorHost = {
    packetTs: () => engine!.packetTs(),
    packetFrame: () => engine!.packetFrame(),
    dropConnection: (c) => engine!.dropConnection(c),
    connectionState: (c) => engine!.connectionState(c),
  };
  let open = 0, peak = 0;
  const detector = new Detector({
    ruleset: o.ruleset, host, inline, external: inCore,
    prefilter: () => counted(prefilter!, (d) => { open += d; if (open > peak) peak = open; }),
    establishedOnly: o.establishedOnly, verifyWindow: o.verifyWindow,
    // the host path selects like the core does (inspection.ports / directions)
    select: {
      ...(resolved.inspection.ports !== "all" ? { ports: resolved.inspection.ports } : {}),
      ...(resolved.inspection.directions !== "both" ? { directions: resolved.inspection.directions } : {}),
    },
    onAlert: (a) => {
      o.onAlert?.(a);
      if (a.dropped) o.onDrop?.({ frame: a.frame, ts: a.ts, conn: a.conn, dir: a.dir, reason: "rule", sid: a.rule.sid });
    },
  });
  const asModule = !inCore || o.ruleset.needsHistory;
  const dispatcher = new StreamDispatcher();
  if (asModule) dispatcher.register(detector);
  const own: EngineCallbacks = {
    ...(asModule ? dispatcher.callbacks() : { onConnection: (rec: ConnectionRecord) => detector.connectionEnd(rec) }),
    ...(inCore ? { onMatch: (c: Connection, d: Direction, id: number, end: number) => detector.hit(c, d, id, end) } : {}),
    ...(o.onAnomaly ? { onEvent: (c: Connection, d: Direction, name: string) => o.onAnomaly!(c, d, name, engine!.packetTs(), engine!.packetFrame()) } : {}),
    onDropped: (c, d, frame) => o.onDrop?.({ frame, ts: engine!.packetTs(), conn: c, dir: d, reason: "flow" }),
  };
  const user: EngineCallbacks = {
    ...(o.onConnection ? { onConnection: o.onConnection } : {}),
    ...(o.onNotice ? { onNotice: o.onNotice } : {}),
  };
  engine = await Engine.create(wasm, resolved, mergeCallbacks(o.extra ?? {}, own, user));
  if (inCore) {
    const p = corePrefilterEngine(engine.instance).compile(o.ruleset.patterns);
    prefilter = p;
    engine.attachMatcher((p as Prefilter & { handle: number }).handle);
  } else prefilter = (o.prefilter as PrefilterEngine).compile(o.ruleset.patterns);
  return { engine, prefilter, detector, peakStreams: () => peak };
}

/** The prefilter with open/close counted (for the stream-state high-water in the stats record). */
function counted(p: Prefilter, delta: (d: number) => void): Prefilter {
  return {
    engine: p.engine, patternCount: p.patternCount, dbBytes: p.dbBytes, streamBytes: p.streamBytes, maxLength: p.maxLength,
    scanBlock: (d, s) => p.scanBlock(d, s), free: () => p.free(),
    open: () => {
      const s = p.open();
      delta(1);
      let closed = false;
      return { scan: (d, k) => s.scan(d, k), reset: () => s.reset(), close: () => { if (!closed) { closed = true; delta(-1); s.close(); } } };
    },
  };
}
