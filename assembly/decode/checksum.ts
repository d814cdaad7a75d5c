// decode/checksum.ts: the Internet checksum (RFC 1071) with wasm SIMD.
// Entry:     csumPartial(ptr, len, acc): u64 (unfolded), csumFold(acc): u32 (16-bit one's complement sum)
// The sum is computed on little-endian 16-bit words: the one's complement sum is byte-order independent
// (RFC 1071 §2(B)), so a packet whose checksum field is right folds to 0xffff either way.

export function csumPartial(ptr: usize, len: u32, acc: u64): u64 {
  let p = ptr;
  const end = ptr + len;
  // 64 bytes a step into four independent accumulators (instruction-level parallelism): each 16-byte
  // load is widened to four u32 lanes of pair sums (<= 2 * 65535), so a lane cannot overflow before
  // 2^15 steps; blocks are flushed into the u64 every 8192 steps (512 KiB)
  while (p + 64 <= end) {
    let a = i32x4.splat(0), b = i32x4.splat(0), c = i32x4.splat(0), d = i32x4.splat(0);
    const blockEnd = min<usize>(end, p + 64 * 8192);
    while (p + 64 <= blockEnd) {
      a = i32x4.add(a, i32x4.extadd_pairwise_i16x8_u(v128.load(p)));
      b = i32x4.add(b, i32x4.extadd_pairwise_i16x8_u(v128.load(p, 16)));
      c = i32x4.add(c, i32x4.extadd_pairwise_i16x8_u(v128.load(p, 32)));
      d = i32x4.add(d, i32x4.extadd_pairwise_i16x8_u(v128.load(p, 48)));
      p += 64;
    }
    acc += lanes(a) + lanes(b) + lanes(c) + lanes(d);
  }
  let v = i32x4.splat(0);
  while (p + 16 <= end) { v = i32x4.add(v, i32x4.extadd_pairwise_i16x8_u(v128.load(p))); p += 16; }
  acc += lanes(v);
  while (p + 2 <= end) { acc += <u64>load<u16>(p); p += 2; }
  if (p < end) acc += <u64>load<u8>(p);
  return acc;
}

// @ts-ignore: decorator
@inline function lanes(v: v128): u64 {
  return <u64><u32>i32x4.extract_lane(v, 0) + <u64><u32>i32x4.extract_lane(v, 1)
       + <u64><u32>i32x4.extract_lane(v, 2) + <u64><u32>i32x4.extract_lane(v, 3);
}

export function csumFold(acc: u64): u32 {
  acc = (acc & 0xffffffff) + (acc >> 32);
  acc = (acc & 0xffffffff) + (acc >> 32);
  let s = <u32>acc;
  s = (s & 0xffff) + (s >> 16);
  s = (s & 0xffff) + (s >> 16);
  return s;
}
