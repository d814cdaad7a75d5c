// detect/detector.ts: the detection module. A StreamModule that runs the prefilter over each direction's
// reassembled bytes as they are delivered (one prefilter stream per direction: a pattern split across
// segments, chunks or deliveries is found once, without rescanning), checks each rule the fast pattern
// wakes (addresses, ports, flow keywords, the rest of the content chain) and reports alerts. Inline,
// a matching drop/reject rule drops the connection from the packet that completed the match on.
// Entry:     new Detector(options) -> register it with a StreamDispatcher.
// Owns:      per direction: the prefilter stream, a verification history (only when some rule has more
//            than its fast pattern; the last `verifyWindow` bytes), candidates waiting for more data.
// Gaps:      a gap resets the prefilter stream and the history: no match spans a gap (the receiver never
//            saw the missing bytes; a match across them would be a guess).
// Limits:    contents farther than `verifyWindow` bytes (default 64 KiB) before the fast pattern, or a
//            candidate still incomplete that far after it, are not matched (Suricata's inspection is
//            bounded by its chunk and window sizes the same way).
// Browser-safe.

import type { Connection, Direction, ConnectionRecord } from "../core/engine.js";
import type { StreamContext, StreamModule, StreamSelect } from "../stream/api.js";
import type { Prefilter, PrefilterStream } from "../prefilter/prefilter.js";
import type { AddressSpec, PortSpec, Rule } from "../rules/parse.js";
import { parseIp } from "../io/packet-build.js";
import { Verdict, verify, type CompiledRule, type RuleSet, type Window } from "./ruleset.js";

export interface Alert {
  readonly rule: Rule;
  readonly conn: Connection;
  readonly dir: Direction;
  /** Stream offset of the match's first byte (reassemble --json coordinates). */
  readonly streamOffset: number;
  /** Stream offset just past the fast pattern's last byte. */
  readonly matchEnd: number;
  /** The packet during which the match completed: timestamp (µs) and capture frame number. */
  readonly ts: number;
  readonly frame: number;
  /** Inline mode, drop/reject rule: the connection was dropped at this packet. */
  readonly dropped: boolean;
}

/** What the detector needs from the engine (the Engine class provides all of it). */
export interface DetectorHost {
  packetTs(): number;
  packetFrame(): number;
  dropConnection(conn: Connection): void;
  /** State flags of a live connection: established now or before; picked up midstream. */
  connectionState(conn: Connection): { established: boolean; midstream: boolean };
}

export interface DetectorOptions {
  ruleset: RuleSet;
  /** The compiled prefilter (a function: the scanner compiles it once the engine exists). Not used
   *  when `external`: the core scans delivered bytes itself and matches arrive through hit(). */
  prefilter?: Prefilter | (() => Prefilter);
  external?: boolean;
  host: DetectorHost;
  onAlert(a: Alert): void;
  /** Inline (IPS): drop/reject rules drop the connection. */
  inline?: boolean;
  /** Snort's -z est: alert only on connections whose handshake was seen. */
  establishedOnly?: boolean;
  /** Bytes of history kept per direction for verification. Default 65536. */
  verifyWindow?: number;
  select?: StreamSelect;
}

interface Pending { cr: CompiledRule; fpEnd: number }
/** Candidates a direction keeps waiting for more data (each is retried at every delivery). */
const MAX_PENDING = 256;
/** The history of a direction that has kept none yet (shared: remember() replaces it before writing). */
const NO_HISTORY = new Uint8Array(0);
interface Where { readonly conn: Connection; readonly dir: Direction }
/** The detector's key of one direction of a connection. */
const dirKey = (conn: Connection, dir: Direction): number => conn.id * 2 + (dir === "toserver" ? 0 : 1);

interface DirState {
  where: Where;
  pf: PrefilterStream | null;
  base: number;                 // stream offset of the prefilter stream's offset 0
  hist: Uint8Array;             // verification history: hist[0 .. histLen) = stream bytes [histBase, ...)
  histLen: number;
  histBase: number;
  pending: Pending[];
  applies: Int8Array | null;    // per rule: 0 unknown, 1 applies to this direction, -1 does not
  /** Rule index -> start of its last alert, for rules of several contents only: two occurrences of
   *  the fast pattern can verify to the same match (a rule that is its fast pattern cannot: the core
   *  reports each (pattern, end) once). */
  lastStart: Map<number, number> | null;
  /** The handshake was seen (established flags only grow; checked until true). */
  established: boolean;
}

export class Detector implements StreamModule {
  readonly name = "detect";
  readonly select: StreamSelect | undefined;
  private readonly o: DetectorOptions;
  private readonly window: number;
  private pf: Prefilter | null = null;
  private readonly hits: number[] = [];   // scratch: (patternId, end) pairs of one scan
  private readonly sink = (id: number, end: number): void => { this.hits.push(id, end); };
  alerts = 0;
  /** Work limits hit: candidates given up after VERIFY_BUDGET positions, waiting candidates dropped
   *  beyond MAX_PENDING per direction. Both are counted in scan's stats record. */
  readonly limits = { verifyBudget: 0, pendingDropped: 0 };

