// prefilter/node.ts: Node-only helper: the core's matcher from build/core.wasm (or core-debug.wasm,
// the build with every invariant checked). Browsers use createCorePrefilterEngine(bytes) instead.

import { readFileSync } from "node:fs";
import { createCorePrefilterEngine } from "./core.js";

export async function createNodePrefilterEngine(opts: { debug?: boolean } = {}): ReturnType<typeof createCorePrefilterEngine> {
  const url = new URL(opts.debug ? "../../build/core-debug.wasm" : "../../build/core.wasm", import.meta.url);
  return createCorePrefilterEngine(readFileSync(url));
}
