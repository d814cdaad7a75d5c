/**
 * Tests for the capture writers and packet builders (src/io/pcap-writer.ts,
 * src/io/packet-build.ts). Oracles: pcap-parser for classic pcap record
 * layout, tshark for checksums / dissection / TCP reassembly, and small
 * hand-written reference computations for the pure properties.
 */
import { describe, test, expect, afterAll } from "vitest";
import fc from "fast-check";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { Readable } from "node:stream";
import {
  AF, EtherType, IpProto, LinkType, ISN_SWEEP, PcapWriter, PcapngWriter, TcpConversation, VXLAN_PORT,
  concat, ethernet, gre, inetChecksum, ipv4, ipv4Fragments, ipv6, ipv6Fragments, mpls, nullLoopback,
  parseEndpoint, parseIp, pppoeSession, seqAfter, sll, sll2, tcpFlags, tcpPacket, tcpSegment, udp, vxlan,
} from "../../support/packets.js";

const require = createRequire(import.meta.url);
const pcapParser = require("pcap-parser") as { parse(input: NodeJS.ReadableStream): NodeJS.EventEmitter };

const HAVE_TSHARK = spawnSync("tshark", ["--version"], { stdio: "ignore" }).status === 0;
if (!HAVE_TSHARK) {
  console.warn("[pcap-writer.test] tshark not found: skipping tshark cross-checks. Install with: " +
    "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y tshark");
}
const skipIfNoTshark = test.skipIf(!HAVE_TSHARK);
/** A tshark-backed test: skipped (with the warning above) when tshark is absent; generous timeout for slow CI. */
const withTshark = (name: string, fn: () => void): void => skipIfNoTshark(`${name} [tshark]`, fn, 60_000);

