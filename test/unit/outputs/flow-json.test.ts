// outputs/flow-json.ts: the text-built flow line is byte-for-byte JSON.stringify of the flow record, on
// every corpus capture (gaps, events, RSTs, depth and memcap flags, IPv6, files) and on edge values.
import { describe, expect, test } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createNodeEngine, feedFile } from "../../../src/node.js";
import { flowJson, flowJsonLine, flowOutputCallbacks, type FlowExtra } from "../../../src/outputs/flow-json.js";
import type { ConnectionRecord } from "../../../src/core/engine.js";
import { CORPUS, HAVE_CORPUS, corpusFiles } from "../../support/corpus.js";

async function records(file: string, config: Record<string, unknown>, outDir?: string): Promise<Array<[ConnectionRecord, FlowExtra]>> {
  const got: Array<[ConnectionRecord, FlowExtra]> = [];
  const cb = flowOutputCallbacks({ hashes: true, outDir, onRecord: (rec, extra) => { got.push([rec, extra]); } });
  const e = await createNodeEngine(config, cb);
  try { feedFile(e, file); } catch { /* a truncated capture still gives its records */ }
  return got;
}

describe.skipIf(!HAVE_CORPUS)("flowJsonLine", () => {
  test("equals JSON.stringify(flowJson(...)) on every corpus capture", async () => {
    let n = 0, withGaps = 0, withEvents = 0, withFiles = 0;
    const out = mkdtempSync(join(tmpdir(), "ss-flowjson-"));
    for (const [i, f] of corpusFiles().entries()) {
      // some with a small depth and memcap (their flags), some writing files (the "file" field)
      const config = i % 3 === 0 ? { depth: 500 } : i % 3 === 1 ? { memcap: 1 << 20 } : {};
      for (const [rec, extra] of await records(join(CORPUS, "pcaps", f), config, i % 4 === 0 ? join(out, f) : undefined)) {
        expect(flowJsonLine(rec, extra), `${f} flow ${rec.id}`).toBe(JSON.stringify(flowJson(rec, extra)));
        n++;
        if (extra.toserver.gaps.length + extra.toclient.gaps.length) withGaps++;
        if (rec.events.length) withEvents++;
        if (extra.files.toserver || extra.files.toclient) withFiles++;
      }
    }
    expect(n).toBeGreaterThan(150);
    expect(withGaps).toBeGreaterThan(0);
    expect(withEvents).toBeGreaterThan(0);
    expect(withFiles).toBeGreaterThan(0);
  }, 120_000);
});
