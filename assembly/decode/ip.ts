// decode/ip.ts: IPv4 and IPv6 (with the extension-header chain), tunnels (GRE, VXLAN, IP-in-IP), and
// hand-off of TCP to decode/tcp.ts and of fragments to decode/defrag.ts.
// Entry:     decodeIp(ptr, len, depth)
// Lengths:   the IP length field bounds the datagram, so Ethernet padding and trailers are never payload.
//            IPv4 total length 0 (TSO/GRO/BIG TCP captures) takes the length from the frame; a length
//            beyond the captured bytes means the capture was cut (snap length): the TCP layer is told the
//            wire length so the missing tail becomes a gap, not silently shorter data.

import { St } from "../abi/stats";
import { statAdd } from "../util/cfg";
import { csumFold, csumPartial } from "./checksum";
import { decodeTcp } from "./tcp";
import { decodeEthernet } from "./decode";
import { defragInsert, defragDataPtr, defragDataLen, defragRelease } from "./defrag";
import { checksumMode } from "../tcp/checksum";

const MAX_DEPTH: i32 = 4;

// @ts-ignore: decorator
@inline function be16(p: usize): u32 { return <u32>bswap<u16>(load<u16>(p)); }

export function decodeIp(p: usize, len: u32, depth: i32): void {
  if (len < 1 || depth > MAX_DEPTH) { statAdd(St.DecodeErrors, 1); return; }
  const ver = load<u8>(p) >> 4;
  if (ver == 4) decodeIpv4(p, len, depth);
  else if (ver == 6) decodeIpv6(p, len, depth);
  else statAdd(St.DecodeErrors, 1);
}

function decodeIpv4(p: usize, len: u32, depth: i32): void {
  if (len < 20) { statAdd(St.DecodeErrors, 1); return; }
  const ihl = <u32>(load<u8>(p) & 15) << 2;
  if (ihl < 20 || ihl > len) { statAdd(St.DecodeErrors, 1); return; }
  let total = be16(p + 2);
  if (total == 0) total = len;                 // TSO / BIG TCP: length from the frame
  if (total < ihl) { statAdd(St.DecodeErrors, 1); return; }
  const avail = min<u32>(total, len);          // trailers and padding beyond `total` are dropped
  let badIp = false;
  if (checksumMode() != 0 && csumFold(csumPartial(p, ihl, 0)) != 0xffff) badIp = true;
  const proto = <u32>load<u8>(p + 9);
  const fragField = be16(p + 6);
  const mf = (fragField & 0x2000) != 0;
  const fragOff = (fragField & 0x1fff) << 3;
  if (mf || fragOff != 0) {
    if (badIp) { statAdd(St.BadChecksum, 1); return; } // a receiver drops it before reassembly
    if (avail < total) { statAdd(St.FragsDropped, 1); return; } // cut by the snap length
    if (defragInsert(4, p + 12, p + 16, be16(p + 4), proto, fragOff, mf, p + ihl, total - ihl)) {
      decodeL4(proto, 4, p + 12, p + 16, defragDataPtr(), defragDataLen(), defragDataLen(), depth, false);
      defragRelease();
    }
    return;
  }
  decodeL4(proto, 4, p + 12, p + 16, p + ihl, avail - ihl, total - ihl, depth, badIp);
}

function decodeIpv6(p: usize, len: u32, depth: i32): void {
  if (len < 40) { statAdd(St.DecodeErrors, 1); return; }
  let plen = be16(p + 4);
  if (plen == 0) plen = len - 40;              // jumbogram / GRO: length from the frame
  const avail = min<u32>(plen, len - 40);
  let nh = <u32>load<u8>(p + 6);
  let q = p + 40;
  let off: u32 = 0;                            // bytes of extension headers walked
  // walk the extension-header chain (RFC 8200 §4): hop-by-hop, routing, destination options,
  // fragment, AH, mobility; anything else is the upper layer
  while (true) {
    if (nh == 0 || nh == 43 || nh == 60 || nh == 135 || nh == 139 || nh == 140) {
      if (off + 8 > avail) { statAdd(St.DecodeErrors, 1); return; }
      const hl = (<u32>load<u8>(q + 1) + 1) << 3;
      if (off + hl > avail) { statAdd(St.DecodeErrors, 1); return; }
      nh = <u32>load<u8>(q); q += hl; off += hl;
    } else if (nh == 51) {
      if (off + 8 > avail) { statAdd(St.DecodeErrors, 1); return; }
      const hl = (<u32>load<u8>(q + 1) + 2) << 2;
      if (off + hl > avail) { statAdd(St.DecodeErrors, 1); return; }
      nh = <u32>load<u8>(q); q += hl; off += hl;
    } else if (nh == 44) {
      if (off + 8 > avail) { statAdd(St.DecodeErrors, 1); return; }
      const fo = be16(q + 2);
      const fragOff = fo & 0xfff8;
      const mf = (fo & 1) != 0;
      const id = bswap<u32>(load<u32>(q + 4));
      const next = <u32>load<u8>(q);
      q += 8; off += 8;
      if (fragOff == 0 && !mf) { nh = next; continue; } // atomic fragment (RFC 6946): not fragmented
      if (avail < plen) { statAdd(St.FragsDropped, 1); return; }
      if (defragInsert(6, p + 8, p + 24, id, next, fragOff, mf, q, plen - off)) {
        decodeL4(next, 6, p + 8, p + 24, defragDataPtr(), defragDataLen(), defragDataLen(), depth, false);
        defragRelease();
      }
      return;
    } else break;
  }
  decodeL4(nh, 6, p + 8, p + 24, q, avail - off, plen - off, depth, false);
}

function decodeL4(proto: u32, family: u8, src: usize, dst: usize, p: usize, len: u32, wireLen: u32,
                  depth: i32, badIp: bool): void {
  if (proto == 6) { decodeTcp(family, src, dst, p, len, wireLen, badIp); return; }
  if (proto == 4 || proto == 41) { decodeIp(p, len, depth + 1); return; }
  if (proto == 47) { decodeGre(p, len, depth + 1); return; }
  if (proto == 17 && len >= 16 && be16(p + 2) == 4789) {
    // VXLAN (RFC 7348): 8-byte UDP header, 8-byte VXLAN header, inner Ethernet frame
    decodeEthernet(p + 16, len - 16, depth + 1); return;
  }
  statAdd(St.NonTcp, 1);
}

function decodeGre(p: usize, len: u32, depth: i32): void {
  if (len < 4) { statAdd(St.DecodeErrors, 1); return; }
  const flags = be16(p);
  if ((flags & 7) != 0) { statAdd(St.NonTcp, 1); return; } // version 1 (PPTP) is not decoded
  let hl: u32 = 4;
  if ((flags & 0x8000) != 0) hl += 4; // checksum + reserved
  if ((flags & 0x2000) != 0) hl += 4; // key
  if ((flags & 0x1000) != 0) hl += 4; // sequence number
  if (hl > len) { statAdd(St.DecodeErrors, 1); return; }
  const type = be16(p + 2);
  if (type == 0x0800 || type == 0x86dd) decodeIp(p + hl, len - hl, depth);
  else if (type == 0x6558) decodeEthernet(p + hl, len - hl, depth);
  else statAdd(St.NonTcp, 1);
}