const dir = mkdtempSync(join(tmpdir(), "streamsift-pcapw-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;

/** Write `bytes` to a temp file and run tshark on it; returns stdout. */
function tshark(bytes: Uint8Array, args: string[], ext = "pcap"): string {
  const f = join(dir, `t${fileNo++}.${ext}`);
  writeFileSync(f, bytes);
  return execFileSync("tshark", ["-n", "-r", f, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

const CHECK = ["-o", "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE"];

/** tshark -T fields output as rows of columns (multiple occurrences joined by ","). */
function fields(bytes: Uint8Array, names: string[], ext = "pcap"): string[][] {
  const out = tshark(bytes, [...CHECK, "-T", "fields", ...names.flatMap((n) => ["-e", n]), "-E", "separator=|"], ext);
  return out.split("\n").filter((l) => l.length > 0).map((l) => l.split("|"));
}

/** One-frame pcap of the given link type. */
const pcapOf = (linkType: number, ...frames: Uint8Array[]): Uint8Array => {
  const w = new PcapWriter({ linkType });
  frames.forEach((f, i) => w.add(f, 1_700_000_000_000_000 + i));
  return w.bytes();
};

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const fromHex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ""), "hex"));

/** Parse `tshark -q -z follow,tcp,raw,N` output: one {client, server} byte pair per follow block. */
function parseFollow(out: string): { node0: string; client: Uint8Array; server: Uint8Array }[] {
  const blocks = out.split(/^=+$/m).filter((b) => b.includes("Follow: tcp,raw"));
  return blocks.map((b) => {
    const node0 = /^Node 0: (.*)$/m.exec(b)?.[1] ?? "";
    const lines = b.split("\n").filter((l) => /^\t?[0-9a-f]+$/.test(l));
    const side = (srv: boolean) => fromHex(lines.filter((l) => l.startsWith("\t") === srv).join(""));
    return { node0, client: side(false), server: side(true) };
  });
}

/** Minimal decoder for Ethernet/raw IPv4/IPv6 + TCP frames built by these helpers (no ext headers). */
function decodeTcp(frame: Uint8Array, raw = false) {
  const ipOff = raw ? 0 : 14;
  const v = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const isV6 = frame[ipOff]! >> 4 === 6;
  const tcpOff = isV6 ? ipOff + 40 : ipOff + (frame[ipOff]! & 15) * 4;
  const doff = (frame[tcpOff + 12]! >> 4) * 4;
  return {
    srcPort: v.getUint16(tcpOff), dstPort: v.getUint16(tcpOff + 2),
    seq: v.getUint32(tcpOff + 4), ack: v.getUint32(tcpOff + 8), flags: frame[tcpOff + 13]!,
    payload: frame.subarray(tcpOff + doff),
  };
}

/** Reference checksum: straightforward word sum over an already-concatenated buffer. */
function refChecksum(b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < b.length; i += 2) s += (b[i]! << 8) | (b[i + 1] ?? 0);
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return ~s & 0xffff;
}

/** Reference TCP/UDP pseudo-header, built independently of the library. */
function refPseudo(src: string, dst: string, proto: number, len: number): Uint8Array {
  const s = parseIp(src), d = parseIp(dst);
  if (s.length === 4) return concat(s, d, Uint8Array.of(0, proto, len >> 8, len & 255));
  return concat(s, d, Uint8Array.of(len >>> 24, (len >> 16) & 255, (len >> 8) & 255, len & 255, 0, 0, 0, proto));
}

// ---------------------------------------------------------------------------
describe("checksums and field encodings (pure)", () => {
  test("RFC 1071 example and a well-known IPv4 header", () => {
    expect(inetChecksum(fromHex("0001 f203 f4f5 f6f7"))).toBe(0x220d);
    // Classic example header (192.168.0.1 -> 192.168.0.199, UDP, total length 0x73, DF): checksum 0xb861.
    const h = ipv4({ src: "192.168.0.1", dst: "192.168.0.199", proto: IpProto.UDP, payload: new Uint8Array(0x73 - 20), flags: 2 });
    expect(hex(h.subarray(0, 20))).toBe("450000730000400040 11b861c0a80001c0a800c7".replace(/ /g, ""));
    expect(inetChecksum(h.subarray(0, 20))).toBe(0);
  });

  test("known TCP SYN checksum (worked by hand)", () => {
    // pseudo 0a00+0001+0a00+0002+0006+0018 = 0x1421; header words sum 0x20831; total folds to 0x1c54 -> ~ = 0xe3ab
    const seg = tcpSegment("10.0.0.1", "10.0.0.2", { srcPort: 40000, dstPort: 80, seq: 1000, flags: "S", window: 65535, options: { mss: 1460 } });
    expect(hex(seg)).toBe("9c400050" + "000003e8" + "00000000" + "6002ffff" + "e3ab0000" + "020405b4");
    expect(refChecksum(concat(refPseudo("10.0.0.1", "10.0.0.2", 6, seg.length), seg))).toBe(0);
  });

  test("checksum is independent of chunking and matches a reference", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(200), (buf, cut) => {
      const k = Math.min(cut, buf.length);
      const c = inetChecksum(buf.subarray(0, k), buf.subarray(k));
      expect(c).toBe(inetChecksum(buf));
      expect(c).toBe(refChecksum(buf));
    }));
  });

  test("large buffers (sum beyond 2^32 before folding)", () => {
    const big = new Uint8Array(1 << 20).fill(0xff);
    big[12345] = 0x12;
    expect(inetChecksum(big)).toBe(refChecksum(big));
    expect(inetChecksum(big.subarray(0, 77777), big.subarray(77777))).toBe(refChecksum(big));
  });

  test("TCP/UDP segments verify against an independent pseudo-header (v4 and v6)", () => {
    const addr = fc.oneof(fc.ipV4(), fc.ipV6().filter((a) => !a.includes(".")));
    fc.assert(fc.property(addr, addr, fc.uint8Array({ maxLength: 99 }), fc.nat(0xffffffff), fc.nat(0xffff), (a, b, payload, seq, port) => {
      const [src, dst] = a.includes(":") === b.includes(":") ? [a, b] : [a, a];
      const seg = tcpSegment(src, dst, { srcPort: port, dstPort: 80, seq, ack: seq ^ 0x5a5a5a5a, flags: "PA", payload, options: { timestamp: [seq, 1] } });
      expect(refChecksum(concat(refPseudo(src, dst, 6, seg.length), seg))).toBe(0);
      const bad = tcpSegment(src, dst, { srcPort: port, dstPort: 80, seq, flags: "PA", payload, badChecksum: true });
      expect(refChecksum(concat(refPseudo(src, dst, 6, bad.length), bad))).not.toBe(0);
      const dg = udp(src, dst, { srcPort: port, dstPort: 53, payload });
      expect(refChecksum(concat(refPseudo(src, dst, 17, dg.length), dg))).toBe(0);
    }));
  });

  test("tcp flag letters", () => {
    expect(tcpFlags("SA")).toBe(0x12);
    expect(tcpFlags("PA")).toBe(0x18);
    expect(tcpFlags("FA")).toBe(0x11);
    expect(tcpFlags("SAFRPUEC")).toBe(0xff);
    expect(tcpFlags(0x104)).toBe(0x04);
    expect(() => tcpFlags("SX")).toThrow(/unknown TCP flag/);
  });

  test("address and endpoint parsing", () => {
    expect(hex(parseIp("10.1.2.3"))).toBe("0a010203");
    expect(hex(parseIp("::1"))).toBe("00".repeat(15) + "01");
    expect(hex(parseIp("::"))).toBe("00".repeat(16));
    expect(hex(parseIp("2001:db8::1"))).toBe("20010db8" + "00".repeat(11) + "01");
    expect(hex(parseIp("fe80::1:2"))).toBe("fe80" + "00".repeat(10) + "00010002");
    expect(hex(parseIp("::ffff:10.0.0.1"))).toBe("00".repeat(10) + "ffff0a000001");
    expect(hex(parseIp("1:2:3:4:5:6:7:8"))).toBe("00010002000300040005000600070008");
    for (const bad of ["1.2.3", "1.2.3.256", "1::2::3", "1:2:3:4:5:6:7:8:9", "12345::", "1:2:3:4:5:6:7::8"]) {
      expect(() => parseIp(bad), bad).toThrow();
    }
    expect(parseEndpoint("10.0.0.1:40000")).toEqual({ ip: "10.0.0.1", port: 40000 });
    expect(parseEndpoint("[2001:db8::1]:80")).toEqual({ ip: "2001:db8::1", port: 80 });
    expect(() => parseEndpoint("2001:db8::1:80")).toThrow();
  });

  test("fast-check IPv6 text round-trips through parseIp", () => {
    fc.assert(fc.property(fc.ipV6(), (a) => { expect(parseIp(a).length).toBe(16); }));
  });

  test("ethernet VLAN/QinQ tags, padding and trailer", () => {
    const f = ethernet({ type: EtherType.IPv4, vlan: [100, 0x2000 | 200], payload: Uint8Array.of(1, 2), padTo: 60, trailer: Uint8Array.of(9, 9, 9, 9) });
    expect(f.length).toBe(64);
    expect(hex(f.subarray(12, 24))).toBe("88a80064" + "810020c8" + "0800" + "0102");
    expect(f.subarray(24, 60).every((b) => b === 0)).toBe(true);
    expect(hex(f.subarray(60))).toBe("09090909");
    expect(hex(ethernet({ type: 0x86dd, vlan: [5], payload: new Uint8Array(0) }).subarray(12))).toBe("8100000586dd");
  });

  test("IPv6 extension header chaining and fragment headers", () => {
    const p = ipv6({ src: "::1", dst: "::2", nextHeader: 6, payload: Uint8Array.of(7), extHeaders: [{ type: 0, body: new Uint8Array(4) }, { type: 60, body: new Uint8Array(7) }] });
    expect(p[6]).toBe(0); // first ext = hop-by-hop
    expect([p[40], p[41]]).toEqual([60, 0]); // hbh -> dstopts, 8 bytes
    expect([p[48], p[49]]).toEqual([6, 1]); // dstopts -> tcp, 16 bytes
    expect(p.length).toBe(40 + 8 + 16 + 1);
    expect((p[4]! << 8) | p[5]!).toBe(25);
    const frags = ipv6Fragments({ src: "::1", dst: "::2", nextHeader: 17, payload: new Uint8Array(100) }, 30, 0x01020304);
    expect(frags.map((f) => f.length - 48)).toEqual([24, 24, 24, 24, 4]);
    expect(frags.map((f) => ((f[42]! << 8) | f[43]!))).toEqual([1, 24 | 1, 48 | 1, 72 | 1, 96]);
    expect(hex(frags[0]!.subarray(40, 48))).toBe("1100000101020304");
  });

  test("IPv4 fragments, TSO length and bad checksum", () => {
    const frags = ipv4Fragments({ src: "1.1.1.1", dst: "2.2.2.2", proto: 6, payload: new Uint8Array(50), id: 7 }, 20);
    expect(frags.map((f) => f.length - 20)).toEqual([16, 16, 16, 2]);
    expect(frags.map((f) => ((f[6]! << 8) | f[7]!))).toEqual([0x2000, 0x2002, 0x2004, 0x0006]);
    expect(frags.every((f) => inetChecksum(f.subarray(0, 20)) === 0)).toBe(true);
    expect(() => ipv4({ src: "1.1.1.1", dst: "2.2.2.2", proto: 6, payload: new Uint8Array(1), fragOffset: 4 })).toThrow();
    const tso = ipv4({ src: "1.1.1.1", dst: "2.2.2.2", proto: 6, payload: new Uint8Array(3000), totalLengthOverride: 0 });
    expect([tso[2], tso[3]]).toEqual([0, 0]);
    expect(inetChecksum(tso.subarray(0, 20))).toBe(0);
    const bad = ipv4({ src: "1.1.1.1", dst: "2.2.2.2", proto: 6, payload: new Uint8Array(0), badChecksum: true });
    expect(inetChecksum(bad.subarray(0, 20))).not.toBe(0);
    const opt = ipv4({ src: "1.1.1.1", dst: "2.2.2.2", proto: 6, payload: new Uint8Array(0), options: Uint8Array.of(1, 1, 1) });
    expect(opt[0]).toBe(0x46);
  });

  test("MPLS bottom-of-stack, PPPoE length, VXLAN VNI, GRE flags, null/SLL headers", () => {
    const m = mpls([16, { label: 17, tc: 5, ttl: 9 }], Uint8Array.of(0x45));
    expect(hex(m)).toBe("00010040" + "00011b09" + "45");
    expect(hex(pppoeSession({ sessionId: 0x1234, payload: new Uint8Array(10) }).subarray(0, 8))).toBe("11001234000c0021");
    expect(hex(vxlan({ vni: 0xabcdef, frame: new Uint8Array(0) }))).toBe("08000000abcdef00");
    expect(hex(gre({ protocol: EtherType.TEB, payload: new Uint8Array(0), key: 1, seq: 2 }))).toBe("3000655800000001" + "00000002");
    expect(inetChecksum(gre({ protocol: 0x0800, payload: Uint8Array.of(1, 2, 3), checksum: true }))).toBe(0);
    expect(hex(nullLoopback(AF.INET, new Uint8Array(0)))).toBe("02000000");
    expect(hex(nullLoopback(AF.INET6_BSD, new Uint8Array(0), true))).toBe("00000018");
    expect(sll({ protocol: 0x0800, payload: new Uint8Array(0) }).length).toBe(16);
    expect(sll2({ protocol: 0x0800, payload: new Uint8Array(0) }).length).toBe(20);
  });
});

