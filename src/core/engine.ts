// core/engine.ts: the ONLY caller of the core's exports. Instantiates one core per Engine, applies the
// validated configuration, pumps capture bytes through it, turns the core's callbacks into typed ones,
// and guards memory views and re-entrancy.
// Views: a Uint8Array given to onData points into wasm memory and is valid only during that callback
// (the core may reuse or move the bytes afterwards); copy it to keep it. Views are rebuilt whenever
// memory.buffer changes (memory growth detaches the old buffer: undici / sql.js rule).

import {
  Cfg, EVENTS, END_REASONS, INFO_EVENTS, Layout, Notice, POLICIES, Pools, STATS, Status, TCP_STATES,
  FlowFlags, EndpointFlags, type CoreExports, type StatName,
} from "./abi.js";
import { EngineError } from "./errors.js";
import type { ResolvedConfig } from "../config/schema.js";

const PACKETS_STAT = STATS.indexOf("packets");

export type Direction = "toserver" | "toclient";
const DIRS: readonly Direction[] = ["toserver", "toclient"];

/** A live connection, as callbacks see it. `user` is free for the caller's per-connection state. */
export interface Connection {
  /** Connection number, in order of creation (1-based). */
  readonly id: number;
  readonly srcIp: string;
  readonly srcPort: number;
  readonly destIp: string;
  readonly destPort: number;
  user: unknown;
}

/** The engine's Connection objects: the flow record's address is a private field (invisible to users,
 *  to JSON and to deep equality), so a live connection is found without a side table. A WeakMap from
 *  Connection to flow cost 3-5 µs per connection here (its ephemeron table grows with every connection
 *  until a full GC, and each young-generation GC walks it). */
class LiveConnection implements Connection {
  readonly #flow: number;
  readonly id: number;
  readonly srcIp: string;
  readonly srcPort: number;
  readonly destIp: string;
  readonly destPort: number;
  user: unknown = undefined;
  constructor(flow: number, id: number, srcIp: string, srcPort: number, destIp: string, destPort: number) {
    this.#flow = flow;
    this.id = id; this.srcIp = srcIp; this.srcPort = srcPort; this.destIp = destIp; this.destPort = destPort;
  }
  static flowOf(c: Connection): number | undefined { return c instanceof LiveConnection ? c.#flow : undefined; }
}
const flowOf = LiveConnection.flowOf;

export interface DirectionRecord {
  packets: number;
  /** TCP payload bytes on the wire, retransmissions included. */
  wireBytes: number;
  /** Bytes delivered (gaps excluded). */
  bytes: number;
  gapCount: number;
  gapBytes: number;
  fin: boolean;
  rst: boolean;
  depthReached: boolean;
  /** The reassembly memcap was hit: held data was delivered early, some may have become gaps. */
  memcapReached: boolean;
  policy: string;
}

/** Per-connection record (Snort keepstats, Suricata EVE flow), given when the connection ends. */
export interface ConnectionRecord extends Connection {
  state: string;
  endReason: (typeof END_REASONS)[number];
  midstream: boolean;
  firstTs: number; // µs since the epoch
  lastTs: number;
  toserver: DirectionRecord;
  toclient: DirectionRecord;
  events: string[];
}

export interface EngineCallbacks {
  /** New in-order bytes of one direction (zero-copy view, valid during the call only). */
  onData?(conn: Connection, dir: Direction, bytes: Uint8Array, offset: number): void;
  /** Bytes that will never be delivered: [offset, offset + length) of the direction's stream. */
  onGap?(conn: Connection, dir: Direction, offset: number, length: number): void;
  /** An anomaly event on a connection. */
  onEvent?(conn: Connection, dir: Direction, name: string): void;
  /** A connection ended (closed and idle, timed out, reused, pruned, or end of input). */
  onConnection?(record: ConnectionRecord): void;
  /** Something the user should know once (unsupported link type, checksum offload detected). */
  onNotice?(message: string, code: "linktype" | "offload"): void;
  /** In-core inspection (attachMatcher): pattern `pattern` of the attached database matched, ending at
   *  stream offset `end` of this direction. Comes after the onData of the bytes that completed it. */
  onMatch?(conn: Connection, dir: Direction, pattern: number, end: number): void;
  /** Inline mode: a packet of a connection dropped with dropConnection() arrived; it is not processed. */
  onDropped?(conn: Connection, dir: Direction, frame: number): void;
}

export interface MemoryStats {
  /** Bytes of linear memory the engine allocated (tables, pools, regions). */
  engineBytes: number;
  /** Live connection records and their size. */
  flowsLive: number;
  flowRecordBytes: number;
  flowTableBytes: number;
  segmentsLive: number;
  pagesLive: number;
  pagesPeak: number;
  wasmMemoryBytes: number;
}

export class Engine {
  private readonly core: CoreExports;
  private readonly cb: EngineCallbacks;
  private buf: ArrayBuffer;
  private u8: Uint8Array;
  private dv: DataView;
  private busy = false;
  private finished = false;
  /** Live connections by their flow record's slot (F_SLOT: dense; a reused record brings its slot along). */
  private readonly bySlot: Array<Connection | undefined> = [];
  private have = 0;          // bytes pending at the start of the input region
  private consumed = 0;      // input bytes consumed so far (absolute offset of input[0])
  private sawInput = false;
  private readonly wantConn: boolean;

