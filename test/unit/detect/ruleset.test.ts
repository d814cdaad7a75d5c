// The content-chain verifier (detect/ruleset.ts) as a table: rule, stream, where the fast pattern
// matched, expected verdict and start. Semantics as Suricata's content inspection, on stream offsets.

import { describe, expect, test } from "vitest";
import { parseRules } from "../../../src/rules/parse.js";
import { compileRuleSet, verify, Verdict, VERIFY_BUDGET } from "../../../src/detect/ruleset.js";

function rule(opts: string) {
  const r = parseRules(`alert tcp any any -> any any (msg:"t"; ${opts} sid:1;)`);
  if (r.errors.length) throw new Error(r.errors[0]!.reason);
  return compileRuleSet(r.rules).rules[0]!;
}
const win = (text: string, final = true, base = 0) => ({ buf: new TextEncoder().encode(text), base, final });
/** fpEnd of the fast pattern's k-th occurrence in text. */
function fpEnd(text: string, pat: string, k = 0): number {
  let at = -1;
  for (let i = 0; i <= k; i++) at = text.toLowerCase().indexOf(pat.toLowerCase(), at + 1);
  return at + pat.length;
}

type Row = [string, string, string, string, Verdict, number];   // name, options, stream, fast pattern text, verdict, start
const V = Verdict;
const ROWS: Row[] = [
  // one content
  ["single content", `content:"abc";`, "xxabc", "abc", V.Yes, 2],
  ["offset reached", `content:"abc"; offset:2;`, "xxabc", "abc", V.Yes, 2],
  ["offset not reached", `content:"abc"; offset:3;`, "xxabc", "abc", V.No, -1],
  ["depth holds it", `content:"abc"; depth:5;`, "xxabc", "abc", V.Yes, 2],
  ["depth cuts it", `content:"abc"; depth:4;`, "xxabc", "abc", V.No, -1],
  ["depth counted from offset", `content:"abc"; offset:2; depth:3;`, "xxabc", "abc", V.Yes, 2],
  ["nocase", `content:"ABC"; nocase;`, "xxaBc", "abc", V.Yes, 2],
  // relative chains: [prevEnd + distance, prevEnd + distance + within)
  ["distance 0 within fits", `content:"GET"; content:"HTTP"; distance:0; within:10;`, "GET /x HTTP", "HTTP", V.Yes, 0],
  ["within too short", `content:"GET"; content:"HTTP"; distance:0; within:6;`, "GET /x HTTP", "HTTP", V.No, -1],
  ["within counted after distance", `content:"GET"; content:"HTTP"; distance:4; within:4;`, "GET /x HTTP", "HTTP", V.Yes, 0],
  ["distance too far", `content:"GET"; content:"HTTP"; distance:5;`, "GET /x HTTP", "HTTP", V.No, -1],
  ["negative distance", `content:"bc"; content:"ab"; distance:-3; within:2;`, "abc", "bc", V.Yes, 0],
  ["backtracks to a later first content", `content:"a"; content:"b"; distance:0; within:1; fast_pattern;`, "a a ab", "b", V.Yes, 4],
  ["fast pattern first, later content after", `content:"USER"; fast_pattern; content:"root"; distance:1; within:5;`, "USER root", "USER", V.Yes, 0],
  ["later content missing (final)", `content:"USER"; fast_pattern; content:"root"; distance:1; within:5;`, "USER admin", "USER", V.No, -1],
  // negation
  ["negated absent", `content:"USER"; content:!"admin"; distance:0; within:8;`, "USER root", "USER", V.Yes, 0],
  ["negated present", `content:"USER"; content:!"admin"; distance:0; within:8;`, "USER admin", "USER", V.No, -1],
];