// ---------------------------------------------------------------------------
describe("TcpConversation sequence tracking (pure)", () => {
  test("ISN near 2^32 wraps: seq, next seq, acks, FIN", () => {
    const c = new TcpConversation({ client: "10.0.0.1:40000", server: "10.0.0.2:80", isnClient: 0xfffffff0, isnServer: 0xffffffff });
    c.handshake().clientSend("x".repeat(40), { segmentSize: 7 }).serverAck().clientFin().serverFin().clientAck();
    const d = c.frames().map((f) => decodeTcp(f));
    expect(d[0]).toMatchObject({ seq: 0xfffffff0, flags: 0x02, srcPort: 40000, dstPort: 80 });
    expect(d[1]).toMatchObject({ seq: 0xffffffff, ack: 0xfffffff1, flags: 0x12 });
    expect(d[2]).toMatchObject({ seq: 0xfffffff1, ack: 0, flags: 0x10 });
    const data = d.slice(3, 9);
    expect(data.map((x) => x.seq)).toEqual([0, 7, 14, 21, 28, 35].map((o) => (0xfffffff1 + o) >>> 0));
    expect(data.map((x) => x.payload.length)).toEqual([7, 7, 7, 7, 7, 5]);
    expect(d[9]).toMatchObject({ ack: 0x19, flags: 0x10 });
    expect(d[10]).toMatchObject({ seq: 0x19, flags: 0x11 });
    expect(d[11]).toMatchObject({ seq: 0, ack: 0x1a, flags: 0x11 });
    expect(d[12]).toMatchObject({ seq: 0x1a, ack: 1 });
    expect(c.clientNextSeq).toBe(0x1a);
    expect(c.serverNextSeq).toBe(1);
  });

  test("relSeq/ack overrides; out-of-order sends do not move the tracked seq backwards", () => {
    const c = new TcpConversation({ client: "10.0.0.1:1", server: "10.0.0.2:2", isnClient: 100, isnServer: 200 });
    c.clientSend("world", { relSeq: 6 }).clientSend("hello", { relSeq: 1 }).clientSend("!").serverAck(3).serverRst({ flags: "R", ack: 0 });
    const d = c.frames().map((f) => decodeTcp(f));
    expect(d.map((x) => x.seq)).toEqual([106, 101, 111, 201, 201]);
    expect(d[3]!.ack).toBe(103);
    expect(d[4]).toMatchObject({ flags: 0x04, ack: 100 });
    expect(c.records().map((r) => r.tsMicros)).toEqual([0, 1, 2, 3, 4].map((i) => 1_700_000_000_000_000 + i * 1000));
  });

  test("numeric flags, pure-RST ack, raw() timestamps, SYN options override, family assertion", () => {
    const c = new TcpConversation({ client: "10.0.0.1:1", server: "10.0.0.2:2", isnClient: 0xffffffff, link: "raw", startMicros: 10, stepMicros: 5 });
    c.clientSyn({ options: { mss: 536, wscale: 7, sackPerm: true } }).clientSend("ab", { flags: 0x18 }).clientRst({ flags: "R" });
    c.raw(Uint8Array.of(0x45), 100).clientAck();
    const d = c.frames().slice(0, 3).map((f) => decodeTcp(f, true));
    expect(d.map((x) => [x.seq, x.ack, x.flags])).toEqual([[0xffffffff, 0, 0x02], [0, 5001, 0x18], [2, 0, 0x04]]);
    expect(c.frames()[0]!.length).toBe(20 + 20 + 12);
    expect(c.records().map((r) => r.tsMicros)).toEqual([10, 15, 20, 100, 105]);
    expect(() => tcpPacket({ src: "10.0.0.1", dst: "10.0.0.2", ipv6: true, srcPort: 1, dstPort: 2, seq: 0, flags: "S" })).toThrow(/ipv6/);
    expect(() => new TcpConversation({ client: "10.0.0.1:1", server: "[::1]:2" })).toThrow();
  });

  test("property: every data byte lands at (isn + 1 + offset) mod 2^32", () => {
    fc.assert(fc.property(fc.nat(0xffffffff), fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 10 }), (isn, sizes) => {
      const c = new TcpConversation({ client: "[2001:db8::1]:5", server: "[2001:db8::2]:6", isnClient: isn, link: "raw" });
      let off = 0;
      const expected: number[] = [];
      for (const n of sizes) { c.clientSend(new Uint8Array(n)); expected.push((isn + 1 + off) >>> 0); off += n; }
      expect(c.frames().map((f) => decodeTcp(f, true).seq)).toEqual(expected);
      expect(c.clientNextSeq).toBe((isn + 1 + off) >>> 0);
      expect(seqAfter(c.clientNextSeq, isn) || off === 0).toBe(true);
    }));
  });
});