  /** The wasm instance, for modules that work in the same linear memory (the core's prefilter,
   *  src/prefilter/core.ts, scans delivered views in place). */
  readonly instance: WebAssembly.Instance;

  private constructor(instance: WebAssembly.Instance, cfg: ResolvedConfig, cb: EngineCallbacks, bind: (e: Engine) => void) {
    this.instance = instance;
    this.core = instance.exports as unknown as CoreExports;
    this.cb = cb;
    bind(this);
    this.buf = this.core.memory.buffer;
    this.u8 = new Uint8Array(this.buf);
    this.dv = new DataView(this.buf);
    this.wantConn = !!(cb.onData || cb.onGap || cb.onEvent);
    this.configure(cfg);
  }

  /** Instantiates a core from compiled wasm (a Module, or its bytes). */
  static async create(wasm: WebAssembly.Module | BufferSource, cfg: ResolvedConfig, cb: EngineCallbacks = {}): Promise<Engine> {
    let self: Engine | undefined;
    const imports = {
      env: {
        onData: (flow: number, dir: number, ptr: number, len: number, off: number) => self!.hData(flow, dir, ptr, len, off),
        onGap: (flow: number, dir: number, off: number, len: number) => self!.hGap(flow, dir, off, len),
        onEvent: (flow: number, dir: number, ev: number) => self!.hEvent(flow, dir, ev),
        onFlowEnd: (flow: number, reason: number) => self!.hFlowEnd(flow, reason),
        onNotice: (code: number, a: number, b: number) => self!.hNotice(code, a, b),
        onMatches: (flow: number, dir: number, res: number, n: number, base: number) => self!.hMatches(flow, dir, res, n, base),
        abort: (msg: number, file: number, line: number, col: number) => {
          throw new EngineError("ERR_CORE_TRAP", `core assertion failed at ${self?.str(file) ?? "?"}:${line}:${col}: ${self?.str(msg) ?? msg}`);
        },
      },
    };
    const mod = wasm instanceof WebAssembly.Module ? wasm : await WebAssembly.compile(wasm);
    const instance = await WebAssembly.instantiate(mod, imports);
    return new Engine(instance, cfg, cb, (e) => { self = e; });
  }