  constructor(o: DetectorOptions) {
    this.o = o;
    this.select = o.select;
    this.window = o.verifyWindow ?? 65536;
  }

  private readonly dirs = new Map<number, DirState>();   // by connection id * 2 + direction

  private dirState(w: Where, offset: number): DirState {
    const key = dirKey(w.conn, w.dir);
    let s = this.dirs.get(key);
    if (!s) {
      let pf: PrefilterStream | null = null;
      if (!this.o.external) {
        this.pf ??= typeof this.o.prefilter === "function" ? this.o.prefilter() : this.o.prefilter!;
        pf = this.pf.open();
      }
      s = { where: { conn: w.conn, dir: w.dir }, pf, base: offset, hist: NO_HISTORY, histLen: 0, histBase: offset,
            pending: [], applies: null, lastStart: null, established: false };
      this.dirs.set(key, s);
    }
    return s;
  }

  /** Stream module path: keep the history; scan here unless the core scans (external). */
  onData(ctx: StreamContext, data: Uint8Array, offset: number): void {
    const s = this.dirState(ctx, offset);
    if (this.o.ruleset.needsHistory) this.remember(s, data, offset);
    if (s.pf) {
      const hits = this.hits;
      hits.length = 0;
      s.pf.scan(data, this.sink);
      for (let i = 0; i < hits.length; i += 2) {
        const end = s.base + hits[i + 1]!;
        for (const cr of this.o.ruleset.byPattern[hits[i]!]!) this.candidate(ctx, s, cr, end);
      }
    }
    if (s.pending.length) this.retry(ctx, s, false);
  }

  /** External path (the core scanned the delivered bytes in place): pattern `id` ends at `end`.
   *  Matches come in runs of one direction (one delivered run at a time): the last state is kept. */
  hit(conn: Connection, dir: Direction, id: number, end: number): void {
    const key = dirKey(conn, dir);
    let s = this.lastKey === key ? this.last : null;
    if (!s) { s = this.dirs.get(key) ?? this.dirState({ conn, dir }, end); this.last = s; this.lastKey = key; }
    const rules = this.o.ruleset.byPattern[id]!;
    for (let i = 0; i < rules.length; i++) this.candidate(s.where, s, rules[i]!, end);
  }
  private last: DirState | null = null;
  private lastKey = -1;

  onGap(ctx: StreamContext, offset: number, length: number): void {
    const s = this.dirState(ctx, offset);
    if (s.pending.length) this.retry(ctx, s, true);
    s.pf?.reset();
    s.base = offset + length;
    s.histLen = 0; s.histBase = offset + length;
  }

  onEnd(ctx: StreamContext, _rec: ConnectionRecord): void { this.endDir(ctx); }

  /** External path without a stream module: the connection ended. */
  connectionEnd(conn: Connection): void {
    this.endDir({ conn, dir: "toserver" });
    this.endDir({ conn, dir: "toclient" });
  }

  private endDir(w: Where): void {
    const key = dirKey(w.conn, w.dir);
    const s = this.dirs.get(key);
    if (!s) return;
    if (s.pending.length) this.retry(w, s, true);
    s.pf?.close(); s.pf = null;
    this.dirs.delete(key);
    if (this.lastKey === key) { this.last = null; this.lastKey = -1; }
  }

  /** Appends to the history, keeping at most `window` bytes before the new data (amortized: the buffer
   *  doubles until it holds twice the window, then the bytes kept are moved once per window's worth). */
  private remember(s: DirState, data: Uint8Array, offset: number): void {
    if (s.histBase + s.histLen !== offset) { s.histLen = 0; s.histBase = offset; }
    if (s.histLen + data.length > s.hist.length) {
      const keep = Math.min(s.histLen, this.window);
      const from = s.histLen - keep;
      if (keep + data.length <= s.hist.length) s.hist.copyWithin(0, from, s.histLen);
      else {
        // doubling up to twice the window: a short connection does not take 2 x 64 KiB at its first byte
        const next = new Uint8Array(Math.max(2 * (keep + data.length), Math.min(2 * this.window, Math.max(4096, 2 * s.hist.length))));
        next.set(s.hist.subarray(from, s.histLen));
        s.hist = next;
      }
      s.histBase += from; s.histLen = keep;
    }
    s.hist.set(data, s.histLen);
    s.histLen += data.length;
  }

  private windowOf(s: DirState, final: boolean): Window {
    return { buf: s.hist.subarray(0, s.histLen), base: s.histBase, final, horizon: this.window };
  }

