// decode/checksum.ts: the Internet checksum (RFC 1071) with wasm SIMD.
// Entry:     csumPartial(ptr, len, acc): u64 (unfolded), csumFold(acc): u32 (16-bit one's complement sum)
// The sum is computed on little-endian 16-bit words: the one's complement sum is byte-order independent
// (RFC 1071 §2(B)), so a packet whose checksum field is right folds to 0xffff either way.

export function csumPartial(ptr: usize, len: u32, acc: u64): u64 {
  let p = ptr;
  const end = ptr + len;
  // 16 bytes a step: widen eight u16 lanes to four u32 pair sums; lanes cannot overflow below 2^15 steps
  let v = i32x4.splat(0);
  let steps: u32 = 0;
  while (p + 16 <= end) {
    v = i32x4.add(v, i32x4.extadd_pairwise_i16x8_u(v128.load(p)));
    p += 16;
    if (++steps == 16384) {
      acc += <u64><u32>i32x4.extract_lane(v, 0) + <u64><u32>i32x4.extract_lane(v, 1)
           + <u64><u32>i32x4.extract_lane(v, 2) + <u64><u32>i32x4.extract_lane(v, 3);
      v = i32x4.splat(0); steps = 0;
    }
  }
  acc += <u64><u32>i32x4.extract_lane(v, 0) + <u64><u32>i32x4.extract_lane(v, 1)
       + <u64><u32>i32x4.extract_lane(v, 2) + <u64><u32>i32x4.extract_lane(v, 3);
  while (p + 2 <= end) { acc += <u64>load<u16>(p); p += 2; }
  if (p < end) acc += <u64>load<u8>(p);
  return acc;
}

export function csumFold(acc: u64): u32 {
  acc = (acc & 0xffffffff) + (acc >> 32);
  acc = (acc & 0xffffffff) + (acc >> 32);
  let s = <u32>acc;
  s = (s & 0xffff) + (s >> 16);
  s = (s & 0xffff) + (s >> 16);
  return s;
}
