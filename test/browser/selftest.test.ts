// test/browser/selftest.test.ts: "the same core in Node and browsers", tested: web/selftest.html runs
// the overlap policy vectors of test/policy/overlap.vectors.ts (Suricata's 27 step tables, at every ISN
// the Node suite uses) against the engine in Chromium, and must pass every one. The page also hashes
// the core it fetched: it must be build/core.wasm, byte for byte, as is the file in the built bundle.

import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { HAVE_CHROMIUM, SKIP_MESSAGE, coreWasmSha256, foreignRequests, sha256, startWeb, type WebSession } from "./support.js";
import { HAVE_REFERENCE, suricataVectors } from "../policy/overlap.vectors.js";

if (!HAVE_CHROMIUM) console.warn(SKIP_MESSAGE);

describe.skipIf(!HAVE_CHROMIUM)("core self-test page in Chromium", () => {
  let web: WebSession;
  beforeAll(async () => { web = await startWeb(); }, 120_000);
  afterAll(async () => { await web?.close(); });

  test("the bundle carries build/core.wasm unchanged", () => {
    const wasm = readdirSync(join(web.outDir, "assets")).filter((f) => f.endsWith(".wasm"));
    expect(wasm).toHaveLength(1);
    expect(sha256(readFileSync(join(web.outDir, "assets", wasm[0]!)))).toBe(coreWasmSha256());
  });

  test("every overlap vector passes in the browser, on the core Node uses", async () => {
    const { page, requests, errors } = await web.newPage();
    await page.goto(`${web.url}selftest.html`);
    await page.waitForSelector("#summary[data-status]", { timeout: 110_000 });
    expect(await page.getAttribute("#summary", "data-status")).toBe("done");
    expect(await page.getAttribute("body", "data-wasm-sha256")).toBe(coreWasmSha256());
    if (!HAVE_REFERENCE) {
      console.warn("overlap vectors skipped in the browser: ../shared/reference/stream-engines.md is absent");
      expect(await page.getAttribute("#summary", "data-reference")).toBe("false");
      return;
    }
    const rows = await page.$$eval("#vectors tbody tr", (trs) => trs.map((tr) => ({
      name: (tr as HTMLElement).dataset.vector, result: (tr as HTMLElement).dataset.result, detail: tr.lastElementChild?.textContent,
    })));
    expect(rows.map((r) => r.name)).toEqual(suricataVectors().map((v) => v.name));
    expect(rows.filter((r) => r.result !== "pass")).toEqual([]);
    expect(await page.getAttribute("#summary", "data-passed")).toBe(String(rows.length));
    expect(await page.getAttribute("#summary", "data-failed")).toBe("0");
    expect(foreignRequests(requests, web.url)).toEqual([]);
    expect(errors).toEqual([]);
  }, 120_000);
});
