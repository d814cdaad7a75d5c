// test/unit/core/browser-safe.test.ts: the public entry (src/index.ts) must run in a browser: nothing in
// its import graph may touch node: modules, and it must work from wasm bytes and capture bytes alone
// (what a page has). The real-Chromium run of the same code is part of the browser issue.

import { expect, test } from "vitest";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { createEngine } from "../../../src/index.js";

function importGraph(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  const text = readFileSync(entry, "utf8");
  for (const m of text.matchAll(/(?:import|export)[^"']*from\s+["']([^"']+)["']/g)) {
    const spec = m[1]!;
    if (spec.startsWith(".")) importGraph(resolve(dirname(entry), spec.replace(/\.js$/, ".ts")), seen);
    else seen.add(spec);
  }
  return seen;
}

test("src/index.ts imports nothing from node:", () => {
  const graph = [...importGraph(resolve(import.meta.dirname, "../../../src/index.ts"))];
  expect(graph.filter((s) => s.startsWith("node:") || s === "fs" || s === "crypto")).toEqual([]);
  expect(graph.some((s) => s.endsWith("core/engine.ts"))).toBe(true);
});

test("createEngine from wasm bytes, fed capture bytes in slices, as a page would", async () => {
  const wasm = readFileSync(resolve(import.meta.dirname, "../../../build/core.wasm"));
  const capture = readFileSync(resolve(import.meta.dirname, "../../../samples/sample.pcap"));
  const seen: Record<string, string> = {};
  const engine = await createEngine(new Uint8Array(wasm), { policy: "bsd" }, {
    onData(conn, dir, bytes) { seen[`${conn.id} ${dir}`] = (seen[`${conn.id} ${dir}`] ?? "") + new TextDecoder("latin1").decode(bytes); },
  });
  for (let o = 0; o < capture.length; o += 1000) engine.feed(new Uint8Array(capture.subarray(o, o + 1000)));
  engine.commit(0, true);
  engine.finish();
  expect(seen["1 toserver"]).toBe("GET /index.html HTTP/1.1\r\nHost: example.test\r\n\r\n");
  expect(seen["2 toserver"]).toBe("GET /GOOD HTTP/1.1\r\n\r\n");
  expect(engine.stats().flows_created).toBe(4);
});
