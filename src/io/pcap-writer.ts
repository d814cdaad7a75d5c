/**
 * Capture-file side of the toolkit: link types and capture-only link headers
 * (Linux cooked v1/v2, BSD null), whole-frame convenience builders
 * ({@link tcpPacket}), the classic pcap and pcapng writers, and
 * {@link TcpConversation}, a scripted TCP session that renders to frames or a
 * pcap. Browser-safe: no `node:` imports. The protocol builders live in
 * `./packet-build.js` and are re-exported here, so importing this module
 * gives the whole toolkit.
 */
import {
  EtherType, IpProto, concat, ethernet, ipv4, ipv6, isIpv6, parseMac, tcpFlags, tcpSegment, toBytes,
  type IpAddr, type TcpOptionSet, type TcpOptions,
} from "./packet-build.js";

export * from "./packet-build.js";

/** pcap/pcapng link-layer header types (LINKTYPE_*). */
export const LinkType = {
  NULL: 0, ETHERNET: 1, RAW: 101, LOOP: 108, LINUX_SLL: 113, LINUX_SLL2: 276,
} as const;

/** Address-family values used by DLT_NULL; AF_INET6 differs by OS. */
export const AF = { INET: 2, INET6_LINUX: 10, INET6_BSD: 24, INET6_FREEBSD: 28, INET6_DARWIN: 30 } as const;

/** Wrap a TCP/UDP/other L4 payload in IPv4 or IPv6 (chosen by `src` syntax).
 * For IPv6 only `ttl` (as hop limit) applies; `id`/`badChecksum` are IPv4-only. */
export function ipPacket(src: IpAddr, dst: IpAddr, proto: number, payload: Uint8Array, extra: { ttl?: number; id?: number; badChecksum?: boolean } = {}): Uint8Array {
  if (isIpv6(src)) return ipv6({ src, dst, nextHeader: proto, payload, ...(extra.ttl !== undefined ? { hopLimit: extra.ttl } : {}) });
  return ipv4({ src, dst, proto, payload, ...extra });
}

/** Options for {@link tcpPacket}: TCP fields plus IP/link framing. */
export interface TcpPacketOptions extends TcpOptions {
  /** Source IP; IPv6 if it contains ':' (the TCP checksum uses these addresses). */ src: IpAddr;
  /** Destination IP (same family as `src`). */ dst: IpAddr;
  /** Optional assertion: the family is detected from the addresses; a mismatch throws. */ ipv6?: boolean;
  /** 802.1Q TCIs, outermost first (see {@link ethernet}). */ vlan?: number[];
  /** "ether" (default) builds an Ethernet frame; "raw" returns just the IP packet (LINKTYPE_RAW). */ link?: "ether" | "raw";
  /** IPv4 TTL / IPv6 hop limit (default 64). */ ttl?: number;
  /** IPv4 identification (default 0). */ ipId?: number;
  /** Write a wrong IPv4 header checksum. */ ipBadChecksum?: boolean;
  /** Ethernet source / destination MACs. */ ethSrc?: string | Uint8Array;
  ethDst?: string | Uint8Array;
  /** Zero-pad the Ethernet frame to this length (e.g. 60). */ padTo?: number;
}

/** Build a complete frame (Ethernet by default) carrying one TCP segment. */
export function tcpPacket(o: TcpPacketOptions): Uint8Array {
  const v6 = isIpv6(o.src);
  if (o.ipv6 !== undefined && o.ipv6 !== v6) throw new Error(`ipv6: ${o.ipv6} but address ${String(o.src)} is IPv${v6 ? 6 : 4}`);
  const ip = ipPacket(o.src, o.dst, IpProto.TCP, tcpSegment(o.src, o.dst, o), {
    ...(o.ttl !== undefined ? { ttl: o.ttl } : {}), ...(o.ipId !== undefined ? { id: o.ipId } : {}), badChecksum: !!o.ipBadChecksum,
  });
  if (o.link === "raw") return ip;
  return ethernet({
    type: v6 ? EtherType.IPv6 : EtherType.IPv4, payload: ip,
    ...(o.vlan ? { vlan: o.vlan } : {}), ...(o.ethSrc ? { src: o.ethSrc } : {}),
    ...(o.ethDst ? { dst: o.ethDst } : {}), ...(o.padTo !== undefined ? { padTo: o.padTo } : {}),
  });
}

