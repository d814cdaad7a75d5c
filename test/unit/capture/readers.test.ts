// test/unit/capture/readers.test.ts: the capture readers (ours) against pcap-parser as an independent
// oracle for classic pcap, and pcapng features pcap-parser lacks: every variant must give the same
// packets and the same reassembled bytes, whatever the input slicing.

import { describe, expect, test } from "vitest";
import { createRequire } from "node:module";
import { Readable } from "node:stream";
import {
  TcpConversation, PcapWriter, PcapngWriter, LinkType, sll, sll2, nullLoopback, AF, tcpSegment, ipPacket,
} from "../../support/packets.js";
import { runCapture } from "../../support/engine.js";

const PcapParser = createRequire(import.meta.url)("pcap-parser") as { parse(s: Readable): NodeJS.EventEmitter };

function conversation(): TcpConversation {
  const c = new TcpConversation({ client: "192.0.2.1:50000", server: "198.51.100.9:80", isnClient: 0xfffffff0 });
  c.handshake().clientSend("GET / HTTP/1.1\r\nHost: x\r\n\r\n").serverSend("HTTP/1.1 200 OK\r\n\r\nhello", { segmentSize: 7 });
  c.clientAck().clientFin().serverFin().clientAck();
  return c;
}
const REQ = "GET / HTTP/1.1\r\nHost: x\r\n\r\n", RESP = "HTTP/1.1 200 OK\r\n\r\nhello";

async function expectConversation(bytes: Uint8Array, slices = [1 << 20, 13, 1]): Promise<void> {
  for (const slice of slices) {
    const r = await runCapture(bytes, {}, slice);
    expect(r.error).toBeUndefined();
    expect(r.flows).toHaveLength(1);
    expect(Buffer.from(r.flows[0]!.toserver.data).toString()).toBe(REQ);
    expect(Buffer.from(r.flows[0]!.toclient.data).toString()).toBe(RESP);
    expect(r.flows[0]!.record.state).toBe("closed");
  }
}

describe("classic pcap", () => {
  test.each([
    ["µs little-endian", {}], ["µs big-endian", { bigEndian: true }], ["ns little-endian", { nanosecond: true }],
    ["ns big-endian", { nanosecond: true, bigEndian: true }],
  ] as const)("%s", async (_n, opts) => { await expectConversation(conversation().pcap(opts)); });

  test("packet count, lengths and timestamps agree with pcap-parser (the oracle)", async () => {
    for (const bigEndian of [false, true]) {
      const bytes = conversation().pcap({ bigEndian });
      const oracle = await new Promise<Array<{ ts: number; len: number }>>((res, rej) => {
        const out: Array<{ ts: number; len: number }> = [];
        const p = PcapParser.parse(Readable.from([Buffer.from(bytes)]));
        p.on("packet", (pk: { header: { timestampSeconds: number; timestampMicroseconds: number; capturedLength: number } }) =>
          out.push({ ts: pk.header.timestampSeconds * 1e6 + pk.header.timestampMicroseconds, len: pk.header.capturedLength }));
        p.on("end", () => res(out)); p.on("error", rej);
      });
      const r = await runCapture(bytes);
      expect(r.stats.packets).toBe(oracle.length);
      expect(r.stats.capture_bytes).toBe(oracle.reduce((n, o) => n + 16 + o.len, 0));
      expect(r.flows[0]!.record.firstTs).toBe(oracle[0]!.ts);
      expect(r.flows[0]!.record.lastTs).toBe(oracle[oracle.length - 1]!.ts);
    }
  });
});

