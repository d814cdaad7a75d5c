// match/scan.ts: the streaming scan over a compiled database (match/database.ts), and the streams.
// Entry:     matchScanStream(stream, ptr, len): i32, matchScanBlockDb(db, ptr, len): i32 (matches written
//            to the results buffer, or a MatchStatus); matchStreamOpen/Reset/Close; matchStreamOffset;
//            matchResultsPtr()
// Owns:      stream blocks (arena, recycled through streamFree), the results buffer, the stitch buffer
//            and the host scratch area.
// Hot path:  yes. No allocation per scan once the results buffer is large enough; one table load per
//            byte with no dependency between bytes (8 positions per step, u64 shift-or state).
// Algorithm (README.md): per position p the gram (byte[p-1], byte[p]) indexes a u64 table whose bit
//   8e+b is 0 when some literal of bucket b has that gram e bytes before its end. Eight positions at
//   once: S = T[g0] | T[g1] << 8 | ... | T[g7] << 56 (128 bits); C = low 64 | carry; carry = high 64.
//   The loops take 16 positions per step with positions k and 8 + k in the two lanes of a v128, so one
//   lane-wise shift/OR serves both (scanStride1; scanStride2 likewise).
//   Stride-2 databases (small sets) look up every other position, 16 per step (scanStride2, both
//   halves of the state in one v128). Sets of at most FEW_MAX literals skip the table for writes of
//   >= 33 bytes: two rare bytes per literal compared in SIMD (few.ts); the carry is then rebuilt
//   from the table entries of the write's last 7 positions (carryAt).
//   A 0 bit b of byte k of C is a candidate of bucket b ending at position k; confirm.ts filters and
//   checks it against the literal records (confirmCandidates). Before that, candidates that end a run
//   of zero bytes no literal of their bucket ends with are dropped (zeroRuns, DB_ZERODROP).
// Arguments: data must lie in linear memory at ptr >= 8, else MatchStatus.Malformed (nothing scanned).
// Invariants (stream block, checked by streamValidate when VALIDATE):
//   T1  hist <= maxLen - 1, and hist == min(maxLen - 1, offset): history holds the stream's last bytes;
//   T2  carry holds, for the next 8 positions, the OR of the table bits contributed by earlier positions.
// Limits:    results buffer cannot grow -> the scan completes (stream state stays exact), the matches
//            that did not fit are dropped and MatchStatus.OutOfMemory is returned.
//
// Stream block layout (offsets from the handle):
//   0 u32 magic | 4 u32 db | 8 u32 db gen at open | 12 u32 capacity | 16 u64 carry | 24 f64 offset
//   32 u32 hist (bytes of history) | 36 u32 next (free list) | 40 history [maxLen - 1]
// Result record (16 B, matchResultsPtr): u32 id, u32 0, f64 end (stream offset just past the last byte).

import { arenaAlloc } from "../util/arena";
import { check, VALIDATE } from "../util/check";
import { MatchStatus, matchDbValid, DB_GEN, DB_MAXLEN, DB_TABLE, DB_DBITS, DB_STRIDE, DB_PAIRS, DB_ZERODROP, DB_FEW, gramIndex } from "./database";
import { scanFew } from "./few";
import { zeroRuns } from "./zeroruns";
import { confirmBegin, confirmCandidates, copyShort, confirmCount, confirmLost, confirmResultsPtr } from "./confirm";

// @ts-ignore: decorator
@inline const ST_MAGIC: u32 = 0x4d535431;
// @ts-ignore: decorator
@inline const ST_DB = 4;
// @ts-ignore: decorator
@inline const ST_GEN = 8;
// @ts-ignore: decorator
@inline const ST_CAP = 12;
// @ts-ignore: decorator
@inline const ST_CARRY = 16;
// @ts-ignore: decorator
@inline const ST_OFFSET = 24;
// @ts-ignore: decorator
@inline const ST_HIST = 32;
// @ts-ignore: decorator
@inline const ST_NEXT = 36;
// @ts-ignore: decorator
@inline const ST_HDR: u32 = 40;

