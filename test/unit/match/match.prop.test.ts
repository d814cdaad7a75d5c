// test/unit/match/match.prop.test.ts: random pattern sets (1..300 literals of 1..40 bytes over a small
// alphabet, so matches are frequent and buckets fill up) and random streams cut into random writes:
// streaming == block == naive, as sorted (id, end) lists; then targeted sets (stride 2, zero runs, few
// literals, shared suffixes).

import { expect, test } from "vitest";
import fc from "fast-check";
import { naivePrefilterEngine } from "../../../src/prefilter/naive.js";
import { coreEngine, scanBlock, scanStream, sorted } from "../../support/prefilter.js";

const engine = await coreEngine();

/** The core's block scan and its streaming scan, cut by each of `writeSets`, equal the naive engine. */
function agreesWithNaive(patterns: Parameters<typeof engine.compile>[0], data: Uint8Array, writeSets: number[][]): void {
  const want = sorted(scanBlock(naivePrefilterEngine.compile(patterns), data));
  const pf = engine.compile(patterns);
  try {
    expect(sorted(scanBlock(pf, data))).toEqual(want);
    for (const sizes of writeSets) expect(sorted(scanStream(pf, data, sizes))).toEqual(want);
  } finally { pf.free(); }
}
// a, b, A, B, 0x00, 0xff, '@' (next to 'A'), '`' (next to 'a'): case pairs and fold edge bytes
const ALPHABET = [0x61, 0x62, 0x41, 0x42, 0x00, 0xff, 0x40, 0x60];
const byteArb = fc.constantFrom(...ALPHABET);

const patternsArb = fc.array(
  fc.record({
    bytes: fc.oneof(
      { weight: 3, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 6 }).map((a) => a.map((x) => ALPHABET[x % 8]!)) },
      { weight: 1, arbitrary: fc.array(byteArb, { minLength: 7, maxLength: 40 }).map((a) => Uint8Array.from(a)) },
    ),
    caseless: fc.boolean(),
  }),
  { minLength: 1, maxLength: 300 },
).map((ps) => ps.map((p, i) => ({ id: i * 3 + 1, ...p })));

test("streaming == block == naive on random sets and random writes", () => {
  fc.assert(fc.property(
    patternsArb,
    fc.array(byteArb, { minLength: 0, maxLength: 600, size: "max" }).map((a) => Uint8Array.from(a)),
    fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 20 }),
    (patterns, data, writes) => agreesWithNaive(patterns, data, [writes.some((w) => w > 0) ? writes : [1]]),
  ), { numRuns: 150 });
});

test("streams interleaved on one db do not disturb each other", () => {
  fc.assert(fc.property(
    patternsArb,
    fc.array(fc.array(byteArb, { maxLength: 200 }).map((a) => Uint8Array.from(a)), { minLength: 2, maxLength: 5 }),
    fc.integer({ min: 1, max: 17 }),
    (patterns, datas, w) => {
      const pf = engine.compile(patterns);
      const naive = naivePrefilterEngine.compile(patterns);
      try {
        const streams = datas.map(() => pf.open());
        const got = datas.map(() => [] as Array<[number, number]>);
        for (let off = 0; datas.some((d) => off < d.length); off += w) {
          datas.forEach((d, i) => streams[i]!.scan(d.subarray(off, off + w), (id, e) => got[i]!.push([id, e])));
        }
        streams.forEach((s) => s.close());
        datas.forEach((d, i) => expect(sorted(got[i]!)).toEqual(sorted(scanBlock(naive, d))));
      } finally { pf.free(); }
    },
  ), { numRuns: 40 });
});

// Small sets with no 1-byte literal use the stride-2 scan (every other position looked up, 2-byte
// literals checked as byte pairs with SIMD compares; match/database.ts pairsFill): the same property,
// also one byte at a time.
const stride2Arb = fc.tuple(
  fc.array(fc.record({ bytes: fc.array(byteArb, { minLength: 2, maxLength: 2 }).map((a) => Uint8Array.from(a)), caseless: fc.boolean() }),
    { maxLength: 3 }),
  fc.array(fc.record({ bytes: fc.array(byteArb, { minLength: 3, maxLength: 24 }).map((a) => Uint8Array.from(a)), caseless: fc.boolean() }),
    { minLength: 1, maxLength: 60 }),
  // et-100's shape: 2-byte literals in a bucket of their own, next to many long ones
  fc.array(fc.record({ bytes: fc.array(byteArb, { minLength: 10, maxLength: 24 }).map((a) => Uint8Array.from(a)), caseless: fc.boolean() }),
    { minLength: 0, maxLength: 80, size: "max" }),
).map(([short, mid, long]) => [...short, ...(long.length > 20 ? [] : mid), ...long].map((p, i) => ({ id: i * 5 + 2, ...p })));