  private configure(c: ResolvedConfig): void {
    const k = this.core;
    const set = (key: number, v: number) => { if (k.configSet(key, v) !== Status.Ok) throw new EngineError("ERR_CONFIG", `core rejected config key ${key}`); };
    set(Cfg.Policy, POLICIES.indexOf(c.policy));
    set(Cfg.Checksum, c.checksum === "off" ? 0 : c.checksum === "on" ? 1 : 2);
    set(Cfg.Midstream, c.midstream ? 1 : 0);
    set(Cfg.Depth, c.depth);
    set(Cfg.Memcap, c.memcap);
    set(Cfg.MaxFlows, c.maxFlows);
    set(Cfg.HashBuckets, c.hashBuckets);
    set(Cfg.TimeoutNew, c.timeouts.new);
    set(Cfg.TimeoutEst, c.timeouts.established);
    set(Cfg.TimeoutClosed, c.timeouts.closed);
    set(Cfg.DeliverData, this.cb.onData || this.cb.onGap ? 1 : 0);
    set(Cfg.Events, c.events ? 1 : 0);
    set(Cfg.EventCallbacks, c.events && this.cb.onEvent ? 1 : 0);
    set(Cfg.Directions, c.directions === "both" ? 3 : c.directions === "toserver" ? 1 : 2);
    set(Cfg.FlushUnacked, c.flushUnacked);
    set(Cfg.DefragMemcap, c.defrag.memcap);
    set(Cfg.DefragTimeout, c.defrag.timeout);
    set(Cfg.InputCap, c.inputChunk);
    set(Cfg.PortsAll, c.ports === "all" ? 1 : 0);
    set(Cfg.PolicyEntries, c.hostPolicies.length);
    set(Cfg.ShardIndex, c.shard.index);
    set(Cfg.ShardCount, c.shard.count);
    set(Cfg.RetainDelivered, c.retainDelivered ? 1 : 0);
    set(Cfg.Inline, c.inspection.mode === "inline" ? 1 : 0);
    set(Cfg.ChunkToServer, c.inspection.toserverChunkSize);
    set(Cfg.ChunkToClient, c.inspection.toclientChunkSize);
    set(Cfg.ChunkRange, c.inspection.randomizeChunkRange);
    set(Cfg.Seed, c.inspection.seed);
    set(Cfg.PostRstDiscard, c.postRst === "discard" ? 1 : 0);
    set(Cfg.InspectDirections, c.inspection.directions === "both" ? 3 : c.inspection.directions === "toserver" ? 1 : 2);
    set(Cfg.InspectPortsAll, c.inspection.ports === "all" ? 1 : 0);
    this.refresh();
    const pt = k.policyTablePtr();
    c.hostPolicies.forEach((h, i) => {
      const at = pt + i * 20;
      this.u8[at] = h.family; this.u8[at + 1] = h.bits; this.u8[at + 2] = POLICIES.indexOf(h.policy);
      this.u8.set(h.prefix, at + 4);
    });
    const portMap = (pp: number, ports: number[]) => {
      this.u8.fill(0, pp, pp + 8192);
      for (const p of ports) this.u8[pp + (p >> 3)]! |= 1 << (p & 7);
    };
    if (c.ports !== "all") portMap(k.portsPtr(), c.ports);
    if (c.inspection.ports !== "all") portMap(k.inspectPortsPtr(), c.inspection.ports);
    const st = k.init();
    if (st === Status.OutOfMemory) throw new EngineError("ERR_OUT_OF_MEMORY", "the core could not allocate its tables");
    if (st !== Status.Ok) throw new EngineError("ERR_STATE", `core init failed (${st})`);
    this.refresh();
  }

  /** Rebuilds views if memory grew (the old ArrayBuffer is detached then). */
  private refresh(): void {
    const b = this.core.memory.buffer;
    if (b !== this.buf) { this.buf = b; this.u8 = new Uint8Array(b); this.dv = new DataView(b); }
  }

  private str(ptr: number): string {
    // AssemblyScript string: UTF-16, length in bytes at ptr - 4
    this.refresh();
    if (!ptr) return "";
    const len = this.dv.getUint32(ptr - 4, true) >>> 1;
    return String.fromCharCode(...new Uint16Array(this.buf, ptr, len));
  }

  // ---- input ------------------------------------------------------------------------------------

  /** The free part of the input region: write capture bytes here, then call commit(n). */
  inputSpace(): Uint8Array {
    this.refresh();
    const base = this.core.inputPtr();
    return new Uint8Array(this.buf, base + this.have, this.core.inputCap() - this.have);
  }

  /** Capture bytes (pcap or pcapng, any slicing): copied into the core and walked. */
  feed(chunk: Uint8Array): void {
    let off = 0;
    while (off < chunk.length) {
      const space = this.inputSpace();
      const n = Math.min(space.length, chunk.length - off);
      space.set(chunk.subarray(off, off + n));
      off += n;
      this.commit(n, false);
    }
  }

  /** `n` bytes were written at inputSpace(); walk them. `eof`: no more input will come. */
  commit(n: number, eof: boolean): void {
    this.enter();
    try {
      if (n > 0) this.sawInput = true;
      this.have += n;
      if (eof && !this.sawInput) throw new EngineError("ERR_CAPTURE_EMPTY", "the input is empty (0 bytes)", 0);
      if (this.have === 0) return;
      const used = this.core.feedCapture(this.have, eof ? 1 : 0);
      const st = this.core.captureStatus();
      if (st < 0) this.captureError(st, this.consumed + this.core.captureErrorAt());
      this.consumed += used;
      this.refresh();
      const base = this.core.inputPtr();
      if (used > 0 && used < this.have) this.u8.copyWithin(base, base + used, base + this.have);
      this.have -= used;
      if (st === Status.NeedMore) {
        const need = this.core.captureNeeded();
        if (eof && this.have > 0) {
          throw new EngineError("ERR_CAPTURE_TRUNCATED",
            `capture truncated: the last ${this.core.captureFormat() === 0 ? "header" : "record"} needs ${need} bytes, only ${this.have} remain`, this.consumed);
        }
        if (need > this.core.inputCap()) this.growInput(need);
      }
    } finally { this.busy = false; }
  }