let streamFree: usize = 0;

// ---- host scratch, results, stitch -------------------------------------------------------------------

let scratchPtr: usize = 0;
let scratchCap: usize = 0;

/** A host-writable area of at least len bytes (0 when memory cannot grow); valid until the next call. */
export function matchScratchArea(len: u32): usize {
  if (<usize>len <= scratchCap && scratchPtr != 0) return scratchPtr;
  let cap = max<usize>(scratchCap * 2, 1 << 16);
  while (cap < <usize>len) cap <<= 1;
  const p = arenaAlloc(cap);
  if (p == 0) return 0;
  scratchPtr = p; scratchCap = cap;
  return p;
}

let stitchPtr: usize = 0;
let stitchCap: usize = 0;

/** The results of the last scan: matchScan's return value says how many 16-byte records. */
export function matchResultsPtr(): usize { return confirmResultsPtr(); }

// @ts-ignore: decorator
@inline function results(): i32 { return confirmLost() ? MatchStatus.OutOfMemory : <i32>confirmCount(); }

// ---- the shift-or pass ------------------------------------------------------------------------------

// @ts-ignore: decorator
@inline function entry(table: usize, gram: u32, mask: u32): u64 {
  return load<u64>(table + (<usize>(gram & mask) << 3));
}

/**
 * Runs the filter over data[0, len) (len >= 1) and confirms candidates. prev: the byte before data[0]
 * (any value at stream start: only 1-byte literals can end at offset 0, and their grams hold every
 * previous byte). head: the 16 stream bytes before data[0] (history; those before the stream start
 * are garbage), 0 when there is none (block mode, first write): the few-literal scan reads them.
 * Returns the carry for the next call.
 */
function scanRun(db: usize, data: usize, len: u32, prev: u32, carry: u64, head: usize): u64 {
  const table = db + <usize>load<u32>(db, DB_TABLE);
  const mask: u32 = (1 << load<u32>(db, DB_DBITS)) - 1;
  // position 0: the first byte of its gram is prev, not in data
  let x = entry(table, gramIndex(prev, <u32>load<u8>(data), 0xffff), mask) | carry;
  if ((~x & 0xff) != 0) confirmCandidates(~x & 0xff, 0);
  carry = x >> 8;
  let p: u32 = 1;
  if (load<u32>(db, DB_FEW) != 0) {
    p = scanFew(db, data, len, head);
    if (p != 1) carry = carryAt(table, mask, data, p);
  } else if (load<u32>(db, DB_STRIDE) == 2) {
    p = scanStride2(db, table, mask, data, len, carry); carry = r2Carry;
  } else {
    p = scanStride1(table, mask, data, len, carry, db + DB_ZERODROP); carry = r2Carry;
  }
  return shiftOr(table, mask, data, p, len, carry);
}

/** The shift-or over positions [p, end) of data (1 <= p <= end), 8 per step; returns the carry after them. */
function shiftOr(table: usize, mask: u32, data: usize, p: u32, end: u32, carry: u64): u64 {
  while (p + 8 <= end) {
    const q = data + <usize>p - 1;
    const t0 = entry(table, <u32>load<u16>(q), mask);
    const t1 = entry(table, <u32>load<u16>(q, 1), mask);
    const t2 = entry(table, <u32>load<u16>(q, 2), mask);
    const t3 = entry(table, <u32>load<u16>(q, 3), mask);
    const t4 = entry(table, <u32>load<u16>(q, 4), mask);
    const t5 = entry(table, <u32>load<u16>(q, 5), mask);
    const t6 = entry(table, <u32>load<u16>(q, 6), mask);
    const t7 = entry(table, <u32>load<u16>(q, 7), mask);
    const lo = t0 | (t1 << 8) | (t2 << 16) | (t3 << 24) | (t4 << 32) | (t5 << 40) | (t6 << 48) | (t7 << 56);
    const hi = (t1 >> 56) | (t2 >> 48) | (t3 >> 40) | (t4 >> 32) | (t5 >> 24) | (t6 >> 16) | (t7 >> 8);
    const c = lo | carry;
    carry = hi;
    if (c != 0xffffffffffffffff) confirmCandidates(~c, p);
    p += 8;
  }
  if (p < end) {
    // k < 8 positions left: carry becomes bytes k..k+7 of (S | carry)
    const k = end - p;
    let lo: u64 = 0, hi: u64 = 0;
    for (let j: u32 = 0; j < k; j++) {
      const t = entry(table, <u32>load<u16>(data + <usize>(p + j) - 1), mask);
      lo |= t << (8 * j);
      if (j != 0) hi |= t >> (64 - 8 * j);
    }
    const x = lo | carry;
    const m = ~x & ((<u64>1 << (8 * k)) - 1);
    if (m != 0) confirmCandidates(m, p);
    carry = (x >> (8 * k)) | (hi << (64 - 8 * k));
  }
  return carry;
}

