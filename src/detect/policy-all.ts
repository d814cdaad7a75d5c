// detect/policy-all.ts: `--policy all`. The reassembled stream depends on the target's overlap policy
// only where overlapping segments carried different data. The first pass runs with one policy and
// notes those connections (stream.reassembly_overlap_different_data); only if there are any, a second
// pass reassembles them (and nothing else: the port filter limits reassembly to their server ports)
// once per behaviour class, keeps each direction's bytes, groups the classes whose bytes are equal,
// reports the ranges that differ, and runs the rules on every variant. An alert that fires under some
// classes and not others is marked policy-dependent, with the policies listed.
// Classes (Suricata's overlap table, reassembly/policy.ts): FIRST {first, vista},
// BSD {bsd, hpux10, irix, macos, windows}, LINUX, OLD_LINUX, SOLARIS {solaris, hpux11}, LAST.
// Browser-safe: the caller supplies how the capture is fed (a file in Node, slices of a File in a page).

import type { Engine, ConnectionRecord, Direction } from "../core/engine.js";
import type { EngineConfig } from "../config/schema.js";
import type { Alert } from "./detector.js";
import { createScanner, type ScanOptions } from "./scanner.js";

export const POLICY_CLASSES: ReadonlyArray<{ name: string; members: readonly string[] }> = [
  { name: "bsd", members: ["bsd", "hpux10", "irix", "macos", "windows"] },
  { name: "first", members: ["first", "vista"] },
  { name: "linux", members: ["linux"] },
  { name: "old-linux", members: ["old-linux"] },
  { name: "solaris", members: ["solaris", "hpux11"] },
  { name: "last", members: ["last"] },
];
const ALL_MEMBERS = POLICY_CLASSES.flatMap((c) => c.members);

export interface VariantRange { offset: number; length: number; bytes: Uint8Array }
export interface PolicyVariant {
  policies: string[];
  length: number;
  /** Bytes of this variant in each range where the variants differ. */
  ranges: VariantRange[];
  bytes: Uint8Array;
}
export interface DirectionVariants {
  connId: number;
  record: ConnectionRecord;
  dir: Direction;
  variants: PolicyVariant[];
  /** [offset, end) ranges where some variant differs from another. */
  differing: Array<[number, number]>;
}
export interface PolicyAlert { alert: Alert; policies: string[]; policyDependent: boolean }

export interface PolicyAllResult {
  /** Connections whose overlaps carried different data (found by the first pass). */
  conflicting: number;
  directions: DirectionVariants[];
  /** Alerts of the conflicting connections, merged over the classes. */
  alerts: PolicyAlert[];
}

type Feed = (engine: Engine) => void | Promise<void>;

/**
 * Second pass of --policy all for the connections in `conflicting` (connection id -> server port).
 * Connection ids are the same in every pass: flows are created alike whatever the policy or port filter.
 */
export async function policyVariants(wasm: WebAssembly.Module | BufferSource, base: ScanOptions, feed: Feed,
                                     conflicting: Map<number, number>): Promise<PolicyAllResult> {
  const ports = [...new Set(conflicting.values())];
  const bytes = new Map<string, Map<string, Uint8Array[]>>();          // conn:dir -> class -> chunks
  const records = new Map<number, ConnectionRecord>();
  const alertSets = new Map<string, { alert: Alert; classes: Set<string> }>();
  for (const cls of POLICY_CLASSES) {
    const cfg: EngineConfig = { ...base.config, policy: cls.name, hostPolicies: {}, ports };
    const scanner = await createScanner(wasm, {
      ...base, config: cfg,
      onAnomaly: undefined, onDrop: undefined, onNotice: undefined,
      onConnection: (rec) => { if (conflicting.has(rec.id)) records.set(rec.id, rec); },
      onAlert: (a) => {
        if (!conflicting.has(a.conn.id)) return;
        const key = `${a.conn.id}|${a.dir}|${a.rule.gid}:${a.rule.sid}|${a.streamOffset}`;
        let e = alertSets.get(key);
        if (!e) { e = { alert: a, classes: new Set() }; alertSets.set(key, e); }
        e.classes.add(cls.name);
      },
      extra: {
        onData: (conn, dir, view, _offset) => {
          if (!conflicting.has(conn.id)) return;
          const k = `${conn.id}|${dir}`;
          let m = bytes.get(k); if (!m) { m = new Map(); bytes.set(k, m); }
          let l = m.get(cls.name); if (!l) { l = []; m.set(cls.name, l); }
          l.push(view.slice());
        },
        onGap: (conn, dir, _offset, length) => {
          if (!conflicting.has(conn.id)) return;
          const k = `${conn.id}|${dir}`;
          // a gap is kept as zero bytes so offsets stay aligned between variants
          let b = bytes.get(k); if (!b) { b = new Map(); bytes.set(k, b); }
          let l = b.get(cls.name); if (!l) { l = []; b.set(cls.name, l); }
          l.push(new Uint8Array(length));
        },
      },
    });
    try { await feed(scanner.engine); } finally { scanner.prefilter.free(); }
  }
  const directions: DirectionVariants[] = [];
  for (const [k, m] of bytes) {
    const [idText, dir] = k.split("|") as [string, Direction];
    const id = Number(idText);
    const joined = POLICY_CLASSES.map((c) => ({ cls: c, data: concat(m.get(c.name) ?? []) }));
    const groups: Array<{ policies: string[]; bytes: Uint8Array }> = [];
    for (const j of joined) {
      const g = groups.find((x) => equal(x.bytes, j.data));
      if (g) g.policies.push(...j.cls.members); else groups.push({ policies: [...j.cls.members], bytes: j.data });
    }
    if (groups.length < 2) continue;
    const differing = diffRanges(groups.map((g) => g.bytes));
    directions.push({
      connId: id, record: records.get(id)!, dir, differing,
      variants: groups.map((g) => ({
        policies: g.policies, length: g.bytes.length, bytes: g.bytes,
        ranges: differing.map(([a, b]) => ({ offset: a, length: Math.max(0, Math.min(b, g.bytes.length) - a), bytes: g.bytes.subarray(a, Math.min(b, g.bytes.length)) })),
      })),
    });
  }
  directions.sort((a, b) => a.connId - b.connId || a.dir.localeCompare(b.dir));
  const alerts: PolicyAlert[] = [...alertSets.values()].map(({ alert, classes }) => {
    const policies = POLICY_CLASSES.filter((c) => classes.has(c.name)).flatMap((c) => c.members);
    return { alert, policies, policyDependent: policies.length !== ALL_MEMBERS.length };
  });
  alerts.sort((a, b) => a.alert.conn.id - b.alert.conn.id || a.alert.streamOffset - b.alert.streamOffset);
  return { conflicting: conflicting.size, directions, alerts };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Maximal [start, end) ranges where the buffers do not all agree (a shorter buffer disagrees past its end). */
export function diffRanges(bufs: Uint8Array[]): Array<[number, number]> {
  const max = Math.max(...bufs.map((b) => b.length));
  const out: Array<[number, number]> = [];
  let start = -1;
  for (let i = 0; i < max; i++) {
    const v = i < bufs[0]!.length ? bufs[0]![i] : -1;
    let same = true;
    for (let k = 1; k < bufs.length && same; k++) same = (i < bufs[k]!.length ? bufs[k]![i] : -1) === v;
    if (!same && start < 0) start = i;
    if (same && start >= 0) { out.push([start, i]); start = -1; }
  }
  if (start >= 0) out.push([start, max]);
  return out;
}