/** Linux cooked capture v1 (LINKTYPE_LINUX_SLL, 113) header + payload. */
export function sll(o: { protocol: number; payload: Uint8Array; pktType?: number; arphrd?: number; addr?: Uint8Array }): Uint8Array {
  const h = new Uint8Array(16);
  const v = new DataView(h.buffer);
  const addr = o.addr ?? parseMac("02:00:00:00:00:01");
  v.setUint16(0, o.pktType ?? 0);
  v.setUint16(2, o.arphrd ?? 1);
  v.setUint16(4, addr.length);
  h.set(addr.subarray(0, 8), 6);
  v.setUint16(14, o.protocol);
  return concat(h, o.payload);
}

/** Linux cooked capture v2 (LINKTYPE_LINUX_SLL2, 276) header + payload. */
export function sll2(o: { protocol: number; payload: Uint8Array; ifIndex?: number; pktType?: number; arphrd?: number; addr?: Uint8Array }): Uint8Array {
  const h = new Uint8Array(20);
  const v = new DataView(h.buffer);
  const addr = o.addr ?? parseMac("02:00:00:00:00:01");
  v.setUint16(0, o.protocol);
  v.setUint32(4, o.ifIndex ?? 1);
  v.setUint16(8, o.arphrd ?? 1);
  h[10] = o.pktType ?? 0;
  h[11] = addr.length;
  h.set(addr.subarray(0, 8), 12);
  return concat(h, o.payload);
}

/** BSD null/loopback (LINKTYPE_NULL, 0) header: 4-byte address family in the
 * capturing host's byte order (little-endian unless `bigEndian`). See {@link AF}. */
export function nullLoopback(afFamily: number, payload: Uint8Array, bigEndian = false): Uint8Array {
  const h = new Uint8Array(4);
  new DataView(h.buffer).setUint32(0, afFamily, !bigEndian);
  return concat(h, payload);
}

/** Split a microsecond timestamp (may be fractional) into [seconds, sub-second units]. */
function splitTs(tsMicros: number, unitsPerSec: number): [number, number] {
  if (!(tsMicros >= 0) || !Number.isFinite(tsMicros)) throw new Error(`bad timestamp ${tsMicros}`);
  let sec = Math.floor(tsMicros / 1e6);
  let sub = Math.round(((tsMicros - sec * 1e6) * unitsPerSec) / 1e6);
  if (sub >= unitsPerSec) { sec += 1; sub -= unitsPerSec; }
  return [sec, sub];
}

/** Options for {@link PcapWriter}. */
export interface PcapWriterOptions {
  /** LINKTYPE_* value (default 1, Ethernet); see {@link LinkType}. */ linkType?: number;
  /** Write the 0xa1b23c4d nanosecond-resolution magic. */ nanosecond?: boolean;
  /** Write every header field big-endian (default little-endian). */ bigEndian?: boolean;
  /** Snapshot length (default 262144); longer frames are truncated on write. */ snaplen?: number;
}

/**
 * Classic libpcap (2.4) file writer.
 *
 * ```ts
 * const w = new PcapWriter({ linkType: LinkType.RAW });
 * w.add(ipPacketBytes, 1_700_000_000_000_000);
 * const file = w.bytes();
 * ```
 */
export class PcapWriter {
  readonly linkType: number;
  readonly nanosecond: boolean;
  readonly bigEndian: boolean;
  readonly snaplen: number;
  private readonly chunks: Uint8Array[] = [];
  private n = 0;

  constructor(opts: PcapWriterOptions = {}) {
    this.linkType = opts.linkType ?? LinkType.ETHERNET;
    this.nanosecond = !!opts.nanosecond;
    this.bigEndian = !!opts.bigEndian;
    this.snaplen = opts.snaplen ?? 262144;
    const h = new Uint8Array(24);
    const v = new DataView(h.buffer);
    const le = !this.bigEndian;
    v.setUint32(0, this.nanosecond ? 0xa1b23c4d : 0xa1b2c3d4, le);
    v.setUint16(4, 2, le);
    v.setUint16(6, 4, le);
    v.setUint32(16, this.snaplen, le);
    v.setUint32(20, this.linkType, le);
    this.chunks.push(h);
  }