/** The shift-or carry into position p (p >= 8) from positions p - 7 .. p - 1 alone (W <= 8: exact). */
function carryAt(table: usize, mask: u32, data: usize, p: u32): u64 {
  // carry byte k (position p + k) = OR over j of the entry of position p - j, byte k + j (j <= 7)
  let c: u64 = 0;
  for (let j: u32 = 1; j <= 7; j++) c |= entry(table, <u32>load<u16>(data + <usize>(p - j) - 1), mask) >> (8 * j);
  return c;
}

let r2Carry: u64 = 0;

/** Confirms 16 positions [p, p + 16) at once: bit 8k + b of `cand` set = a candidate of bucket b ending
 *  at position p + k (the shift-or loops pass their state inverted: there a 0 bit is a candidate). */
// @ts-ignore: decorator
@inline function confirm16(cand: v128, p: u32): void {
  const c0 = i64x2.extract_lane(cand, 0), c1 = i64x2.extract_lane(cand, 1);
  if (c0 != 0) confirmCandidates(c0, p);
  if (c1 != 0) confirmCandidates(c1, p + 8);
}

/** The table entries of grams g (lane 0) and h (lane 1). */
// @ts-ignore: decorator
@inline function lanes(table: usize, g: u32, h: u32, mask: u32): v128 {
  return v128.load64_lane(table + (<usize>(h & mask) << 3), v128.load64_zero(table + (<usize>(g & mask) << 3)), 1);
}

/**
 * Stride 1, 16 positions [p, p + 16) per step from p = 1: the entries of positions p + k and p + 8 + k
 * share a v128 (lanes 0 and 1), so one lane-wise shift and OR serve both halves of the state. Lane 0
 * of the high part goes to positions p+8..p+15, lane 1 is the carry. Returns the next position (carry
 * in r2Carry); the 8-position loop in scanRun does the rest.
 */
function scanStride1(table: usize, mask: u32, data: usize, len: u32, carryIn: u64, zeroDrop: usize): u32 {
  let hiPrev = i64x2.splat(carryIn);
  let p: u32 = 1;
  while (p + 16 <= len) {
    const q = data + <usize>p - 1;
    const a = lanes(table, <u32>load<u16>(q), <u32>load<u16>(q, 8), mask);
    const b = lanes(table, <u32>load<u16>(q, 1), <u32>load<u16>(q, 9), mask);
    const c = lanes(table, <u32>load<u16>(q, 2), <u32>load<u16>(q, 10), mask);
    const d = lanes(table, <u32>load<u16>(q, 3), <u32>load<u16>(q, 11), mask);
    const e = lanes(table, <u32>load<u16>(q, 4), <u32>load<u16>(q, 12), mask);
    const f = lanes(table, <u32>load<u16>(q, 5), <u32>load<u16>(q, 13), mask);
    const g = lanes(table, <u32>load<u16>(q, 6), <u32>load<u16>(q, 14), mask);
    const h = lanes(table, <u32>load<u16>(q, 7), <u32>load<u16>(q, 15), mask);
    const lo = v128.or(
      v128.or(v128.or(a, i64x2.shl(b, 8)), v128.or(i64x2.shl(c, 16), i64x2.shl(d, 24))),
      v128.or(v128.or(i64x2.shl(e, 32), i64x2.shl(f, 40)), v128.or(i64x2.shl(g, 48), i64x2.shl(h, 56))));
    const hi = v128.or(
      v128.or(v128.or(i64x2.shr_u(b, 56), i64x2.shr_u(c, 48)), v128.or(i64x2.shr_u(d, 40), i64x2.shr_u(e, 32))),
      v128.or(v128.or(i64x2.shr_u(f, 24), i64x2.shr_u(g, 16)), i64x2.shr_u(h, 8)));
    const cv = v128.or(lo, i8x16.shuffle(hiPrev, hi, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23));
    hiPrev = hi;
    if (v128.any_true(v128.not(cv))) confirm16(v128.not(zeroRuns(cv, zeroDrop, q, p)), p);
    p += 16;
  }
  r2Carry = i64x2.extract_lane(hiPrev, 1);
  return p;
}

