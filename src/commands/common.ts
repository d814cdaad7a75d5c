// commands/common.ts: what the CLI commands share: the engine options (the same names in every
// command and in the browser viewer's settings), argument errors, and buffered stdout.

import { readFileSync, writeSync } from "node:fs";
import type { EngineConfig } from "../config/schema.js";

export const ENGINE_USAGE = `  --policy NAME          default overlap policy: first last linux old-linux bsd windows vista
                         solaris hpux10 hpux11 irix macos (default bsd)
  --host-policy CIDR=NAME   policy for receivers in CIDR (repeatable; longest prefix wins)
  --checksum MODE        auto (default) | on | off
  --no-checksum          same as --checksum off
  --no-midstream         ignore connections whose handshake is not in the capture
  --depth N              reassemble at most N bytes per direction (0 = unlimited, default)
  --memcap N             reassembly memory cap in bytes (default 256 MiB)
  --max-flows N          connection table limit (default 1048576)
  --directions D         both (default) | toserver | toclient
  --ports LIST           reassemble only connections to these server ports (e.g. 80,443)
  --no-events            do not raise anomaly events
  --retain-delivered     keep the last delivered page per direction to compare later re-sends with it
  --config FILE          JSON file with engine configuration keys (see README)
`;

/** parseArgs option specs of the engine options. */
export const ENGINE_OPTIONS = {
  policy: { type: "string" }, "host-policy": { type: "string", multiple: true }, checksum: { type: "string" },
  "no-checksum": { type: "boolean" }, "no-midstream": { type: "boolean" }, depth: { type: "string" },
  memcap: { type: "string" }, "max-flows": { type: "string" }, directions: { type: "string" },
  ports: { type: "string" }, "no-events": { type: "boolean" }, config: { type: "string" },
  "retain-delivered": { type: "boolean" },
} as const;

/** Counters every shard of a --workers run counts in full (each walks the whole capture): taken once,
 *  not summed, when the shards' stats are merged. */
const PER_CAPTURE: ReadonlySet<string> = new Set(["packets", "capture_bytes", "decode_errors", "non_tcp",
  "unknown_linktype", "truncated", "frags_reassembled", "frags_dropped", "other_shard"]);

/** The engine stats of a --workers run's shards as one: counters of the capture once, the rest summed. */
export function mergeShardStats(shards: ReadonlyArray<Record<string, number>>): Record<string, number> {
  const total: Record<string, number> = {};
  for (const s of shards) for (const [k, v] of Object.entries(s)) total[k] = PER_CAPTURE.has(k) ? v : (total[k] ?? 0) + v;
  return total;
}

export function die(msg: string, code = 2): never {
  process.stderr.write(`streamsift: ${msg}\n`);
  process.exit(code);
}

export function numberArg(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || !Number.isInteger(n)) die(`--${name} expects a non-negative integer, got "${v}"`);
  return n;
}

type EngineArgs = { [K in keyof typeof ENGINE_OPTIONS]?: (typeof ENGINE_OPTIONS)[K] extends { multiple: true } ? string[] : (typeof ENGINE_OPTIONS)[K] extends { type: "boolean" } ? boolean : string };

/** The engine configuration from --config FILE and the engine options (options win). */
export function configFromArgs(o: EngineArgs): EngineConfig {
  let config: EngineConfig = {};
  if (o.config) {
    try { config = JSON.parse(readFileSync(o.config, "utf8")) as EngineConfig; } catch (e) { die(`--config ${o.config}: ${(e as Error).message}`); }
  }
  if (o.policy !== undefined) config.policy = o.policy;
  if (o["host-policy"]) {
    config.hostPolicies = { ...(config.hostPolicies ?? {}) };
    for (const hp of o["host-policy"]) {
      const [cidr, name] = hp.split("=");
      if (!cidr || !name) die(`--host-policy expects CIDR=POLICY, got "${hp}"`);
      config.hostPolicies[cidr] = name;
    }
  }
  if (o.checksum !== undefined) config.checksum = o.checksum as EngineConfig["checksum"];
  if (o["no-checksum"]) config.checksum = "off";
  if (o["no-midstream"]) config.midstream = false;
  const depth = numberArg("depth", o.depth); if (depth !== undefined) config.depth = depth;
  const memcap = numberArg("memcap", o.memcap); if (memcap !== undefined) config.memcap = memcap;
  const maxFlows = numberArg("max-flows", o["max-flows"]); if (maxFlows !== undefined) config.maxFlows = maxFlows;
  if (o.directions !== undefined) config.directions = o.directions as EngineConfig["directions"];
  if (o.ports !== undefined) config.ports = o.ports.split(",").map((p) => numberArg("ports", p.trim())!);
  if (o["no-events"]) config.events = false;
  if (o["retain-delivered"]) config.retainDelivered = true;
  return config;
}

