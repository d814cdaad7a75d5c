// core/matcher.ts: the ONLY caller of the core's match* exports (the streaming multi-literal matcher,
// assembly/match/). A thin layer: pattern blob encoding, MatchStatus -> MatchError, result records,
// and memory views rebuilt whenever memory.buffer changes (growth detaches the old buffer).
// Browser-safe: no node: imports. Not re-entrant by design: results are read before the next call.

/** MatchStatus (assembly/match/database.ts): negative returns of the match* exports. */
export const MatchStatus = {
  EmptySet: -101,
  EmptyPattern: -102,
  Malformed: -103,
  OutOfMemory: -104,
  BadHandle: -105,
} as const;

export type MatchErrorCode = "ERR_MATCH_EMPTY_SET" | "ERR_MATCH_EMPTY_PATTERN" | "ERR_MATCH_MALFORMED"
  | "ERR_MATCH_OUT_OF_MEMORY" | "ERR_MATCH_BAD_HANDLE" | "ERR_MATCH_BAD_PATTERN" | "ERR_MATCH_UNKNOWN";

export class MatchError extends Error {
  readonly code: MatchErrorCode;
  constructor(code: MatchErrorCode, message: string) {
    super(message);
    this.name = "MatchError";
    this.code = code;
  }
}

const CODES: Record<number, MatchErrorCode> = {
  [MatchStatus.EmptySet]: "ERR_MATCH_EMPTY_SET",
  [MatchStatus.EmptyPattern]: "ERR_MATCH_EMPTY_PATTERN",
  [MatchStatus.Malformed]: "ERR_MATCH_MALFORMED",
  [MatchStatus.OutOfMemory]: "ERR_MATCH_OUT_OF_MEMORY",
  [MatchStatus.BadHandle]: "ERR_MATCH_BAD_HANDLE",
};

/** Turns a negative MatchStatus into a MatchError (`what` names the call). */
export function matchError(status: number, what: string): MatchError {
  const code = CODES[status] ?? "ERR_MATCH_UNKNOWN";
  return new MatchError(code, `${what} failed: ${code} (${status})`);
}

export interface MatchExports {
  memory: WebAssembly.Memory;
  matchScratch(len: number): number;
  matchCompile(ptr: number, len: number): number;
  matchDbBytes(db: number): number;
  matchStreamBytes(db: number): number;
  matchFree(db: number): void;
  matchOpen(db: number): number;
  matchReset(stream: number): number;
  matchClose(stream: number): number;
  matchScan(stream: number, ptr: number, len: number): number;
  matchScanBlock(db: number, ptr: number, len: number): number;
  matchResults(): number;
}

export interface LiteralSpec { id: number; bytes: Uint8Array; caseless: boolean }

/** Calls `fn(id, end)` for each of the n result records at ptr (views read once). */
export type ResultVisitor = (id: number, end: number) => void;

export class CoreMatcher {
  readonly x: MatchExports;
  private buf: ArrayBuffer | null = null;
  private u8 = new Uint8Array(0);
  private u32 = new Uint32Array(0);
  private f64 = new Float64Array(0);

  constructor(instance: WebAssembly.Instance) {
    const x = instance.exports as unknown as MatchExports;
    if (typeof x.matchCompile !== "function" || !(x.memory instanceof WebAssembly.Memory)) {
      throw new MatchError("ERR_MATCH_UNKNOWN", "this core has no matcher exports (matchCompile)");
    }
    this.x = x;
  }

  get memory(): WebAssembly.Memory { return this.x.memory; }

  /** Views over the current memory.buffer (rebuilt after growth). Valid until the next core call. */
  bytes(): Uint8Array { this.refresh(); return this.u8; }

  private refresh(): void {
    const b = this.x.memory.buffer;
    if (b !== this.buf) {
      this.buf = b as ArrayBuffer;
      this.u8 = new Uint8Array(b);
      this.u32 = new Uint32Array(b);
      this.f64 = new Float64Array(b);
    }
  }

  /** A scratch area of at least len bytes in wasm memory; its offset. Valid until the next compile/scan. */
  scratch(len: number): number {
    const p = this.x.matchScratch(len);
    if (p === 0) throw new MatchError("ERR_MATCH_OUT_OF_MEMORY", `no scratch area of ${len} bytes`);
    return p;
  }

  /** Compiles literals into a db handle. Throws MatchError on a bad set. */
  compile(patterns: readonly LiteralSpec[]): number {
    let size = 4;
    for (const p of patterns) {
      if (!(p.bytes instanceof Uint8Array)) throw new MatchError("ERR_MATCH_BAD_PATTERN", `pattern ${p.id}: bytes must be a Uint8Array`);
      if (!Number.isInteger(p.id) || p.id < 0 || p.id > 0xffffffff) throw new MatchError("ERR_MATCH_BAD_PATTERN", `pattern id ${p.id}: must be an integer in 0..2^32-1`);
      size += 12 + p.bytes.length;
    }
    const ptr = this.scratch(size);
    this.refresh();
    const dv = new DataView(this.buf!, ptr, size);
    dv.setUint32(0, patterns.length, true);
    let o = 4;
    for (const p of patterns) {
      dv.setUint32(o, p.id, true);
      dv.setUint32(o + 4, p.caseless ? 1 : 0, true);
      dv.setUint32(o + 8, p.bytes.length, true);
      this.u8.set(p.bytes, ptr + o + 12);
      o += 12 + p.bytes.length;
    }
    const db = this.x.matchCompile(ptr, size);
    if (db < 0) throw matchError(db, "matchCompile");
    return db;
  }

  dbBytes(db: number): number { return this.x.matchDbBytes(db); }
  streamBytes(db: number): number { return this.x.matchStreamBytes(db); }
  free(db: number): void { this.x.matchFree(db); }

  open(db: number): number {
    const s = this.x.matchOpen(db);
    if (s < 0) throw matchError(s, "matchOpen");
    return s;
  }
  reset(stream: number): void { const r = this.x.matchReset(stream); if (r < 0) throw matchError(r, "matchReset"); }
  close(stream: number): void { const r = this.x.matchClose(stream); if (r < 0) throw matchError(r, "matchClose"); }

  /** Scans len bytes at ptr (wasm memory) on the stream; visits the matches in ascending end order. */
  scan(stream: number, ptr: number, len: number, visit: ResultVisitor): number {
    return this.visit(this.x.matchScan(stream, ptr, len), "matchScan", visit);
  }
  scanBlock(db: number, ptr: number, len: number, visit: ResultVisitor): number {
    return this.visit(this.x.matchScanBlock(db, ptr, len), "matchScanBlock", visit);
  }

  private visit(n: number, what: string, visit: ResultVisitor): number {
    if (n < 0) throw matchError(n, what);
    if (n === 0) return 0;
    this.refresh();
    const r = this.x.matchResults();
    const u32 = this.u32, f64 = this.f64;
    for (let i = 0, w = r >>> 2, d = (r >>> 3) + 1; i < n; i++, w += 4, d += 2) visit(u32[w]!, f64[d]!);
    return n;
  }
}
