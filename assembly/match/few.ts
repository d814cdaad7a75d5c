// match/few.ts: the scan of sets of at most FEW_MAX literals (rare-byte pairs in SIMD, no shift-or table).
// Entry:     build side: fewFill(db, ...) (database.ts build); scan side: scanFew(db, data, len, head)
//            from scan.ts scanRun (positions 1..len-1; the shift-or table is kept for position 0, writes
//            of < 33 bytes and the carry into the next write).
// Owns:      FEW_VECS (static: the compare vectors of the last database scanned), FEW_HEAD.
// Hot path:  yes: per 16 positions and literal two loads, two ORs, two compares and an AND.
// Algorithm: per literal, two bytes at distances d1 != d2 from its end (0 <= d < len, d <= FEW_DMAX), the
//   rarest ones by a static byte-frequency rank (ranks.ts; the second one preferably another byte value).
//   Position p is a candidate of the literal's bucket when data[p - d1] == b1 and data[p - d2] == b2
//   (ASCII-folded by OR 0x20 for caseless letters): 16 positions per compare, loads at p - d1 and p - d2.
//   A literal ending at p has those two bytes there, so none is missed (no false negative); candidates go
//   to the shared confirm (confirm.ts confirmCandidates) as the shift-or's would. A 1-byte literal uses
//   d1 = d2 = 0. Positions 1-16 of a write may need bytes before it (history): their step reads a copy of
//   the 16 history bytes before data and data[0, 32) (FEW_HEAD), so d <= 17 would do; FEW_DMAX = 15.
//   The last step ends at the write's last byte and keeps only the lanes no step took. Writes shorter
//   than 33 bytes go through the shift-or (scan.ts), and position 0 always does (its table entry).
// Why rare bytes: with the last two bytes a literal ending in "\r\n", "e>" or "rs" is a candidate at
//   every such pair of the traffic; two rare bytes at a distance rarely meet by chance.
// Invariant (checked when VALIDATE): D7 every slot's d1, d2 < its literal's length and <= FEW_DMAX.

import { DB_FEW, DB_GEN, FEW_MAX } from "./database";
import { confirmCandidates } from "./confirm";
import { RANKS } from "./ranks";
import { check, VALIDATE } from "../util/check";

/** The farthest distance from a literal's end the scan compares (FEW_HEAD's 16 history bytes allow 17). */
// @ts-ignore: decorator
@inline export const FEW_DMAX: u32 = 15;

// @ts-ignore: decorator
@inline function isAlpha(c: u32): bool { return (c | 0x20) - 0x61 < 26; }

/** The rank of byte c as the scan compares it: a caseless letter matches both cases (the commoner counts). */
function classRank(c: u32, caseless: bool): u32 {
  const r = <u32>load<u8>(RANKS + c);
  return caseless && isAlpha(c) ? max(r, <u32>load<u8>(RANKS + (c ^ 0x20))) : r;
}

// @ts-ignore: decorator
@inline function classOf(c: u32, caseless: bool): u32 { return caseless && isAlpha(c) ? c | 0x20 : c; }

/**
 * Fills DB_FEW for a set of n <= FEW_MAX literals: per literal the two rarest bytes among its last
 * FEW_DMAX + 1 (the nearer to the end on equal rank; the second one of another byte value when there
 * is one), their distances from the end, fold masks and the bucket bit; then fewStart.
 */
export function fewFill(db: usize, blob: usize, lit: usize, lenOf: usize, bk: usize, n: u32): void {
  const few = db + DB_FEW + 4;
  for (let i: u32 = 0; i < n; i++) {
    const len = load<u32>(lenOf + (<usize>i << 2));
    const h = blob + load<u32>(lit + (<usize>i << 2));
    const caseless = (load<u32>(h, 4) & 1) != 0;
    const bytes = h + 12;
    const lo = len - min(len, FEW_DMAX + 1);
    let i1 = len - 1;
    for (let j = len - 1; j > lo; j--) {
      if (classRank(<u32>load<u8>(bytes + j - 1), caseless) < classRank(<u32>load<u8>(bytes + i1), caseless)) i1 = j - 1;
    }
    const c1 = <u32>load<u8>(bytes + i1);
    let i2 = i1, best: u32 = 0xffffffff;
    for (let j = len; j > lo; j--) {
      if (j - 1 == i1) continue;
      const c = <u32>load<u8>(bytes + j - 1);
      const s = classRank(c, caseless) + (classOf(c, caseless) == classOf(c1, caseless) ? 256 : 0);
      if (s < best) { best = s; i2 = j - 1; }
    }
    const c2 = <u32>load<u8>(bytes + i2);
    const f1: u32 = caseless && isAlpha(c1) ? 0x20 : 0, f2: u32 = caseless && isAlpha(c2) ? 0x20 : 0;
    const d1 = len - 1 - i1, d2 = len - 1 - i2;
    if (VALIDATE) check(d1 <= FEW_DMAX && d2 <= FEW_DMAX && d1 < len && d2 < len && (d1 != d2 || len == 1),
                        "D7: few-literal bytes inside the literal, within FEW_DMAX (FEW_HEAD holds 16 bytes before data)");
    const f = few + (<usize>i << 3);
    store<u8>(f, <u8>(c1 | f1)); store<u8>(f, <u8>(c2 | f2), 1);
    store<u8>(f, <u8>f1, 2); store<u8>(f, <u8>f2, 3);
    store<u8>(f, <u8>d1, 4); store<u8>(f, <u8>d2, 5);
    store<u8>(f, <u8>(1 << load<u8>(bk + i)), 6);
  }
  store<u32>(db, n, DB_FEW);
}

