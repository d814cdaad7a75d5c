// reassembly/store.ts: the byte store of one direction: bytes addressed by stream Offset, kept in fixed
// 4 KiB pages (POOL_PAGE) on a sorted doubly-linked list per endpoint. Sparse by construction: a
// sequence jump of hundreds of MB costs only the pages actually written (Suricata needs extra
// "regions" for that; see util-streaming-buffer.h).
// Entry:     storeWrite(e, off, src, len): bool, storeRead(e, off, dst, len), storeRun(e, off, maxLen),
//            storeRelease(e, below), storeClear(e)
// Owns:      POOL_PAGE pages; the endpoint's pageHead/pageTail fields.
// Hot path:  yes. In-order writes touch the tail page; lookups walk back from the tail, so data
//            near the right edge (the common case for out-of-order delivery) is found in a few steps.
// Invariants (checked by storeValidate when VALIDATE):
//   B1  pages are sorted by pageNo, strictly increasing, and linked both ways;
// What presence means: the store does not know which bytes are present; reassembly/segments.ts does.
// Limits:    no free page -> storeWrite returns false and writes nothing (state unchanged).

import { E_PAGE_HEAD, E_PAGE_TAIL, PAGE_HDR, PAGE_SHIFT, PAGE_SIZE, P_NEXT, P_NO, P_PREV } from "../abi/layout";
import { POOL_PAGE, poolAlloc, poolFree, poolSpare } from "../util/pool";
import { check, VALIDATE } from "../util/check";

// @ts-ignore: decorator
@inline const MASK: u64 = <u64>PAGE_SIZE - 1;

/** The page holding page number `no`, or 0. Walks back from the tail. */
function findPage(e: usize, no: u64): usize {
  let pg = <usize>load<u32>(e, E_PAGE_TAIL);
  while (pg != 0) {
    const n = load<u64>(pg, P_NO);
    if (n == no) return pg;
    if (n < no) return 0;
    pg = <usize>load<u32>(pg, P_PREV);
  }
  return 0;
}

/** The page for `no`, created and linked in order if absent; 0 when the pool is exhausted. */
function getPage(e: usize, no: u64): usize {
  const near = findPageNear(e, no);
  if (near != 0) return near;
  // absent: find the insertion point from the nearer end
  let after = <usize>load<u32>(e, E_PAGE_TAIL); // insert after this one
  const head = <usize>load<u32>(e, E_PAGE_HEAD);
  if (head == 0 || no > load<u64>(after, P_NO)) { /* append after the tail (the common case) */ }
  else if (no < load<u64>(head, P_NO)) after = 0;
  else if (no - load<u64>(head, P_NO) < load<u64>(after, P_NO) - no) {
    after = head;
    while (load<u32>(after, P_NEXT) != 0 && load<u64>(<usize>load<u32>(after, P_NEXT), P_NO) < no) after = <usize>load<u32>(after, P_NEXT);
  } else {
    while (after != 0 && load<u64>(after, P_NO) > no) after = <usize>load<u32>(after, P_PREV);
  }
  const pg = poolAlloc(POOL_PAGE, <u32>PAGE_HDR); // data bytes are written before they are read
  if (pg == 0) return 0;
  store<u64>(pg, no, P_NO);
  const next = after == 0 ? <usize>load<u32>(e, E_PAGE_HEAD) : <usize>load<u32>(after, P_NEXT);
  store<u32>(pg, <u32>after, P_PREV);
  store<u32>(pg, <u32>next, P_NEXT);
  if (after == 0) store<u32>(e, <u32>pg, E_PAGE_HEAD); else store<u32>(after, <u32>pg, P_NEXT);
  if (next == 0) store<u32>(e, <u32>pg, E_PAGE_TAIL); else store<u32>(next, <u32>pg, P_PREV);
  return pg;
}

/** Pages needed to hold [off, off+len) that are not there yet (upper bound: all of them). */
function pagesSpanned(off: u64, len: u32): u32 {
  if (len == 0) return 0;
  return <u32>(((off + len - 1) >> PAGE_SHIFT) - (off >> PAGE_SHIFT) + 1);
}

