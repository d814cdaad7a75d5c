// outputs/flow-json.ts: per-connection results for `reassemble --json` and `--out`: the EVE-style flow
// record, SHA-256 and gap list of each direction's delivered bytes, and tcpflow-style output files.
// Node only (node:crypto, node:fs).

import { createHash, type Hash } from "node:crypto";
import { openSync, writeSync, closeSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Connection, ConnectionRecord, Direction, EngineCallbacks } from "../core/engine.js";
import { isoTimestamp } from "./eve.js";

export { isoTimestamp };

interface DirState { hash: Hash | undefined; gaps: Array<[number, number]>; fd: number | undefined }
interface ConnState { toserver: DirState; toclient: DirState }

const EMPTY_SHA256 = createHash("sha256").digest("hex");

function state(conn: Connection): ConnState {
  let s = conn.user as ConnState | undefined;
  if (!s) {
    s = { toserver: { hash: undefined, gaps: [], fd: undefined }, toclient: { hash: undefined, gaps: [], fd: undefined } };
    conn.user = s;
  }
  return s;
}

/** tcpflow's file name: zero-padded dotted quads, 5-digit ports (IPv6 as printed). */
function endpointName(ip: string, port: number): string {
  const v4 = ip.includes(".") && !ip.includes(":");
  const host = v4 ? ip.split(".").map((o) => o.padStart(3, "0")).join(".") : ip;
  return `${host}.${String(port).padStart(5, "0")}`;
}

export interface FlowOutputOptions {
  hashes: boolean;          // compute SHA-256 per direction
  outDir: string | undefined;
  onRecord(rec: ConnectionRecord, extra: FlowExtra): void;
}
export interface FlowExtra {
  toserver: { sha256: string; gaps: Array<[number, number]> };
  toclient: { sha256: string; gaps: Array<[number, number]> };
  files: { toserver?: string; toclient?: string };
}

export function flowOutputCallbacks(opts: FlowOutputOptions): EngineCallbacks {
  if (opts.outDir && !existsSync(opts.outDir)) mkdirSync(opts.outDir, { recursive: true });
  const files = new Map<number, { toserver?: string; toclient?: string }>();   // by connection id
  const openFile = (conn: Connection, dir: Direction): number => {
    const ds = state(conn)[dir];
    if (ds.fd === undefined) {
      const [a, b] = dir === "toserver" ? [endpointName(conn.srcIp, conn.srcPort), endpointName(conn.destIp, conn.destPort)]
        : [endpointName(conn.destIp, conn.destPort), endpointName(conn.srcIp, conn.srcPort)];
      let name = `${a}-${b}`;
      if (existsSync(join(opts.outDir!, name))) name = `${name}c${conn.id}`; // port reuse, like tcpflow's c1, c2
      ds.fd = openSync(join(opts.outDir!, name), "w");
      const f = files.get(conn.id) ?? {};
      f[dir] = name;
      files.set(conn.id, f);
    }
    return ds.fd;
  };
  return {
    onData(conn, dir, bytes) {
      const ds = state(conn)[dir];
      if (opts.hashes) (ds.hash ??= createHash("sha256")).update(bytes);
      if (opts.outDir) writeSync(openFile(conn, dir), bytes);
    },
    onGap(conn, dir, offset, length) {
      state(conn)[dir].gaps.push([offset, length]);
    },
    onConnection(rec) {
      const s = state(rec);
      for (const d of ["toserver", "toclient"] as const) if (s[d].fd !== undefined) closeSync(s[d].fd!);
      opts.onRecord(rec, {
        toserver: { sha256: s.toserver.hash?.digest("hex") ?? EMPTY_SHA256, gaps: s.toserver.gaps },
        toclient: { sha256: s.toclient.hash?.digest("hex") ?? EMPTY_SHA256, gaps: s.toclient.gaps },
        files: files.get(rec.id) ?? {},
      });
      files.delete(rec.id);
    },
  };
}

const iso = isoTimestamp;

/**
 * The `reassemble --json` line (and scan's EVE `flow` record): Suricata EVE `flow` naming, src = client.
 * Built as text, the same bytes as JSON.stringify of the record as an object (the test builds that
 * object and compares, on every corpus capture): one JSON.stringify of the nested record was ~6 µs,
 * the most of `reassemble --json`'s time per connection on captures of many short connections. Strings that could need escaping (addresses, names,
 * events, file names) still go through JSON.stringify; numbers and booleans print as JSON does.
 */
export function flowJsonLine(rec: ConnectionRecord, extra: FlowExtra): string {
  const dir = (d: "toserver" | "toclient"): string => {
    const r = rec[d], e = extra[d], file = extra.files[d];
    return `{"bytes":${r.bytes},"sha256":${JSON.stringify(e.sha256)},"gaps":${e.gaps.length ? JSON.stringify(e.gaps) : "[]"},` +
      `"gap_bytes":${r.gapBytes},"wire_bytes":${r.wireBytes},"fin":${r.fin},"rst":${r.rst},"depth_reached":${r.depthReached},` +
      `"memcap_reached":${r.memcapReached},"policy":${JSON.stringify(r.policy)}${file ? `,"file":${JSON.stringify(file)}` : ""}}`;
  };
  const start = JSON.stringify(iso(rec.firstTs));
  // one join, not a chain of +: the result is one flat string (a line held until the end, as those of
  // connections open at the end are, would otherwise keep every piece alive and cost the GC dearly)
  return [`{"timestamp":${start},"event_type":"flow","flow_id":${rec.id},"proto":"TCP","src_ip":${JSON.stringify(rec.srcIp)},`,
    `"src_port":${rec.srcPort},"dest_ip":${JSON.stringify(rec.destIp)},"dest_port":${rec.destPort},"state":${JSON.stringify(rec.state)},`,
    `"reason":${JSON.stringify(rec.endReason)},"midstream":${rec.midstream},"pkts_toserver":${rec.toserver.packets},`,
    `"pkts_toclient":${rec.toclient.packets},"start":${start},"end":${JSON.stringify(iso(rec.lastTs))},`,
    `"toserver":`, dir("toserver"), `,"toclient":`, dir("toclient"), `,"events":${rec.events.length ? JSON.stringify(rec.events) : "[]"}}`].join("");
}