/**
 * Stride 2 (databases built for it, database.ts): 16 positions [p, p + 16) per step from p = 1, looking
 * up the grams at p, p + 2, ..., p + 14 only. S = T[g0] | T[g1] << 16 | ... | T[g7] << 112 is 192 bits:
 * positions p..p+7 (with the carry), p+8..p+15, and the carry for p+16..p+23. Every gram's table bits
 * are valid at any position, so the stride-1 loop may continue where this one stops. The two 64-bit
 * halves are built side by side in v128 lanes (entries loaded into lanes, 3 + 3 lane-wise shifts
 * instead of 12 scalar ones). Returns the next position (carry in r2Carry).
 */
function scanStride2(db: usize, table: usize, mask: u32, data: usize, len: u32, carryIn: u64): u32 {
  // bucket 0 as the 2-byte literals' pairs (pairBit 1): its table bits are ignored here, and a lane of
  // 0x01 marks a position where (previous byte, byte) is one of the 4 pairs
  const pairBit = load<u32>(db, DB_PAIRS);
  const ignore = i64x2.splat(pairBit != 0 ? 0x0101010101010101 : 0);
  const zeroDrop = db + DB_ZERODROP;
  const one = i8x16.splat(<i8>pairBit);
  const pairs = db + DB_PAIRS + 4;
  const f0 = i8x16.splat(load<i8>(pairs)), s0 = i8x16.splat(load<i8>(pairs, 1));
  const f1 = i8x16.splat(load<i8>(pairs, 2)), s1 = i8x16.splat(load<i8>(pairs, 3));
  const f2 = i8x16.splat(load<i8>(pairs, 4)), s2 = i8x16.splat(load<i8>(pairs, 5));
  const f3 = i8x16.splat(load<i8>(pairs, 6)), s3 = i8x16.splat(load<i8>(pairs, 7));
  let hiPrev = i64x2.splat(carryIn);      // lane 1: the carry into the next 8 positions
  let p: u32 = 1;
  while (p + 16 <= len) {
    const q = data + <usize>p - 1;
    // lanes (t0, t4), (t1, t5), (t2, t6), (t3, t7): the shifts and ORs of both halves in one v128 op
    const a = lanes(table, <u32>load<u16>(q), <u32>load<u16>(q, 8), mask);
    const b = lanes(table, <u32>load<u16>(q, 2), <u32>load<u16>(q, 10), mask);
    const c = lanes(table, <u32>load<u16>(q, 4), <u32>load<u16>(q, 12), mask);
    const d = lanes(table, <u32>load<u16>(q, 6), <u32>load<u16>(q, 14), mask);
    const prev = v128.load(q), cur = v128.load(q, 1);
    const hit = v128.or(
      v128.or(v128.and(i8x16.eq(prev, f0), i8x16.eq(cur, s0)), v128.and(i8x16.eq(prev, f1), i8x16.eq(cur, s1))),
      v128.or(v128.and(i8x16.eq(prev, f2), i8x16.eq(cur, s2)), v128.and(i8x16.eq(prev, f3), i8x16.eq(cur, s3))));
    const lo = v128.or(v128.or(a, i64x2.shl(b, 16)), v128.or(i64x2.shl(c, 32), i64x2.shl(d, 48)));
    const hi = v128.or(v128.or(i64x2.shr_u(b, 48), i64x2.shr_u(c, 32)), i64x2.shr_u(d, 16));
    // (carry, hi lane 0) go to positions p..p+7 and p+8..p+15; hi lane 1 is the next carry. Bucket 0's
    // carried bits are 0 (W = 1 for the pair bucket, D3), so OR-ing them after the pair mask is exact.
    const carried = i8x16.shuffle(hiPrev, hi, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23);
    const cv = v128.or(v128.andnot(v128.or(lo, ignore), v128.and(hit, one)), carried);
    hiPrev = hi;
    if (v128.any_true(v128.not(cv))) confirm16(v128.not(zeroRuns(cv, zeroDrop, q, p)), p);
    p += 16;
  }
  const carry = i64x2.extract_lane(hiPrev, 1);
  r2Carry = carry;
  return p;
}

