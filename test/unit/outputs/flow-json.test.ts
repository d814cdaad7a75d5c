// outputs/flow-json.ts: the text-built flow line is byte-for-byte JSON.stringify of the flow record (as an
// object, built here), on every corpus capture (gaps, events, RSTs, depth and memcap flags, IPv6, files).
import { describe, expect, test } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createNodeEngine, feedFile } from "../../../src/node.js";
import { flowJsonLine, flowOutputCallbacks, isoTimestamp, type FlowExtra } from "../../../src/outputs/flow-json.js";
import type { ConnectionRecord } from "../../../src/core/engine.js";
import { CORPUS, HAVE_CORPUS, corpusFiles } from "../../support/corpus.js";

/** The reference: the flow record as an object, every field named (README "`--json` records"). */
function flowJson(rec: ConnectionRecord, extra: FlowExtra): Record<string, unknown> {
  const dir = (d: "toserver" | "toclient") => {
    const o: Record<string, unknown> = {
      bytes: rec[d].bytes,
      sha256: extra[d].sha256,
      gaps: extra[d].gaps,
      gap_bytes: rec[d].gapBytes,
      wire_bytes: rec[d].wireBytes,
      fin: rec[d].fin,
      rst: rec[d].rst,
      depth_reached: rec[d].depthReached,
      memcap_reached: rec[d].memcapReached,
      policy: rec[d].policy,
    };
    if (extra.files[d]) o.file = extra.files[d];
    return o;
  };
  return {
    timestamp: isoTimestamp(rec.firstTs),
    event_type: "flow",
    flow_id: rec.id,
    proto: "TCP",
    src_ip: rec.srcIp,
    src_port: rec.srcPort,
    dest_ip: rec.destIp,
    dest_port: rec.destPort,
    state: rec.state,
    reason: rec.endReason,
    midstream: rec.midstream,
    pkts_toserver: rec.toserver.packets,
    pkts_toclient: rec.toclient.packets,
    start: isoTimestamp(rec.firstTs),
    end: isoTimestamp(rec.lastTs),
    toserver: dir("toserver"),
    toclient: dir("toclient"),
    events: rec.events,
  };
}

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
