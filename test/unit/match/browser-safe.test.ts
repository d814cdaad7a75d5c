// test/unit/match/browser-safe.test.ts: the prefilter interface and the core engine must run in a
// browser: nothing they import may be a node: module (src/prefilter/node.ts is the Node-only helper).

import { expect, test } from "vitest";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

function importGraph(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  for (const m of readFileSync(entry, "utf8").matchAll(/(?:import|export)[^"']*from\s+["']([^"']+)["']/g)) {
    const spec = m[1]!;
    if (spec.startsWith(".")) importGraph(resolve(dirname(entry), spec.replace(/\.js$/, ".ts")), seen);
    else seen.add(spec);
  }
  return seen;
}

test.each(["prefilter/core.ts", "prefilter/naive.ts", "prefilter/prefilter.ts", "core/matcher.ts"])("src/%s imports nothing from node:", (f) => {
  const graph = [...importGraph(resolve(import.meta.dirname, "../../../src", f))];
  expect(graph.filter((s) => s.startsWith("node:") || s === "fs")).toEqual([]);
});
