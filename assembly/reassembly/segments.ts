// reassembly/segments.ts: the ordered list of received, not yet delivered segments of one direction,
// overlap resolution by target policy, and in-order delivery with gaps.
// Entry:     segmentsInsert(f, dir, off, src, len): u32 (INS_* flags), segmentsDeliver(f, dir, limit, final),
//            segmentsClear(e)
// Owns:      POOL_SEG records; the endpoint's segHead/segTail/nextOff/delivOff/gap fields.
// Hot path:  yes. In-order data (off >= maxEnd) is an O(1) append; otherwise the walk visits only the
//            records that can reach the new range (start + longest stored segment > off), so a short
//            segment nested inside a long one is checked too (reference §6.4: Suricata's neighbour-only
//            check misses it).
// Invariants (checked by segmentsValidate when VALIDATE):
//   S1  records are sorted by start (ties in arrival order) and linked both ways;
//   S2  every record ends above delivOff (records wholly delivered are freed);
//   S3  nextOff >= delivOff, and [delivOff, nextOff) is covered by records.
// Overlaps (Suricata DoHandleData): the new bytes are staged in SCRATCH; for every stored record that
// overlaps them and whose pairwise verdict (policy.ts) is "old wins", the stored bytes are copied over
// the staged ones; then the staged bytes are written. So a new byte wins only if every stored record
// covering it says "new wins". Bytes below delivOff are never changed (already delivered).
// Limits:    segment pool or page pool empty -> INS_NOMEM, nothing stored, state unchanged.

import {
  E_DELIV_OFF, E_GAP_BYTES, E_GAP_COUNT, E_MAX_END, E_NEXT_OFF, E_POLICY, E_SEG_HEAD, E_SEG_TAIL,
  S_LEN, S_NEXT, S_PREV, S_START, ep,
} from "../abi/layout";
import { St } from "../abi/stats";
import { POOL_SEG, poolAlloc, poolFree } from "../util/pool";
import { statAdd } from "../util/cfg";
import { check, VALIDATE } from "../util/check";
import { storeWrite, storeRead, storePtr, storeRunLen, storeRelease, storeClear } from "./store";
import { overlapClass } from "./overlap";
import { newWins } from "./policy";
import { hostData, hostGap } from "../host";

export const INS_OK: u32 = 0;
export const INS_OVERLAP: u32 = 1;    // overlapped stored data
export const INS_DIFF: u32 = 2;       // ... and some overlapping bytes differed
export const INS_NOMEM: u32 = 4;      // not stored: memcap
export const INS_OLD: u32 = 8;        // wholly below delivOff (already delivered)
export const INS_COVERED: u32 = 16;   // wholly inside stored data with identical bytes (retransmission)

let scratch: usize = 0;
let scratchCap: u32 = 0;
let maxSegLen: u64 = 0;   // longest record ever stored: bounds the backward overlap walk
let deliverData: bool = true;

export function segmentsInit(scratchPtr: usize, cap: u32, deliver: bool): void {
  scratch = scratchPtr; scratchCap = cap; deliverData = deliver;
}

// @ts-ignore: decorator
@inline function segEnd(s: usize): u64 { return load<u64>(s, S_START) + <u64>load<u32>(s, S_LEN); }

/** True when the stored bytes [off, off+len) equal src. */
function storeEquals(e: usize, off: u64, src: usize, len: u32): bool {
  let o = off; let s = src; let n = len;
  while (n > 0) {
    const p = storePtr(e, o);
    const k = storeRunLen(o, n);
    if (p == 0) return false;
    let i: u32 = 0;
    while (i + 8 <= k) { if (load<u64>(p + i) != load<u64>(s + i)) return false; i += 8; }
    while (i < k) { if (load<u8>(p + i) != load<u8>(s + i)) return false; i++; }
    o += k; s += k; n -= k;
  }
  return true;
}

