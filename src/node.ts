// node.ts: the Node entry: loads build/core.wasm once, and feeds files or stdin of any size by reading
// straight into the core's input region (fs.readSync into a view of wasm memory: no JS copy).

import { readFileSync, openSync, readSync, closeSync, fstatSync } from "node:fs";
import { Engine, type EngineCallbacks } from "./core/engine.js";
import { validateConfig } from "./config/validate.js";
import type { EngineConfig } from "./config/schema.js";
import { EngineError } from "./core/errors.js";
import { StreamDispatcher, type StreamSelect } from "./stream/api.js";
import { StreamIterators, type ConnectionStreams } from "./stream/iterate.js";

export * from "./index.js";

const compiled: { release?: WebAssembly.Module; debug?: WebAssembly.Module } = {};

/** The compiled core (build/core.wasm, or build/core-debug.wasm with `debug`: invariant checks on). */
export function coreModule(debug = false): WebAssembly.Module {
  const key = debug ? "debug" : "release";
  const have = compiled[key];
  if (have) return have;
  const url = new URL(debug ? "../build/core-debug.wasm" : "../build/core.wasm", import.meta.url);
  const mod = new WebAssembly.Module(readFileSync(url));
  compiled[key] = mod;
  return mod;
}

export async function createNodeEngine(config: EngineConfig = {}, callbacks: EngineCallbacks = {},
                                       opts: { debug?: boolean } = {}): Promise<Engine> {
  return Engine.create(coreModule(opts.debug), validateConfig(config), callbacks);
}

export interface FeedProgress { bytes: number; total: number | undefined }

/**
 * Feeds a capture file ("-" = stdin) through the engine, then finishes it (also after an error:
 * everything decoded before the error is delivered and reported before the error is rethrown).
 */
export function feedFile(engine: Engine, path: string, onProgress?: (p: FeedProgress) => void): void {
  for (const _ of feedSteps(engine, path, onProgress)) { /* one input chunk per step */ }
}

/** feedFile that yields to the event loop after every input chunk (async consumers run meanwhile). */
export async function feedFileAsync(engine: Engine, path: string, onProgress?: (p: FeedProgress) => void): Promise<void> {
  for (const _ of feedSteps(engine, path, onProgress)) await new Promise<void>((r) => setImmediate(r));
}

function* feedSteps(engine: Engine, path: string, onProgress?: (p: FeedProgress) => void): Generator<void> {
  let fd: number;
  try { fd = path === "-" ? 0 : openSync(path, "r"); } catch (e) {
    throw new EngineError("ERR_IO", `cannot open ${path}: ${(e as Error).message}`);
  }
  let total: number | undefined;
  try { const st = fstatSync(fd); total = st.isFile() ? st.size : undefined; } catch { total = undefined; }
  let bytes = 0;
  let failure: unknown;
  try {
    for (;;) {
      const space = engine.inputSpace();
      let n: number;
      try { n = readSync(fd, space, 0, space.length, null); } catch (e) {
        const err = e as NodeJS.ErrnoException;
        if (err.code === "EAGAIN") { continue; }
        if (err.code === "EOF") n = 0; else throw new EngineError("ERR_IO", `reading ${path}: ${err.message}`, bytes);
      }
      bytes += n;
      engine.commit(n, n === 0);
      if (onProgress) onProgress({ bytes, total });
      if (n === 0) break;
      yield;
    }
  } catch (e) { failure = e; }
  finally { if (fd !== 0) closeSync(fd); }
  try { engine.finish(); } catch (e) { failure ??= e; }
  if (failure) throw failure;
}

/**
 * The async-iterator form of the stream API over a capture file:
 *   for await (const c of streamConnections("x.pcap")) for await (const chunk of c.toServer) ...
 * Chunks are copies; connections whose streams are not read are buffered (see stream/iterate.ts).
 */
export async function* streamConnections(path: string, config: EngineConfig = {}, select?: StreamSelect): AsyncGenerator<ConnectionStreams> {
  const it = new StreamIterators(select);
  const engine = await createNodeEngine(config, new StreamDispatcher().register(it).callbacks());
  const pump = feedFileAsync(engine, path).then(() => it.close(), (e: unknown) => { it.close(e); throw e; });
  pump.catch(() => {});
  for await (const c of it.connections()) yield c;
  await pump;
}