  private candidate(ctx: Where, s: DirState, cr: CompiledRule, fpEnd: number): void {
    if (!this.applies(ctx, s, cr)) return;
    const rule = cr.rule;
    if (cr.simple) {
      const c = rule.contents[0]!, start = fpEnd - c.bytes.length;
      const lo = c.offset ?? 0;
      if (start < lo || (c.depth !== undefined && fpEnd > lo + c.depth)) return;
      this.alert(ctx, s, cr, start, fpEnd);
      return;
    }
    const r = verify(cr, fpEnd, this.windowOf(s, false));
    if (r.verdict === Verdict.Yes) this.alert(ctx, s, cr, r.start, fpEnd);
    else if (r.verdict === Verdict.NeedMore) {
      if (s.pending.length >= MAX_PENDING) { s.pending.shift(); this.limits.pendingDropped++; }
      s.pending.push({ cr, fpEnd });
    } else if (r.verdict === Verdict.Budget) this.limits.verifyBudget++;
  }

  /** Candidates that waited for more data; `final`: none will come (gap or end). */
  private retry(ctx: Where, s: DirState, final: boolean): void {
    const w = this.windowOf(s, final);
    const end = w.base + w.buf.length;
    const keep: Pending[] = [];
    for (const p of s.pending) {
      const r = verify(p.cr, p.fpEnd, w);
      if (r.verdict === Verdict.Yes) this.alert(ctx, s, p.cr, r.start, p.fpEnd);
      else if (r.verdict === Verdict.NeedMore && end - p.fpEnd < this.window) keep.push(p);
      else if (r.verdict === Verdict.Budget) this.limits.verifyBudget++;
    }
    s.pending = keep;
  }

  private alert(ctx: Where, s: DirState, cr: CompiledRule, start: number, fpEnd: number): void {
    if (!cr.simple) {
      const last = (s.lastStart ??= new Map());
      if (last.get(cr.index) === start) return;
      last.set(cr.index, start);
    }
    const rule = cr.rule, h = this.o.host;
    if (rule.action === "pass") return;
    const drop = !!this.o.inline && (rule.action === "drop" || rule.action === "reject");
    this.alerts++;
    this.o.onAlert({
      rule, conn: ctx.conn, dir: ctx.dir, streamOffset: start, matchEnd: fpEnd,
      ts: h.packetTs(), frame: h.packetFrame(), dropped: drop,
    });
    if (drop) h.dropConnection(ctx.conn);
  }

  /** Header, flow and -z est checks of a rule against this direction (cached per direction). */
  private applies(ctx: Where, s: DirState, cr: CompiledRule): boolean {
    const rule = cr.rule;
    if ((rule.flow.established || this.o.establishedOnly) && !s.established) {
      const st = this.o.host.connectionState(ctx.conn);
      if (!st.established || (this.o.establishedOnly && st.midstream)) return false;
      if (!st.midstream) s.established = true;   // a midstream pick-up stays one (-z est refuses it)
    }
    if (cr.anyHeader) return true;
    const a = (s.applies ??= new Int8Array(this.o.ruleset.rules.length));
    if (a[cr.index] === 0) a[cr.index] = headerMatches(rule, ctx.conn, ctx.dir) ? 1 : -1;
    return a[cr.index] === 1;
  }
}

const ipCache = new Map<string, Uint8Array>();
function ipBytes(ip: string): Uint8Array {
  let b = ipCache.get(ip);
  if (!b) { b = parseIp(ip); if (ipCache.size > 65536) ipCache.clear(); ipCache.set(ip, b); }
  return b;
}

function addrMatches(spec: AddressSpec, ip: string): boolean {
  if (spec.any) return !spec.negated;
  const b = ipBytes(ip);
  const hit = spec.cidrs.some((c) => {
    if (c.prefix.length !== b.length) return false;
    let bits = c.bits;
    for (let i = 0; bits > 0; i++, bits -= 8) {
      const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
      if ((b[i]! & mask) !== (c.prefix[i]! & mask)) return false;
    }
    return true;
  });
  return hit !== spec.negated;
}

function portMatches(spec: PortSpec, port: number): boolean {
  if (spec.any) return !spec.negated;
  return spec.ranges.some(([lo, hi]) => port >= lo && port <= hi) !== spec.negated;
}

/** The rule's header and flow direction against the packets of this direction (src = their sender). */
export function headerMatches(rule: Rule, conn: Connection, dir: Direction): boolean {
  if (rule.flow.toServer && dir !== "toserver") return false;
  if (rule.flow.toClient && dir !== "toclient") return false;
  const [sip, sp, dip, dp] = dir === "toserver"
    ? [conn.srcIp, conn.srcPort, conn.destIp, conn.destPort] : [conn.destIp, conn.destPort, conn.srcIp, conn.srcPort];
  const fwd = addrMatches(rule.src, sip) && portMatches(rule.sport, sp) && addrMatches(rule.dst, dip) && portMatches(rule.dport, dp);
  if (fwd || !rule.bidirectional) return fwd;
  return addrMatches(rule.src, dip) && portMatches(rule.sport, dp) && addrMatches(rule.dst, sip) && portMatches(rule.dport, sp);
}
