// decode/tcp.ts: the TCP header and options (RFC 9293 §3.1; RFC 7323 window scale; RFC 7413 TFO),
// the checksum over the pseudo-header, then hand-off to tcp/checksum.ts (which decides what a wrong
// checksum means) and tcp/session.ts.
// Entry:     decodeTcp(family, src, dst, ptr, capLen, wireLen, badIp)

import { St } from "../abi/stats";
import { statAdd } from "../util/cfg";
import { csumFold, csumPartial } from "./checksum";
import {
  pktSetAddrs, pktSetTcp, pktSetOptions, pktSetMoreOptions, pktSetPayload, CSUM_BAD, CSUM_GOOD, CSUM_UNKNOWN,
} from "./packet";
import { checksumMode, checksumGate } from "../tcp/checksum";
import { flowHashOfPacket } from "../flow/table";

// @ts-ignore: decorator
@inline function be16(p: usize): u32 { return <u32>bswap<u16>(load<u16>(p)); }

export function decodeTcp(family: u8, src: usize, dst: usize, p: usize, len: u32, wireLen: u32, badIp: bool): void {
  if (len < 20) { statAdd(St.DecodeErrors, 1); return; }
  const hl = <u32>(load<u8>(p + 12) >> 4) << 2;
  if (hl < 20 || hl > len || hl > wireLen) { statAdd(St.DecodeErrors, 1); return; }
  pktSetAddrs(family, src, dst);
  pktSetTcp(<u16>be16(p), <u16>be16(p + 2), bswap<u32>(load<u32>(p + 4)), bswap<u32>(load<u32>(p + 8)),
            load<u8>(p + 13), be16(p + 14), <u16>be16(p + 18));
  // several instances share a capture: each takes the connections of its shard (the hash is the same
  // for both directions, so a connection never straddles two instances); the others' packets cost no
  // option walk and no checksum
  if (shardCount > 1 && flowHashOfPacket() % shardCount != shardIndex) { statAdd(St.OtherShard, 1); return; }
  // options (RFC 9293 §3.1, RFC 7323, RFC 2018, RFC 7413); a malformed option ends the walk
  let wscale: i32 = -1;
  let tfo = false, sackPerm = false, hasTs = false;
  let mss: u32 = 0, tsVal: u32 = 0, tsEcr: u32 = 0;
  let o: u32 = 20;
  while (o < hl) {
    const kind = load<u8>(p + o);
    if (kind == 0) break;
    if (kind == 1) { o++; continue; }
    if (o + 1 >= hl) break;
    const olen = <u32>load<u8>(p + o + 1);
    if (olen < 2 || o + olen > hl) break;
    if (kind == 2 && olen == 4) mss = be16(p + o + 2);
    else if (kind == 3 && olen == 3) wscale = min<i32>(<i32>load<u8>(p + o + 2), 14);
    else if (kind == 4 && olen == 2) sackPerm = true;
    else if (kind == 8 && olen == 10) { hasTs = true; tsVal = bswap<u32>(load<u32>(p + o + 2)); tsEcr = bswap<u32>(load<u32>(p + o + 6)); }
    else if (kind == 34) tfo = true;
    else if (kind == 254 && olen >= 4 && be16(p + o + 2) == 0xf989) tfo = true;
    o += olen;
  }
  pktSetOptions(wscale, tfo);
  pktSetMoreOptions(mss, sackPerm, hasTs, tsVal, tsEcr);
  let csum = CSUM_UNKNOWN;
  if (checksumMode() != 0) {
    if (badIp) csum = CSUM_BAD;
    else if (len == wireLen) {
      // pseudo-header: addresses, protocol and TCP length, as little-endian 16-bit words (see checksum.ts)
      const alen: u32 = family == 4 ? 4 : 16;
      let acc = csumPartial(src, alen, 0);
      acc = csumPartial(dst, alen, acc);
      acc += <u64>0x0600 + <u64>bswap<u16>(<u16>len) + <u64>bswap<u16>(<u16>(len >> 16));
      acc = csumPartial(p, len, acc);
      csum = csumFold(acc) == 0xffff ? CSUM_GOOD : CSUM_BAD;
    }
  }
  pktSetPayload(p + hl, len - hl, wireLen - hl, csum);
  statAdd(St.TcpPackets, 1);
  checksumGate();
}

let shardIndex: u32 = 0, shardCount: u32 = 1;
export function decodeTcpInit(index: u32, count: u32): void { shardIndex = index; shardCount = max<u32>(1, count); }
