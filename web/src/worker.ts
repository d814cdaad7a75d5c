// web/src/worker.ts: the analysis worker. Reads the capture File in slices straight into the core's
// input region (the shape of src/node.ts feedSteps: inputSpace() -> commit(n, eof)), runs the same
// engine (or, with rules, the same scanner) as the CLI, and keeps per connection what the page shows:
// the record, each direction's delivered bytes (copied out of the views inside the callback, at most
// DIR_CAP per direction and TOTAL_CAP in all), gaps, events and alerts in stream order.
// One worker per run: the page terminates the previous one when it starts a new run. Cancel is a flag
// checked between slices; what was read until then is finished and reported like a complete run.

import {
  compileRuleSet, createEngine, createScanner, EngineError, parseRules,
  type Alert, type ConnectionRecord, type Engine, type EngineCallbacks, type RuleSet,
} from "../../src/index.js";
import { engineConfig } from "./config.js";
import { coreModule } from "./wasm.js";
import type { AlertInfo, ConnRow, ConvItem, Dir, ErrorInfo, FromWorker, Summary, ToWorker, ViewerSettings } from "./protocol.js";

/** Bytes kept per direction for the conversation view, and in all (the rest is counted, not kept). */
export const DIR_CAP = 8 * 1024 * 1024;
export const TOTAL_CAP = 256 * 1024 * 1024;
/** Items (data runs, gaps, events) and alerts kept per connection. */
const ITEM_CAP = 100_000;
const ALERT_CAP = 10_000;

