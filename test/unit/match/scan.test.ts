// test/unit/match/scan.test.ts: the matcher's semantics as case tables (assembly/match/scan.ts), each
// run in block mode and streamed whole, one byte at a time and in random writes; every result is also
// compared with the naive reference engine.

import { afterAll, describe, expect, test } from "vitest";
import { naivePrefilterEngine } from "../../../src/prefilter/naive.js";
import type { PatternSpec, Prefilter } from "../../../src/prefilter/prefilter.js";
import { bytes, coreEngine, DELIVERY_MODES, pat, scanBlock, scanStream, sorted, type Match } from "../../support/prefilter.js";

const engine = await coreEngine();
const live: Prefilter[] = [];
afterAll(() => { for (const p of live) p.free(); });

const long = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 7 + (i >> 3)) & 0xff);
const L200 = long(200, 1), L10 = long(10, 2), L64 = long(64, 3);
const ABSENT = Uint8Array.of([...Array(256).keys()].find((b) => !L200.includes(b))!);  // a byte not in L200
const cat = (...parts: Array<string | Uint8Array>) => {
  const bs = parts.map((p) => (typeof p === "string" ? bytes(p) : p));
  const out = new Uint8Array(bs.reduce((n, b) => n + b.length, 0));
  let o = 0;
  for (const b of bs) { out.set(b, o); o += b.length; }
  return out;
};

interface Case { name: string; patterns: PatternSpec[]; data: Uint8Array; want: Match[] }
const CASES: Case[] = [
  // 1-byte literals
  { name: "1-byte literal at offset 0 and at the end", patterns: [pat(1, "a")], data: bytes("abca"), want: [[1, 1], [1, 4]] },
  { name: "1-byte caseless", patterns: [pat(1, "q", true)], data: bytes("Qxq"), want: [[1, 1], [1, 3]] },
  { name: "1-byte exact ignores the other case", patterns: [pat(1, "q")], data: bytes("Qxq"), want: [[1, 3]] },
  // case
  { name: "caseless matches every case mix", patterns: [pat(5, "host", true)], data: bytes("HOST hOsT host"), want: [[5, 4], [5, 9], [5, 14]] },
  { name: "exact matches only its case", patterns: [pat(5, "Host")], data: bytes("HOST Host host"), want: [[5, 9]] },
  { name: "caseless folds letters only (@ is not `)", patterns: [pat(1, "a@", true)], data: bytes("a`A@"), want: [[1, 4]] },
  { name: "caseless and exact twins both report", patterns: [pat(1, "ab", true), pat(2, "ab")], data: bytes("AB ab"), want: [[1, 2], [1, 5], [2, 5]] },
  // overlaps and duplicates
  { name: "overlapping occurrences: aa in aaaa", patterns: [pat(9, "aa")], data: bytes("aaaa"), want: [[9, 2], [9, 3], [9, 4]] },
  { name: "nested literals end together", patterns: [pat(1, "abc"), pat(2, "bc"), pat(3, "c")], data: bytes("xabc"), want: [[1, 4], [2, 4], [3, 4]] },
  { name: "duplicates with distinct ids each report", patterns: [pat(1, "dup"), pat(2, "dup"), pat(3, "DUP", true)], data: bytes("dup"), want: [[1, 3], [2, 3], [3, 3]] },
  { name: "same id twice reports twice", patterns: [pat(4, "zz"), pat(4, "zz")], data: bytes("zz"), want: [[4, 2], [4, 2]] },
  // lengths
  { name: "literal of exactly the data", patterns: [pat(1, L10)], data: L10, want: [[1, 10]] },
  { name: "200-byte literal", patterns: [pat(1, L200), pat(2, ABSENT)], data: cat(ABSENT, ABSENT, L200, ABSENT), want: [[1, 202], [2, 1], [2, 2], [2, 203]] },
  { name: "long literal one byte short does not match", patterns: [pat(1, L64)], data: L64.subarray(1), want: [] },
  { name: "long literal with its first byte changed", patterns: [pat(1, L64)], data: cat(Uint8Array.of(L64[0]! ^ 1), L64.subarray(1)), want: [] },
  { name: "mixed lengths 1..12", patterns: Array.from({ length: 12 }, (_, i) => pat(i, "abcdefghijkl".slice(12 - i - 1))), data: bytes("abcdefghijkl"),
    want: Array.from({ length: 12 }, (_, i) => [i, 12] as Match) },
  // bytes
  { name: "bytes 0x00 and 0xFF", patterns: [pat(1, Uint8Array.of(0, 0xff)), pat(2, Uint8Array.of(0xff))], data: Uint8Array.of(0xff, 0, 0xff, 0),
    want: [[2, 1], [1, 3], [2, 3]] },
  { name: "zero bytes before stream start are not data", patterns: [pat(1, Uint8Array.of(0, 0, 0x41))], data: bytes("A"), want: [] },
  { name: "no match in empty-ish data", patterns: [pat(1, "abc")], data: bytes("ab"), want: [] },
];

