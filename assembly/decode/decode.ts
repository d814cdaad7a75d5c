// decode/decode.ts: frame -> link layer -> (tunnels) -> IP -> TCP, then tcpHandleSegment().
// Entry:     decodeFrame(linkType, ptr, caplen, wirelen, tsUs)
// Owns:      nothing persistent (see defrag.ts for fragments); fills decode/packet.ts.
// Hot path:  yes. Bounds-checked reads of the captured bytes only; malformed packets are counted
//            (St.DecodeErrors), never trapped on.
// Link types: Ethernet (1) with 802.1Q/802.1ad/QinQ, MPLS (incl. Ethernet pseudowire), PPPoE session;
//            BSD null (0) / loop (108); raw IP (101, 12, 14, 228, 229); Linux SLL (113), SLL2 (276);
//            NFLOG (239). Tunnels: GRE (IPv4/IPv6/transparent Ethernet bridging), VXLAN (UDP 4789),
//            IP-in-IP (4, 41). Not supported: other link types (counted, reported once to the host).

import { St } from "../abi/stats";
import { statAdd, statGet } from "../util/cfg";
import { decodeIp } from "./ip";
import { hostNotice, NOTICE_LINKTYPE } from "../host";
import { flowExpire } from "../flow/expiry";
import { pktSetTs, pktSetFrame, pktClearFragOverlap } from "./packet";

// @ts-ignore: decorator
@inline function be16(p: usize): u32 { return <u32>bswap<u16>(load<u16>(p)); }

let lastUnknownLink: u32 = 0xffffffff;

export function decodeFrame(linkType: u32, p: usize, caplen: u32, wirelen: u32, tsUs: i64): void {
  decodeLink(linkType, p, caplen, wirelen, tsUs);
  flowExpire(tsUs);
}

function decodeLink(linkType: u32, p: usize, caplen: u32, wirelen: u32, tsUs: i64): void {
  pktSetTs(tsUs);
  pktSetFrame(<u32>statGet(St.Packets));
  pktClearFragOverlap();
  const truncated = caplen < wirelen;
  if (truncated) statAdd(St.Truncated, 1);
  if (linkType == 1) { decodeEthernet(p, caplen, 0); return; }
  if (linkType == 101 || linkType == 12 || linkType == 14 || linkType == 228 || linkType == 229) {
    decodeIp(p, caplen, 0); return;
  }
  if (linkType == 0 || linkType == 108) {
    if (caplen < 4) { statAdd(St.DecodeErrors, 1); return; }
    let af = load<u32>(p);
    if (linkType == 108 || (af & 0xffff0000) != 0) af = bswap<u32>(af);
    // AF_INET is 2 everywhere; AF_INET6 is 10 (Linux), 24 (NetBSD/OpenBSD), 28 (FreeBSD), 30 (macOS)
    if (af == 2 || af == 10 || af == 24 || af == 28 || af == 30) decodeIp(p + 4, caplen - 4, 0);
    else statAdd(St.DecodeErrors, 1);
    return;
  }
  if (linkType == 113) {
    if (caplen < 16) { statAdd(St.DecodeErrors, 1); return; }
    decodeEtherType(be16(p + 14), p + 16, caplen - 16, 0); return;
  }
  if (linkType == 276) {
    if (caplen < 20) { statAdd(St.DecodeErrors, 1); return; }
    decodeEtherType(be16(p), p + 20, caplen - 20, 0); return;
  }
  if (linkType == 239) { decodeNflog(p, caplen); return; }
  statAdd(St.UnknownLinkType, 1);
  if (linkType != lastUnknownLink) { lastUnknownLink = linkType; hostNotice(NOTICE_LINKTYPE, linkType, 0); }
}

/** Ethernet II header, then the ethertype chain. `depth` bounds tunnel nesting. */
export function decodeEthernet(p: usize, len: u32, depth: i32): void {
  if (len < 14) { statAdd(St.DecodeErrors, 1); return; }
  decodeEtherType(be16(p + 12), p + 14, len - 14, depth);
}

function decodeEtherType(type: u32, p: usize, len: u32, depth: i32): void {
  // VLAN tags (802.1Q 0x8100, 802.1ad 0x88a8, old QinQ 0x9100), any number of them
  while (type == 0x8100 || type == 0x88a8 || type == 0x9100) {
    if (len < 4) { statAdd(St.DecodeErrors, 1); return; }
    type = be16(p + 2); p += 4; len -= 4;
  }
  if (type == 0x0800 || type == 0x86dd) { decodeIp(p, len, depth); return; }
  if (type == 0x8847 || type == 0x8848) { decodeMpls(p, len, depth); return; }
  if (type == 0x8864) { decodePppoe(p, len, depth); return; }
  statAdd(St.NonTcp, 1); // ARP, LLDP, IPX...: not our business
}

function decodeMpls(p: usize, len: u32, depth: i32): void {
  // label stack entries until the bottom-of-stack bit
  while (true) {
    if (len < 4) { statAdd(St.DecodeErrors, 1); return; }
    const bos = (load<u8>(p + 2) & 1) != 0;
    p += 4; len -= 4;
    if (bos) break;
  }
  if (len < 1) { statAdd(St.DecodeErrors, 1); return; }
  const nib = load<u8>(p) >> 4;
  if (nib == 4 || nib == 6) { decodeIp(p, len, depth); return; }
  // Ethernet pseudowire with the control word (first nibble 0), as Suricata decodes it
  if (nib == 0 && len >= 4) { decodeEthernet(p + 4, len - 4, depth + 1); return; }
  statAdd(St.DecodeErrors, 1);
}

function decodePppoe(p: usize, len: u32, depth: i32): void {
  if (len < 7) { statAdd(St.DecodeErrors, 1); return; }
  let q = p + 6; let n = len - 6;
  let proto: u32 = load<u8>(q);
  // PPP protocol field: 1 byte when compressed (odd first byte), else 2 bytes
  if ((proto & 1) != 0) { q += 1; n -= 1; }
  else { if (n < 2) { statAdd(St.DecodeErrors, 1); return; } proto = be16(q); q += 2; n -= 2; }
  if (proto == 0x21 || proto == 0x57) { decodeIp(q, n, depth); return; }
  statAdd(St.NonTcp, 1);
}

function decodeNflog(p: usize, len: u32): void {
  // 4-byte header (family, version, resource id), then TLVs: u16 length (host order, includes the
  // 4-byte TLV header), u16 type; padded to 4 bytes. NFULA_PAYLOAD (9) holds the IP packet.
  if (len < 4) { statAdd(St.DecodeErrors, 1); return; }
  let o: u32 = 4;
  while (o + 4 <= len) {
    const tlen = <u32>load<u16>(p + o);
    const ttype = <u32>load<u16>(p + o + 2) & 0x7fff;
    if (tlen < 4 || o + tlen > len) { statAdd(St.DecodeErrors, 1); return; }
    if (ttype == 9) { decodeIp(p + o + 4, tlen - 4, 0); return; }
    o += (tlen + 3) & ~3;
  }
  statAdd(St.NonTcp, 1);
}