  /** Number of records written so far. */
  get count(): number { return this.n; }

  /**
   * Append one record. `tsMicros` is microseconds since the epoch (fractions
   * are kept to the nanosecond in nanosecond files). `origLen` defaults to
   * `frame.length`; the captured part is truncated to `snaplen`.
   */
  add(frame: Uint8Array, tsMicros: number, origLen?: number): this {
    const cap = frame.subarray(0, Math.min(frame.length, this.snaplen));
    const [sec, sub] = splitTs(tsMicros, this.nanosecond ? 1e9 : 1e6);
    const h = new Uint8Array(16);
    const v = new DataView(h.buffer);
    const le = !this.bigEndian;
    v.setUint32(0, sec, le);
    v.setUint32(4, sub, le);
    v.setUint32(8, cap.length, le);
    v.setUint32(12, origLen ?? frame.length, le);
    this.chunks.push(h, cap.slice());
    this.n++;
    return this;
  }

  /** The complete file so far. */
  bytes(): Uint8Array { return concat(...this.chunks); }
}

/** Options for {@link PcapngWriter.addInterface}. */
export interface PcapngInterfaceOptions {
  /** if_tsresol byte: 10^-v seconds per unit, or 2^-(v&0x7f) if the top bit is set. Default 6 (µs); the option is written only when given. */
  tsresol?: number;
  /** IDB snaplen (0 = unlimited, the default). EPB captures are truncated to it. */ snaplen?: number;
  /** if_name option. */ name?: string;
}

interface IfaceInfo { linkType: number; snaplen: number; unitsPerSec: bigint }

/**
 * pcapng writer: one section (SHB written by the constructor), any number of
 * interfaces (IDB), Enhanced/Simple packet blocks and arbitrary other blocks.
 * All fields are written in the section's byte order.
 */
export class PcapngWriter {
  readonly bigEndian: boolean;
  private readonly chunks: Uint8Array[] = [];
  private readonly ifaces: IfaceInfo[] = [];

  constructor(opts: { bigEndian?: boolean } = {}) {
    this.bigEndian = !!opts.bigEndian;
    const body = new Uint8Array(16);
    const v = new DataView(body.buffer);
    v.setUint32(0, 0x1a2b3c4d, !this.bigEndian);
    v.setUint16(4, 1, !this.bigEndian);
    v.setUint16(6, 0, !this.bigEndian);
    v.setBigInt64(8, -1n, !this.bigEndian); // section length unknown
    this.block(0x0a0d0d0a, body);
  }

  /** Append a raw block: type, total length, `body` zero-padded to 4, total length. */
  private block(type: number, body: Uint8Array): this {
    const padded = (body.length + 3) & ~3;
    const b = new Uint8Array(12 + padded);
    const v = new DataView(b.buffer);
    const le = !this.bigEndian;
    v.setUint32(0, type >>> 0, le);
    v.setUint32(4, b.length, le);
    b.set(body, 8);
    v.setUint32(b.length - 4, b.length, le);
    this.chunks.push(b);
    return this;
  }

  /** Encode an options list (code, value) terminated by opt_endofopt. */
  private options(opts: [number, Uint8Array][]): Uint8Array {
    if (opts.length === 0) return new Uint8Array(0);
    const parts: Uint8Array[] = [];
    for (const [code, val] of [...opts, [0, new Uint8Array(0)] as [number, Uint8Array]]) {
      const h = new Uint8Array(4);
      const v = new DataView(h.buffer);
      v.setUint16(0, code, !this.bigEndian);
      v.setUint16(2, val.length, !this.bigEndian);
      parts.push(h, val, new Uint8Array(((val.length + 3) & ~3) - val.length));
    }
    return concat(...parts);
  }

  /** Add an Interface Description Block; returns its interface id (0, 1, ...). */
  addInterface(linkType: number, opts: PcapngInterfaceOptions = {}): number {
    const fixed = new Uint8Array(8);
    const v = new DataView(fixed.buffer);
    v.setUint16(0, linkType, !this.bigEndian);
    v.setUint32(4, opts.snaplen ?? 0, !this.bigEndian);
    const o: [number, Uint8Array][] = [];
    if (opts.name !== undefined) o.push([2, toBytes(opts.name)]);
    if (opts.tsresol !== undefined) o.push([9, Uint8Array.of(opts.tsresol)]);
    this.block(1, concat(fixed, this.options(o)));
    const r = opts.tsresol ?? 6;
    const unitsPerSec = r & 0x80 ? 1n << BigInt(r & 0x7f) : 10n ** BigInt(r);
    this.ifaces.push({ linkType, snaplen: opts.snaplen ?? 0, unitsPerSec });
    return this.ifaces.length - 1;
  }

