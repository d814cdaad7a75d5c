// worker.ts: one shard of a `--workers N` run. Each worker reads the whole capture itself (walking
// records is cheap) and reassembles only the connections of its shard (config.shard), so no packet
// crosses threads. Results go back to the main thread in batches.

import { parentPort, workerData } from "node:worker_threads";
import { createNodeEngine, feedFile } from "./node.js";
import { EngineError } from "./core/errors.js";
import { flowOutputCallbacks, flowJsonLine } from "./outputs/flow-json.js";
import type { EngineConfig } from "./config/schema.js";
import { tableRow } from "./outputs/flow-table.js";

interface Job { file: string; config: EngineConfig; json: boolean; out: string | undefined; table: boolean }
export type WorkerMessage =
  /** Flow JSON lines as [key, line]: key = capture records read when the connection ended (commands/common.ts
   *  KeyedMerge); `upTo`: no later line has a smaller key; bytes of the capture read so far. */
  | { type: "json"; lines: Array<[number, string]>; upTo: number; bytes: number; total: number | undefined }
  /** Flow JSON lines of connections still open at the end, by connection id (sorted by the caller). */
  | { type: "eof"; lines: Array<[number, string]> }
  /** Connection table rows (outputs/flow-table.ts): [connection id, text]. */
  | { type: "rows"; rows: Array<[number, string]> }
  | { type: "notice"; message: string }
  | { type: "done"; stats: Record<string, number>; error?: { code: string; message: string } };

const job = workerData as Job;
const port = parentPort!;
let json: Array<[number, string]> = [];
let eof: Array<[number, string]> = [];
let rows: Array<[number, string]> = [];
let upTo = 0, bytes = 0, total: number | undefined;
const flush = () => {
  port.postMessage({ type: "json", lines: json, upTo, bytes, total } satisfies WorkerMessage); json = [];
  if (eof.length) { port.postMessage({ type: "eof", lines: eof } satisfies WorkerMessage); eof = []; }
  if (rows.length) { port.postMessage({ type: "rows", rows } satisfies WorkerMessage); rows = []; }
};
let engine: Awaited<ReturnType<typeof createNodeEngine>> | undefined;
const cb = flowOutputCallbacks({
  hashes: job.json, outDir: job.out,
  onRecord(rec, extra) {
    if (job.json) {
      if (rec.endReason === "eof") eof.push([rec.id, flowJsonLine(rec, extra)]);
      else json.push([engine!.packetsRead(), flowJsonLine(rec, extra)]);
    } else if (job.table) rows.push(tableRow(rec));
    if (json.length + eof.length + rows.length >= 1000) flush();
  },
});
engine = await createNodeEngine(job.config, {
  ...(job.json || job.out ? { onData: cb.onData!, onGap: cb.onGap! } : {}),
  ...(job.json || job.out || job.table ? { onConnection: cb.onConnection! } : {}),
  onNotice: (message) => port.postMessage({ type: "notice", message } satisfies WorkerMessage),
});
let error: { code: string; message: string } | undefined;
try {
  feedFile(engine, job.file, (p) => { upTo = engine!.packetsRead(); bytes = p.bytes; total = p.total; flush(); });
} catch (e) {
  if (!(e instanceof EngineError)) throw e;
  error = { code: e.code, message: e.message };
}
upTo = Number.MAX_SAFE_INTEGER;
flush();
port.postMessage({ type: "done", stats: engine.stats(), ...(error ? { error } : {}) } satisfies WorkerMessage);