// ---- entry points -----------------------------------------------------------------------------------

/** Scans one block (its own stream, offsets from 0). Returns the match count or a MatchStatus. */
export function matchScanBlockDb(db: usize, ptr: usize, len: u32): i32 {
  if (!matchDbValid(db)) return MatchStatus.BadHandle;
  confirmBegin(db, ptr, 0, 0, 0, 0, 0);
  if (len == 0) return 0;
  if (!isInMemory(ptr, len)) return MatchStatus.Malformed;
  scanRun(db, ptr, len, 0, 0, 0);
  return results();
}

/** data[ptr, ptr + len) lies in linear memory, at least 8 bytes above 0 (confirm reads 8 bytes back). */
function isInMemory(ptr: usize, len: u32): bool {
  return ptr >= 8 && <u64>ptr + <u64>len <= (<u64>memory.size() << 16);
}

function streamLive(st: usize): bool {
  if (st < 16 || (st & 7) != 0 || st >= (<usize>memory.size() << 16) - ST_HDR) return false;
  if (load<u32>(st) != ST_MAGIC) return false;
  const db = <usize>load<u32>(st, ST_DB);
  return matchDbValid(db) && load<u32>(db, DB_GEN) == load<u32>(st, ST_GEN);
}

/**
 * Scans the next len bytes of the stream. Matches that end in these bytes are reported (also those
 * that began in earlier calls), ascending by end. Returns the match count or a MatchStatus
 * (BadHandle: state unchanged; OutOfMemory: state advanced, some matches dropped).
 */
export function matchScanStream(st: usize, ptr: usize, len: u32): i32 {
  if (!streamLive(st)) return MatchStatus.BadHandle;
  const db = <usize>load<u32>(st, ST_DB);
  confirmBegin(db, ptr, 0, 0, 0, 0, 0);
  if (len == 0) return 0;
  if (!isInMemory(ptr, len)) return MatchStatus.Malformed;
  const keep = load<u32>(db, DB_MAXLEN) - 1;
  const hist = load<u32>(st, ST_HIST);
  const histPtr = st + ST_HDR;
  // stitch: history ++ the first keep bytes of data, so literals crossing into data read contiguously
  // (copied by confirm.ts at the first candidate that needs it)
  const stitchLimit: u32 = hist > 0 ? min(len, keep) : 0;
  const base = load<f64>(st, ST_OFFSET);
  confirmBegin(db, ptr, stitchPtr, stitchLimit, hist, base, histPtr);
  const prev: u32 = hist > 0 ? <u32>load<u8>(histPtr + hist - 1) : 0;
  store<u64>(st, scanRun(db, ptr, len, prev, load<u64>(st, ST_CARRY), hist > 0 ? histPtr + hist - 16 : 0), ST_CARRY);
  store<f64>(st, base + <f64>len, ST_OFFSET);
  // T1: keep the last min(keep, hist + len) bytes
  if (len >= keep) {
    copyShort(histPtr, ptr + len - keep, keep);
    store<u32>(st, keep, ST_HIST);
  } else {
    const total = hist + len;
    const nh = min(keep, total);
    const drop = total - nh;              // oldest history bytes that fall out
    if (drop > 0) memory.copy(histPtr, histPtr + drop, hist - drop);
    memory.copy(histPtr + hist - drop, ptr, len);
    store<u32>(st, nh, ST_HIST);
  }
  if (VALIDATE) streamValidate(st);
  return results();
}