// ---------------------------------------------------------------------------
/** Parse a classic pcap with pcap-parser (the oracle). */
function parseClassic(bytes: Uint8Array): Promise<{ header: Record<string, number>; packets: { header: Record<string, number>; data: Buffer }[] }> {
  return new Promise((resolve, reject) => {
    const p = pcapParser.parse(Readable.from([Buffer.from(bytes)]));
    let header: Record<string, number> = {};
    const packets: { header: Record<string, number>; data: Buffer }[] = [];
    p.on("globalHeader", (h: Record<string, number>) => { header = h; });
    p.on("packet", (pkt: { header: Record<string, number>; data: Buffer }) => packets.push(pkt));
    p.on("error", reject);
    p.on("end", () => resolve({ header, packets }));
  });
}

describe("PcapWriter vs pcap-parser", () => {
  for (const bigEndian of [false, true]) {
    test(`classic pcap header and records (${bigEndian ? "big" : "little"}-endian)`, async () => {
      const w = new PcapWriter({ bigEndian, snaplen: 100, linkType: LinkType.RAW });
      const a = ipv4({ src: "1.2.3.4", dst: "5.6.7.8", proto: 6, payload: new Uint8Array(3) });
      const b = ipv4({ src: "1.2.3.4", dst: "5.6.7.8", proto: 6, payload: new Uint8Array(200) });
      w.add(a, 1_700_000_000_654_321).add(b, 1_700_000_001_000_000.25).add(a, 5, 1500);
      expect(w.count).toBe(3);
      const { header, packets } = await parseClassic(w.bytes());
      expect(header).toMatchObject({ magicNumber: 0xa1b2c3d4, majorVersion: 2, minorVersion: 4, gmtOffset: 0, snapshotLength: 100, linkLayerType: 101 });
      expect(packets.map((p) => p.header)).toEqual([
        { timestampSeconds: 1_700_000_000, timestampMicroseconds: 654_321, capturedLength: 23, originalLength: 23 },
        { timestampSeconds: 1_700_000_001, timestampMicroseconds: 0, capturedLength: 100, originalLength: 220 },
        { timestampSeconds: 0, timestampMicroseconds: 5, capturedLength: 23, originalLength: 1500 },
      ]);
      expect(hex(packets[0]!.data)).toBe(hex(a));
      expect(hex(packets[1]!.data)).toBe(hex(b.subarray(0, 100)));
    });
  }

  test("nanosecond magic (pcap-parser does not support it: check bytes directly)", () => {
    const le = new PcapWriter({ nanosecond: true }).add(new Uint8Array(14), 1.5).bytes();
    expect(hex(le.subarray(0, 4))).toBe("4d3cb2a1");
    expect(hex(le.subarray(24, 32))).toBe("00000000" + "dc050000"); // 0 s, 1500 ns
    const be = new PcapWriter({ nanosecond: true, bigEndian: true }).bytes();
    expect(hex(be.subarray(0, 4))).toBe("a1b23c4d");
  });

  test("TcpConversation.pcap() link types", async () => {
    const c = new TcpConversation({ client: "10.0.0.1:1", server: "10.0.0.2:2", link: "raw" }).handshake();
    expect((await parseClassic(c.pcap())).header.linkLayerType).toBe(101);
    const e = new TcpConversation({ client: "10.0.0.1:1", server: "10.0.0.2:2" }).handshake();
    const { header, packets } = await parseClassic(e.pcap());
    expect(header.linkLayerType).toBe(1);
    expect(packets.map((p) => hex(p.data))).toEqual(e.frames().map(hex));
  });
});