const scope = self as unknown as {
  postMessage(m: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
};
const post = (m: FromWorker, transfer?: Transferable[]) => scope.postMessage(m, transfer);

/** One direction's kept bytes: a doubling buffer up to DIR_CAP. */
class DirBytes {
  buf = new Uint8Array(4096);
  len = 0;
  /** Delivered bytes not kept. */
  dropped = 0;
  append(b: Uint8Array): void {
    if (this.len + b.length > this.buf.length) {
      let size = this.buf.length;
      while (size < this.len + b.length) size *= 2;
      const next = new Uint8Array(Math.min(size, DIR_CAP));
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
    }
    this.buf.set(b, this.len);
    this.len += b.length;
  }
}

interface ConnStore {
  dirs: Record<Dir, DirBytes>;
  items: ConvItem[];
  alerts: AlertInfo[];
  alertCount: number;
  drops: number;
  row: ConnRow | undefined;
}

let conns = new Map<number, ConnStore>();
let kept = 0;
let cancelled = false;
let running = false;

function store(id: number): ConnStore {
  let s = conns.get(id);
  if (!s) {
    s = { dirs: { toserver: new DirBytes(), toclient: new DirBytes() }, items: [], alerts: [], alertCount: 0, drops: 0, row: undefined };
    conns.set(id, s);
  }
  return s;
}

/** Appends a delivered run, merged with the previous item when it continues it. */
function pushData(s: ConnStore, dir: Dir, offset: number, at: number, length: number): boolean {
  const last = s.items[s.items.length - 1];
  if (last && last.kind === "data" && last.dir === dir && last.offset + last.length === offset && last.at + last.length === at) {
    last.length += length;
    return true;
  }
  if (s.items.length >= ITEM_CAP) return false;
  s.items.push({ kind: "data", dir, offset, at, length });
  return true;
}

function callbacks(engineRef: () => Engine | undefined): EngineCallbacks {
  const notices = new Set<string>();
  return {
    onData(conn, dir, bytes, offset) {
      // `bytes` is a view into wasm memory, valid only now: copy what is kept
      const s = store(conn.id);
      const d = s.dirs[dir];
      const n = Math.max(0, Math.min(bytes.length, DIR_CAP - d.len, TOTAL_CAP - kept));
      if (n > 0 && d.dropped === 0 && pushData(s, dir, offset, d.len, n)) {
        d.append(bytes.subarray(0, n));
        kept += n;
        d.dropped += bytes.length - n;
      } else d.dropped += bytes.length;
    },
    onGap(conn, dir, offset, length) {
      const s = store(conn.id);
      if (s.items.length < ITEM_CAP) s.items.push({ kind: "gap", dir, offset, length });
    },
    onEvent(conn, dir, name) {
      const s = store(conn.id);
      if (s.items.length < ITEM_CAP) s.items.push({ kind: "event", dir, name, frame: engineRef()?.packetFrame() ?? 0 });
    },
    onConnection(rec) {
      const s = store(rec.id);
      s.row = toRow(rec, s);
    },
    onNotice(message, code) {
      if (notices.has(message)) return;
      notices.add(message);
      post({ type: "notice", message, code });
    },
  };
}

function toRow(r: ConnectionRecord, s: ConnStore): ConnRow {
  return {
    id: r.id, srcIp: r.srcIp, srcPort: r.srcPort, destIp: r.destIp, destPort: r.destPort,
    state: r.state, reason: r.endReason, midstream: r.midstream,
    pkts: { toserver: r.toserver.packets, toclient: r.toclient.packets },
    bytes: { toserver: r.toserver.bytes, toclient: r.toclient.bytes },
    gaps: r.toserver.gapCount + r.toclient.gapCount,
    gapBytes: r.toserver.gapBytes + r.toclient.gapBytes,
    events: r.events,
    alerts: s.alertCount, drops: s.drops,
    capped: s.dirs.toserver.dropped > 0 || s.dirs.toclient.dropped > 0,
  };
}

function alertInfo(a: Alert): AlertInfo {
  return {
    gid: a.rule.gid, sid: a.rule.sid, rev: a.rule.rev, msg: a.rule.msg, dir: a.dir,
    streamOffset: a.streamOffset, matchEnd: a.matchEnd, frame: a.frame, ts: a.ts, dropped: a.dropped,
  };
}

function errorInfo(e: unknown): ErrorInfo {
  if (e instanceof EngineError) return { code: e.code, message: e.message, offset: e.offset };
  return { code: "ERR_INTERNAL", message: e instanceof Error ? e.message : String(e), offset: undefined };
}

/** Rules text -> rule set; reports every error with its line. undefined: no detection. */
function loadRules(s: ViewerSettings): RuleSet | undefined | ErrorInfo {
  if (!s.rules.trim()) return undefined;
  const r = parseRules(s.rules, s.rulesName, { sidBase: 1000001 });
  post({ type: "rules", loaded: r.rules.length, errors: r.errors.map((e) => ({ file: e.file, line: e.line, reason: e.reason })) });
  if (r.rules.length === 0) {
    // an empty set cannot be compiled into the core's matcher; comments alone mean "no detection"
    if (r.errors.length === 0) return undefined;
    return { code: "ERR_RULES", message: `no rule could be loaded from ${s.rulesName} (${r.errors.length} error${r.errors.length > 1 ? "s" : ""})`, offset: undefined };
  }
  return compileRuleSet(r.rules);
}

async function run(file: Blob, settings: ViewerSettings, sliceBytes: number | undefined): Promise<void> {
  const t0 = performance.now();
  conns = new Map();
  kept = 0;
  const rules = loadRules(settings);
  if (rules && "code" in rules) { post({ type: "failed", error: rules }); return; }
  let engine: Engine | undefined;
  const cb = callbacks(() => engine);
  try {
    const wasm = await coreModule();
    const config = engineConfig(settings, !!rules);
    if (rules) {
      const scanner = await createScanner(wasm, {
        config, ruleset: rules, extra: cb,
        onAlert(a) {
          const s = store(a.conn.id);
          s.alertCount++;
          if (s.alerts.length < ALERT_CAP) s.alerts.push(alertInfo(a));
        },
        onDrop(d) { store(d.conn.id).drops++; },
      });
      engine = scanner.engine;
    } else {
      engine = await createEngine(wasm, config, cb);
    }
  } catch (e) { post({ type: "failed", error: errorInfo(e) }); return; }

  let pos = 0;
  let error: ErrorInfo | undefined;
  try {
    for (;;) {
      if (cancelled) break;
      let want = engine.inputSpace().length;
      if (sliceBytes) want = Math.min(want, sliceBytes);
      if (want === 0) throw new EngineError("ERR_STATE", "the core's input region is full");
      const chunk = new Uint8Array(await file.slice(pos, pos + want).arrayBuffer());
      if (cancelled) break;
      pos += chunk.length;
      const eof = pos >= file.size;
      engine.inputSpace().set(chunk);   // fresh view: memory may have grown since the last one
      engine.commit(chunk.length, eof);
      post({ type: "progress", bytes: pos, total: file.size });
      if (eof) break;
    }
  } catch (e) { error = errorInfo(e); }
  // everything decoded before an error or a cancel is delivered and reported
  try { engine.finish(); } catch (e) { error ??= errorInfo(e); }

  const rows: ConnRow[] = [];
  for (const s of conns.values()) if (s.row) rows.push({ ...s.row, alerts: s.alertCount, drops: s.drops });
  rows.sort((a, b) => a.id - b.id);
  const st = engine.stats();
  const summary: Summary = {
    packets: st.packets, tcpPackets: st.tcp_packets, connections: st.flows_created,
    c2s: st.delivered_toserver, s2c: st.delivered_toclient, gaps: st.gaps, gapBytes: st.gap_bytes,
    events: st.events, badChecksum: st.bad_checksum,
    alerts: rows.reduce((n, r) => n + r.alerts, 0), drops: rows.reduce((n, r) => n + r.drops, 0),
    rules: rules ? rules.rules.length : 0,
    bytesRead: pos, elapsedMs: performance.now() - t0,
  };
  post({ type: "done", rows, summary, error, cancelled });
}

function conversation(id: number): void {
  const s = conns.get(id);
  if (!s?.row) { post({ type: "conversation", id, conv: undefined }); return; }
  const ts = s.dirs.toserver, tc = s.dirs.toclient;
  const data = { toserver: ts.buf.slice(0, ts.len), toclient: tc.buf.slice(0, tc.len) };
  post({
    type: "conversation", id,
    conv: {
      row: { ...s.row, alerts: s.alertCount, drops: s.drops }, data,
      dropped: { toserver: ts.dropped, toclient: tc.dropped }, cap: DIR_CAP,
      items: s.items, alerts: s.alerts,
    },
  }, [data.toserver.buffer, data.toclient.buffer]);
}

scope.onmessage = (e) => {
  const m = e.data;
  if (m.type === "cancel") { cancelled = true; return; }
  if (m.type === "conversation") { conversation(m.id); return; }
  if (m.type === "run") {
    if (running) { post({ type: "failed", error: { code: "ERR_STATE", message: "this worker is already running", offset: undefined } }); return; }
    running = true;
    cancelled = false;
    run(m.file, m.settings, m.sliceBytes).catch((err: unknown) => post({ type: "failed", error: errorInfo(err) }))
      .finally(() => { running = false; });
  }
};
