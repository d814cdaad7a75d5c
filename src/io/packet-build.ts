/**
 * Protocol builders for tests and demos: Ethernet (VLAN/QinQ), IPv4
 * (+options, fragments), IPv6 (+extension headers, fragments), TCP, UDP,
 * GRE, VXLAN, PPPoE session and MPLS (capture link headers and whole-frame
 * helpers are in `./pcap-writer.ts`).
 *
 * Browser-safe: only Uint8Array/DataView, no `node:` imports. Every builder
 * returns a fresh Uint8Array in network byte order. Builders compose from the
 * inside out: `ethernet({ type: EtherType.IPv4, payload: ipv4({ ..., payload:
 * tcpSegment(src, dst, {...}) }) })`.
 */

/** Common EtherType values. */
export const EtherType = {
  IPv4: 0x0800, ARP: 0x0806, VLAN: 0x8100, QinQ: 0x88a8, IPv6: 0x86dd,
  MPLS: 0x8847, PPPoEDiscovery: 0x8863, PPPoESession: 0x8864, TEB: 0x6558,
} as const;

/** IP protocol numbers. */
export const IpProto = {
  HopByHop: 0, ICMP: 1, TCP: 6, UDP: 17, Routing: 43, Fragment: 44, GRE: 47,
  ICMPv6: 58, NoNext: 59, DestOpts: 60,
} as const;

/** UDP port registered for VXLAN. */
export const VXLAN_PORT = 4789;

/** Concatenate byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** UTF-8 encode a string; pass Uint8Array through unchanged. */
export function toBytes(data: string | Uint8Array): Uint8Array {
  return typeof data === "string" ? new TextEncoder().encode(data) : data;
}

/**
 * RFC 1071 Internet checksum over the concatenation of `chunks` (odd-length
 * chunks are handled as if the bytes were contiguous). Returns the 16-bit
 * one's-complement of the one's-complement sum, ready to store big-endian.
 * A buffer that already contains a correct checksum yields 0.
 */
