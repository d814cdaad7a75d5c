// util/pool.ts: fixed-size record pools with free lists (flows, segments, pages, fragments).
// Entry:     poolInit(id, itemSize, maxItems, slabItems), poolAlloc(id, zeroBytes): usize, poolFree(id, ptr)
// Owns:      the pool descriptors (POOLS, static memory) and every slab it carves from the arena.
// Hot path:  yes. O(1) alloc/free; a new slab is taken from the arena only when the free list is empty.
// Invariants (checked by poolValidate when VALIDATE):
//   P1  live <= total <= max; free list length == total - live.
// Limits:    max items reached or arena exhausted -> poolAlloc returns 0; callers map that to a Status.
// Ids:       a record's id is its address in linear memory (u32 in wasm32); 0 is null.

import { arenaAlloc } from "./arena";
import { check, VALIDATE } from "./check";

export const POOL_FLOW: i32 = 0;
export const POOL_SEG: i32 = 1;
export const POOL_PAGE: i32 = 2;
export const POOL_FRAG: i32 = 3;
export const POOL_COUNT: i32 = 4;

// descriptor layout (32 bytes each)
// @ts-ignore: decorator
@inline const D_ITEM = 0;   // u32 item size (multiple of 8)
// @ts-ignore: decorator
@inline const D_FREE = 4;   // u32 free-list head
// @ts-ignore: decorator
@inline const D_LIVE = 8;   // u32 items in use
// @ts-ignore: decorator
@inline const D_TOTAL = 12; // u32 items carved from the arena
// @ts-ignore: decorator
@inline const D_MAX = 16;   // u32 limit on total
// @ts-ignore: decorator
@inline const D_SLAB = 20;  // u32 items per slab
// @ts-ignore: decorator
@inline const D_PEAK = 24;  // u32 highest live
// @ts-ignore: decorator
@inline const D_FAIL = 28;  // u32 failed allocations
const POOLS: usize = memory.data(32 * 8);

// @ts-ignore: decorator
@inline function desc(id: i32): usize { return POOLS + (<usize>id << 5); }

export function poolInit(id: i32, itemSize: u32, maxItems: u32, slabItems: u32): void {
  const d = desc(id);
  store<u32>(d, (itemSize + 7) & ~7, D_ITEM);
  store<u32>(d, 0, D_FREE);
  store<u32>(d, 0, D_LIVE);
  store<u32>(d, 0, D_TOTAL);
  store<u32>(d, maxItems, D_MAX);
  store<u32>(d, max<u32>(1, slabItems), D_SLAB);
  store<u32>(d, 0, D_PEAK);
  store<u32>(d, 0, D_FAIL);
}

function poolGrow(d: usize): bool {
  const total = load<u32>(d, D_TOTAL);
  const limit = load<u32>(d, D_MAX);
  if (total >= limit) return false;
  const n = min<u32>(load<u32>(d, D_SLAB), limit - total);
  const item = <usize>load<u32>(d, D_ITEM);
  const slab = arenaAlloc(item * n);
  if (slab == 0) return false;
  // thread the new items onto the free list, lowest address first
  let head = load<u32>(d, D_FREE);
  for (let i: i32 = <i32>n - 1; i >= 0; i--) {
    const p = slab + <usize>i * item;
    store<u32>(p, head);
    head = <u32>p;
  }
  store<u32>(d, head, D_FREE);
  store<u32>(d, total + n, D_TOTAL);
  return true;
}

/**
 * A record whose first `zeroBytes` bytes are zero (all of it by default), or 0 when the pool is at its
 * limit or memory cannot grow. Pages pass their header size: their data is always written before read.
 */
export function poolAlloc(id: i32, zeroBytes: u32 = 0xffffffff): usize {
  const d = desc(id);
  let p = <usize>load<u32>(d, D_FREE);
  if (p == 0) {
    if (!poolGrow(d)) { store<u32>(d, load<u32>(d, D_FAIL) + 1, D_FAIL); return 0; }
    p = <usize>load<u32>(d, D_FREE);
  }
  store<u32>(d, load<u32>(p), D_FREE);
  memory.fill(p, 0, <usize>min<u32>(zeroBytes, load<u32>(d, D_ITEM)));
  const live = load<u32>(d, D_LIVE) + 1;
  store<u32>(d, live, D_LIVE);
  if (live > load<u32>(d, D_PEAK)) store<u32>(d, live, D_PEAK);
  return p;
}

export function poolFree(id: i32, p: usize): void {
  const d = desc(id);
  check(p != 0, "P1: free of null");
  store<u32>(p, load<u32>(d, D_FREE));
  store<u32>(d, <u32>p, D_FREE);
  store<u32>(d, load<u32>(d, D_LIVE) - 1, D_LIVE);
  if (VALIDATE) poolValidate(id);
}

export function poolLive(id: i32): u32 { return load<u32>(desc(id), D_LIVE); }
export function poolTotal(id: i32): u32 { return load<u32>(desc(id), D_TOTAL); }
export function poolPeak(id: i32): u32 { return load<u32>(desc(id), D_PEAK); }
export function poolFailures(id: i32): u32 { return load<u32>(desc(id), D_FAIL); }
export function poolItemSize(id: i32): u32 { return load<u32>(desc(id), D_ITEM); }
export function poolMax(id: i32): u32 { return load<u32>(desc(id), D_MAX); }
export function poolSetMax(id: i32, maxItems: u32): void { store<u32>(desc(id), maxItems, D_MAX); }
/** Free items available without growing. */
export function poolSpare(id: i32): u32 {
  const d = desc(id);
  return load<u32>(d, D_MAX) - load<u32>(d, D_LIVE);
}

export function poolValidate(id: i32): void {
  const d = desc(id);
  const live = load<u32>(d, D_LIVE), total = load<u32>(d, D_TOTAL);
  check(live <= total && total <= load<u32>(d, D_MAX), "P1: live <= total <= max");
  let n: u32 = 0;
  let p = <usize>load<u32>(d, D_FREE);
  while (p != 0 && n <= total) { n++; p = <usize>load<u32>(p); }
  check(n == total - live, "P1: free list length == total - live");
}