  private growInput(need: number): void {
    let cap = this.core.inputCap();
    while (cap < need) cap *= 2;
    const oldBase = this.core.inputPtr();
    const pending = this.u8.slice(oldBase, oldBase + this.have);
    if (this.core.inputGrow(cap) === 0) throw new EngineError("ERR_OUT_OF_MEMORY", `cannot grow the input region to ${cap} bytes`);
    this.refresh();
    this.u8.set(pending, this.core.inputPtr());
  }

  private captureError(st: number, at: number): never {
    switch (st) {
      case Status.BadMagic: throw new EngineError("ERR_CAPTURE_FORMAT", "not a pcap or pcapng file (unknown magic number)", at);
      case Status.BadVersion: throw new EngineError("ERR_CAPTURE_FORMAT", "unsupported pcap version (expected 2.4)", at);
      case Status.UnknownInterface: throw new EngineError("ERR_CAPTURE_INTERFACE", "pcapng packet block refers to an interface that was never described", at);
      default: throw new EngineError("ERR_CAPTURE_CORRUPT", "corrupt capture: inconsistent record or block length", at);
    }
  }

  /** One link-layer frame (live capture, browsers, tests). `tsUs`: microseconds since the epoch. */
  feedPacket(frame: Uint8Array, linkType: number, tsUs: number, wireLen = frame.length): void {
    this.enter();
    try {
      this.refresh();
      if (frame.length > this.core.inputCap()) this.growInput(frame.length);
      this.u8.set(frame, this.core.inputPtr());
      this.core.feedPacket(linkType, frame.length, wireLen, tsUs);
    } finally { this.busy = false; }
  }

  /** End of input: everything held is delivered, every connection reported. Idempotent. */
  finish(): void {
    if (this.finished) return;
    this.enter();
    try { this.core.finish(); this.finished = true; } finally { this.busy = false; }
  }

  private enter(): void {
    if (this.busy) throw new EngineError("ERR_REENTRANT", "engine called from one of its own callbacks");
    if (this.finished) throw new EngineError("ERR_STATE", "engine already finished");
    this.busy = true;
  }

  // ---- read-only state ---------------------------------------------------------------------------

  stats(): Record<StatName, number> {
    this.refresh();
    const p = this.core.statsPtr();
    const out = {} as Record<StatName, number>;
    STATS.forEach((name, i) => { out[name] = Number(this.dv.getBigUint64(p + i * 8, true)); });
    return out;
  }

  memory(): MemoryStats {
    const k = this.core;
    return {
      engineBytes: k.memoryUsed(),
      flowsLive: k.poolStat(Pools.FLOW, 1),
      flowRecordBytes: k.poolStat(Pools.FLOW, 0),
      flowTableBytes: k.flowTableBytes(),
      segmentsLive: k.poolStat(Pools.SEG, 1),
      pagesLive: k.poolStat(Pools.PAGE, 1),
      pagesPeak: k.poolStat(Pools.PAGE, 2),
      wasmMemoryBytes: k.memory.buffer.byteLength,
    };
  }

  /** The packet being processed (valid inside callbacks): capture frame number (1-based, Wireshark's
   *  frame.number) and timestamp in µs since the epoch. */
  packetFrame(): number { return this.core.packetFrame(); }
  packetTs(): number { return this.core.packetTs(); }
  /** Capture records read so far (the `packets` counter): monotone, and the same in every shard of a
   *  capture at the same point of the read. */
  packetsRead(): number {
    this.refresh();
    const at = this.core.statsPtr() + PACKETS_STAT * 8;
    return this.dv.getUint32(at, true) + this.dv.getUint32(at + 4, true) * 4294967296;
  }

  /** Inline mode, inside a callback: drop the connection. Its later packets are not processed; each is
   *  reported with onDropped (Suricata's flow drop after a drop rule). */
  dropConnection(conn: Connection): void {
    const f = flowOf(conn);
    if (f === undefined || this.live(f) !== conn) throw new EngineError("ERR_STATE", `connection ${conn.id} is not live`);
    this.core.flowDrop(f);
  }

