// stream/iterate.ts: the stream API as async iterators, for users who prefer
//   for await (const c of connections) for await (const chunk of c.toServer) ...
// It is a StreamModule that copies each delivery into per-direction queues (the views of the callback
// form are valid only during the call), so it costs a copy and buffers what the consumer has not read
// yet; the callback form (stream/api.ts) is the fast path. Browser-safe.
// Entry:     new StreamIterators() -> register with a StreamDispatcher; feed the engine from an async
//            loop that yields to the event loop (node.ts streamConnections does both).

import type { Connection, ConnectionRecord, Direction } from "../core/engine.js";
import type { StreamContext, StreamModule, StreamSelect } from "./api.js";

/** One step of a direction: bytes at a stream offset, or a gap of `gap` bytes at `offset`. */
export type StreamChunk = { offset: number; data: Uint8Array; gap?: undefined } | { offset: number; gap: number; data?: undefined };

export interface ConnectionStreams {
  readonly conn: Connection;
  readonly toServer: AsyncIterable<StreamChunk>;
  readonly toClient: AsyncIterable<StreamChunk>;
  /** Settles when the connection ends. */
  readonly record: Promise<ConnectionRecord>;
}

/** An unbounded single-consumer async queue. */
class Queue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private readonly waiting: Array<{ ok: (r: IteratorResult<T>) => void; fail: (e: unknown) => void }> = [];
  private done = false;
  private error: unknown;

  push(v: T): void {
    const w = this.waiting.shift();
    if (w) w.ok({ value: v, done: false }); else this.items.push(v);
  }
  close(error?: unknown): void {
    if (this.done) return;
    this.done = true; this.error = error;
    for (const w of this.waiting.splice(0)) error === undefined ? w.ok({ value: undefined, done: true }) : w.fail(error);
  }
  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        if (this.items.length) return Promise.resolve({ value: this.items.shift()!, done: false });
        if (this.done) return this.error === undefined ? Promise.resolve({ value: undefined, done: true }) : Promise.reject(this.error);
        return new Promise((ok, fail) => this.waiting.push({ ok, fail }));
      },
    };
  }
}

interface Entry extends ConnectionStreams {
  q: [Queue<StreamChunk>, Queue<StreamChunk>];
  settle: (r: ConnectionRecord) => void;
  fail: (e: unknown) => void;
}

export class StreamIterators implements StreamModule {
  readonly name = "iterate";
  readonly select: StreamSelect | undefined;
  private readonly live = new Map<number, Entry>();
  private readonly conns = new Queue<ConnectionStreams>();

  constructor(select?: StreamSelect) { this.select = select; }

  /** Every connection, in the order its first data, gap or end was seen. */
  connections(): AsyncIterable<ConnectionStreams> { return this.conns; }

  private entry(conn: Connection): Entry {
    let e = this.live.get(conn.id);
    if (!e) {
      const q: [Queue<StreamChunk>, Queue<StreamChunk>] = [new Queue(), new Queue()];
      let settle!: (r: ConnectionRecord) => void, fail!: (e: unknown) => void;
      const record = new Promise<ConnectionRecord>((ok, no) => { settle = ok; fail = no; });
      record.catch(() => {});
      e = { conn, toServer: q[0], toClient: q[1], record, q, settle, fail };
      this.live.set(conn.id, e);
      this.conns.push(e);
    }
    return e;
  }

  private queue(ctx: StreamContext): Queue<StreamChunk> { return this.entry(ctx.conn).q[ctx.dir === "toserver" ? 0 : 1]; }

  onData(ctx: StreamContext, data: Uint8Array, offset: number): void {
    this.queue(ctx).push({ offset, data: data.slice() });
  }
  onGap(ctx: StreamContext, offset: number, length: number): void {
    this.queue(ctx).push({ offset, gap: length });
  }
  onEnd(ctx: StreamContext, rec: ConnectionRecord): void {
    const e = this.entry(ctx.conn);
    e.q[ctx.dir === "toserver" ? 0 : 1].close();
    if (ctx.dir === "toclient" || this.select?.directions === "toserver") { e.settle(rec); this.live.delete(rec.id); }
  }

  /** No more input: every open iterator ends (with `error` if the feed failed). */
  close(error?: unknown): void {
    for (const e of this.live.values()) { e.q[0].close(error); e.q[1].close(error); if (error !== undefined) e.fail(error); }
    this.live.clear();
    this.conns.close(error);
  }
}

export type { Direction };