describe("pcapng", () => {
  test.each([false, true])("several interfaces and link types, tsresol 6 and 9, unknown blocks, big-endian=%s", async (bigEndian) => {
    const c = conversation();
    const w = new PcapngWriter({ bigEndian });
    const eth = w.addInterface(LinkType.ETHERNET, { tsresol: 6 });
    const raw = w.addInterface(LinkType.RAW, { tsresol: 9 });
    w.addUnknownBlock(0x0bad, new Uint8Array([1, 2, 3, 4]));
    // the same conversation alternating between an Ethernet and a raw-IP interface
    c.records().forEach((rec, i) => {
      if (i % 2 === 0) w.addEnhanced(eth, rec.frame, rec.tsMicros);
      else w.addEnhanced(raw, rec.frame.subarray(14), rec.tsMicros);
    });
    await expectConversation(w.bytes());
  });

  test("simple packet blocks", async () => {
    const w = new PcapngWriter();
    w.addInterface(LinkType.ETHERNET);
    for (const rec of conversation().records()) w.addSimple(rec.frame);
    await expectConversation(w.bytes());
  });
});

describe("link types", () => {
  const ipOf = (frame: Uint8Array) => frame.subarray(14);
  test.each([
    ["Linux SLL", LinkType.LINUX_SLL, (ip: Uint8Array) => sll({ protocol: 0x0800, payload: ip })],
    ["Linux SLL2", LinkType.LINUX_SLL2, (ip: Uint8Array) => sll2({ protocol: 0x0800, payload: ip })],
    ["BSD null (host order)", LinkType.NULL, (ip: Uint8Array) => nullLoopback(AF.INET, ip)],
    ["BSD null (big-endian)", LinkType.NULL, (ip: Uint8Array) => nullLoopback(AF.INET, ip, true)],
    ["raw IP", LinkType.RAW, (ip: Uint8Array) => ip],
  ] as const)("%s", async (_n, lt, wrap) => {
    const w = new PcapWriter({ linkType: lt });
    for (const rec of conversation().records()) w.add(wrap(ipOf(rec.frame)), rec.tsMicros);
    await expectConversation(w.bytes(), [1 << 20]);
  });

  test("an unsupported link type is named once and its packets are skipped", async () => {
    const w = new PcapWriter({ linkType: 105 /* 802.11 */ });
    w.add(new Uint8Array(40), 1);
    w.add(new Uint8Array(40), 2);
    const r = await runCapture(w.bytes());
    expect(r.error).toBeUndefined();
    expect(r.notices).toEqual(["link type 105 is not supported: its packets are skipped"]);
    expect(r.stats.unknown_linktype).toBe(2);
  });

  test("Ethernet padding and trailers are not payload", async () => {
    const c = new TcpConversation({ client: "192.0.2.1:50000", server: "198.51.100.9:80" });
    c.handshake();
    const seg = tcpSegment("192.0.2.1", "198.51.100.9", { srcPort: 50000, dstPort: 80, seq: 1001, ack: 5001, flags: "PA", payload: new TextEncoder().encode("hi") });
    const ip = ipPacket("192.0.2.1", "198.51.100.9", 6, seg);
    const frame = new Uint8Array(14 + ip.length + 20);
    frame.set(c.records()[0]!.frame.subarray(0, 14)); frame.set(ip, 14); frame.fill(0x41, 14 + ip.length);
    c.raw(frame);
    const r = await runCapture(c.pcap());
    expect(Buffer.from(r.flows[0]!.toserver.data).toString()).toBe("hi");
  });
});

describe("pcapng timestamps", () => {
  test.each([[6, 1], [9, 1e-3], [0x80 | 20, 1e6 / 2 ** 20]])("if_tsresol %i", async (tsresol, usPerTick) => {
    const w = new PcapngWriter();
    const id = w.addInterface(LinkType.ETHERNET, { tsresol });
    const recs = conversation().records();
    for (const r of recs) w.addEnhanced(id, r.frame, r.tsMicros);
    const rr = await runCapture(w.bytes());
    // the writer stores ticks of the interface's resolution; we read them back to µs within one tick
    expect(Math.abs(rr.flows[0]!.record.firstTs - recs[0]!.tsMicros)).toBeLessThanOrEqual(Math.max(1, usPerTick));
    expect(Math.abs(rr.flows[0]!.record.lastTs - recs[recs.length - 1]!.tsMicros)).toBeLessThanOrEqual(Math.max(1, usPerTick));
  });
});
