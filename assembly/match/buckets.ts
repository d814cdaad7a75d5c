// match/buckets.ts: how a literal set is cut into the shift-or's buckets, and the table size: literals
// sorted by length, cut into at most NBUCKETS contiguous groups by a DP over an estimated candidate
// rate per bucket (README.md, "Buckets"). Compile-time only; database.ts is the only caller.
// Entry:     sortByLength(lenOf, order, n), assignBuckets(order, lenOf, n, bk, work, grams): buckets
//            used, gramsFor(dbits), dbitsFor(n), widthFor(minLen)

import { MAX_W, NBUCKETS } from "./database";

/** Shift-or width for a bucket whose shortest literal has `minLen` bytes. */
// @ts-ignore: decorator
@inline export function widthFor(minLen: u32): u32 { return min<u32>(MAX_W, max<u32>(1, minLen - 1)); }

/**
 * Estimated candidate rate of one bucket (n literals, shortest minLen) for the bucket DP: each of its
 * W grams passes with probability 1 - exp(-n / grams) (grams: about how many distinct table entries
 * real traffic uses; gramsFor), and all W must pass.
 */
function bucketCost(n: u32, minLen: u32, grams: f64): f64 {
  const p = 1.0 - Math.exp(-<f64>n / grams);
  return Math.pow(p, <f64>widthFor(minLen)) + <f64>n * 1e-9;
}

/**
 * The DP's `grams` for a table of 2^dbits entries, fitted on the ET sets and the benchmark corpus
 * (whole corpus, counter build): with d = 14 four grams share an entry (the current byte loses 2
 * bits), so each literal passes more traffic: 4,096 (et-1000: candidates 4.37 -> 3.72 M, past the
 * filter 1.67 -> 1.22 M, against 8,192); with d = 16 every gram has its entry: 12,288 (et-5000:
 * 19.4 -> 18.4 M and 6.82 -> 5.51 M; et-all 52.1 -> 51.7 M and 12.8 -> 12.9 M). 8,192 (the value for
 * all sizes before) stays for d = 12 (et-100 had more candidates past the filter with 4,096).
 */
export function gramsFor(dbits: u32): f64 {
  if (dbits <= 12) return 8192.0;
  return dbits <= 14 ? 4096.0 : 12288.0;
}

/**
 * Assigns buckets: literals are sorted by length (order[]), cut into at most 8 contiguous groups by
 * a DP over "units" (one unit per distinct length up to 9 bytes; longer literals in ~64 equal-count
 * units, since W stops growing at 9 bytes). Writes bucket of each literal into bk[] (u8 per literal).
 */
export function assignBuckets(order: usize, lenOf: usize, n: u32, bk: usize, work: usize, grams: f64): u32 {
  // units: [start, end) ranges in order[]
  const ustart = work;                       // u32[n + 1] at most
  let units: u32 = 0;
  const chunk = max<u32>(1, n / 64);
  let i: u32 = 0;
  while (i < n) {
    const len = load<u32>(lenOf + (<usize>load<u32>(order + (<usize>i << 2)) << 2));
    let j = i + 1;
    if (len <= 9) {
      while (j < n && load<u32>(lenOf + (<usize>load<u32>(order + (<usize>j << 2)) << 2)) == len) j++;
    } else {
      j = min<u32>(n, i + chunk);
    }
    store<u32>(ustart + (<usize>units << 2), i);
    units++;
    i = j;
  }
  store<u32>(ustart + (<usize>units << 2), n);
  const nb = min<u32>(NBUCKETS, units);
  // dp[k][u]: best cost of covering units [0, u) with k groups; cut[k][u]: start of the last group
  const dp = ustart + (<usize>(units + 1) << 2);
  const cut = dp + <usize>(nb + 1) * (units + 1) * 8;
  const W1 = units + 1;
  for (let u: u32 = 0; u <= units; u++) store<f64>(dp + (<usize>u << 3), u == 0 ? 0.0 : Infinity);
  for (let k: u32 = 1; k <= nb; k++) {
    for (let u: u32 = 0; u <= units; u++) {
      let best = Infinity; let bestA: u32 = 0;
      for (let a: u32 = k - 1; a < u; a++) {
        const prev = load<f64>(dp + (<usize>((k - 1) * W1 + a) << 3));
        if (prev == Infinity) continue;
        const s = load<u32>(ustart + (<usize>a << 2)), e = load<u32>(ustart + (<usize>u << 2));
        const minLen = load<u32>(lenOf + (<usize>load<u32>(order + (<usize>s << 2)) << 2));
        const c = prev + bucketCost(e - s, minLen, grams);
        if (c < best) { best = c; bestA = a; }
      }
      store<f64>(dp + (<usize>(k * W1 + u) << 3), u == 0 ? 0.0 : best);
      store<u32>(cut + (<usize>(k * W1 + u) << 2), bestA);
    }
  }
  // walk back from (nb, units); groups get buckets nb-1 .. 0 (bucket 0 = shortest literals)
  let u = units;
  for (let k = nb; k >= 1; k--) {
    const a = load<u32>(cut + (<usize>(k * W1 + u) << 2));
    const s = load<u32>(ustart + (<usize>a << 2)), e = load<u32>(ustart + (<usize>u << 2));
    for (let x = s; x < e; x++) store<u8>(bk + <usize>load<u32>(order + (<usize>x << 2)), <u8>(k - 1));
    u = a;
  }
  return nb;
}

/**
 * Domain bits of the shift-or table for n literals. Measured on the benchmark corpus (block MB/s, best
 * of 3, noisy machine): et-100 d=12 ~1,100 vs d=14 ~1,000; et-1000 d=14 ~370 vs d=16 ~270 (smaller
 * tables stay in L1/L2); et-5000 and et-all need d=16 (fewer false candidates beat cache misses).
 */
export function dbitsFor(n: u32): u32 {
  if (n <= 128) return 12;
  if (n <= 2048) return 14;
  return 16;
}

/** order[] = literal indices sorted by (length, index): a heap sort, in place, O(n log n). */
export function sortByLength(lenOf: usize, order: usize, n: u32): void {
  for (let i: u32 = 0; i < n; i++) store<u32>(order + (<usize>i << 2), i);
  // heap sort on order[] by (len, index)
  for (let s: i32 = <i32>(n / 2) - 1; s >= 0; s--) siftDown(lenOf, order, <u32>s, n);
  for (let e: u32 = n - 1; e > 0; e--) {
    const t = load<u32>(order);
    store<u32>(order, load<u32>(order + (<usize>e << 2)));
    store<u32>(order + (<usize>e << 2), t);
    siftDown(lenOf, order, 0, e);
  }
}

// @ts-ignore: decorator
@inline function sortKey(lenOf: usize, idx: u32): u64 { return (<u64>load<u32>(lenOf + (<usize>idx << 2)) << 32) | idx; }

function siftDown(lenOf: usize, order: usize, root: u32, n: u32): void {
  let r = root;
  while (true) {
    let c: u32 = 2 * r + 1;
    if (c >= n) return;
    if (c + 1 < n && sortKey(lenOf, load<u32>(order + (<usize>(c + 1) << 2))) > sortKey(lenOf, load<u32>(order + (<usize>c << 2)))) c++;
    const rv = load<u32>(order + (<usize>r << 2)), cv = load<u32>(order + (<usize>c << 2));
    if (sortKey(lenOf, cv) <= sortKey(lenOf, rv)) return;
    store<u32>(order + (<usize>r << 2), cv);
    store<u32>(order + (<usize>c << 2), rv);
    r = c;
  }
}
