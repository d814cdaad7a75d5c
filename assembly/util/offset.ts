// util/offset.ts: absolute stream offsets (u64) and the ONE bridge between Seq and Offset.
// Entry:     seqToOffset(baseSeq, refOff, seq), offsetToSeq(baseSeq, off)
// Owns:      nothing.
// Everything below the TCP layer (reassembly/, stream/) speaks Offset only (Zeek ToRelativeSeqSpace,
// Suricata STREAM_BASE_OFFSET). Offset 0 is the first byte after the ISN (the SYN's seq + 1), or the
// first sequence number seen in that direction for a midstream pickup.

import { Seq, seqDiff } from "./seq";

export type Offset = u64;

/** Sequence number of stream offset `off`. */
// @ts-ignore: decorator
@inline export function offsetToSeq(baseSeq: Seq, off: Offset): Seq { return baseSeq + <u32>off; }

/**
 * Unwraps `seq` to an absolute offset, taking the point nearest to `refOff` (a known offset in the same
 * direction, e.g. the next expected byte). Returns a signed value: negative means before the stream start.
 * Valid while |seq - seq(refOff)| < 2^31.
 */
// @ts-ignore: decorator
@inline export function seqToOffset(baseSeq: Seq, refOff: Offset, seq: Seq): i64 {
  return <i64>refOff + <i64>seqDiff(seq, offsetToSeq(baseSeq, refOff));
}