// ---- scan -------------------------------------------------------------------------------------------

// Per slot (96 bytes): b1, fold1, b2, fold2, bucket bits (splatted), u32 d1, u32 d2. Slots n..3 repeat
// slot 0 (a repeated literal gives the same candidates), so the loop can take 1, 2 or 4 slots.
// @ts-ignore: decorator
@inline const SLOT: usize = 96;
const FEW_VECS: usize = memory.data(4 * 96, 16);   // FEW_MAX slots
let vecsDb: usize = 0;
let vecsGen: u32 = 0;
let vecsFold = false;      // some slot compares a caseless letter (fold mask 0x20)

function fewVectors(db: usize, n: u32): void {
  const few = db + DB_FEW + 4;
  for (let i: u32 = 0; i < FEW_MAX; i++) {
    const slot: u32 = i < n ? i : 0;
    const f = few + (<usize>slot << 3), v = FEW_VECS + <usize>i * SLOT;
    v128.store(v, i8x16.splat(load<i8>(f)));
    v128.store(v, i8x16.splat(load<i8>(f, 2)), 16);
    v128.store(v, i8x16.splat(load<i8>(f, 1)), 32);
    v128.store(v, i8x16.splat(load<i8>(f, 3)), 48);
    v128.store(v, i8x16.splat(load<i8>(f, 6)), 64);
    store<u32>(v, <u32>load<u8>(f, 4), 80);
    store<u32>(v, <u32>load<u8>(f, 5), 84);
  }
  let fold = false;
  for (let i: u32 = 0; i < n; i++) fold = fold || load<u16>(few + (<usize>i << 3), 2) != 0;
  vecsDb = db; vecsGen = load<u32>(db, DB_GEN); vecsFold = fold;
}

/** 0xff lanes: positions p..p+15 where the literal of slot v has both its bytes. */
// @ts-ignore: decorator
@inline function slotHit(v: usize, data: usize, p: u32): v128 {
  const x = v128.load(data + <usize>p - <usize>load<u32>(v, 80));
  const y = v128.load(data + <usize>p - <usize>load<u32>(v, 84));
  return v128.and(i8x16.eq(v128.or(x, v128.load(v, 16)), v128.load(v)),
                  i8x16.eq(v128.or(y, v128.load(v, 48)), v128.load(v, 32)));
}

/**
 * The candidates of positions p..p+15 with their bucket bits, to the confirm (a step whose test fired,
 * or the first and last step of a write). base: where the loads read data position 0 (data, or the head
 * buffer's copy); keep: 0xff lanes for the positions not taken by another step.
 */
function fewConfirm(n: u32, base: usize, p: u32, keep: v128): void {
  let cand = i8x16.splat(0);
  for (let i: u32 = 0; i < n; i++) {
    const v = FEW_VECS + <usize>i * SLOT;
    cand = v128.or(cand, v128.and(slotHit(v, base, p), v128.load(v, 64)));
  }
  cand = v128.and(cand, keep);
  const c0 = i64x2.extract_lane(cand, 0), c1 = i64x2.extract_lane(cand, 1);
  if (c0 != 0) confirmCandidates(c0, p);
  if (c1 != 0) confirmCandidates(c1, p + 8);
}

/** [16 bytes before data (history) | data[0, 32)]: the first step's loads reach up to 15 bytes back. */
const FEW_HEAD: usize = memory.data(48, 16);
const IOTA: usize = memory.data<u8>([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], 16);

/**
 * Positions [1, len) of data, 16 per step (len >= 33; else 1 is returned and the shift-or does the
 * write). head: the 16 stream bytes before data (history; bytes before the stream start may be anything,
 * as no literal that fits reads them), 0 when none (block mode, stream start). The first step (positions
 * 1-16) reads a copy of head ++ data[0, 32), the last one ends at len - 1 and drops the lanes an earlier
 * step took. Returns len.
 */
