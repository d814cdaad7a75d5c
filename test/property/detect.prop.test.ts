// Chunking invariance (issue 3): IDS runs with fixed and randomized chunk sizes (any seed), inline
// runs and a run that delivers on every ACK find exactly the matches a plain search finds in the whole
// stream, whatever the segmentation, reordering and duplication of the segments.

import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { TcpConversation } from "../support/packets.js";
import { scanFrames } from "../support/scan.js";
import type { InspectionConfig } from "../../src/config/schema.js";
import { naivePrefilterEngine } from "../../src/prefilter/naive.js";

const PATTERNS = ["abcab", "ba", "cabbac", "aaaa", "bcb", "abacabad"];
const RULES = PATTERNS.map((p, i) => `alert tcp any any -> any any (msg:"p${i}"; content:"${p}"; sid:${i + 1};)`).join("\n");

/** The reference: every occurrence of every pattern in the whole stream. */
function reference(stream: string, dir: string): string[] {
  const out: string[] = [];
  PATTERNS.forEach((p, i) => {
    for (let at = stream.indexOf(p); at >= 0; at = stream.indexOf(p, at + 1)) out.push(`${i + 1} ${dir} ${at}`);
  });
  return out.sort();
}

const streamArb = fc.array(fc.constantFrom("a", "b", "c", "d"), { minLength: 1, maxLength: 400 }).map((a) => a.join(""));

interface Plan { cuts: number[]; order: number[]; dups: number[] }
const planArb = (len: number) => fc.record({
  cuts: fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, len - 1) }), { maxLength: 40 }),
  order: fc.array(fc.nat(), { maxLength: 50 }),
  dups: fc.array(fc.nat(), { maxLength: 5 }),
});

function frames(toServer: string, toClient: string, p: Plan, q: Plan) {
  const c = new TcpConversation({ client: "10.1.1.1:5555", server: "10.1.1.2:8080", isnClient: 0xfffffff0, isnServer: 0x7ffffff0 });
  c.handshake();
  const pieces = (s: string, plan: Plan) => {
    const cuts = [0, ...plan.cuts.filter((x) => x < s.length).sort((a, b) => a - b), s.length];
    const segs: Array<[number, string]> = [];
    for (let i = 0; i + 1 < cuts.length; i++) if (cuts[i]! < cuts[i + 1]!) segs.push([cuts[i]!, s.slice(cuts[i], cuts[i + 1])]);
    for (let i = 0; i < plan.order.length && segs.length > 1; i++) {          // reorder
      const a = plan.order[i]! % segs.length, b = (i * 7 + 3) % segs.length;
      [segs[a], segs[b]] = [segs[b]!, segs[a]!];
    }
    for (const d of plan.dups) if (segs.length) segs.push(segs[d % segs.length]!); // identical re-sends
    return segs;
  };
  for (const [off, data] of pieces(toServer, p)) c.clientSend(data, { relSeq: 1 + off });
  c.serverAck();
  for (const [off, data] of pieces(toClient, q)) c.serverSend(data, { relSeq: 1 + off });
  c.clientAck();
  c.clientFin().serverFin().clientAck();
  return c.records();
}

describe("matches do not depend on segmentation or chunking", () => {
  test("IDS (fixed, randomized, per-ACK) and inline runs equal a whole-stream search", async () => {
    await fc.assert(fc.asyncProperty(
      streamArb, streamArb,
      fc.integer({ min: 1, max: 64 }), fc.integer({ min: 0, max: 90 }), fc.nat(),
      streamArb.chain((s) => planArb(s.length)), streamArb.chain((s) => planArb(s.length)),
      async (ts, tc, chunk, range, seed, p, q) => {
        const f = frames(ts, tc, p, q);
        const want = [...reference(ts, "toserver"), ...reference(tc, "toclient")].sort();
        const modes: InspectionConfig[] = [
          { mode: "ids" },
          { mode: "ids", toserverChunkSize: chunk, toclientChunkSize: chunk * 2 },
          { mode: "ids", toserverChunkSize: chunk, toclientChunkSize: chunk, randomizeChunkRange: range, seed },
          { mode: "inline" },
        ];
        for (const inspection of modes) {
          // the core scanning deliveries in place, and the host scanning them (another engine)
          for (const prefilter of ["core", naivePrefilterEngine] as const) {
            const r = await scanFrames(RULES, f, { config: { checksum: "off", policy: "first", inspection }, prefilter });
            const got = r.alerts.map((a) => `${a.sid} ${a.dir} ${a.offset}`).sort();
            expect(got, `${JSON.stringify(inspection)} ${prefilter === "core" ? "core" : "host"}`).toEqual(want);
          }
        }
      }), { numRuns: 60 });
  });
});
