// util/seq.ts: TCP sequence-number arithmetic, modulo 2^32 (RFC 9293 §3.4).
// Entry:     seqLt/seqLeq/seqGt/seqGeq/seqDiff/seqAdd. The ONLY place where a Seq is compared or subtracted.
// Owns:      nothing (pure functions).
// Invariants: comparisons are valid when the two points are less than 2^31 apart (the usual window
//             assumption; Suricata SEQ_LT, gVisor seqnum.LessThan). seqDiff(a, b) is the signed distance.

export type Seq = u32;

/** Signed distance a - b, in (-2^31, 2^31). */
// @ts-ignore: decorator
@inline export function seqDiff(a: Seq, b: Seq): i32 { return <i32>(a - b); }
// @ts-ignore: decorator
@inline export function seqLt(a: Seq, b: Seq): bool { return <i32>(a - b) < 0; }
// @ts-ignore: decorator
@inline export function seqLeq(a: Seq, b: Seq): bool { return <i32>(a - b) <= 0; }
// @ts-ignore: decorator
@inline export function seqGt(a: Seq, b: Seq): bool { return <i32>(a - b) > 0; }
// @ts-ignore: decorator
@inline export function seqGeq(a: Seq, b: Seq): bool { return <i32>(a - b) >= 0; }
/** a + n mod 2^32. */
// @ts-ignore: decorator
@inline export function seqAdd(a: Seq, n: u32): Seq { return a + n; }