test("stride-2 sets: streaming (random and 1-byte writes) == block == naive", () => {
  fc.assert(fc.property(
    stride2Arb,
    fc.array(byteArb, { minLength: 0, maxLength: 600, size: "max" }).map((a) => Uint8Array.from(a)),
    fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 20 }),
    (patterns, data, writes) => agreesWithNaive(patterns, data, [writes, [1]]),
  ), { numRuns: 150 });
});

// Zero runs: the scans drop candidates of buckets all of whose literals have a non-zero byte in their last
// r bytes where the last r bytes are zero (match/zeroruns.ts, DB_ZERODROP). Literals rich in
// zeros, streams of long zero runs between short random pieces; with and without a 1-byte literal
// (stride 1 / stride 2).
const zeroByte = fc.constantFrom(0x00, 0x00, 0x00, 0x01, 0x61, 0x41);
const zeroSetArb = fc.tuple(
  fc.array(fc.record({ bytes: fc.array(zeroByte, { minLength: 2, maxLength: 24 }).map((a) => Uint8Array.from(a)), caseless: fc.boolean() }),
    { minLength: 1, maxLength: 40 }),
  fc.boolean(),
).map(([ps, one]) => [...ps, ...(one ? [{ bytes: Uint8Array.of(0x61), caseless: false }] : [])].map((p, i) => ({ id: i * 7 + 3, ...p })));
const zeroDataArb = fc.array(fc.oneof(
  fc.integer({ min: 0, max: 70 }).map((n) => new Array<number>(n).fill(0)),
  fc.array(zeroByte, { maxLength: 20 }),
), { maxLength: 30 }).map((parts) => Uint8Array.from(parts.flat()));

test("zero runs: streaming (random and 1-byte writes) == block == naive", () => {
  fc.assert(fc.property(
    zeroSetArb,
    zeroDataArb,
    fc.array(fc.integer({ min: 1, max: 70 }), { minLength: 1, maxLength: 20 }),
    (patterns, data, writes) => agreesWithNaive(patterns, data, [writes, [1]]),
  ), { numRuns: 200 });
});

// Sets of at most 4 literals (FEW_MAX) use the SIMD rare-byte scan (match/few.ts) instead of the
// shift-or; sets of 5-8 here take the stride-2 shift-or (also the smallest of the stride-2 sets above).
// The same property for them, with 1-byte writes too, data long enough for the 16-position steps, and
// 1-byte and caseless literals.
const fewArb = fc.array(
  fc.record({
    bytes: fc.oneof(
      fc.array(byteArb, { minLength: 1, maxLength: 3 }).map((a) => Uint8Array.from(a)),
      fc.array(byteArb, { minLength: 4, maxLength: 30 }).map((a) => Uint8Array.from(a)),
    ),
    caseless: fc.boolean(),
  }),
  { minLength: 1, maxLength: 8 },
).map((ps) => ps.map((p, i) => ({ id: i * 7 + 3, ...p })));

test("sets of 1-8 literals (the rare-byte scan up to 4): streaming (random and 1-byte writes) == block == naive", () => {
  fc.assert(fc.property(
    fewArb,
    fc.array(byteArb, { minLength: 0, maxLength: 700, size: "max" }).map((a) => Uint8Array.from(a)),
    fc.array(fc.integer({ min: 1, max: 70 }), { minLength: 1, maxLength: 20 }),
    (patterns, data, writes) => agreesWithNaive(patterns, data, [writes, [1]]),
  ), { numRuns: 300 });
});

