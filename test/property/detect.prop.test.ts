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

// ---- rules with several contents: the verifier's verdicts do not depend on the cuts either -----------

import { parseRules } from "../../src/rules/parse.js";
import { compileRuleSet, verify, Verdict } from "../../src/detect/ruleset.js";

const contentArb = fc.record({
  text: fc.array(fc.constantFrom("a", "b", "c"), { minLength: 1, maxLength: 3 }).map((a) => a.join("")),
  negated: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
  rel: fc.option(fc.record({ distance: fc.integer({ min: -2, max: 4 }), extra: fc.option(fc.integer({ min: 0, max: 6 })) })),
  abs: fc.option(fc.record({ offset: fc.integer({ min: 0, max: 20 }), extra: fc.option(fc.integer({ min: 0, max: 60 })) })),
});
const ruleArb = fc.array(contentArb, { minLength: 1, maxLength: 3 }).map((cs) => {
  const parts = cs.map((c, k) => {
    let t = `content:${c.negated && k > 0 ? "!" : ""}"${c.text}";`;
    if (k > 0 && c.rel) t += ` distance:${c.rel.distance};${c.rel.extra !== null ? ` within:${c.text.length + c.rel.extra};` : ""}`;
    else if (c.abs) t += ` offset:${c.abs.offset};${c.abs.extra !== null ? ` depth:${c.text.length + c.abs.extra};` : ""}`;
    return t;
  });
  return parts.join(" ");
});

describe("multi-content rules: verdicts do not depend on segmentation or chunking", () => {
  test("every inspection mode equals verification over the whole stream", async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(ruleArb, { minLength: 1, maxLength: 6 }), streamArb,
      fc.integer({ min: 1, max: 40 }), fc.nat(), streamArb.chain((s) => planArb(s.length)),
      async (bodies, ts, chunk, seed, p) => {
        const text = bodies.map((b, i) => `alert tcp any any -> any any (msg:"r${i}"; ${b} sid:${i + 1};)`).join("\n");
        const parsed = parseRules(text, "prop.rules");
        fc.pre(parsed.rules.length > 0);
        const ok = parsed.rules.map((r) => `alert tcp any any -> any any (msg:"r"; ${bodies[r.sid - 1]} sid:${r.sid};)`).join("\n");
        const rs = compileRuleSet(parsed.rules);
        // reference: each occurrence of each fast pattern, verified over the whole stream
        const want = new Set<string>();
        const buf = new TextEncoder().encode(ts);
        for (const cr of rs.rules) {
          const fp = new TextDecoder().decode(cr.folded[cr.fp]);
          for (let at = ts.indexOf(fp); at >= 0; at = ts.indexOf(fp, at + 1)) {
            const r = verify(cr, at + fp.length, { buf, base: 0, final: true, horizon: 65536 });
            if (r.verdict === Verdict.Yes) want.add(`${cr.rule.sid} ${r.start}`);
          }
        }
        const f = frames(ts, "", p, { cuts: [], order: [], dups: [] });
        const modes: InspectionConfig[] = [
          { mode: "ids" },
          { mode: "ids", toserverChunkSize: chunk, randomizeChunkRange: 60, seed },
          { mode: "inline" },
        ];
        for (const inspection of modes) for (const prefilter of ["core", naivePrefilterEngine] as const) {
          const r = await scanFrames(ok, f, { config: { checksum: "off", policy: "first", inspection }, prefilter });
          const got = new Set(r.alerts.map((a) => `${a.sid} ${a.offset}`));
          expect([...got].sort(), `${JSON.stringify(inspection)}\n${ok}`).toEqual([...want].sort());
        }
      }), { numRuns: 80 });
  });
});