/** The stream's offset: bytes scanned since open or the last reset (stream block field at +24). */
export function matchStreamOffset(st: usize): f64 { return load<f64>(st, ST_OFFSET); }

/** Bytes of one stream block for db. */
export function matchStreamSize(db: usize): u32 {
  return (ST_HDR + load<u32>(db, DB_MAXLEN) - 1 + 7) & ~7;
}

/** Opens a stream at offset 0. Returns the handle or BadHandle / OutOfMemory. */
export function matchStreamOpen(db: usize): i32 {
  if (!matchDbValid(db)) return MatchStatus.BadHandle;
  const size = matchStreamSize(db);
  // the stitch buffer must hold 2 * (maxLen - 1) bytes for every db a stream is opened on
  const need = <usize>(load<u32>(db, DB_MAXLEN)) * 2 + 16;
  if (need > stitchCap) {
    const p = arenaAlloc(max<usize>(need, stitchCap * 2));
    if (p == 0) return MatchStatus.OutOfMemory;
    stitchPtr = p; stitchCap = max<usize>(need, stitchCap * 2);
  }
  let st = takeFree(size);
  if (st == 0) {
    st = arenaAlloc(size);
    if (st == 0) return MatchStatus.OutOfMemory;
    store<u32>(st, size, ST_CAP);
  }
  store<u32>(st, ST_MAGIC);
  store<u32>(st, <u32>db, ST_DB);
  store<u32>(st, load<u32>(db, DB_GEN), ST_GEN);
  streamClear(st);
  return <i32>st;
}

function takeFree(size: u32): usize {
  let prev: usize = 0, p = streamFree;
  while (p != 0) {
    const next = <usize>load<u32>(p, ST_NEXT);
    if (load<u32>(p, ST_CAP) >= size) {
      if (prev == 0) streamFree = next; else store<u32>(prev, <u32>next, ST_NEXT);
      return p;
    }
    prev = p; p = next;
  }
  return 0;
}

function streamClear(st: usize): void {
  store<u64>(st, 0, ST_CARRY);
  store<f64>(st, 0, ST_OFFSET);
  store<u32>(st, 0, ST_HIST);
  store<u32>(st, 0, ST_NEXT);
}

/** Back to offset 0 with no history (as if just opened). Returns Ok or BadHandle. */
export function matchStreamReset(st: usize): i32 {
  if (!streamLive(st)) return MatchStatus.BadHandle;
  streamClear(st);
  return MatchStatus.Ok;
}

/** Closes the stream; its block is recycled. Also accepted for streams of a freed db. */
export function matchStreamClose(st: usize): i32 {
  if (st < 16 || (st & 7) != 0 || st >= (<usize>memory.size() << 16) - ST_HDR || load<u32>(st) != ST_MAGIC) {
    return MatchStatus.BadHandle;
  }
  store<u32>(st, 0);
  store<u32>(st, <u32>streamFree, ST_NEXT);
  streamFree = st;
  return MatchStatus.Ok;
}

function streamValidate(st: usize): void {
  const db = <usize>load<u32>(st, ST_DB);
  const keep = load<u32>(db, DB_MAXLEN) - 1;
  const hist = load<u32>(st, ST_HIST);
  const off = load<f64>(st, ST_OFFSET);
  check(hist <= keep, "T1: history longer than maxLen - 1");
  check(<f64>hist == min<f64>(<f64>keep, off), "T1: history == min(maxLen - 1, offset)");
}
