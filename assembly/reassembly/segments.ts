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
// covering it says "new wins". Bytes below delivOff are never changed (already delivered), nor stored
// bytes below the peer's ACK (the receiver has them; with IDS chunks delivery lags the ACK).
// Limits:    segment pool or page pool empty -> INS_NOMEM, nothing stored, state unchanged.

import {
  E_DELIV_OFF, E_GAP_BYTES, E_GAP_COUNT, E_MAX_END, E_NEXT_OFF, E_POLICY, E_SEG_HEAD, E_SEG_TAIL,
  S_LEN, S_NEXT, S_PREV, S_START, ep, E_FLAGS, EPF_RETAIN_BAD, PAGE_SIZE, E_ACK_OFF, EPF_ACK_SEEN,
} from "../abi/layout";
import { St } from "../abi/stats";
import { POOL_SEG, poolAlloc, poolFree } from "../util/pool";
import { statAdd } from "../util/cfg";
import { check, VALIDATE } from "../util/check";
import { storeWrite, storeRead, storePtr, storeRunLen, storeRelease, storeClear } from "./store";
import { overlapClass } from "./overlap";
import { newWins } from "./policy";
import { hostData, hostGap } from "../host";
import { inspecting, inspectData, inspectGap } from "../inspect/scan";

export const INS_OK: u32 = 0;
export const INS_OVERLAP: u32 = 1;    // overlapped stored data
export const INS_DIFF: u32 = 2;       // ... and some overlapping bytes differed
export const INS_NOMEM: u32 = 4;      // not stored: memcap
export const INS_OLD: u32 = 8;        // wholly below delivOff (already delivered)
export const INS_COVERED: u32 = 16;   // wholly inside stored data with identical bytes (retransmission)
export const INS_TOO_MANY: u32 = 32;  // not stored: finding its place took more than MAX_WALK records

/** Records a single insert may walk past to find its place. More means a long queue behind a hole
 *  with inserts in its middle (an attacker's CPU sink, Zeek issue #575): the session then delivers
 *  what the direction holds, holes as gaps (Snort's max_queued_segs flush), and inserts again. */
const MAX_WALK: u32 = 4096;
let walkTooLong = false;

let scratch: usize = 0;
let scratchCap: u32 = 0;
let maxSegLen: u64 = 0;   // longest record ever stored: bounds the backward overlap walk
let deliverData: bool = true;

// Retention (Cfg.RetainDelivered, off by default as Zeek's tcp_max_old_segments and Suricata's
// check-overlap-different-data): the page holding the last delivered byte stays, so a re-send that
// overlaps delivered bytes can still be compared (the injected-response race: a forged segment is
// acknowledged before the genuine one arrives). The bytes themselves never change once delivered.
let retain: bool = false;

export function segmentsInit(scratchPtr: usize, cap: u32, deliver: bool, retainDelivered: bool): void {
  scratch = scratchPtr; scratchCap = cap; deliverData = deliver; retain = retainDelivered;
}