describe("PcapngWriter structure (pure)", () => {
  for (const bigEndian of [false, true]) {
    test(`blocks are well-formed (${bigEndian ? "big" : "little"}-endian)`, () => {
      const w = new PcapngWriter({ bigEndian });
      const i0 = w.addInterface(LinkType.ETHERNET);
      const i1 = w.addInterface(LinkType.RAW, { tsresol: 9, name: "tun0" });
      w.addEnhanced(i1, Uint8Array.of(1, 2, 3, 4, 5), 1_700_000_000_000_000.25);
      w.addSimple(Uint8Array.of(1));
      w.addUnknownBlock(0x80000bad, Uint8Array.of(1, 2));
      expect([i0, i1]).toEqual([0, 1]);
      const b = w.bytes();
      const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
      const le = !bigEndian;
      expect(v.getUint32(8, le)).toBe(0x1a2b3c4d);
      const types: number[] = [];
      let off = 0;
      while (off < b.length) {
        const len = v.getUint32(off + 4, le);
        expect(len % 4).toBe(0);
        expect(v.getUint32(off + len - 4, le)).toBe(len);
        types.push(v.getUint32(off, le));
        if (types.at(-1) === 6) {
          const units = (BigInt(v.getUint32(off + 12, le)) << 32n) | BigInt(v.getUint32(off + 16, le));
          expect(units).toBe(1_700_000_000_000_000_250n);
          expect([v.getUint32(off + 20, le), v.getUint32(off + 24, le)]).toEqual([5, 5]);
        }
        off += len;
      }
      expect(off).toBe(b.length);
      expect(types).toEqual([0x0a0d0d0a, 1, 1, 6, 3, 0x80000bad]);
    });
  }

  test("binary tsresol (2^-20 s units) and snaplen truncation in EPB", () => {
    const w = new PcapngWriter();
    w.addInterface(LinkType.RAW, { tsresol: 0x80 | 20, snaplen: 3 });
    w.addEnhanced(0, Uint8Array.of(1, 2, 3, 4, 5), 2_500_000);
    const b = w.bytes();
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const epb = b.length - 36; // 28-byte EPB header+trailer + 3 data bytes padded to 4... locate from the end
    expect(v.getUint32(epb, true)).toBe(6);
    expect((BigInt(v.getUint32(epb + 12, true)) << 32n) | BigInt(v.getUint32(epb + 16, true))).toBe(BigInt(2.5 * 2 ** 20));
    expect([v.getUint32(epb + 20, true), v.getUint32(epb + 24, true)]).toEqual([3, 5]);
  });
});

