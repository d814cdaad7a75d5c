// scan-worker.ts: one shard of `streamsift scan --workers N`. The worker reads the whole capture and
// scans the connections of its shard (spec.config.shard), like worker.ts does for reassemble. Its
// lines go to the main thread in batches, each with the frame up to which the capture was read, so
// the main thread can merge the workers' lines in capture order as they come (commands/scan.ts).

import { parentPort, workerData } from "node:worker_threads";
import { runScanJob, type Out, type ScanSpec, type ScanTotals } from "./commands/scan-job.js";

export type ScanWorkerMessage =
  /** Lines as [key, kind, text, flowId] tuples; `upTo`: no later line has a smaller key. */
  | { type: "lines"; lines: Array<[number, Out, string, number]>; upTo: number }
  | { type: "notice"; message: string }
  /** Bytes of the capture this worker has read (for the progress line on a terminal). */
  | { type: "progress"; bytes: number; total: number | undefined }
  | { type: "done"; totals: ScanTotals };

const port = parentPort!;
let lines: Array<[number, Out, string, number]> = [];
let upTo = 0;
const flush = () => {
  port.postMessage({ type: "lines", lines, upTo } satisfies ScanWorkerMessage);
  lines = [];
};
const totals = await runScanJob(workerData as ScanSpec, {
  line(key, kind, text, flowId) {
    lines.push([key, kind, text, flowId ?? 0]);
    if (lines.length >= 4096) flush();
  },
  notice: (message) => port.postMessage({ type: "notice", message } satisfies ScanWorkerMessage),
  progress(key, bytes, total) {
    upTo = key; flush();
    port.postMessage({ type: "progress", bytes, total } satisfies ScanWorkerMessage);
  },
});
upTo = Number.MAX_SAFE_INTEGER;
flush();
port.postMessage({ type: "done", totals } satisfies ScanWorkerMessage);