// Literals that share their last 8 to 20 bytes and differ before (and in case): the confirm checks a
// record on its last 8 bytes (key), then the up to 8 before them (key2), both folded for caseless
// literals and raw for exact ones, and compares only the bytes before the last 16 one by one
// (match/confirm.ts). Streams are those literals, some with one byte changed or its case flipped, so
// keys and key2s meet often; with and without a 1-byte literal (stride 1 / stride 2).
const suffixSetArb = fc.tuple(
  fc.array(byteArb, { minLength: 6, maxLength: 20 }),
  fc.array(fc.record({ prefix: fc.array(byteArb, { maxLength: 14 }), cut: fc.nat({ max: 8 }), caseless: fc.boolean() }),
    { minLength: 2, maxLength: 60 }),
  fc.boolean(),
).map(([suffix, ps, one]) => [
  ...ps.map((p) => ({ bytes: Uint8Array.from([...p.prefix, ...suffix.slice(Math.min(p.cut, suffix.length - 1))]), caseless: p.caseless })),
  ...(one ? [{ bytes: Uint8Array.of(0x40), caseless: false }] : []),
].map((p, i) => ({ id: i * 11 + 5, ...p })));
const suffixCaseArb = fc.tuple(suffixSetArb, fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 2 }), byteArb), { maxLength: 40 }))
  .map(([patterns, picks]) => {
    // each pick: a literal (i), a position in it (j), 0 = as is, 1 = case of byte j flipped, 2 = byte j replaced
    const data = picks.flatMap(([i, j, how, x]) => {
      const b = [...patterns[i % patterns.length]!.bytes];
      const k = j % b.length;
      if (how === 1) b[k] = b[k]! ^ 0x20;
      if (how === 2) b[k] = x;
      return b;
    });
    return { patterns, data: Uint8Array.from(data) };
  });

test("literals sharing long suffixes (key, key2, case): streaming (random and 1-byte writes) == block == naive", () => {
  fc.assert(fc.property(
    suffixCaseArb,
    fc.array(fc.integer({ min: 1, max: 70 }), { minLength: 1, maxLength: 20 }),
    ({ patterns, data }, writes) => agreesWithNaive(patterns, data, [writes, [1]]),
  ), { numRuns: 200 });
});

// The few-literal scan compares two bytes per literal, the rarest by a static rank table (match/ranks.ts),
// at their distances from the literal's end (at most 15; the first step of a write reads them from the
// stream's history). Literals of common bytes (by that table: space, 'e', 't', 0x00) with rare ones
// ('Q', 'Z', '|', 0xd9, '`') at random places, among them the first byte, beyond the last 16, and
// caseless letters; 1- and 2-byte literals next to long ones. The data plants the literals (case
// flipped for caseless ones, or one byte changed) between random pieces, and is written in pieces of
// 1-100 bytes, so literals span writes of both the SIMD path (>= 33 bytes) and the shift-or (shorter).
// A wrong distance, a byte compared at the wrong place or a lane dropped at a write's start or end
// loses matches here.
const COMMON = [0x20, 0x65, 0x74, 0x00];
const RARE = [0x51, 0x5a, 0x7c, 0xd9, 0x60];
const rareArb = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...COMMON) }, { weight: 1, arbitrary: fc.constantFrom(...RARE) });
const rareLitArb = fc.record({
  bytes: fc.oneof(
    fc.array(rareArb, { minLength: 1, maxLength: 2 }),
    fc.array(rareArb, { minLength: 3, maxLength: 40 }),
    // one rare byte at the start of a longer literal
    fc.tuple(fc.constantFrom(...RARE), fc.array(fc.constantFrom(...COMMON), { minLength: 1, maxLength: 30 })).map(([r, c]) => [r, ...c]),
  ).map((a) => Uint8Array.from(a)),
  caseless: fc.boolean(),
});
const rareSetArb = fc.tuple(
  fc.array(rareLitArb, { minLength: 1, maxLength: 4 }),   // FEW_MAX: every set takes the rare-byte scan
  fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 3 }), fc.nat(), fc.array(rareArb, { maxLength: 40 })), { maxLength: 30 }),
).map(([lits, picks]) => {
  const patterns = lits.map((p, i) => ({ id: i * 13 + 4, ...p }));
  // each pick: a literal, 0-1 = as is, 2 = case of every letter flipped, 3 = one byte replaced; then filler
  const data = picks.flatMap(([i, how, j, filler]) => {
    const p = patterns[i % patterns.length]!;
    let b = [...p.bytes];
    if (how === 2) b = b.map((c) => ((c | 0x20) - 0x61 < 26 ? c ^ 0x20 : c));
    if (how === 3) b[j % b.length] = 0x65;
    return [...b, ...filler];
  });
  return { patterns, data: Uint8Array.from(data) };
});

test("few literals by rare bytes (at the start, caseless, spanning writes): streaming == block == naive", () => {
  fc.assert(fc.property(
    rareSetArb,
    fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 20 }),
    ({ patterns, data }, writes) => agreesWithNaive(patterns, data, [writes, [1], [33], [47, 5]]),
  ), { numRuns: 300 });
});