function linkAfter(e: usize, seg: usize, after: usize): void {
  const next = after == 0 ? <usize>load<u32>(e, E_SEG_HEAD) : <usize>load<u32>(after, S_NEXT);
  store<u32>(seg, <u32>after, S_PREV);
  store<u32>(seg, <u32>next, S_NEXT);
  if (after == 0) store<u32>(e, <u32>seg, E_SEG_HEAD); else store<u32>(after, <u32>seg, S_NEXT);
  if (next == 0) store<u32>(e, <u32>seg, E_SEG_TAIL); else store<u32>(next, <u32>seg, S_PREV);
}

export function segmentsInsert(f: usize, dir: i32, off: u64, src: usize, len: u32): u32 {
  const e = ep(f, dir);
  const deliv = load<u64>(e, E_DELIV_OFF);
  let end = off + <u64>len;
  if (len == 0) return INS_OK;
  if (end <= deliv) { statAdd(St.Retransmissions, 1); return INS_OLD; }
  if (off < deliv) { const cut = <u32>(deliv - off); src += cut; len -= cut; off = deliv; }
  let res = INS_OK;
  // long segments are processed in scratch-sized slices (their boundaries then count as separate records)
  while (len > scratchCap) {
    res |= insertOne(e, off, src, scratchCap);
    off += scratchCap; src += scratchCap; len -= scratchCap;
  }
  return res | insertOne(e, off, src, len);
}

function insertOne(e: usize, off: u64, src: usize, len: u32): u32 {
  const end = off + <u64>len;
  const maxEnd = load<u64>(e, E_MAX_END);
  const tail = <usize>load<u32>(e, E_SEG_TAIL);
  // fast path: nothing stored reaches `off` (in-order append, or data beyond everything seen)
  if (tail == 0 || maxEnd <= off) {
    const seg = poolAlloc(POOL_SEG);
    if (seg == 0) { statAdd(St.MemcapDrops, 1); return INS_NOMEM; }
    if (!storeWrite(e, off, src, len)) { poolFree(POOL_SEG, seg); statAdd(St.MemcapDrops, 1); return INS_NOMEM; }
    store<u64>(seg, off, S_START); store<u32>(seg, len, S_LEN);
    linkAfter(e, seg, tail);
    afterInsert(e, off, end, seg);
    return INS_OK;
  }
  return insertOverlapping(e, off, src, len);
}

function insertOverlapping(e: usize, off: u64, src: usize, len: u32): u32 {
  const end = off + <u64>len;
  const policy = <i32>load<u8>(e, E_POLICY);
  // pass 1: find the insertion point (after the last record with start <= off), whether any record
  // overlaps, whether bytes differ, and whether an exact twin exists or the data is wholly covered
  let after: usize = 0;
  let found = false;
  let overlaps = false, diff = false, twin = false;
  let coveredTo = off; // coverage of [off, ...) by stored records, for the "wholly covered" test
  let s = <usize>load<u32>(e, E_SEG_TAIL);
  while (s != 0) {
    const s0 = load<u64>(s, S_START);
    if (!found && s0 <= off) { after = s; found = true; }
    if (s0 + maxSegLen <= off) break;             // nothing further back can reach `off`
    const s1 = segEnd(s);
    if (s0 < end && s1 > off) {
      overlaps = true;
      const a = max<u64>(s0, off), b = min<u64>(s1, end);
      if (!diff && !storeEquals(e, a, src + <usize>(a - off), <u32>(b - a))) diff = true;
      if (s0 == off && s1 == end) twin = true;
    }
    s = <usize>load<u32>(s, S_PREV);
  }
  if (!found) after = 0;
  if (!diff) coveredTo = coverageFrom(e, off, end);
  if (overlaps) statAdd(St.Overlaps, 1);
  if (diff) statAdd(St.OverlapsDiff, 1);
  if (!diff && coveredTo >= end) { statAdd(St.Retransmissions, 1); return INS_OVERLAP | INS_COVERED; }
  // pass 2: stage the new bytes; stored bytes win wherever the pairwise verdict says so
  let from = src;
  if (diff) {
    memory.copy(scratch, src, len);
    s = <usize>load<u32>(e, E_SEG_TAIL);
    while (s != 0) {
      const s0 = load<u64>(s, S_START);
      if (s0 + maxSegLen <= off) break;
      const s1 = segEnd(s);
      if (s0 < end && s1 > off && !newWins(policy, overlapClass(off, end, s0, s1))) {
        const a = max<u64>(s0, off), b = min<u64>(s1, end);
        storeRead(e, a, scratch + <usize>(a - off), <u32>(b - a));
      }
      s = <usize>load<u32>(s, S_PREV);
    }
    from = scratch;
  }
  let seg: usize = 0;
  if (!twin) {
    seg = poolAlloc(POOL_SEG);
    if (seg == 0) { statAdd(St.MemcapDrops, 1); return INS_NOMEM; }
  }
  if (!storeWrite(e, off, from, len)) {
    if (seg != 0) poolFree(POOL_SEG, seg);
    statAdd(St.MemcapDrops, 1);
    return INS_NOMEM;
  }
  if (seg != 0) {
    store<u64>(seg, off, S_START); store<u32>(seg, len, S_LEN);
    // ties: after every record with the same start (arrival order)
    linkAfter(e, seg, after);
  }
  afterInsert(e, off, end, seg);
  return INS_OVERLAP | (diff ? INS_DIFF : 0);
}

