// worker.ts: one shard of a `--workers N` run. Each worker reads the whole capture itself (walking
// records is cheap) and reassembles only the connections of its shard (config.shard), so no packet
// crosses threads. Results go back to the main thread in batches.

import { parentPort, workerData } from "node:worker_threads";
import { createNodeEngine, feedFile } from "./node.js";
import { EngineError } from "./core/errors.js";
import { flowOutputCallbacks, flowJson } from "./outputs/flow-json.js";
import type { EngineConfig } from "./config/schema.js";
import { tableRow } from "./outputs/flow-table.js";

interface Job { file: string; config: EngineConfig; json: boolean; out: string | undefined; table: boolean }
export type WorkerMessage =
  | { type: "json"; lines: string[] }
  /** Connection table rows (outputs/flow-table.ts): [connection id, text]. */
  | { type: "rows"; rows: Array<[number, string]> }
  | { type: "notice"; message: string }
  | { type: "done"; stats: Record<string, number>; error?: { code: string; message: string } };

const job = workerData as Job;
const port = parentPort!;
let json: string[] = [];
let rows: Array<[number, string]> = [];
const flush = () => {
  if (json.length) { port.postMessage({ type: "json", lines: json } satisfies WorkerMessage); json = []; }
  if (rows.length) { port.postMessage({ type: "rows", rows } satisfies WorkerMessage); rows = []; }
};
const cb = flowOutputCallbacks({
  hashes: job.json, outDir: job.out,
  onRecord(rec, extra) {
    if (job.json) json.push(JSON.stringify(flowJson(rec, extra)));
    else if (job.table) rows.push(tableRow(rec));
    if (json.length + rows.length >= 1000) flush();
  },
});
const engine = await createNodeEngine(job.config, {
  ...(job.json || job.out ? { onData: cb.onData!, onGap: cb.onGap! } : {}),
  ...(job.json || job.out || job.table ? { onConnection: cb.onConnection! } : {}),
  onNotice: (message) => port.postMessage({ type: "notice", message } satisfies WorkerMessage),
});
let error: { code: string; message: string } | undefined;
try { feedFile(engine, job.file); } catch (e) {
  if (!(e instanceof EngineError)) throw e;
  error = { code: e.code, message: e.message };
}
flush();
port.postMessage({ type: "done", stats: engine.stats(), ...(error ? { error } : {}) } satisfies WorkerMessage);