export function inetChecksum(...chunks: Uint8Array[]): number {
  let sum = 0;
  let odd = false;
  for (const c of chunks) {
    for (let i = 0; i < c.length; i++) {
      sum += odd ? c[i]! : c[i]! << 8;
      odd = !odd;
    }
    sum = (sum % 0x10000) + Math.floor(sum / 0x10000); // exact: sum stays far below 2^53
  }
  while (sum > 0xffff) sum = (sum % 0x10000) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

/** An IP address: dotted quad, IPv6 text (with `::`, optional embedded IPv4), or raw 4/16 bytes. */
export type IpAddr = string | Uint8Array;

/** True if `addr` is IPv6 (text containing ':' or 16 raw bytes). */
export function isIpv6(addr: IpAddr): boolean {
  return typeof addr === "string" ? addr.includes(":") : addr.length === 16;
}

/** Parse an IPv4 or IPv6 address into 4 or 16 bytes. Throws on malformed input. */
export function parseIp(addr: IpAddr): Uint8Array {
  if (typeof addr !== "string") {
    if (addr.length !== 4 && addr.length !== 16) throw new Error(`bad raw address length ${addr.length}`);
    return addr;
  }
  if (!addr.includes(":")) {
    const parts = addr.split(".").map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : NaN));
    if (parts.length !== 4 || parts.some((p) => !(p <= 255))) throw new Error(`bad IPv4 address: ${addr}`);
    return Uint8Array.from(parts);
  }
  let text = addr;
  const lastColon = text.lastIndexOf(":");
  if (text.slice(lastColon + 1).includes(".")) {
    const b = parseIp(text.slice(lastColon + 1));
    const hex = (i: number) => ((b[i]! << 8) | b[i + 1]!).toString(16);
    text = `${text.slice(0, lastColon + 1)}${hex(0)}:${hex(2)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) throw new Error(`bad IPv6 address: ${addr}`);
  const words = (s: string): number[] => (s === "" ? [] : s.split(":").map((w) => {
    if (!/^[0-9a-fA-F]{1,4}$/.test(w)) throw new Error(`bad IPv6 address: ${addr}`);
    return parseInt(w, 16);
  }));
  const head = words(halves[0]!);
  const rest = halves.length === 2 ? words(halves[1]!) : [];
  const fill = 8 - head.length - rest.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) throw new Error(`bad IPv6 address: ${addr}`);
  const all = head.concat(new Array<number>(halves.length === 2 ? fill : 0).fill(0), rest);
  const out = new Uint8Array(16);
  all.forEach((w, i) => { out[2 * i] = w >> 8; out[2 * i + 1] = w & 0xff; });
  return out;
}

/** Parse a MAC ("aa:bb:cc:dd:ee:ff" or "-" separated) or pass 6 raw bytes through. */
export function parseMac(mac: string | Uint8Array): Uint8Array {
  if (typeof mac !== "string") return mac;
  const b = mac.split(/[:-]/).map((h) => parseInt(h, 16));
  if (b.length !== 6 || b.some((x) => !(x >= 0 && x <= 255))) throw new Error(`bad MAC: ${mac}`);
  return Uint8Array.from(b);
}

/** Options for {@link ethernet}. */
export interface EthernetOptions {
  /** default 02:00:00:00:00:01 */ src?: string | Uint8Array;
  /** default 02:00:00:00:00:02 */ dst?: string | Uint8Array;
  /** EtherType of the payload (after any VLAN tags) */ type: number;
  /** 802.1Q TCIs (VID in low 12 bits, PCP in top 3), outermost first. With more
   * than one tag the outermost uses TPID 0x88a8 and the rest 0x8100. */
  vlan?: number[];
  payload: Uint8Array;
  /** zero-pad header+payload to this length (e.g. 60) */ padTo?: number;
  /** appended after padding (e.g. a fake FCS) */ trailer?: Uint8Array;
}

/** Build an Ethernet II frame, optionally VLAN/QinQ tagged, padded and trailed. */
export function ethernet(o: EthernetOptions): Uint8Array {
  const tags = o.vlan ?? [];
  const hdr = new Uint8Array(14 + 4 * tags.length);
  const v = new DataView(hdr.buffer);
  hdr.set(parseMac(o.dst ?? "02:00:00:00:00:02"), 0);
  hdr.set(parseMac(o.src ?? "02:00:00:00:00:01"), 6);
  tags.forEach((tci, i) => {
    v.setUint16(12 + 4 * i, tags.length > 1 && i === 0 ? EtherType.QinQ : EtherType.VLAN);
    v.setUint16(14 + 4 * i, tci & 0xffff);
  });
  v.setUint16(12 + 4 * tags.length, o.type);
  const body = concat(hdr, o.payload);
  const padded = o.padTo !== undefined && body.length < o.padTo ? concat(body, new Uint8Array(o.padTo - body.length)) : body;
  return o.trailer ? concat(padded, o.trailer) : padded;
}

/** Options for {@link ipv4}. */
export interface Ipv4Options {
  src: IpAddr;
  dst: IpAddr;
  proto: number;
  payload: Uint8Array;
  /** default 0 */ id?: number;
  /** default 64 */ ttl?: number;
  tos?: number;
  /** raw 3-bit flags field: 2 = DF, 1 = MF (default 0) */ flags?: number;
  /** in bytes; must be a multiple of 8 */ fragOffset?: number;
  /** sets MF */ moreFragments?: boolean;
  /** written instead of the real total length (e.g. 0 for TSO) */ totalLengthOverride?: number;
  /** write a deliberately wrong header checksum */ badChecksum?: boolean;
  /** IP options, zero (EOL) padded to a multiple of 4 */ options?: Uint8Array;
}

/** Build an IPv4 packet with a correct header checksum (unless `badChecksum`). */
export function ipv4(o: Ipv4Options): Uint8Array {
  const opts = o.options ?? new Uint8Array(0);
  const optLen = (opts.length + 3) & ~3;
  const hl = 20 + optLen;
  const frag = o.fragOffset ?? 0;
  if (frag % 8 !== 0) throw new Error(`fragOffset ${frag} not a multiple of 8`);
  const hdr = new Uint8Array(hl);
  const v = new DataView(hdr.buffer);
  hdr[0] = 0x40 | (hl >> 2);
  hdr[1] = o.tos ?? 0;
  v.setUint16(2, o.totalLengthOverride ?? hl + o.payload.length);
  v.setUint16(4, (o.id ?? 0) & 0xffff);
  const flags = (o.flags ?? 0) | (o.moreFragments ? 1 : 0);
  v.setUint16(6, ((flags & 7) << 13) | ((frag >> 3) & 0x1fff));
  hdr[8] = o.ttl ?? 64;
  hdr[9] = o.proto;
  hdr.set(parseIp(o.src), 12);
  hdr.set(parseIp(o.dst), 16);
  hdr.set(opts, 20);
  v.setUint16(10, inetChecksum(hdr) ^ (o.badChecksum ? 0x5555 : 0));
  return concat(hdr, o.payload);
}

/** An IPv6 extension header; `body` is everything after the next-header/length bytes. */
export interface Ipv6ExtHeader { type: number; body: Uint8Array }

/** Options for {@link ipv6}. */
export interface Ipv6Options {
  src: IpAddr;
  dst: IpAddr;
  /** protocol of `payload` (after all extension headers) */ nextHeader: number;
  payload: Uint8Array;
  /** default 64 */ hopLimit?: number;
  trafficClass?: number;
  flowLabel?: number;
  /** Chained in order. For type 44 (fragment) `body` must be 6 bytes; for other
   * types the header is zero-padded (Pad1) to a multiple of 8 bytes. */
  extHeaders?: Ipv6ExtHeader[];
}

/** Build an IPv6 packet with the given extension-header chain. */
export function ipv6(o: Ipv6Options): Uint8Array {
  const exts = o.extHeaders ?? [];
  const extBytes = exts.map((e, i) => {
    const next = i + 1 < exts.length ? exts[i + 1]!.type : o.nextHeader;
    if (e.type === IpProto.Fragment) {
      if (e.body.length !== 6) throw new Error("fragment header body must be 6 bytes");
      return concat(Uint8Array.of(next, 0), e.body);
    }
    const len = (2 + e.body.length + 7) & ~7;
    const h = new Uint8Array(len);
    h[0] = next;
    h[1] = len / 8 - 1;
    h.set(e.body, 2);
    return h;
  });
  const ext = concat(...extBytes);
  const hdr = new Uint8Array(40);
  const v = new DataView(hdr.buffer);
  v.setUint32(0, (6 << 28) | ((o.trafficClass ?? 0) << 20) | ((o.flowLabel ?? 0) & 0xfffff));
  v.setUint16(4, ext.length + o.payload.length);
  hdr[6] = exts.length ? exts[0]!.type : o.nextHeader;
  hdr[7] = o.hopLimit ?? 64;
  hdr.set(parseIp(o.src), 8);
  hdr.set(parseIp(o.dst), 24);
  return concat(hdr, ext, o.payload);
}

function splitPayload(payload: Uint8Array, fragSize: number): { off: number; chunk: Uint8Array; more: boolean }[] {
  const step = fragSize & ~7;
  if (step <= 0) throw new Error(`fragment size ${fragSize} too small (need >= 8)`);
  const out = [];
  for (let off = 0; off < payload.length || off === 0; off += step) {
    const end = Math.min(off + step, payload.length);
    out.push({ off, chunk: payload.subarray(off, end), more: end < payload.length });
  }
  return out;
}

/** Split `o.payload` into IPv4 fragments carrying at most `fragSize` payload bytes
 * each (rounded down to a multiple of 8). Returns the packets in offset order. */
export function ipv4Fragments(o: Ipv4Options, fragSize: number): Uint8Array[] {
  return splitPayload(o.payload, fragSize).map(({ off, chunk, more }) =>
    ipv4({ ...o, payload: chunk, fragOffset: (o.fragOffset ?? 0) + off, moreFragments: more || !!o.moreFragments }));
}

/** Split `o.payload` into IPv6 fragments (fragment header appended after
 * `o.extHeaders`, which form the unfragmentable part). `id` is the 32-bit
 * fragment identification (default 1). Returns the packets in offset order. */
export function ipv6Fragments(o: Ipv6Options, fragSize: number, id = 1): Uint8Array[] {
  return splitPayload(o.payload, fragSize).map(({ off, chunk, more }) => {
    const body = new Uint8Array(6);
    const v = new DataView(body.buffer);
    v.setUint16(0, off | (more ? 1 : 0));
    v.setUint32(2, id >>> 0);
    return ipv6({ ...o, payload: chunk, extHeaders: [...(o.extHeaders ?? []), { type: IpProto.Fragment, body }] });
  });
}

function pseudoHeader(src: IpAddr, dst: IpAddr, proto: number, len: number): Uint8Array {
  const s = parseIp(src), d = parseIp(dst);
  if (s.length !== d.length) throw new Error("mixed IPv4/IPv6 addresses");
  const p = new Uint8Array(s.length === 4 ? 12 : 40);
  const v = new DataView(p.buffer);
  p.set(s, 0);
  p.set(d, s.length);
  if (s.length === 4) { p[9] = proto; v.setUint16(10, len); } else { v.setUint32(32, len); p[39] = proto; }
  return p;
}

/** TCP flag bits, keyed by the letters accepted in {@link TcpOptions.flags}. */
export const TCP_FLAG_BITS: Readonly<Record<string, number>> = { F: 0x01, S: 0x02, R: 0x04, P: 0x08, A: 0x10, U: 0x20, E: 0x40, C: 0x80 };

/** Convert flag letters ("SA", "PA", "FA", "R"...) or a raw number to the flag byte. */
export function tcpFlags(flags: string | number): number {
  if (typeof flags === "number") return flags & 0xff;
  let b = 0;
  for (const ch of flags.toUpperCase()) {
    const bit = TCP_FLAG_BITS[ch];
    if (bit === undefined) throw new Error(`unknown TCP flag '${ch}' in "${flags}"`);
    b |= bit;
  }
  return b;
}

/** TCP options to encode (in this order), padded with EOL to a multiple of 4. */
export interface TcpOptionSet {
  mss?: number;
  wscale?: number;
  sackPerm?: boolean;
  /** [TSval, TSecr] */ timestamp?: [number, number];
  /** SACK blocks [left, right) as absolute u32 */ sack?: [number, number][];
  /** appended verbatim before padding */ raw?: Uint8Array;
}

/** Fields for {@link tcpSegment}. Sequence/ack numbers are absolute u32 (wrapped with >>> 0). */
export interface TcpOptions {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack?: number;
  /** letters from "SAFRPUEC", e.g. "SA", "PA" */ flags: string | number;
  /** default 65535 */ window?: number;
  payload?: string | Uint8Array;
  options?: TcpOptionSet;
  urgentPtr?: number;
  badChecksum?: boolean;
}

function encodeTcpOptions(o: TcpOptionSet | undefined): Uint8Array {
  if (!o) return new Uint8Array(0);
  const b: number[] = [];
  const u32 = (x: number) => { b.push((x >>> 24) & 255, (x >>> 16) & 255, (x >>> 8) & 255, x & 255); };
  if (o.mss !== undefined) b.push(2, 4, (o.mss >> 8) & 255, o.mss & 255);
  if (o.wscale !== undefined) b.push(3, 3, o.wscale);
  if (o.sackPerm) b.push(4, 2);
  if (o.timestamp) { b.push(8, 10); u32(o.timestamp[0]); u32(o.timestamp[1]); }
  if (o.sack?.length) { b.push(5, 2 + 8 * o.sack.length); for (const [l, r] of o.sack) { u32(l); u32(r); } }
  if (o.raw) b.push(...o.raw);
  while (b.length % 4) b.push(0);
  if (b.length > 40) throw new Error(`TCP options too long (${b.length} bytes)`);
  return Uint8Array.from(b);
}

/** Build a TCP segment (header + payload) whose checksum is correct for the
 * IPv4 or IPv6 pseudo-header of `ipSrc`/`ipDst` (family detected from syntax). */
export function tcpSegment(ipSrc: IpAddr, ipDst: IpAddr, o: TcpOptions): Uint8Array {
  const opts = encodeTcpOptions(o.options);
  const seg = concat(new Uint8Array(20 + opts.length), toBytes(o.payload ?? new Uint8Array(0)));
  const v = new DataView(seg.buffer);
  v.setUint16(0, o.srcPort);
  v.setUint16(2, o.dstPort);
  v.setUint32(4, o.seq >>> 0);
  v.setUint32(8, (o.ack ?? 0) >>> 0);
  seg[12] = ((20 + opts.length) / 4) << 4;
  seg[13] = tcpFlags(o.flags);
  v.setUint16(14, o.window ?? 65535);
  v.setUint16(18, o.urgentPtr ?? 0);
  seg.set(opts, 20);
  const ck = inetChecksum(pseudoHeader(ipSrc, ipDst, IpProto.TCP, seg.length), seg);
  v.setUint16(16, ck ^ (o.badChecksum ? 0x5555 : 0));
  return seg;
}

/** Fields for {@link udp}. */
export interface UdpOptions {
  srcPort: number;
  dstPort: number;
  payload: string | Uint8Array;
  badChecksum?: boolean;
  /** write 0 ("no checksum", IPv4 only) */ zeroChecksum?: boolean;
}

/** Build a UDP datagram with a correct checksum for the IPv4/IPv6 pseudo-header. */
export function udp(ipSrc: IpAddr, ipDst: IpAddr, o: UdpOptions): Uint8Array {
  const seg = concat(new Uint8Array(8), toBytes(o.payload));
  const v = new DataView(seg.buffer);
  v.setUint16(0, o.srcPort);
  v.setUint16(2, o.dstPort);
  v.setUint16(4, seg.length);
  if (!o.zeroChecksum) {
    const ck = inetChecksum(pseudoHeader(ipSrc, ipDst, IpProto.UDP, seg.length), seg) || 0xffff;
    v.setUint16(6, ck ^ (o.badChecksum ? 0x5555 : 0));
  }
  return seg;
}

/** GRE header + payload (carry in IP protocol 47). `protocol` is an EtherType:
 * 0x0800/0x86dd for plain IP, 0x6558 (TEB) for a bridged Ethernet frame. */
export function gre(o: { protocol: number; payload: Uint8Array; key?: number; seq?: number; checksum?: boolean }): Uint8Array {
  const words: number[] = [];
  if (o.checksum) words.push(0);
  if (o.key !== undefined) words.push(o.key >>> 0);
  if (o.seq !== undefined) words.push(o.seq >>> 0);
  const h = new Uint8Array(4 + 4 * words.length);
  const v = new DataView(h.buffer);
  v.setUint16(0, (o.checksum ? 0x8000 : 0) | (o.key !== undefined ? 0x2000 : 0) | (o.seq !== undefined ? 0x1000 : 0));
  v.setUint16(2, o.protocol);
  words.forEach((w, i) => v.setUint32(4 + 4 * i, w));
  const out = concat(h, o.payload);
  if (o.checksum) new DataView(out.buffer).setUint16(4, inetChecksum(out));
  return out;
}

/** VXLAN header + inner Ethernet frame: the UDP payload for port {@link VXLAN_PORT}. */
export function vxlan(o: { vni: number; frame: Uint8Array }): Uint8Array {
  const h = new Uint8Array(8);
  h[0] = 0x08;
  new DataView(h.buffer).setUint32(4, (o.vni & 0xffffff) << 8);
  return concat(h, o.frame);
}

/** PPPoE session header + PPP protocol field + payload (EtherType 0x8864).
 * `pppProtocol` defaults to 0x0021 (IPv4); use 0x0057 for IPv6. */
export function pppoeSession(o: { sessionId: number; payload: Uint8Array; pppProtocol?: number }): Uint8Array {
  const h = new Uint8Array(8);
  const v = new DataView(h.buffer);
  h[0] = 0x11;
  v.setUint16(2, o.sessionId);
  v.setUint16(4, o.payload.length + 2);
  v.setUint16(6, o.pppProtocol ?? 0x0021);
  return concat(h, o.payload);
}

/** An MPLS label stack entry: a bare label or label with traffic class and TTL (default 64). */
export type MplsLabel = number | { label: number; tc?: number; ttl?: number };

/** MPLS label stack (top first, bottom-of-stack bit set on the last) + payload (EtherType 0x8847). */
export function mpls(labels: MplsLabel[], payload: Uint8Array): Uint8Array {
  const h = new Uint8Array(4 * labels.length);
  const v = new DataView(h.buffer);
  labels.forEach((l, i) => {
    const e = typeof l === "number" ? { label: l } : l;
    v.setUint32(4 * i, ((e.label & 0xfffff) << 12 | ((e.tc ?? 0) & 7) << 9 | (i === labels.length - 1 ? 1 << 8 : 0) | ((e.ttl ?? 64) & 255)) >>> 0);
  });
  return concat(h, payload);
}
