// stream/api.ts: the stream API, in the spirit of sockets. A module registers with a dispatcher and is
// woken only when one direction of a connection has new in-order data, a gap, or its end; it reads like
// recv(): it gets a view of the next bytes and their stream offset, and returns how many it consumed.
// What it did not consume is offered again, in front of the next data (its progress; Suricata's
// per-consumer progress over the streaming buffer), so a parser can wait for a whole record.
// Entry:     StreamDispatcher (implements the engine's data callbacks), StreamModule (what a module is).
// Views:     when nothing is pending, the view is the engine's zero-copy view into wasm memory, valid
//            during the call only. When a module left bytes unconsumed, they are copied (only they are),
//            and the next view is that copy followed by the new bytes: one contiguous Uint8Array.
// Order:     per direction, calls come in stream order: data, data, ..., gap, data, ..., end. Before a
//            gap or the end, unconsumed bytes are offered once more with `flush` set; then they are
//            dropped (the stream is not contiguous across a gap).
// Browser-safe: no node: imports.

import type { Connection, Direction, EngineCallbacks, ConnectionRecord } from "../core/engine.js";

/** One direction of one connection, as a module sees it. `user` is the module's own state. */
export interface StreamContext {
  readonly conn: Connection;
  readonly dir: Direction;
  /** Stream offset of the first byte not yet consumed by this module. */
  readonly progress: number;
  user: unknown;
}

export interface StreamModule {
  readonly name: string;
  /** Which streams wake this module (checked once per connection direction). Default: all. */
  readonly select?: StreamSelect;
  /**
   * New data: `data` starts at stream offset `offset` (= ctx.progress). Return the number of bytes
   * consumed (0..data.length); undefined means all. `flush`: no more contiguous data will follow
   * (a gap or the end comes next), so what is not consumed now is dropped.
   */
  onData(ctx: StreamContext, data: Uint8Array, offset: number, flush: boolean): number | void;
  /** Bytes [offset, offset + length) that will never be delivered. */
  onGap?(ctx: StreamContext, offset: number, length: number): void;
  /** The direction ended (the connection closed, timed out or the input ended). */
  onEnd?(ctx: StreamContext, record: ConnectionRecord): void;
}

/** Per-port and per-direction choice of the streams a module sees. */
export interface StreamSelect {
  /** Server ports; default every port. */
  ports?: readonly number[];
  /** Default "both". */
  directions?: "both" | Direction;
  /** Any other test on the connection (e.g. addresses). */
  filter?(conn: Connection, dir: Direction): boolean;
}

interface Slot extends StreamContext {
  progress: number;
  pending: Uint8Array | null;   // unconsumed bytes, copied, starting at progress
  ended: boolean;
}

interface ConnSlots { slots: Array<Array<Slot | null> | undefined> }

const DIR_INDEX: Record<Direction, 0 | 1> = { toserver: 0, toclient: 1 };

export function selects(sel: StreamSelect | undefined, conn: Connection, dir: Direction): boolean {
  if (!sel) return true;
  if (sel.directions && sel.directions !== "both" && sel.directions !== dir) return false;
  if (sel.ports && !sel.ports.includes(conn.destPort)) return false;
  if (sel.filter && !sel.filter(conn, dir)) return false;
  return true;
}

/**
 * Fans the engine's onData / onGap / onConnection callbacks out to the registered modules. Pass
 * `dispatcher.callbacks()` (merged with your own) to createEngine. Modules are called in registration
 * order; a module that throws stops the feed (the error propagates out of engine.feed()).
 */
export class StreamDispatcher {
  private readonly modules: StreamModule[] = [];
  private readonly state = new Map<number, ConnSlots>();   // by connection id, until its end

  register(m: StreamModule): this { this.modules.push(m); return this; }

  callbacks(): Required<Pick<EngineCallbacks, "onData" | "onGap" | "onConnection">> {
    return {
      onData: (conn, dir, bytes, offset) => this.data(conn, dir, bytes, offset),
      onGap: (conn, dir, offset, length) => this.gap(conn, dir, offset, length),
      onConnection: (rec) => this.end(rec),
    };
  }

  private slots(conn: Connection, dir: Direction, offset: number): Array<Slot | null> {
    let cs = this.state.get(conn.id);
    if (!cs) { cs = { slots: [undefined, undefined] }; this.state.set(conn.id, cs); }
    const d = DIR_INDEX[dir];
    let s = cs.slots[d];
    if (!s) {
      s = this.modules.map((m) => selects(m.select, conn, dir)
        ? { conn, dir, progress: offset, pending: null, ended: false, user: undefined } : null);
      cs.slots[d] = s;
    }
    return s;
  }

  private data(conn: Connection, dir: Direction, bytes: Uint8Array, offset: number): void {
    const slots = this.slots(conn, dir, offset);
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i];
      if (!s) continue;
      let view = bytes, at = offset;
      if (s.pending) {
        const joined = new Uint8Array(s.pending.length + bytes.length);
        joined.set(s.pending); joined.set(bytes, s.pending.length);
        view = joined; at = s.progress;
      } else s.progress = offset;
      this.offer(this.modules[i]!, s, view, at, false);
    }
  }

  private offer(m: StreamModule, s: Slot, view: Uint8Array, at: number, flush: boolean): void {
    const r = m.onData(s, view, at, flush);
    const used = r === undefined ? view.length : r;
    if (!Number.isInteger(used) || used < 0 || used > view.length) {
      throw new RangeError(`stream module ${m.name}: consumed ${used} of ${view.length} bytes`);
    }
    s.progress = at + used;
    s.pending = used === view.length || flush ? null : view.slice(used);
    if (flush) s.progress = at + view.length;
  }

  private drain(m: StreamModule, s: Slot): void {
    if (s.pending) this.offer(m, s, s.pending, s.progress, true);
  }

  private gap(conn: Connection, dir: Direction, offset: number, length: number): void {
    const slots = this.slots(conn, dir, offset);
    slots.forEach((s, i) => {
      if (!s) return;
      const m = this.modules[i]!;
      this.drain(m, s);
      s.progress = offset + length;
      m.onGap?.(s, offset, length);
    });
  }

  private end(rec: ConnectionRecord): void {
    const cs = this.state.get(rec.id);
    this.state.delete(rec.id);
    for (const dir of ["toserver", "toclient"] as const) {
      const slots = cs?.slots[DIR_INDEX[dir]];
      this.modules.forEach((m, i) => {
        let s = slots?.[i];
        if (slots && !s) return;                     // not selected
        if (!s) {
          if (!selects(m.select, rec, dir)) return;
          s = { conn: rec, dir, progress: 0, pending: null, ended: false, user: undefined };
        }
        this.drain(m, s);
        s.ended = true;
        m.onEnd?.(s, rec);
      });
    }
  }
}
