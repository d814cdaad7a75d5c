// match/zeroruns.ts: the early drop of candidates at the end of zero runs (used by scan.ts's 16-position loops).
// Entry:     zeroRuns(cv, zd, q, p): the step's state with those candidates removed (inlined).
// Owns:      nothing; reads DB_ZERODROP (16 bytes, filled by confirm.ts zeroDropFill at build).
// Hot path:  yes, but only in steps that have a candidate and a zero byte: 2 loads, 7 shuffles, ~25 ops.
// Why:       literals with zero runs (ET: "\x03\0\0\0", "\t\0\0\0\0\0\0\0", ...) clear the (0, 0) gram at
//            several distances of their bucket, so every zero run of the traffic was a candidate of those
//            buckets (et-1000: 87 % of the 4-byte bucket's candidates were "\0\0\0\0"). Exact: a bucket is
//            dropped at a run of r zero bytes only when each of its literals has a non-zero byte in its last r.

/** Lanes [16 - s, 32 - s) of the 32 lanes (a, b): b moved up by s lanes, with a's last s lanes below. */
// @ts-ignore: decorator
@inline function up1(a: v128, b: v128): v128 { return i8x16.shuffle(a, b, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30); }
// @ts-ignore: decorator
@inline function up2(a: v128, b: v128): v128 { return i8x16.shuffle(a, b, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29); }
// @ts-ignore: decorator
@inline function up4(a: v128, b: v128): v128 { return i8x16.shuffle(a, b, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27); }
// @ts-ignore: decorator
@inline function up8(a: v128, b: v128): v128 { return i8x16.shuffle(a, b, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23); }

/**
 * cv (positions p..p+15, q = data + p - 1; a 1 bit = no candidate) with the candidates removed that
 * cannot be matches because they end a run of zero bytes longer than any literal of their bucket allows
 * (zd = db + DB_ZERODROP: byte r = the buckets dead at a run of r zeros). Over the 32 bytes [p - 16,
 * p + 16): each lane holds 1 + its index when its byte is not zero, a prefix max gives the last non-zero
 * byte at or before each lane, and the run length is the distance to it (a lower bound: at most 16 +
 * k is seen); min(run, 15) indexes the 16-byte table (swizzle). Needs p >= 17 (never reads before
 * data; the first step of a write is left as it is).
 */
// @ts-ignore: decorator
@inline export function zeroRuns(cv: v128, zd: usize, q: usize, p: u32): v128 {
  const zero = i64x2.splat(0);
  const b = v128.load(q, 1);
  if (p < 17 || !v128.any_true(i8x16.eq(b, zero))) return cv;
  const iotaA = v128(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
  const iotaB = v128(17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32);
  let la = v128.andnot(iotaA, i8x16.eq(v128.load(q - 15), zero));
  let lb = v128.andnot(iotaB, i8x16.eq(b, zero));
  lb = i8x16.max_u(lb, up1(la, lb)); la = i8x16.max_u(la, up1(zero, la));
  lb = i8x16.max_u(lb, up2(la, lb)); la = i8x16.max_u(la, up2(zero, la));
  lb = i8x16.max_u(lb, up4(la, lb)); la = i8x16.max_u(la, up4(zero, la));
  lb = i8x16.max_u(lb, up8(la, lb));
  const run = i8x16.min_u(i8x16.sub(iotaB, lb), i8x16.splat(15));
  return v128.or(cv, i8x16.swizzle(v128.load(zd), run));
}