/**
 * Output text gathered as UTF-8 bytes in one buffer and written when it fills. Each piece is encoded
 * as soon as it is made, while its parts are still in cache: holding 512 alert lines and joining them
 * (a line is a rope of ~10 parts) took 0.26 s of `scan --eve` with 231 k alerts, the copy into a
 * buffer as they come ~0.05 s. `reuse`: the sink is done with the bytes when it returns (writeSync);
 * otherwise (an async stream) each flush hands over its buffer and takes a new one.
 */
export class ByteOut {
  #buf: Buffer;
  #pos = 0;
  constructor(private readonly sink: (bytes: Buffer) => void, private readonly reuse: boolean, private readonly size = 65536) {
    this.#buf = Buffer.allocUnsafe(size);
  }
  /** Appends `text` as is (the caller adds its newlines). */
  text(text: string): void {
    const most = 3 * text.length;           // UTF-8 bytes per UTF-16 unit, at most
    if (this.#pos + most > this.size) {
      this.flush();
      if (most > this.size) { this.sink(Buffer.from(text, "utf8")); return; }
    }
    this.#pos += this.#buf.write(text, this.#pos, "utf8");
  }
  flush(): void {
    if (this.#pos === 0) return;
    const bytes = this.#buf.subarray(0, this.#pos);
    this.#pos = 0;
    if (!this.reuse) this.#buf = Buffer.allocUnsafe(this.size);
    this.sink(bytes);
  }
}

/** writeSync until every byte is written (a pipe or FIFO can take part of a write). */
export function writeAll(fd: number, bytes: Uint8Array): void {
  for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
}

/** Buffered stdout: one write per 64 KiB instead of one per line; a closed pipe (| head) ends quietly. */
const OUT = new ByteOut((b) => process.stdout.write(b), false);
export function emit(text: string): void { OUT.text(text); }
export function flushOut(): void { OUT.flush(); }

/** The progress line on a terminal's stderr, redrawn in place at most five times a second (MB read, % of
 *  the file, MB/s), and erased at the end. `on` false: does nothing (callers skip progress callbacks).
 *  With several workers each reading the whole capture, update(bytes, total, w) per worker draws the
 *  slowest one's bytes. */
export function progressMeter(on: boolean, workers = 1): { on: boolean; update(bytes: number, total: number | undefined, w?: number): void; done(): void } {
  const t0 = performance.now();
  const read = new Array<number>(workers).fill(0);
  let last = 0;
  return {
    on,
    update(bytes, total, w = 0) {
      if (!on) return;
      read[w] = bytes;
      const now = performance.now();
      if (now - last < 200) return;
      last = now;
      const b = workers === 1 ? bytes : Math.min(...read);
      const pct = total ? ` ${((100 * b) / total).toFixed(1)}%` : "";
      process.stderr.write(`\r${(b / 1e6).toFixed(0)} MB${pct} ${((b / 1e6) / ((now - t0) / 1000)).toFixed(0)} MB/s   `);
    },
    done() { if (on) process.stderr.write("\r\x1b[K"); },
  };
}

/**
 * The merge of several workers' lines into one output that is the same from run to run: each worker
 * sends items whose first element is a key (the capture records it had read when the item was
 * produced: every worker reads the whole capture, so keys are comparable) and says how far it has read
 * (`upTo`: no later item of its has a smaller key). An item is written once every worker still reading
 * has read past its key, in (key, worker) order. Used by reassemble and scan --workers.
 */
export class KeyedMerge<T extends readonly [number, ...unknown[]]> {
  private readonly queues: T[][];
  private readonly heads: number[];
  private readonly upTo: number[];
  constructor(n: number, private readonly write: (item: T) => void) {
    this.queues = Array.from({ length: n }, () => []);
    this.heads = new Array<number>(n).fill(0);
    this.upTo = new Array<number>(n).fill(0);
  }
  /** Items of worker w (keys ascending), then no later item of w has a key below `upTo`. */
  push(w: number, items: readonly T[], upTo: number): void {
    const q = this.queues[w]!;
    for (const it of items) q.push(it);
    this.upTo[w] = upTo;
    this.drain();
  }
  /** Worker w is done (or all are, without an argument): nothing of it holds the others back. */
  end(w?: number): void {
    if (w === undefined) this.upTo.fill(Infinity); else this.upTo[w] = Infinity;
    this.drain();
  }
  private drain(): void {
    const limit = Math.min(...this.upTo), n = this.queues.length;
    for (;;) {
      let best = -1, bestKey = Infinity;
      for (let w = 0; w < n; w++) {
        const q = this.queues[w]!, h = this.heads[w]!;
        if (h < q.length && q[h]![0] < limit && q[h]![0] < bestKey) { best = w; bestKey = q[h]![0]; }
      }
      if (best < 0) break;
      this.write(this.queues[best]![this.heads[best]!++]!);
    }
    for (let w = 0; w < n; w++) if (this.heads[w]! > 4096) { this.queues[w]!.splice(0, this.heads[w]!); this.heads[w] = 0; }
  }
}
