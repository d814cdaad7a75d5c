// test/unit/core/abi.test.ts: the TypeScript mirror (src/core/abi.ts) against the core it describes.

import { expect, test } from "vitest";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { createNodeEngine } from "../../../src/node.js";
import { EVENTS, Layout, STATS, Cfg } from "../../../src/core/abi.js";
import { validateConfig } from "../../../src/config/validate.js";
import { EngineError } from "../../../src/core/errors.js";

const src = (p: string) => readFileSync(resolve(import.meta.dirname, "../../../assembly", p), "utf8");
const enumCount = (text: string) => Number(/^\s+Count = (\d+)/m.exec(text)![1]);

test("layout constants match the core", async () => {
  const e = await createNodeEngine();
  expect([0, 1, 2, 3, 4, 5].map((i) => e.coreLayout(i))).toEqual([Layout.FLOW_SIZE, Layout.EP_SIZE, Layout.F_EP, Layout.SEG_SIZE, Layout.PAGE_SIZE, Layout.F_SLOT]);
  expect(e.coreStatsCount()).toBe(STATS.length);
});

test("event, stat and config lists have as many entries as the core's enums", () => {
  expect(EVENTS.length).toBe(enumCount(src("abi/events.ts")));
  expect(STATS.length).toBe(enumCount(src("abi/stats.ts")));
  expect(Object.keys(Cfg).length).toBe(enumCount(src("abi/config.ts")));
  // every event name in the mirror is the one the core's comment gives, in order
  const names = [...src("abi/events.ts").matchAll(/= (\d+),\s+\/\/ ([a-z0-9_.]+)/g)].map((m) => m[2]);
  expect(names).toEqual([...EVENTS]);
});

test("config: unknown keys and bad values are rejected with the key named", () => {
  const msg = (c: unknown) => { try { validateConfig(c as never); return ""; } catch (e) { expect(e).toBeInstanceOf(EngineError); return (e as Error).message; } };
  expect(msg({ polcy: "bsd" })).toMatch(/config "polcy": unknown key; known keys: policy,/);
  expect(msg({ timeouts: { idle: 3 } })).toMatch(/config "timeouts.idle": unknown key/);
  expect(msg({ depth: 1.5 })).toMatch(/config "depth": must be an integer/);
  expect(msg({ hostPolicies: { "10.0.0.0/33": "linux" } })).toMatch(/prefix length must be 0..32/);
  expect(msg({ hostPolicies: { "10.0.0.0/8": "amiga" } })).toMatch(/unknown policy "amiga"/);
  expect(validateConfig({ policy: "win2k3" }).policy).toBe("windows");
  expect(validateConfig({ policy: "old_linux" }).policy).toBe("old-linux");
});