  /** In-core inspection: every delivered run of bytes goes through the prefilter database `db` (a handle
   *  of this engine's core: src/prefilter/core.ts `handle`) where it lies; matches come to onMatch.
   *  0 detaches. */
  attachMatcher(db: number): void {
    if (this.core.inspectAttachDb(db) !== Status.Ok) throw new EngineError("ERR_CONFIG", `not a prefilter database of this core: ${db}`);
  }

  /** Live state of a connection (inside callbacks): established now or at some point (a midstream
   *  pickup counts, as in Suricata), and whether it was picked up midstream. */
  connectionState(conn: Connection): { established: boolean; midstream: boolean } {
    const f = flowOf(conn);
    if (f === undefined || this.live(f) !== conn) return { established: false, midstream: false };
    this.refresh();
    const fl = this.u8[f + Layout.F_FLAGS]!;
    const midstream = (fl & FlowFlags.MIDSTREAM) !== 0;
    return { established: midstream || (fl & FlowFlags.ESTABLISHED_SEEN) !== 0, midstream };
  }

  /** Layout constants of the loaded core (for the ABI mirror test). */
  coreLayout(i: number): number { return this.core.abiLayout(i); }
  coreStatsCount(): number { return this.core.statsCount(); }

  // ---- callbacks from the core ------------------------------------------------------------------

  private ip(at: number, v6: boolean): string {
    const b = this.u8;
    if (!v6) return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
    const parts: string[] = [];
    for (let i = 0; i < 16; i += 2) parts.push(((b[at + i]! << 8) | b[at + i + 1]!).toString(16));
    // compress the longest run of zero groups (RFC 5952)
    let best = -1, bestLen = 0;
    for (let i = 0; i < 8;) {
      if (parts[i] !== "0") { i++; continue; }
      let j = i; while (j < 8 && parts[j] === "0") j++;
      if (j - i > bestLen && j - i > 1) { best = i; bestLen = j - i; }
      i = j;
    }
    if (best < 0) return parts.join(":");
    return `${parts.slice(0, best).join(":")}::${parts.slice(best + bestLen).join(":")}`;
  }

  /** The flow of the last conn() call and its Connection (matches and deliveries come in runs of one
   *  flow); cleared when that flow ends. */
  private lastFlow = -1;
  private lastConn: Connection | null = null;

  private conn(f: number): Connection {
    if (f === this.lastFlow) return this.lastConn!;
    const slot = this.slotOf(f);
    let c = this.bySlot[slot];
    if (c === undefined) {
      const v6 = (this.u8[f + Layout.F_FLAGS]! & FlowFlags.V6) !== 0;
      c = new LiveConnection(f, this.dv.getUint32(f + Layout.F_CONN_ID, true),
        this.ip(f + Layout.F_CADDR, v6), this.dv.getUint16(f + Layout.F_CPORT, true),
        this.ip(f + Layout.F_SADDR, v6), this.dv.getUint16(f + Layout.F_SPORT, true));
      while (this.bySlot.length < slot) this.bySlot.push(undefined);   // slots come in order: rarely runs
      this.bySlot[slot] = c;
    }
    this.lastFlow = f; this.lastConn = c;
    return c;
  }

  /** Flow record f's slot (F_SLOT, flow/table.ts). */
  private slotOf(f: number): number {
    this.refresh();
    return this.dv.getUint32(f + Layout.F_SLOT, true);
  }

  /** The live Connection of flow record f, if the host made one (f may be an ended flow's address). */
  private live(f: number): Connection | undefined {
    const c = this.bySlot[this.slotOf(f)];
    return c !== undefined && flowOf(c) === f ? c : undefined;
  }

  private hData(f: number, dir: number, ptr: number, len: number, off: number): void {
    if (!this.cb.onData) return;
    this.refresh();
    this.cb.onData(this.conn(f), DIRS[dir]!, new Uint8Array(this.buf, ptr, len), off);
  }

  /** The matches of one scan, read out of the core's results buffer before any callback runs (a
   *  callback may call into the core). */
  private hMatches(f: number, dir: number, res: number, n: number, base: number): void {
    const cb = this.cb;
    if (!cb.onMatch) return;
    this.refresh();
    if (this.matchScratch.length < 2 * n) this.matchScratch = new Float64Array(Math.max(2 * n, 2 * this.matchScratch.length));
    const m = this.matchScratch, dv = this.dv;
    for (let i = 0; i < n; i++) {
      m[2 * i] = dv.getUint32(res + 16 * i, true);
      m[2 * i + 1] = base + dv.getFloat64(res + 16 * i + 8, true);
    }
    const conn = this.conn(f), d = DIRS[dir]!;
    for (let i = 0; i < n; i++) cb.onMatch(conn, d, m[2 * i]!, m[2 * i + 1]!);
  }
  private matchScratch = new Float64Array(256);