export function scanFew(db: usize, data: usize, len: u32, head: usize): u32 {
  if (len < 33) return 1;
  const n = load<u32>(db, DB_FEW);
  if (db != vecsDb || load<u32>(db, DB_GEN) != vecsGen) fewVectors(db, n);
  const all = i8x16.splat(-1);
  v128.store(FEW_HEAD, head != 0 ? v128.load(head) : i8x16.splat(0));
  v128.store(FEW_HEAD, v128.load(data), 16);
  v128.store(FEW_HEAD, v128.load(data, 16), 32);
  fewConfirm(n, FEW_HEAD + 16, 1, all);
  let p: u32 = 17;
  // n <= FEW_MAX = 4: the slots' vectors in locals (1, 2 or 4 slots)
  const k: u32 = n == 1 ? 1 : n == 2 ? 2 : 4;
  if (vecsFold) p = k == 1 ? scanRegs(n, data, len, p, 1, true) : k == 2 ? scanRegs(n, data, len, p, 2, true) : scanRegs(n, data, len, p, 4, true);
  else p = k == 1 ? scanRegs(n, data, len, p, 1, false) : k == 2 ? scanRegs(n, data, len, p, 2, false) : scanRegs(n, data, len, p, 4, false);
  if (p < len) fewConfirm(n, data, len - 16, i8x16.ge_u(v128.load(IOTA), i8x16.splat(<i8>(p - (len - 16)))));
  return len;
}

/** Slot i's loads at data position 0 (data - d) and its compare vectors, for scanRegs's locals. */
// @ts-ignore: decorator
@inline function at(data: usize, i: u32, d: u32): usize { return data - <usize>load<u32>(FEW_VECS + <usize>i * SLOT + 80 + 4 * <usize>d); }
// @ts-ignore: decorator
@inline function vec(i: u32, off: u32): v128 { return v128.load(FEW_VECS + <usize>i * SLOT + <usize>off); }

/** Lanes where both bytes of one slot are in place: loads at x and y, ORed with f1, f2 when fold. */
// @ts-ignore: decorator
@inline function pair(x: usize, y: usize, b1: v128, f1: v128, b2: v128, f2: v128, fold: bool): v128 {
  return fold ? v128.and(i8x16.eq(v128.or(v128.load(x), f1), b1), i8x16.eq(v128.or(v128.load(y), f2), b2))
              : v128.and(i8x16.eq(v128.load(x), b1), i8x16.eq(v128.load(y), b2));
}

/**
 * k = 1, 2 or 4 slots (constants after inlining; n <= k literals, the slots past n repeat slot 0) with
 * their vectors in locals, fold only when some slot folds: 32 positions per step, one test for both
 * halves. Returns the next position (< 16 left).
 */
// @ts-ignore: decorator
@inline function scanRegs(n: u32, data: usize, len: u32, p: u32, k: u32, fold: bool): u32 {
  const x0 = at(data, 0, 0), y0 = at(data, 0, 1), x1 = at(data, k > 1 ? 1 : 0, 0), y1 = at(data, k > 1 ? 1 : 0, 1);
  const x2 = at(data, k > 2 ? 2 : 0, 0), y2 = at(data, k > 2 ? 2 : 0, 1), x3 = at(data, k > 2 ? 3 : 0, 0), y3 = at(data, k > 2 ? 3 : 0, 1);
  const a0 = vec(0, 0), e0 = vec(0, 16), c0 = vec(0, 32), g0 = vec(0, 48);
  const a1 = vec(1, 0), e1 = vec(1, 16), c1 = vec(1, 32), g1 = vec(1, 48);
  const a2 = vec(2, 0), e2 = vec(2, 16), c2 = vec(2, 32), g2 = vec(2, 48);
  const a3 = vec(3, 0), e3 = vec(3, 16), c3 = vec(3, 32), g3 = vec(3, 48);
  const all = i8x16.splat(-1);
  while (p + 16 <= len) {
    const q = <usize>p;
    let m = pair(x0 + q, y0 + q, a0, e0, c0, g0, fold);
    if (k > 1) m = v128.or(m, pair(x1 + q, y1 + q, a1, e1, c1, g1, fold));
    if (k > 2) m = v128.or(v128.or(m, pair(x2 + q, y2 + q, a2, e2, c2, g2, fold)), pair(x3 + q, y3 + q, a3, e3, c3, g3, fold));
    if (p + 32 <= len) {
      let m2 = pair(x0 + q + 16, y0 + q + 16, a0, e0, c0, g0, fold);
      if (k > 1) m2 = v128.or(m2, pair(x1 + q + 16, y1 + q + 16, a1, e1, c1, g1, fold));
      if (k > 2) m2 = v128.or(v128.or(m2, pair(x2 + q + 16, y2 + q + 16, a2, e2, c2, g2, fold)), pair(x3 + q + 16, y3 + q + 16, a3, e3, c3, g3, fold));
      if (v128.any_true(v128.or(m, m2))) {
        if (v128.any_true(m)) fewConfirm(n, data, p, all);
        if (v128.any_true(m2)) fewConfirm(n, data, p + 16, all);
      }
      p += 32;
    } else {
      if (v128.any_true(m)) fewConfirm(n, data, p, all);
      p += 16;
    }
  }
  return p;
}