describe("verify(): content chains", () => {
  test.each(ROWS)("%s", (_name, opts, text, fp, verdict, start) => {
    const cr = rule(opts);
    const r = verify(cr, fpEnd(text, fp, fp === "b" ? 0 : 0), win(text));
    expect([r.verdict, r.start]).toEqual([verdict, start]);
  });

  test("not final: a region that runs past the data waits (NeedMore), then matches when data comes", () => {
    const cr = rule(`content:"USER"; fast_pattern; content:"root"; distance:1; within:5;`);
    expect(verify(cr, 4, win("USER ro", false)).verdict).toBe(Verdict.NeedMore);
    expect(verify(cr, 4, win("USER root", false))).toEqual({ verdict: Verdict.Yes, start: 0 });
    expect(verify(cr, 4, win("USER ro", true)).verdict).toBe(Verdict.No);
  });

  test("bytes before the window are gone: a content there does not match", () => {
    const cr = rule(`content:"GET"; content:"HTTP"; distance:0;`);
    // stream "GET /x HTTP", window starts at offset 4 ("x HTTP")
    expect(verify(cr, 11, win("x HTTP", true, 5)).verdict).toBe(Verdict.No);
    expect(verify(cr, 11, win("GET /x HTTP", true, 0)).verdict).toBe(Verdict.Yes);
  });

  test("a crafted stream cannot make one verification run away (budget)", () => {
    // every choice of the three "a" fails (the fast pattern must follow the third at once): O(n^3) tries
    const cr = rule(`content:"a"; content:"a"; distance:0; content:"a"; distance:0; content:"zz"; distance:0; within:2; fast_pattern;`);
    const text = "a".repeat(3000) + "bzz";
    const r = verify(cr, text.length, win(text));
    expect(r.verdict).toBe(Verdict.Budget);
    expect(VERIFY_BUDGET).toBeGreaterThan(1000);
    // and inputs under the budget get their real answer
    expect(verify(cr, 5, win("aaazz")).verdict).toBe(Verdict.Yes);
    expect(verify(cr, 6, win("aaabzz")).verdict).toBe(Verdict.No);
  });
});

describe("compileRuleSet", () => {
  test("one pattern per distinct fast pattern (case folded for nocase); rules share it", () => {
    const { rules } = parseRules([
      `alert tcp any any -> any any (msg:"1"; content:"Evil"; nocase; sid:1;)`,
      `alert tcp any any -> any any (msg:"2"; content:"EVIL"; nocase; sid:2;)`,
      `alert tcp any any -> any any (msg:"3"; content:"EVIL"; sid:3;)`,
      `alert tcp any any -> any any (msg:"4"; content:"x"; content:"longer one"; sid:4;)`,
    ].join("\n"));
    const rs = compileRuleSet(rules);
    expect(rs.patterns.map((p) => [new TextDecoder().decode(p.bytes), p.caseless])).toEqual([["evil", true], ["EVIL", false], ["longer one", false]]);
    expect(rs.byPattern.map((l) => l.map((c) => c.rule.sid))).toEqual([[1, 2], [3], [4]]);
    expect(rs.needsHistory).toBe(true);
    expect(rs.rules.map((c) => c.simple)).toEqual([true, true, true, false]);
  });
});

describe("long contents", () => {
  test("a fast pattern longer than the prefilter's limit is looked for by its tail and verified whole", async () => {
    const { TcpConversation } = await import("../../support/packets.js");
    const { scanFrames } = await import("../../support/scan.js");
    const { MAX_PREFILTER_LITERAL } = await import("../../../src/detect/ruleset.js");
    const long = Array.from({ length: 300 }, (_, i) => String.fromCharCode(0x61 + (i * 7) % 26)).join("");
    const rules = `alert tcp any any -> any any (msg:"long"; content:"${long}"; sid:1;)`;
    const rs = compileRuleSet(parseRules(rules).rules);
    expect(rs.patterns[0]!.bytes.length).toBe(MAX_PREFILTER_LITERAL);
    expect(rs.rules[0]!.fpTruncated).toBe(true);
    const run = async (payload: string) => {
      const c = new TcpConversation({ client: "10.0.0.1:1000", server: "10.0.0.2:80" });
      c.handshake().clientSend(payload, { segmentSize: 100 }).serverAck().clientFin().serverFin().clientAck();
      return (await scanFrames(rules, c.records(), { config: { checksum: "off" } })).alerts.map((a) => a.offset);
    };
    expect(await run(`xx${long}yy`)).toEqual([2]);
    // only the tail (what the prefilter looks for) is there: no alert
    expect(await run(`xx${"Z".repeat(45)}${long.slice(45)}yy`)).toEqual([]);
  });
});