  private hGap(f: number, dir: number, off: number, len: number): void {
    this.cb.onGap?.(this.conn(f), DIRS[dir]!, off, len);
  }

  private hEvent(f: number, dir: number, ev: number): void {
    if (!this.cb.onEvent || INFO_EVENTS.has(ev)) return;
    this.cb.onEvent(this.conn(f), DIRS[dir]!, this.eventName(f, ev));
  }

  private eventName(f: number, ev: number): string {
    const name = EVENTS[ev] ?? `stream.unknown_${ev}`;
    if (name === "ipv4.frag_overlap" && (this.u8[f + Layout.F_FLAGS]! & FlowFlags.V6) !== 0) return "ipv6.frag_overlap";
    return name;
  }

  private hFlowEnd(f: number, reason: number): void {
    if (this.cb.onConnection) this.cb.onConnection(this.record(f, reason));
    const slot = this.slotOf(f);
    if (slot < this.bySlot.length) this.bySlot[slot] = undefined;
    if (f === this.lastFlow) { this.lastFlow = -1; this.lastConn = null; }
  }

  private record(f: number, reason: number): ConnectionRecord {
    this.refresh();
    const dv = this.dv;
    const base = this.conn(f);
    const events: string[] = [];
    for (let w = 0; w < 2; w++) {
      let bits = dv.getUint32(f + Layout.F_EVENTS + 4 * w, true);
      while (bits !== 0) {
        const b = 31 - Math.clz32(bits & -bits);
        bits &= bits - 1;
        const i = w * 32 + b;
        if (i < EVENTS.length && !INFO_EVENTS.has(i)) events.push(this.eventName(f, i));
      }
    }
    const u64 = (at: number) => dv.getUint32(at, true) + dv.getUint32(at + 4, true) * 4294967296;
    const dirRec = (d: number): DirectionRecord => {
      const e = f + Layout.F_EP + d * Layout.EP_SIZE;
      const flags = dv.getUint16(e + Layout.E_FLAGS, true);
      const deliv = u64(e + Layout.E_DELIV_OFF);
      const gapBytes = u64(e + Layout.E_GAP_BYTES);
      return {
        packets: dv.getUint32(e + Layout.E_PKTS, true),
        wireBytes: u64(e + Layout.E_WIRE_BYTES),
        bytes: deliv - gapBytes,
        gapCount: dv.getUint32(e + Layout.E_GAP_COUNT, true),
        gapBytes,
        fin: (flags & EndpointFlags.FIN) !== 0,
        rst: (flags & EndpointFlags.RST) !== 0,
        depthReached: (flags & EndpointFlags.DEPTH) !== 0,
        memcapReached: (flags & EndpointFlags.LOSSY) !== 0,
        policy: POLICIES[this.u8[e + Layout.E_POLICY]!] ?? "?",
      };
    };
    // fields copied one by one: an object spread here cost ~20 µs per record (V8 slow path), a
    // quarter of the run time on captures of short connections
    return {
      id: base.id, srcIp: base.srcIp, srcPort: base.srcPort, destIp: base.destIp, destPort: base.destPort, user: base.user,
      state: TCP_STATES[this.u8[f + Layout.F_STATE]!] ?? "?",
      endReason: END_REASONS[reason] ?? "eof",
      midstream: (this.u8[f + Layout.F_FLAGS]! & FlowFlags.MIDSTREAM) !== 0,
      firstTs: u64(f + Layout.F_FIRST_TS),
      lastTs: u64(f + Layout.F_LAST_TS),
      toserver: dirRec(0),
      toclient: dirRec(1),
      events,
    };
  }

  private hNotice(code: number, a: number, b: number): void {
    if (code === Notice.DROPPED) { this.cb.onDropped?.(this.conn(a), DIRS[b]!, this.core.packetFrame()); return; }
    if (!this.cb.onNotice) return;
    if (code === Notice.LINKTYPE) this.cb.onNotice(`link type ${a} is not supported: its packets are skipped`, "linktype");
    else if (code === Notice.OFFLOAD) {
      this.refresh();
      this.cb.onNotice(`checksum offload detected for host ${this.ip(b, a === 6)}: its packets carry wrong checksums and are accepted`, "offload");
    }
  }
}
