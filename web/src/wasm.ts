// web/src/wasm.ts: the core, compiled once per realm (page or worker). The URL is build/core.wasm
// itself: Vite's `?url` import copies the file unchanged into the bundle's assets, so the browser runs
// exactly the module Node runs (src/node.ts coreModule()).

import coreUrl from "../../build/core.wasm?url";

export const CORE_URL: string = coreUrl;

let compiled: Promise<WebAssembly.Module> | undefined;

/** The compiled core. Streaming compilation needs `application/wasm`; any other server gets the bytes path. */
export function coreModule(): Promise<WebAssembly.Module> {
  compiled ??= (async () => {
    const res = await fetch(CORE_URL);
    if (!res.ok) throw new Error(`cannot load the core (${CORE_URL}): HTTP ${res.status}`);
    if ((res.headers.get("content-type") ?? "").startsWith("application/wasm")) return WebAssembly.compileStreaming(res);
    return WebAssembly.compile(await res.arrayBuffer());
  })();
  return compiled;
}

/** SHA-256 of the core's bytes as served (hex), so tests can compare it with build/core.wasm. */
export async function coreSha256(): Promise<string> {
  const bytes = await (await fetch(CORE_URL)).arrayBuffer();
  return hex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)));
}

export function hex(b: Uint8Array): string {
  let s = "";
  for (const x of b) s += x.toString(16).padStart(2, "0");
  return s;
}