// ---------------------------------------------------------------------------
describe("tshark cross-checks", () => {
  withTshark("checksums: random IPv4/IPv6 TCP and UDP packets are Good, badChecksum ones are Bad", () => {
    const arb = fc.record({
      v6: fc.boolean(), payload: fc.uint8Array({ maxLength: 101 }), seq: fc.nat(0xffffffff), ack: fc.nat(0xffffffff),
      sport: fc.integer({ min: 1, max: 65535 }), mss: fc.option(fc.integer({ min: 500, max: 9000 })), ts: fc.boolean(),
      vlan: fc.option(fc.integer({ min: 1, max: 4094 })),
    });
    const frames: Uint8Array[] = [];
    for (const r of fc.sample(arb, { numRuns: 150, seed: 7 })) {
      frames.push(tcpPacket({
        src: r.v6 ? "2001:db8::a" : "10.9.8.7", dst: r.v6 ? "2001:db8:1::b" : "192.168.1.2", srcPort: r.sport, dstPort: 443,
        seq: r.seq, ack: r.ack, flags: "PA", payload: r.payload, ...(r.vlan !== null ? { vlan: [r.vlan] } : {}),
        options: { ...(r.mss !== null ? { mss: r.mss } : {}), ...(r.ts ? { timestamp: [r.seq, r.ack] as [number, number] } : {}) },
      }));
    }
    const rows = fields(pcapOf(LinkType.ETHERNET, ...frames), ["tcp.checksum.status", "ip.checksum.status", "ipv6.src"]);
    expect(rows).toHaveLength(frames.length);
    for (const [tcpSt, ipSt, v6src] of rows) {
      expect(tcpSt).toBe("1");
      expect(ipSt).toBe(v6src ? "" : "1");
    }
    const bad = [
      tcpPacket({ src: "10.0.0.1", dst: "10.0.0.2", srcPort: 1, dstPort: 2, seq: 0, flags: "A", payload: "abc", badChecksum: true, ipBadChecksum: true }),
      tcpPacket({ src: "fe80::1", dst: "fe80::2", srcPort: 1, dstPort: 2, seq: 0, flags: "A", badChecksum: true }),
    ];
    expect(fields(pcapOf(1, ...bad), ["tcp.checksum.status", "ip.checksum.status"])).toEqual([["0", "0"], ["0", ""]]);
    // Literal command from the spec, without the separator option.
    const out = tshark(pcapOf(1, frames[0]!), ["-o", "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE", "-T", "fields", "-e", "tcp.checksum.status", "-e", "ip.checksum.status"]);
    expect(out.trim().split("\t")[0]).toBe("1");
    const udps = [
      ethernet({ type: EtherType.IPv4, payload: ipv4({ src: "10.0.0.1", dst: "10.0.0.2", proto: 17, payload: udp("10.0.0.1", "10.0.0.2", { srcPort: 9, dstPort: 9999, payload: "odd" }) }) }),
      ethernet({ type: EtherType.IPv6, payload: ipv6({ src: "::1", dst: "::2", nextHeader: 17, payload: udp("::1", "::2", { srcPort: 9, dstPort: 9999, payload: "even" }) }) }),
    ];
    expect(fields(pcapOf(1, ...udps), ["udp.checksum.status"])).toEqual([["1"], ["1"]]);
  });

  const ip4 = (payload = "hello!x".repeat(3), dport = 8080) =>
    ipv4({ src: "172.16.0.1", dst: "172.16.0.2", proto: 6, payload: tcpSegment("172.16.0.1", "172.16.0.2", { srcPort: 33333, dstPort: dport, seq: 0xfffffff0, ack: 1, flags: "PA", payload }) });
  const ip6 = (payload = "hello!x".repeat(3), dport = 8080) =>
    ipv6({ src: "2001:db8::1", dst: "2001:db8::2", nextHeader: 6, payload: tcpSegment("2001:db8::1", "2001:db8::2", { srcPort: 33333, dstPort: dport, seq: 7, flags: "PA", payload }) });
  const eth4 = (p = ip4()) => ethernet({ type: EtherType.IPv4, payload: p });

  const encapCases: [string, number, Uint8Array, string][] = [
    ["802.1Q VLAN", 1, ethernet({ type: EtherType.IPv4, vlan: [42], payload: ip4() }), "eth:ethertype:vlan:ethertype:ip:tcp"],
    ["QinQ (88a8 + 8100)", 1, ethernet({ type: EtherType.IPv6, vlan: [100, 200], payload: ip6() }), "eth:ethertype:ieee8021ad:ethertype:vlan:ethertype:ipv6:tcp"],
    ["MPLS 2 labels / IPv4", 1, ethernet({ type: EtherType.MPLS, payload: mpls([16, 17], ip4()) }), "eth:ethertype:mpls:ip:tcp"],
    ["MPLS / IPv6", 1, ethernet({ type: EtherType.MPLS, payload: mpls([99], ip6()) }), "eth:ethertype:mpls:ipv6:tcp"],
    ["PPPoE / IPv4", 1, ethernet({ type: EtherType.PPPoESession, payload: pppoeSession({ sessionId: 3, payload: ip4() }) }), "eth:ethertype:pppoes:ppp:ip:tcp"],
    ["PPPoE / IPv6", 1, ethernet({ type: EtherType.PPPoESession, payload: pppoeSession({ sessionId: 3, payload: ip6(), pppProtocol: 0x0057 }) }), "eth:ethertype:pppoes:ppp:ipv6:tcp"],
    ["GRE TEB", 1, eth4(ipv4({ src: "10.0.0.1", dst: "10.0.0.2", proto: IpProto.GRE, payload: gre({ protocol: EtherType.TEB, payload: eth4() }) })), "eth:ethertype:ip:gre:eth:ethertype:ip:tcp"],
    ["GRE IPv4 with csum/key/seq", 1, eth4(ipv4({ src: "10.0.0.1", dst: "10.0.0.2", proto: IpProto.GRE, payload: gre({ protocol: EtherType.IPv4, payload: ip4(), checksum: true, key: 5, seq: 1 }) })), "eth:ethertype:ip:gre:ip:tcp"],
    ["GRE IPv6", 1, eth4(ipv4({ src: "10.0.0.1", dst: "10.0.0.2", proto: IpProto.GRE, payload: gre({ protocol: EtherType.IPv6, payload: ip6() }) })), "eth:ethertype:ip:gre:ipv6:tcp"],
    ["VXLAN", 1, eth4(ipv4({ src: "10.0.0.1", dst: "10.0.0.2", proto: IpProto.UDP, payload: udp("10.0.0.1", "10.0.0.2", { srcPort: 50000, dstPort: VXLAN_PORT, payload: vxlan({ vni: 42, frame: eth4() }) }) })), "eth:ethertype:ip:udp:vxlan:eth:ethertype:ip:tcp"],
    ["SLL v1", LinkType.LINUX_SLL, sll({ protocol: EtherType.IPv4, payload: ip4() }), "sll:ethertype:ip:tcp"],
    ["SLL v2", LinkType.LINUX_SLL2, sll2({ protocol: EtherType.IPv6, payload: ip6(), ifIndex: 3 }), "sll:ethertype:ipv6:tcp"],
    ["null LE AF_INET", LinkType.NULL, nullLoopback(AF.INET, ip4()), "null:ip:tcp"],
    ["null BE AF_INET6 (BSD)", LinkType.NULL, nullLoopback(AF.INET6_BSD, ip6(), true), "null:ipv6:tcp"],
    ["raw IP", LinkType.RAW, ip4(), "raw:ip:tcp"],
    ["IPv6 hop-by-hop + routing + dest opts", 1, ethernet({ type: EtherType.IPv6, payload: ipv6({
      src: "2001:db8::1", dst: "2001:db8::2", nextHeader: 6,
      payload: tcpSegment("2001:db8::1", "2001:db8::2", { srcPort: 33333, dstPort: 8080, seq: 1, flags: "S" }),
      extHeaders: [{ type: 0, body: new Uint8Array(4) }, { type: 43, body: concat(Uint8Array.of(2, 1, 0, 0, 0, 0), parseIp("2001:db8::2")) }, { type: 60, body: new Uint8Array(10) }],
    }) }), "eth:ethertype:ipv6:ipv6.hopopts:ipv6.routing:ipv6.dstopts:tcp"],
    ["IPv4 options + padding + trailer", 1, ethernet({ type: EtherType.IPv4, padTo: 60, trailer: Uint8Array.of(1, 2, 3, 4),
      payload: ipv4({ src: "172.16.0.1", dst: "172.16.0.2", proto: 6, options: Uint8Array.of(1, 1), payload: tcpSegment("172.16.0.1", "172.16.0.2", { srcPort: 33333, dstPort: 8080, seq: 0, flags: "A" }) }) }), "eth:ethertype:ip:tcp"],
    ["IPv4 TSO (total length 0)", 1, eth4(ipv4({ src: "172.16.0.1", dst: "172.16.0.2", proto: 6, totalLengthOverride: 0,
      payload: tcpSegment("172.16.0.1", "172.16.0.2", { srcPort: 33333, dstPort: 8080, seq: 0, flags: "PA", payload: "x".repeat(3000) }) })), "eth:ethertype:ip:tcp"],
  ];
  for (const [name, linkType, frame, protocols] of encapCases) {
    withTshark(`${name} decodes as TCP 33333 -> 8080 with a good checksum`, () => {
      const rows = fields(pcapOf(linkType, frame), ["frame.protocols", "tcp.srcport", "tcp.dstport", "tcp.checksum.status"]);
      expect(rows).toEqual([[protocols, "33333", "8080", "1"]]);
    });
  }

  withTshark("VXLAN VNI and SLL2 ifindex fields", () => {
    const v = encapCases.find((c) => c[0] === "VXLAN")!;
    expect(fields(pcapOf(1, v[2]), ["vxlan.vni"])).toEqual([["42"]]);
    expect(fields(pcapOf(LinkType.LINUX_SLL2, sll2({ protocol: EtherType.IPv4, payload: ip4(), ifIndex: 3 })), ["sll.ifindex"])).toEqual([["3"]]);
  });

  withTshark("IPv4 and IPv6 fragments reassemble to the TCP segment", () => {
    const data = "0123456789".repeat(30);
    const seg4 = tcpSegment("10.1.1.1", "10.2.2.2", { srcPort: 1111, dstPort: 2222, seq: 5, flags: "PA", payload: data });
    const seg6 = tcpSegment("2001:db8::1", "2001:db8::2", { srcPort: 1111, dstPort: 2222, seq: 5, flags: "PA", payload: data });
    const frames = [
      ...ipv4Fragments({ src: "10.1.1.1", dst: "10.2.2.2", proto: 6, payload: seg4, id: 99 }, 100),
      ...ipv6Fragments({ src: "2001:db8::1", dst: "2001:db8::2", nextHeader: 6, payload: seg6 }, 100, 0xdeadbeef),
    ];
    const rows = fields(pcapOf(LinkType.RAW, ...frames), ["tcp.srcport", "tcp.len", "tcp.checksum.status", "tcp.payload"]);
    const done = rows.filter((r) => r[0] === "1111");
    expect(done).toEqual([["1111", "300", "1", hex(new TextEncoder().encode(data))], ["1111", "300", "1", hex(new TextEncoder().encode(data))]]);
    expect(rows).toHaveLength(8);
  });

  withTshark("classic pcap: nanosecond + big-endian timestamps, snaplen and origLen", () => {
    const w = new PcapWriter({ nanosecond: true, bigEndian: true, snaplen: 40 });
    w.add(eth4(), 1_700_000_000_123_456.75).add(eth4(), 2_000_000.001, 9000);
    expect(fields(w.bytes(), ["frame.time_epoch", "frame.len", "frame.cap_len"])).toEqual([
      ["1700000000.123456750", "75", "40"], ["2.000000001", "9000", "40"],
    ]);
  });

  for (const bigEndian of [false, true]) {
    withTshark(`pcapng (${bigEndian ? "big" : "little"}-endian): two interfaces, tsresol 9, snaplen, simple + unknown blocks`, () => {
      const w = new PcapngWriter({ bigEndian });
      const eth = w.addInterface(LinkType.ETHERNET, { name: "eth0" });
      const raw = w.addInterface(LinkType.RAW, { tsresol: 9, snaplen: 60 });
      w.addEnhanced(eth, eth4(), 1_700_000_000_123_456);
      w.addUnknownBlock(0x80000bad, Uint8Array.of(1, 2, 3));
      w.addEnhanced(raw, ip6(), 1_700_000_000_123_456.75);
      w.addSimple(eth4());
      w.addEnhanced(raw, ip4(), 1_000_000.001);
      const rows = fields(w.bytes(), ["frame.interface_id", "frame.time_epoch", "frame.protocols", "tcp.srcport", "tcp.dstport", "frame.len", "frame.cap_len"], "pcapng")
        .filter((r) => r[2] !== "");
      expect(rows).toEqual([
        ["0", "1700000000.123456000", "eth:ethertype:ip:tcp", "33333", "8080", "75", "75"],
        ["1", "1700000000.123456750", "raw:ipv6:tcp", "33333", "8080", "81", "60"],
        ["0", "", "eth:ethertype:ip:tcp", "33333", "8080", "75", "75"],
        ["1", "1.000000001", "raw:ip:tcp", "33333", "8080", "61", "60"],
      ]);
    });
  }

  withTshark("TcpConversation with isn 0xfffffff0 reassembles (follow,tcp,raw) to exactly the bytes sent", () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    const req = enc("GET /wrap HTTP/1.1\r\nHost: example\r\n\r\n");
    const resp = concat(enc("HTTP/1.1 200 OK\r\nContent-Length: 256\r\n\r\n"), Uint8Array.from({ length: 256 }, (_, i) => i));
    for (const [client, server] of [["10.0.0.1:40000", "10.0.0.2:80"], ["[2001:db8::1]:40000", "[2001:db8::2]:80"]] as const) {
      const c = new TcpConversation({ client, server, isnClient: 0xfffffff0, isnServer: 0xfffffffe });
      c.handshake()
        .clientSend(req.subarray(10, 25), { relSeq: 11 }) // out of order, spans the wrap
        .clientSend(req.subarray(0, 10), { relSeq: 1 })
        .clientSend(req.subarray(0, 5), { relSeq: 1 }) // retransmission
        .clientSend(req.subarray(25))
        .serverAck()
        .serverSend(resp, { segmentSize: 17 })
        .clientAck().clientFin().serverFin().clientAck();
      const [f] = parseFollow(tshark(c.pcap(), ["-q", "-z", "follow,tcp,raw,0"]));
      expect(hex(f!.client)).toBe(hex(req));
      expect(hex(f!.server)).toBe(hex(resp));
    }
  });

  withTshark("ISN_SWEEP: every ISN pair reassembles in both directions", () => {
    const pairs = ISN_SWEEP.map((isn, i) => [isn, ISN_SWEEP[(i + 3) % ISN_SWEEP.length]!] as const);
    const w = new PcapWriter();
    const sent: { client: string; server: string }[] = [];
    pairs.forEach(([ic, is], i) => {
      const c = new TcpConversation({ client: `10.0.0.1:${40000 + i}`, server: "10.0.0.2:80", isnClient: ic, isnServer: is, startMicros: 1e15 + i * 1e6 });
      const client = `client ${i} isn ${ic.toString(16)} `.repeat(5);
      const server = `server ${i} isn ${is.toString(16)} `.repeat(7);
      c.handshake().clientSend(client, { segmentSize: 13 }).serverSend(server, { segmentSize: 11 }).clientFin().serverFin().clientAck();
      for (const r of c.records()) w.add(r.frame, r.tsMicros);
      sent.push({ client, server });
    });
    const follows = parseFollow(tshark(w.bytes(), ["-q", ...pairs.flatMap((_, i) => ["-z", `follow,tcp,raw,${i}`])]));
    expect(follows).toHaveLength(pairs.length);
    const dec = new TextDecoder();
    // tshark prints multiple -z follow blocks in no guaranteed order: key them by the client endpoint.
    const byPort = follows.map((f) => ({ port: Number(f.node0.split(":").at(-1)), client: dec.decode(f.client), server: dec.decode(f.server) }))
      .sort((a, b) => a.port - b.port);
    expect(byPort.map((f) => f.port)).toEqual(pairs.map((_, i) => 40000 + i));
    expect(byPort.map(({ client, server }) => ({ client, server }))).toEqual(sent);
  });
});