/** Copies len bytes from src to stream offset off. False (nothing written) if pages ran out. */
export function storeWrite(e: usize, off: u64, src: usize, len: u32): bool {
  if (len == 0) return true;
  // all-or-nothing: make sure enough pages can exist before touching anything
  const need = pagesSpanned(off, len);
  if (need > 1 && poolSpare(POOL_PAGE) < need) {
    let missing: u32 = 0;
    for (let no = off >> PAGE_SHIFT; no <= (off + len - 1) >> PAGE_SHIFT; no++) if (findPageNear(e, no) == 0) missing++;
    if (missing > poolSpare(POOL_PAGE)) return false;
  }
  let o = off; let s = src; let n = len;
  while (n > 0) {
    const pg = getPage(e, o >> PAGE_SHIFT);
    if (pg == 0) return false; // only possible when need <= 1
    const at = <u32>(o & MASK);
    const k = min<u32>(n, PAGE_SIZE - at);
    memory.copy(pg + PAGE_HDR + at, s, k);
    o += k; s += k; n -= k;
  }
  if (VALIDATE) storeValidate(e);
  return true;
}

/** Copies len stored bytes at off into dst. Every page touched must exist (the caller knows presence). */
export function storeRead(e: usize, off: u64, dst: usize, len: u32): void {
  let o = off; let d = dst; let n = len;
  while (n > 0) {
    const pg = findPageNear(e, o >> PAGE_SHIFT);
    check(pg != 0, "B1: read of a page that was never written");
    const at = <u32>(o & MASK);
    const k = min<u32>(n, PAGE_SIZE - at);
    if (pg != 0) memory.copy(d, pg + PAGE_HDR + at, k);
    o += k; d += k; n -= k;
  }
}

/** Pointer to the stored byte at `off`; the contiguous run there is min(maxLen, rest of the page). */
export function storePtr(e: usize, off: u64): usize {
  const pg = findPageNear(e, off >> PAGE_SHIFT);
  return pg == 0 ? 0 : pg + PAGE_HDR + <usize>(off & MASK);
}
export function storeRunLen(off: u64, maxLen: u64): u32 {
  return <u32>min<u64>(maxLen, <u64>PAGE_SIZE - (off & MASK));
}

/** The page `no`, searched from whichever end of the list is nearer (O(distance), not O(pages)). */
function findPageNear(e: usize, no: u64): usize {
  const head = <usize>load<u32>(e, E_PAGE_HEAD);
  const tail = <usize>load<u32>(e, E_PAGE_TAIL);
  if (head == 0) return 0;
  const h = load<u64>(head, P_NO), t = load<u64>(tail, P_NO);
  if (no < h || no > t) return 0;
  if (no - h > t - no) return findPage(e, no);
  let pg = head;
  while (pg != 0) {
    const n = load<u64>(pg, P_NO);
    if (n == no) return pg;
    if (n > no) return 0;
    pg = <usize>load<u32>(pg, P_NEXT);
  }
  return 0;
}

/** Frees every page that lies wholly below offset `below`. */
export function storeRelease(e: usize, below: u64): void {
  let pg = <usize>load<u32>(e, E_PAGE_HEAD);
  while (pg != 0 && ((load<u64>(pg, P_NO) + 1) << PAGE_SHIFT) <= below) {
    const next = <usize>load<u32>(pg, P_NEXT);
    poolFree(POOL_PAGE, pg);
    pg = next;
  }
  store<u32>(e, <u32>pg, E_PAGE_HEAD);
  if (pg == 0) store<u32>(e, 0, E_PAGE_TAIL); else store<u32>(pg, 0, P_PREV);
}

export function storeClear(e: usize): void { storeRelease(e, 0xffffffffffffffff); }

export function storeValidate(e: usize): void {
  let pg = <usize>load<u32>(e, E_PAGE_HEAD);
  let prev: usize = 0;
  while (pg != 0) {
    check(<usize>load<u32>(pg, P_PREV) == prev, "B1: back link");
    if (prev != 0) check(load<u64>(prev, P_NO) < load<u64>(pg, P_NO), "B1: sorted, unique");
    prev = pg; pg = <usize>load<u32>(pg, P_NEXT);
  }
  check(<usize>load<u32>(e, E_PAGE_TAIL) == prev, "B1: tail");
}