  /** Add an Enhanced Packet Block on interface `ifId`; the timestamp is
   * converted to that interface's tsresol units (64-bit, no precision loss). */
  addEnhanced(ifId: number, frame: Uint8Array, tsMicros: number, origLen?: number): this {
    const iface = this.ifaces[ifId];
    if (!iface) throw new Error(`no interface ${ifId}`);
    const cap = iface.snaplen ? frame.subarray(0, Math.min(frame.length, iface.snaplen)) : frame;
    const [sec, ns] = splitTs(tsMicros, 1e9);
    const units = ((BigInt(sec) * 1_000_000_000n + BigInt(ns)) * iface.unitsPerSec) / 1_000_000_000n;
    const h = new Uint8Array(20);
    const v = new DataView(h.buffer);
    const le = !this.bigEndian;
    v.setUint32(0, ifId, le);
    v.setUint32(4, Number(units >> 32n), le);
    v.setUint32(8, Number(units & 0xffffffffn), le);
    v.setUint32(12, cap.length, le);
    v.setUint32(16, origLen ?? frame.length, le);
    return this.block(6, concat(h, cap));
  }

  /** Add a Simple Packet Block (implicitly interface 0, no timestamp). */
  addSimple(frame: Uint8Array, origLen?: number): this {
    if (!this.ifaces[0]) throw new Error("Simple Packet Block needs interface 0");
    const h = new Uint8Array(4);
    new DataView(h.buffer).setUint32(0, origLen ?? frame.length, !this.bigEndian);
    return this.block(3, concat(h, frame));
  }

  /** Add a block of any type (e.g. custom/unknown, to test that readers skip it). */
  addUnknownBlock(type: number, body: Uint8Array): this { return this.block(type, body); }

  /** The complete file so far. */
  bytes(): Uint8Array { return concat(...this.chunks); }
}

/** An "ip:port" endpoint; IPv6 is written "[2001:db8::1]:80". */
export interface Endpoint { ip: string; port: number }

/** Parse "10.0.0.1:80" or "[2001:db8::1]:80". */
export function parseEndpoint(s: string): Endpoint {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(s) ?? /^([^:]+):(\d+)$/.exec(s);
  const port = Number(m?.[2]);
  if (!m || !(port <= 65535)) throw new Error(`bad endpoint "${s}" (want ip:port or [ipv6]:port)`);
  return { ip: m[1]!, port };
}

/** Options for {@link TcpConversation}. */
export interface TcpConversationOptions {
  /** "10.0.0.1:40000" or "[2001:db8::1]:40000". */ client: string;
  /** "10.0.0.2:80" or "[2001:db8::2]:80". */ server: string;
  /** Client initial sequence number (default 1000). */ isnClient?: number;
  /** Server initial sequence number (default 5000). */ isnServer?: number;
  /** "ether" (default): Ethernet frames, LINKTYPE_ETHERNET; "raw": bare IP, LINKTYPE_RAW. */ link?: "ether" | "raw";
  /** 802.1Q tags for every Ethernet frame. */ vlan?: number[];
  /** Timestamp of the first frame in µs (default 1_700_000_000_000_000). */ startMicros?: number;
  /** Timestamp increment per frame in µs (default 1000). */ stepMicros?: number;
  /** Advertised window (default 65535). */ window?: number;
}

/** Per-segment options for the send/ack/fin/rst methods. */
export interface SegmentOptions {
  /** Sequence number relative to the sender's ISN (1 = first byte after SYN). Default: the tracked next seq. */ relSeq?: number;
  /** Absolute sequence number (overrides relSeq). */ absSeq?: number;
  /** Flag letters from "SAFRPUEC" or the raw byte (default "PA" data, "A" ack, "FA" fin, "RA" rst). */ flags?: string | number;
  /** Ack number relative to the PEER's ISN (1 = first byte after its SYN). Default: everything the peer sent. */ ack?: number;
  /** Absolute ack number (overrides ack). */ absAck?: number;
  /** Write a wrong TCP checksum. */ badChecksum?: boolean;
  /** Write a wrong IPv4 header checksum. */ ipBadChecksum?: boolean;
  /** Split data into segments of at most this many bytes (one frame each). */ segmentSize?: number;
  window?: number;
  options?: TcpOptionSet;
  urgentPtr?: number;
  /** IPv4 identification. */ ipId?: number;
  /** IPv4 TTL / IPv6 hop limit (default 64). */ ttl?: number;
}

