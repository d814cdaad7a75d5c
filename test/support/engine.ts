// test/support/engine.ts: run frames or capture bytes through a fresh engine built with VALIDATE (every
// invariant checked after every mutation), and collect what a user would see, copied out of the views.

import { createNodeEngine } from "../../src/node.js";
import type { EngineConfig } from "../../src/config/schema.js";
import type { ConnectionRecord } from "../../src/core/engine.js";
import type { FrameRecord } from "./packets.js";

export interface DirResult { data: Uint8Array; gaps: Array<[number, number]>; chunks: Array<[number, Uint8Array]> }
export interface FlowResult { record: ConnectionRecord; toserver: DirResult; toclient: DirResult; events: string[] }
export interface RunResult { flows: FlowResult[]; stats: Record<string, number>; notices: string[]; memory: { flowsLive: number; segmentsLive: number; pagesLive: number }; error?: Error }

function concatAll(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

async function run(config: EngineConfig, feed: (e: Awaited<ReturnType<typeof createNodeEngine>>) => void): Promise<RunResult> {
  const live = new Map<number, { ts: Uint8Array[]; tc: Uint8Array[]; tsg: Array<[number, number]>; tcg: Array<[number, number]>;
    tsc: Array<[number, Uint8Array]>; tcc: Array<[number, Uint8Array]>; ev: string[] }>();
  const get = (id: number) => {
    let s = live.get(id);
    if (!s) { s = { ts: [], tc: [], tsg: [], tcg: [], tsc: [], tcc: [], ev: [] }; live.set(id, s); }
    return s;
  };
  const flows: FlowResult[] = [];
  const notices: string[] = [];
  const engine = await createNodeEngine({ checksum: "off", ...config }, {
    onData(conn, dir, bytes, offset) {
      const s = get(conn.id); const copy = bytes.slice();
      (dir === "toserver" ? s.ts : s.tc).push(copy);
      (dir === "toserver" ? s.tsc : s.tcc).push([offset, copy]);
    },
    onGap(conn, dir, offset, length) { (dir === "toserver" ? get(conn.id).tsg : get(conn.id).tcg).push([offset, length]); },
    onEvent(conn, _dir, name) { get(conn.id).ev.push(name); },
    onConnection(record) {
      const s = get(record.id);
      flows.push({
        record, events: s.ev,
        toserver: { data: concatAll(s.ts), gaps: s.tsg, chunks: s.tsc },
        toclient: { data: concatAll(s.tc), gaps: s.tcg, chunks: s.tcc },
      });
      live.delete(record.id);
    },
    onNotice(m) { notices.push(m); },
  }, { debug: true });
  let error: Error | undefined;
  try { feed(engine); } catch (e) { error = e as Error; }
  try { engine.finish(); } catch (e) { error ??= e as Error; }
  flows.sort((a, b) => a.record.id - b.record.id);
  return { flows, stats: engine.stats(), notices, memory: engine.memory(), ...(error ? { error } : {}) };
}

/** Frames (Ethernet unless linkType says otherwise) fed one at a time. */
export function runFrames(frames: FrameRecord[], config: EngineConfig = {}, linkType = 1): Promise<RunResult> {
  return run(config, (e) => { for (const f of frames) e.feedPacket(f.frame, linkType, f.tsMicros); });
}

/** Capture file bytes, fed in slices of `slice` bytes (any slicing must give the same result). */
export function runCapture(bytes: Uint8Array, config: EngineConfig = {}, slice = 1 << 20): Promise<RunResult> {
  return run(config, (e) => {
    for (let o = 0; o < bytes.length; o += slice) e.feed(bytes.subarray(o, Math.min(bytes.length, o + slice)));
    e.commit(0, true);
  });
}

/** The stream as Suricata's tests print it: delivered bytes, '_' for each byte of a gap. */
export function render(d: DirResult): string {
  const parts: Array<[number, string]> = [];
  for (const [off, b] of d.chunks) parts.push([off, Buffer.from(b).toString("latin1")]);
  for (const [off, len] of d.gaps) parts.push([off, "_".repeat(len)]);
  parts.sort((a, b) => a[0] - b[0]);
  return parts.map((p) => p[1]).join("");
}
