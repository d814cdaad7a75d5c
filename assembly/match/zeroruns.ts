// match/zeroruns.ts: the early drop of candidates at the end of zero runs (used by scan.ts's 16-position loops).
// Entry:     zeroRuns(cv, zd, q, p): the step's state with those candidates removed (inlined).
// Owns:      nothing; reads DB_ZERODROP (5 bytes, filled by confirm.ts zeroDropFill at build).
// Hot path:  yes, but only in steps that have a candidate and a zero byte: 2 loads, 7 shuffles, ~20 ops.
// Why:       literals with zero runs (ET: "\x03\0\0\0", "\t\0\0\0\0\0\0\0", ...) clear the (0, 0) gram at
//            several distances of their bucket, so every zero run of the traffic was a candidate of those
//            buckets (et-1000: 87 % of the 4-byte bucket's candidates were "\0\0\0\0"). Exact: a bucket is
//            dropped at a run of z zero bytes only when none of its literals ends in min(z, len) zeros.

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
 * cannot be matches because they end a run of zero bytes that no literal of their bucket ends with
 * (zd = db + DB_ZERODROP, byte i: those buckets for runs of 2^i bytes). Lane k of bz holds 0xff when
 * the z bytes ending at p + k are zero, for z = 1, 2, 4, 8, 16 in turn (from the 32 bytes [p - 16,
 * p + 16); lanes of az whose run would reach before p - 16 stay 0). Needs p >= 17 (never reads before
 * data; the stream's first step and each write's first step are left as they are).
 */
// @ts-ignore: decorator
@inline export function zeroRuns(cv: v128, zd: usize, q: usize, p: u32): v128 {
  const zero = i64x2.splat(0);
  let bz = i8x16.eq(v128.load(q, 1), zero);
  if (p < 17 || !v128.any_true(bz)) return cv;
  let az = i8x16.eq(v128.load(q - 15), zero);
  let drop = v128.and(bz, i8x16.splat(load<i8>(zd)));
  bz = v128.and(bz, up1(az, bz)); az = v128.and(az, up1(zero, az));
  drop = v128.or(drop, v128.and(bz, i8x16.splat(load<i8>(zd, 1))));
  bz = v128.and(bz, up2(az, bz)); az = v128.and(az, up2(zero, az));
  drop = v128.or(drop, v128.and(bz, i8x16.splat(load<i8>(zd, 2))));
  bz = v128.and(bz, up4(az, bz)); az = v128.and(az, up4(zero, az));
  drop = v128.or(drop, v128.and(bz, i8x16.splat(load<i8>(zd, 3))));
  bz = v128.and(bz, up8(az, bz));
  drop = v128.or(drop, v128.and(bz, i8x16.splat(load<i8>(zd, 4))));
  return v128.or(cv, drop);
}