/** End of the run of stored bytes that starts at `off` (== off if off itself is not stored). */
function coverageFrom(e: usize, off: u64, end: u64): u64 {
  let cov = off;
  let s = <usize>load<u32>(e, E_SEG_HEAD);
  while (s != 0) {
    const s0 = load<u64>(s, S_START);
    if (s0 > cov) break;
    const s1 = segEnd(s);
    if (s1 > cov) cov = s1;
    if (cov >= end) break;
    s = <usize>load<u32>(s, S_NEXT);
  }
  return cov;
}

function afterInsert(e: usize, off: u64, end: u64, seg: usize): void {
  if (end > load<u64>(e, E_MAX_END)) store<u64>(e, end, E_MAX_END);
  const len = end - off;
  if (len > maxSegLen) maxSegLen = len;
  // extend the contiguous run [delivOff, nextOff)
  let next = load<u64>(e, E_NEXT_OFF);
  if (off <= next && end > next) {
    next = end;
    let s = seg != 0 ? <usize>load<u32>(seg, S_NEXT) : <usize>load<u32>(e, E_SEG_HEAD);
    while (s != 0) {
      const s0 = load<u64>(s, S_START);
      if (s0 > next) break;
      const s1 = segEnd(s);
      if (s1 > next) next = s1;
      s = <usize>load<u32>(s, S_NEXT);
    }
    store<u64>(e, next, E_NEXT_OFF);
  }
  if (VALIDATE) segmentsValidate(e);
}

/**
 * Delivers the bytes from delivOff up to `limit` (exclusive) in order: stored runs go to the host
 * (onData), holes become gaps (onGap) when data after them lies below `limit` (it was acknowledged)
 * or `final` is set (connection end / end of input). A trailing hole with nothing after it is not a
 * gap yet. Frees the records and pages left behind.
 */