/** One captured frame with its timestamp. */
export interface FrameRecord { frame: Uint8Array; tsMicros: number }

type Side = "client" | "server";

/** True if u32 sequence `a` is after `b` (RFC 1982 serial arithmetic). */
export function seqAfter(a: number, b: number): boolean { return ((a - b) | 0) > 0; }

/**
 * A scripted TCP connection. Each method appends frame(s) with increasing
 * timestamps; sequence numbers are u32 and wrap (ISNs near 2^32 are fine).
 * Each side tracks its next sequence number (the highest seq+len sent, so an
 * out-of-order send with `relSeq` does not move it backwards); default acks
 * cover everything the peer has sent so far.
 *
 * ```ts
 * const c = new TcpConversation({ client: "10.0.0.1:40000", server: "10.0.0.2:80", isnClient: 0xfffffff0 });
 * c.handshake().clientSend("GET / HTTP/1.1\r\n\r\n").serverAck().serverSend("HTTP/1.1 200 OK\r\n\r\n").clientFin().serverFin().clientAck();
 * const file = c.pcap();
 * ```
 */
export class TcpConversation {
  readonly client: Endpoint;
  readonly server: Endpoint;
  readonly isnClient: number;
  readonly isnServer: number;
  readonly link: "ether" | "raw";
  private readonly opts: TcpConversationOptions;
  private readonly next: Record<Side, number>;
  private readonly recs: FrameRecord[] = [];
  private ts: number;

  constructor(opts: TcpConversationOptions) {
    this.opts = opts;
    this.client = parseEndpoint(opts.client);
    this.server = parseEndpoint(opts.server);
    if (isIpv6(this.client.ip) !== isIpv6(this.server.ip)) throw new Error("client and server must both be IPv4 or both IPv6");
    this.isnClient = (opts.isnClient ?? 1000) >>> 0;
    this.isnServer = (opts.isnServer ?? 5000) >>> 0;
    this.link = opts.link ?? "ether";
    this.next = { client: (this.isnClient + 1) >>> 0, server: (this.isnServer + 1) >>> 0 };
    this.ts = opts.startMicros ?? 1_700_000_000_000_000;
  }

  /** LINKTYPE of the frames (1 Ethernet or 101 raw IP). */
  get linkType(): number { return this.link === "raw" ? LinkType.RAW : LinkType.ETHERNET; }
  /** Absolute next sequence number the client will use. */
  get clientNextSeq(): number { return this.next.client; }
  /** Absolute next sequence number the server will use. */
  get serverNextSeq(): number { return this.next.server; }

  private isn(side: Side): number { return side === "client" ? this.isnClient : this.isnServer; }

  private segment(side: Side, flags: string | number, data: Uint8Array, o: SegmentOptions): this {
    const peer: Side = side === "client" ? "server" : "client";
    const [from, to] = side === "client" ? [this.client, this.server] : [this.server, this.client];
    let seq = (o.absSeq ?? (o.relSeq !== undefined ? this.isn(side) + o.relSeq : this.next[side])) >>> 0;
    const ack = (o.absAck ?? (o.ack !== undefined ? this.isn(peer) + o.ack : this.next[peer])) >>> 0;
    const f = o.flags ?? flags;
    const bits = tcpFlags(f);
    const sendAck = (bits & 0x10) !== 0 || o.ack !== undefined || o.absAck !== undefined;
    const step = o.segmentSize && o.segmentSize > 0 ? o.segmentSize : Math.max(data.length, 1);
    for (let off = 0; off < data.length || off === 0; off += step) {
      const payload = data.subarray(off, off + step);
      const frame = tcpPacket({
        src: from.ip, dst: to.ip, srcPort: from.port, dstPort: to.port, seq,
        ack: sendAck ? ack : 0, flags: f, payload,
        window: o.window ?? this.opts.window ?? 65535, link: this.link,
        ...(o.options ? { options: o.options } : {}), ...(o.urgentPtr !== undefined ? { urgentPtr: o.urgentPtr } : {}),
        ...(o.badChecksum ? { badChecksum: true } : {}), ...(o.ipBadChecksum ? { ipBadChecksum: true } : {}),
        ...(o.ipId !== undefined ? { ipId: o.ipId } : {}), ...(o.ttl !== undefined ? { ttl: o.ttl } : {}),
        ...(this.opts.vlan ? { vlan: this.opts.vlan } : {}),
      });
      this.raw(frame);
      const end = (seq + payload.length + (bits & 0x03 ? 1 : 0)) >>> 0; // SYN/FIN consume one
      if (seqAfter(end, this.next[side])) this.next[side] = end;
      seq = (seq + payload.length) >>> 0;
    }
    return this;
  }