/** Compares the part of [off, off+len) that lies in the retained delivered page with what was delivered. */
function deliveredDiffers(e: usize, off: u64, src: usize, len: u32, deliv: u64): bool {
  if (!retain || deliv == 0 || (load<u16>(e, E_FLAGS) & EPF_RETAIN_BAD) != 0) return false;
  // a keep-alive probe re-sends the last byte with arbitrary content (RFC 9293 §3.8.4; Zeek spares it too)
  if (len == 1 && off + 1 == deliv) return false;
  const from = max<u64>(off, (deliv - 1) & ~(<u64>PAGE_SIZE - 1));
  const to = min<u64>(off + <u64>len, deliv);
  if (from >= to || storePtr(e, from) == 0) return false;
  return !storeEquals(e, from, src + <usize>(from - off), <u32>(to - from));
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

function unlink(e: usize, s: usize): void {
  const p = <usize>load<u32>(s, S_PREV), n = <usize>load<u32>(s, S_NEXT);
  if (p == 0) store<u32>(e, <u32>n, E_SEG_HEAD); else store<u32>(p, <u32>n, S_NEXT);
  if (n == 0) store<u32>(e, <u32>p, E_SEG_TAIL); else store<u32>(n, <u32>p, S_PREV);
  poolFree(POOL_SEG, s);
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
  let res = INS_OK;
  if (off < deliv && deliveredDiffers(e, off, src, len, deliv)) { statAdd(St.OverlapsDiff, 1); res = INS_OVERLAP | INS_DIFF; }
  if (end <= deliv) { statAdd(St.Retransmissions, 1); return res | INS_OLD; }
  if (off < deliv) { const cut = <u32>(deliv - off); src += cut; len -= cut; off = deliv; }
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

/** Last record with start <= off (ties: the last of them), or 0; searched from the nearer end. */
function findAfter(e: usize, off: u64): usize {
  const head = <usize>load<u32>(e, E_SEG_HEAD), tail = <usize>load<u32>(e, E_SEG_TAIL);
  if (head == 0 || off < load<u64>(head, S_START)) return 0;
  const h0 = load<u64>(head, S_START), t0 = load<u64>(tail, S_START);
  if (off >= t0) return tail;
  let steps: u32 = 0;
  if (off - h0 < t0 - off) {
    let s = head;
    while (true) {
      const n = <usize>load<u32>(s, S_NEXT);
      if (n == 0 || load<u64>(n, S_START) > off) return s;
      s = n;
      if (++steps > MAX_WALK) { walkTooLong = true; return s; }
    }
  }
  let s = tail;
  while (s != 0 && load<u64>(s, S_START) > off) {
    s = <usize>load<u32>(s, S_PREV);
    if (++steps > MAX_WALK) { walkTooLong = true; return s; }
  }
  return s;
}

// results of walkOverlaps (module state: one insert at a time)
let wOverlaps = false, wDiff = false, wTwin = false;
let wLowest: usize = 0; // the earliest record the backward walk visited (coverage starts there)
let wFrozen: u64 = 0;   // stored bytes below this offset were acknowledged: they always stay

/**
 * Visits every stored record that overlaps [off, end): those after `after` that start before `end`,
 * and `after` and those before it that end beyond `off` (the backward walk stops where even the
 * longest record stored could not reach `off`). compose = false: note overlaps, differing bytes and an
 * exact twin. compose = true: copy stored bytes over the staged ones where the policy keeps the old.
 */
function walkOverlaps(e: usize, off: u64, src: usize, end: u64, after: usize, compose: bool, policy: i32): void {
  let s = after != 0 ? <usize>load<u32>(after, S_NEXT) : <usize>load<u32>(e, E_SEG_HEAD);
  while (s != 0) {
    const s0 = load<u64>(s, S_START);
    if (s0 >= end) break;
    visit(e, s, s0, segEnd(s), off, src, end, compose, policy);
    s = <usize>load<u32>(s, S_NEXT);
  }
  s = after;
  wLowest = after;
  while (s != 0) {
    const s0 = load<u64>(s, S_START);
    if (s0 + maxSegLen <= off) break;
    wLowest = s;
    const s1 = segEnd(s);
    if (s1 > off) visit(e, s, s0, s1, off, src, end, compose, policy);
    s = <usize>load<u32>(s, S_PREV);
  }
}

function visit(e: usize, s: usize, s0: u64, s1: u64, off: u64, src: usize, end: u64, compose: bool, policy: i32): void {
  const a = max<u64>(s0, off), b = min<u64>(s1, end);
  if (!compose) {
    wOverlaps = true;
    if (!wDiff && !storeEquals(e, a, src + <usize>(a - off), <u32>(b - a))) wDiff = true;
    if (s0 == off && s1 == end) wTwin = true;
  } else if (!newWins(policy, overlapClass(off, end, s0, s1))) {
    storeRead(e, a, scratch + <usize>(a - off), <u32>(b - a));
  } else if (a < wFrozen) {
    // acknowledged bytes are the receiver's already, whatever its policy: a re-send cannot change them
    // (matters when delivery lags the ACK: IDS chunks)
    storeRead(e, a, scratch + <usize>(a - off), <u32>(min<u64>(b, wFrozen) - a));
  }
}

function insertOverlapping(e: usize, off: u64, src: usize, len: u32): u32 {
  const end = off + <u64>len;
  const policy = <i32>load<u8>(e, E_POLICY);
  // pass 1: insertion point (after the last record with start <= off), overlaps, differing bytes,
  // an exact twin, and whether the new bytes are wholly inside stored data
  walkTooLong = false;
  const after = findAfter(e, off);
  if (walkTooLong) return INS_TOO_MANY;
  wOverlaps = false; wDiff = false; wTwin = false;
  walkOverlaps(e, off, src, end, after, false, policy);
  if (wOverlaps) statAdd(St.Overlaps, 1);
  if (wDiff) statAdd(St.OverlapsDiff, 1);
  if (!wDiff && coverageFrom(wLowest != 0 ? wLowest : <usize>load<u32>(e, E_SEG_HEAD), off, end) >= end) {
    statAdd(St.Retransmissions, 1);
    return INS_OVERLAP | INS_COVERED;
  }
  // pass 2: stage the new bytes; stored bytes win wherever the pairwise verdict says so
  let from = src;
  const diff = wDiff, twin = wTwin;
  if (diff) {
    wFrozen = (load<u16>(e, E_FLAGS) & EPF_ACK_SEEN) != 0 ? load<u64>(e, E_ACK_OFF) : 0;
    memory.copy(scratch, src, len);
    walkOverlaps(e, off, src, end, after, true, policy);
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

/** End of the run of stored bytes that covers `off`, walking forward from record `from`. */
function coverageFrom(from: usize, off: u64, end: u64): u64 {
  let cov = off;
  let s = from;
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
 * Frees every record that ends at or below pos (S2) and returns the new head. Only records that start
 * below pos can; a record nested inside an earlier, longer one is found too, not only the head.
 */
function dropDelivered(e: usize, pos: u64): usize {
  let s = <usize>load<u32>(e, E_SEG_HEAD);
  while (s != 0 && load<u64>(s, S_START) < pos) {
    const n = <usize>load<u32>(s, S_NEXT);
    if (segEnd(s) <= pos) unlink(e, s);
    s = n;
  }
  return <usize>load<u32>(e, E_SEG_HEAD);
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
  let head: usize = 0;
  while (pos < limit) {
    head = dropDelivered(e, pos);
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
  head = dropDelivered(e, pos);
  store<u64>(e, pos, E_DELIV_OFF);
  if (load<u64>(e, E_NEXT_OFF) < pos) store<u64>(e, pos, E_NEXT_OFF);
  if (pos > load<u64>(e, E_MAX_END)) store<u64>(e, pos, E_MAX_END);
  // nothing left to deliver: every page holds only delivered bytes, so an idle connection keeps none
  // (with retention, the page holding the last delivered byte stays)
  if (retain && pos > 0) storeRelease(e, pos - 1);
  else if (head == 0) storeClear(e); else storeRelease(e, pos);
  if (VALIDATE) segmentsValidate(e);
}

function deliverBytes(f: usize, dir: i32, e: usize, from: u64, to: u64): void {
  statAdd(dir == 0 ? St.Delivered0 : St.Delivered1, to - from);
  // the retained page is comparable again once a run of data covers it from its first byte
  if (retain && from <= ((to - 1) & ~(<u64>PAGE_SIZE - 1))) store<u16>(e, load<u16>(e, E_FLAGS) & ~EPF_RETAIN_BAD, E_FLAGS);
  const scan = inspecting();
  if (!deliverData && !scan) return;
  let o = from;
  while (o < to) {
    const p = storePtr(e, o);
    const k = storeRunLen(o, to - o);
    if (deliverData) hostData(f, dir, p, k, o);
    if (scan) inspectData(f, dir, e, p, k, o);
    o += k;
  }
}

/** A gap is also how the session reports data it will never have (depth, memcap, seq jumps). */
export function deliverGap(f: usize, dir: i32, e: usize, from: u64, len: u64): void {
  store<u16>(e, load<u16>(e, E_FLAGS) | EPF_RETAIN_BAD, E_FLAGS);
  store<u64>(e, load<u64>(e, E_GAP_BYTES) + len, E_GAP_BYTES);
  store<u32>(e, load<u32>(e, E_GAP_COUNT) + 1, E_GAP_COUNT);
  statAdd(St.GapBytes, len);
  statAdd(St.Gaps, 1);
  if (inspecting()) inspectGap(e);
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