export function segmentsDeliver(f: usize, dir: i32, limit: u64, final: bool): void {
  const e = ep(f, dir);
  let pos = load<u64>(e, E_DELIV_OFF);
  if (limit <= pos) return;
  let head = <usize>load<u32>(e, E_SEG_HEAD);
  while (pos < limit) {
    // drop records wholly below pos
    while (head != 0 && segEnd(head) <= pos) {
      const n = <usize>load<u32>(head, S_NEXT);
      poolFree(POOL_SEG, head);
      head = n;
    }
    if (head == 0) break;
    const h0 = load<u64>(head, S_START);
    if (h0 > pos) {
      // a hole [pos, h0): a gap once data beyond it is acknowledged, or at the end
      if (!final && limit <= h0) break;
      deliverGap(f, dir, e, pos, h0 - pos);
      pos = h0;
      continue;
    }
    // contiguous run starting at pos
    let runEnd = pos;
    let s = head;
    while (s != 0) {
      const s0 = load<u64>(s, S_START);
      if (s0 > runEnd) break;
      const s1 = segEnd(s);
      if (s1 > runEnd) runEnd = s1;
      s = <usize>load<u32>(s, S_NEXT);
    }
    const upto = min<u64>(runEnd, limit);
    deliverBytes(f, dir, e, pos, upto);
    pos = upto;
  }
  while (head != 0 && segEnd(head) <= pos) {
    const n = <usize>load<u32>(head, S_NEXT);
    poolFree(POOL_SEG, head);
    head = n;
  }
  store<u32>(e, <u32>head, E_SEG_HEAD);
  if (head == 0) store<u32>(e, 0, E_SEG_TAIL); else store<u32>(head, 0, S_PREV);
  store<u64>(e, pos, E_DELIV_OFF);
  if (load<u64>(e, E_NEXT_OFF) < pos) store<u64>(e, pos, E_NEXT_OFF);
  if (pos > load<u64>(e, E_MAX_END)) store<u64>(e, pos, E_MAX_END);
  // nothing left to deliver: every page holds only delivered bytes, so an idle connection keeps none
  if (head == 0) storeClear(e); else storeRelease(e, pos);
  if (VALIDATE) segmentsValidate(e);
}

function deliverBytes(f: usize, dir: i32, e: usize, from: u64, to: u64): void {
  statAdd(dir == 0 ? St.Delivered0 : St.Delivered1, to - from);
  if (!deliverData) return;
  let o = from;
  while (o < to) {
    const p = storePtr(e, o);
    const k = storeRunLen(o, to - o);
    hostData(f, dir, p, k, o);
    o += k;
  }
}

/** A gap is also how the session reports data it will never have (depth, memcap, seq jumps). */
export function deliverGap(f: usize, dir: i32, e: usize, from: u64, len: u64): void {
  store<u64>(e, load<u64>(e, E_GAP_BYTES) + len, E_GAP_BYTES);
  store<u32>(e, load<u32>(e, E_GAP_COUNT) + 1, E_GAP_COUNT);
  statAdd(St.GapBytes, len);
  statAdd(St.Gaps, 1);
  if (deliverData) hostGap(f, dir, from, len);
}

/** Drops every stored record and page (flow end after final delivery, or a filter). */
export function segmentsClear(e: usize): void {
  let s = <usize>load<u32>(e, E_SEG_HEAD);
  while (s != 0) { const n = <usize>load<u32>(s, S_NEXT); poolFree(POOL_SEG, s); s = n; }
  store<u32>(e, 0, E_SEG_HEAD); store<u32>(e, 0, E_SEG_TAIL);
  storeClear(e);
}

export function segmentsValidate(e: usize): void {
  const deliv = load<u64>(e, E_DELIV_OFF);
  let s = <usize>load<u32>(e, E_SEG_HEAD);
  let prev: usize = 0;
  while (s != 0) {
    check(<usize>load<u32>(s, S_PREV) == prev, "S1: back link");
    if (prev != 0) check(load<u64>(prev, S_START) <= load<u64>(s, S_START), "S1: sorted by start");
    check(segEnd(s) > deliv, "S2: record ends above delivOff");
    prev = s; s = <usize>load<u32>(s, S_NEXT);
  }
  check(<usize>load<u32>(e, E_SEG_TAIL) == prev, "S1: tail");
  check(load<u64>(e, E_NEXT_OFF) >= deliv, "S3: nextOff >= delivOff");
}