describe.each(CASES)("$name", (c) => {
  const pf = engine.compile(c.patterns);
  live.push(pf);
  const naive = naivePrefilterEngine.compile(c.patterns);
  test("naive reference agrees with the table", () => {
    expect(sorted(scanBlock(naive, c.data))).toEqual(sorted(c.want));
  });
  test("block", () => { expect(sorted(scanBlock(pf, c.data))).toEqual(sorted(c.want)); });
  test.each(DELIVERY_MODES)("stream, %s", (_m, sizes) => {
    expect(sorted(scanStream(pf, c.data, sizes(c.data)))).toEqual(sorted(c.want));
  });
});

describe("streams", () => {
  test("a match spanning 2..N writes is reported in the write of its last byte, in stream coordinates", () => {
    const pf = engine.compile([pat(1, "spanning-literal"), pat(2, "g")]);
    live.push(pf);
    for (let cut = 1; cut < 16; cut++) {
      const s = pf.open();
      const got: Array<[number, number, number]> = [];
      const data = bytes("..spanning-literal..");
      s.scan(data.subarray(0, 2 + cut), (id, end) => got.push([0, id, end]));
      s.scan(data.subarray(2 + cut), (id, end) => got.push([1, id, end]));
      s.close();
      expect(got).toContainEqual([1, 1, 18]);
    }
  });
  test("1-byte literal at the last byte of a write is reported in that write (no lag)", () => {
    const pf = engine.compile([pat(7, "z"), pat(8, "yz")]);
    live.push(pf);
    const s = pf.open();
    const calls: Match[][] = [];
    for (const w of ["ay", "z", "", "bz"]) { const got: Match[] = []; s.scan(bytes(w), (id, e) => got.push([id, e])); calls.push(got); }
    expect(calls).toEqual([[], [[7, 3], [8, 3]], [], [[7, 5]]]);
  });
  test("reset starts over at offset 0 with no history", () => {
    const pf = engine.compile([pat(1, "abc")]);
    live.push(pf);
    const s = pf.open();
    const got: Match[] = [];
    s.scan(bytes("xab"), (id, e) => got.push([id, e]));
    s.reset();
    s.scan(bytes("c abc"), (id, e) => got.push([id, e]));
    expect(got).toEqual([[1, 5]]);
    s.close();
  });
  test("interleaved streams keep their own state", () => {
    const pf = engine.compile([pat(1, "hello world", true)]);
    live.push(pf);
    const a = pf.open(), b = pf.open();
    const got: Array<[string, number]> = [];
    a.scan(bytes("hello "), (_i, e) => got.push(["a", e]));
    b.scan(bytes("xHELLO "), (_i, e) => got.push(["b", e]));
    b.scan(bytes("WORLD"), (_i, e) => got.push(["b", e]));
    a.scan(bytes("world"), (_i, e) => got.push(["a", e]));
    expect(got).toEqual([["b", 12], ["a", 11]]);
    a.close(); b.close();
  });
  test("zero-copy: data already in the core's memory is scanned in place", async () => {
    const { createNodePrefilterEngine } = await import("../../../src/prefilter/node.js");
    const e = await createNodePrefilterEngine({ debug: true });
    const pf = e.compile([pat(3, "needle")]);
    const m = e.matcher;
    const at = m.scratch(64) + 32;  // not the spot place() would copy to
    const view = new Uint8Array(m.memory.buffer, at, 16);
    view.set(bytes("a needle here..."));
    const got: Match[] = [];
    pf.scanBlock(view, (id, end) => got.push([id, end]));
    expect(got).toEqual([[3, 8]]);
    pf.free();
  });
  test("sizes are reported and sane", () => {
    const pf = engine.compile([pat(1, L200), pat(2, "abc", true)]);
    live.push(pf);
    expect(pf.patternCount).toBe(2);
    expect(pf.maxLength).toBe(200);
    expect(pf.dbBytes).toBeGreaterThan(203);
    expect(pf.dbBytes).toBeLessThan(1 << 20);
    expect(pf.streamBytes).toBeGreaterThanOrEqual(199);
    expect(pf.streamBytes).toBeLessThan(512);
  });
});