  /** Client SYN (seq = isnClient, MSS 1460 unless `o.options` given). */
  clientSyn(o: SegmentOptions = {}): this {
    return this.segment("client", "S", new Uint8Array(0), { options: { mss: 1460 }, relSeq: 0, ...o });
  }
  /** Server SYN-ACK (seq = isnServer, ack = isnClient + 1). */
  serverSynAck(o: SegmentOptions = {}): this {
    return this.segment("server", "SA", new Uint8Array(0), { options: { mss: 1460 }, relSeq: 0, ack: 1, ...o });
  }
  /** SYN, SYN-ACK, ACK. */
  handshake(): this { return this.clientSyn().serverSynAck().clientAck(1); }

  /** Client data segment(s), default flags "PA". */
  clientSend(data: string | Uint8Array, o: SegmentOptions = {}): this { return this.segment("client", "PA", toBytes(data), o); }
  /** Server data segment(s), default flags "PA". */
  serverSend(data: string | Uint8Array, o: SegmentOptions = {}): this { return this.segment("server", "PA", toBytes(data), o); }
  /** Pure ACK from the client; `relAck` is relative to isnServer (default: all server data). */
  clientAck(relAck?: number, o: SegmentOptions = {}): this { return this.segment("client", "A", new Uint8Array(0), relAck !== undefined ? { ack: relAck, ...o } : o); }
  /** Pure ACK from the server; `relAck` is relative to isnClient (default: all client data). */
  serverAck(relAck?: number, o: SegmentOptions = {}): this { return this.segment("server", "A", new Uint8Array(0), relAck !== undefined ? { ack: relAck, ...o } : o); }
  /** Client FIN (flags "FA"); consumes one sequence number. */
  clientFin(o: SegmentOptions = {}): this { return this.segment("client", "FA", new Uint8Array(0), o); }
  /** Server FIN (flags "FA"); consumes one sequence number. */
  serverFin(o: SegmentOptions = {}): this { return this.segment("server", "FA", new Uint8Array(0), o); }
  /** Client RST (flags "RA" unless overridden, e.g. `{ flags: "R" }`). */
  clientRst(o: SegmentOptions = {}): this { return this.segment("client", "RA", new Uint8Array(0), o); }
  /** Server RST (flags "RA" unless overridden). */
  serverRst(o: SegmentOptions = {}): this { return this.segment("server", "RA", new Uint8Array(0), o); }

  /** Append an arbitrary frame (same link type expected) at the next timestamp, or at `tsMicros`. */
  raw(frame: Uint8Array, tsMicros?: number): this {
    this.recs.push({ frame, tsMicros: tsMicros ?? this.ts });
    this.ts = Math.max(this.ts, tsMicros ?? this.ts) + (this.opts.stepMicros ?? 1000);
    return this;
  }

  /** All frames, in order. */
  frames(): Uint8Array[] { return this.recs.map((r) => r.frame); }
  /** All frames with their timestamps. */
  records(): FrameRecord[] { return this.recs.slice(); }
  /** Render as a classic pcap (link type per {@link linkType}). */
  pcap(opts: Omit<PcapWriterOptions, "linkType"> = {}): Uint8Array {
    const w = new PcapWriter({ ...opts, linkType: this.linkType });
    for (const r of this.recs) w.add(r.frame, r.tsMicros);
    return w.bytes();
  }
}
