// test/unit/tcp/session.test.ts: connection state, RST acceptance per policy, checksum modes, depth,
// filters, midstream, port reuse, windows, fragments and data on SYN: one scripted conversation per row.

import { describe, expect, test } from "vitest";
import { TcpConversation, ISN_SWEEP, ethernet, ipv4Fragments, ipv6Fragments, tcpSegment, EtherType, IpProto } from "../../support/packets.js";
import { runFrames } from "../../support/engine.js";
import type { EngineConfig } from "../../../src/config/schema.js";

const conv = (isn = 1000) => new TcpConversation({ client: "10.0.0.1:40000", server: "10.0.0.2:80", isnClient: isn, isnServer: (isn + 77777) >>> 0 });
const text = (b: Uint8Array) => Buffer.from(b).toString("latin1");

async function one(c: TcpConversation, cfg: EngineConfig = {}) {
  const r = await runFrames(c.records(), cfg);
  expect(r.error).toBeUndefined();
  return { ...r.flows[0]!, all: r.flows, stats: r.stats, notices: r.notices };
}

describe("state transitions (tcp.state names)", () => {
  const rows: Array<[string, (c: TcpConversation) => void, string]> = [
    ["SYN only", (c) => c.clientSyn(), "syn_sent"],
    ["SYN, SYN-ACK", (c) => c.clientSyn().serverSynAck(), "syn_recv"],
    ["3-way handshake", (c) => c.handshake(), "established"],
    ["client FIN", (c) => c.handshake().clientFin(), "fin_wait1"],
    ["client FIN acked", (c) => c.handshake().clientFin().serverAck(), "fin_wait2"],
    ["both FINs, first acked", (c) => c.handshake().clientFin().serverAck().serverFin(), "time_wait"],
    ["both FINs, both acked", (c) => c.handshake().clientFin().serverAck().serverFin().clientAck(), "closed"],
    ["simultaneous close", (c) => c.handshake().clientFin().serverFin({ ack: 1 }).serverAck().clientAck(), "closed"],
    ["FINs crossing, second acked first", (c) => c.handshake().clientFin().serverFin({ ack: 1 }).clientAck(), "last_ack"],
    ["server closes first", (c) => c.handshake().serverFin().clientAck().clientFin().serverAck(), "closed"],
    ["valid RST", (c) => c.handshake().clientRst(), "closed"],
    ["RST answering the SYN", (c) => c.clientSyn().serverRst({ flags: "RA", absSeq: 0 }), "closed"],
    ["midstream data", (c) => { c.clientSend("x", { relSeq: 100 }); }, "established"],
  ];
  test.each(ISN_SWEEP.slice(0, 3).flatMap((isn) => rows.map((r) => [isn, ...r] as const)))("ISN %i: %s -> %s", async (isn, _n, build, want) => {
    const c = conv(isn); build(c);
    expect((await one(c)).record.state).toBe(want);
  });
});

describe("RST acceptance by the receiver's policy (Suricata StreamTcpValidateRst)", () => {
  // the client has sent 10 bytes; the server's RST must carry the client's view of the server's next seq
  const build = (delta: number) => {
    const c = conv(); c.handshake().clientSend("0123456789").serverAck();
    c.serverRst({ relSeq: 1 + delta, flags: "R" });
    c.clientSend("after the reset");
    return c;
  };
  test.each([
    ["bsd", 0, true], ["bsd", 5, false], ["windows", 1, false], ["first", 0, true],
    ["linux", 0, true], ["linux", 5, true], ["linux", -1, false], ["solaris", 100, true],
    ["hpux11", 5, true], ["hpux11", -1, false],
  ] as const)("%s policy, RST at next%+i: accepted=%s", async (policy, delta, accepted) => {
    const f = await one(build(delta), { policy });
    expect(f.record.state).toBe(accepted ? "closed" : "established");
    expect(f.events.includes("stream.rst_out_of_window")).toBe(!accepted);
    // after the RST the connection's data is still reassembled (injected RSTs must not blind us)
    expect(text(f.toserver.data)).toBe("0123456789after the reset");
  });
  test("the RST's sender talking on raises stream.suspected_rst_inject", async () => {
    const c = conv(); c.handshake().clientSend("abc").serverAck().serverRst({ flags: "R" }).serverSend("more");
    const f = await one(c);
    expect(f.events).toContain("stream.suspected_rst_inject");
  });
});

describe("checksums", () => {
  const forged = (mode: EngineConfig["checksum"], policy = "first") => {
    const c = conv();
    c.clientSyn({ absSeq: 5, badChecksum: true });           // forged SYN with another ISN, sent first
    c.handshake();
    c.clientSend("EVIL", { badChecksum: true });               // insertion: wrong checksum, same bytes range
    c.clientSend("GOOD", { relSeq: 1 });
    c.serverAck();
    return one(c, { checksum: mode, policy });
  };
  test("auto: a wrong checksum from a host that also sends right ones is rejected, even first", async () => {
    const f = await forged("auto");
    expect(text(f.toserver.data)).toBe("GOOD");
    expect(f.events).toContain("stream.pkt_invalid_checksum");
    expect(f.stats.bad_checksum).toBe(2);
    expect(f.all).toHaveLength(1);
  });
  test("on: rejected as well", async () => { expect(text((await forged("on")).toserver.data)).toBe("GOOD"); });
  test("off: accepted, so the first copy wins under policy first", async () => { expect(text((await forged("off")).toserver.data)).toBe("EVIL"); });
  test("auto: a host whose segments all carry wrong checksums is offloading: accepted, said once", async () => {
    const c = conv();
    const bad = { badChecksum: true };
    c.clientSyn(bad).serverSynAck().clientAck(undefined, bad).clientSend("hello", bad).clientSend(" world", bad).serverAck().clientFin(bad).serverFin().clientAck(undefined, bad);
    const f = await one(c, { checksum: "auto" });
    expect(text(f.toserver.data)).toBe("hello world");
    expect(f.record.state).toBe("closed");
    expect(f.stats.bad_checksum).toBe(0);
    expect(f.stats.offload_accepted).toBeGreaterThan(0);
    expect(f.notices.filter((n) => n.includes("checksum offload detected for host 10.0.0.1"))).not.toHaveLength(0);
  });
});

describe("limits and filters", () => {
  const data = () => { const c = conv(); c.handshake().clientSend("0123456789abcdefghij").serverSend("response!").clientAck().serverAck(); return c; };
  test("depth: at most N bytes per direction, event once", async () => {
    const f = await one(data(), { depth: 10 });
    expect(text(f.toserver.data)).toBe("0123456789");
    expect(text(f.toclient.data)).toBe("response!");
    expect(f.events).toContain("stream.reassembly_depth_reached");
    expect(f.record.toserver.depthReached).toBe(true);
  });
  test("ports: connections to other server ports are tracked, not reassembled", async () => {
    const f = await one(data(), { ports: [443] });
    expect(f.toserver.data.length).toBe(0);
    expect(f.record.toserver.packets).toBeGreaterThan(0);
    const g = await one(data(), { ports: [80] });
    expect(text(g.toserver.data)).toBe("0123456789abcdefghij");
  });
  test.each([["toserver", "0123456789abcdefghij", ""], ["toclient", "", "response!"]] as const)("directions %s", async (d, ts, tc) => {
    const f = await one(data(), { directions: d });
    expect(text(f.toserver.data)).toBe(ts);
    expect(text(f.toclient.data)).toBe(tc);
  });
  test("events off (stream4 noalerts): no event reaches the record, the counters or the callback", async () => {
    const c = conv(); c.handshake().clientSend("GOOD").clientSend("EVIL", { relSeq: 1 }).serverAck();
    const f = await one(c, { events: false });
    expect(f.events).toEqual([]);
    expect(f.record.events).toEqual([]);
    expect(f.stats.events).toBe(0);
    expect((await one(c)).record.events).toContain("stream.reassembly_overlap_different_data");
  });
  test("midstream off: a connection without handshake is ignored", async () => {
    const c = conv(); c.clientSend("no handshake", { relSeq: 50 }).serverAck();
    const r = await runFrames(c.records(), { midstream: false });
    expect(r.flows).toHaveLength(0);
    expect(r.stats.ignored_no_session).toBe(2);
  });
  test("port reuse: a new SYN after the close is a new connection", async () => {
    const c = conv(); c.handshake().clientSend("one").serverAck().clientFin().serverFin().clientAck();
    const d = new TcpConversation({ client: "10.0.0.1:40000", server: "10.0.0.2:80", isnClient: 99999, isnServer: 4242, startMicros: 1_700_000_100_000_000 });
    d.handshake().clientSend("two").serverAck();
    const r = await runFrames([...c.records(), ...d.records()]);
    expect(r.flows.map((f) => text(f.toserver.data))).toEqual(["one", "two"]);
  });
  test("data beyond the receiver's window is dropped with stream.est_packet_out_of_window", async () => {
    const c = conv(); c.clientSyn().serverSynAck({ window: 100 }).clientAck();
    c.clientSend("A".repeat(50)).clientSend("B", { relSeq: 500 }).serverAck();
    const f = await one(c);
    expect(text(f.toserver.data)).toBe("A".repeat(50));
    expect(f.events).toContain("stream.est_packet_out_of_window");
  });
  test("a hole acknowledged by the receiver is a gap at its offset; the data after it is delivered", async () => {
    const c = conv(0xfffffffe); c.handshake().clientSend("aaaa").clientSend("cccc", { relSeq: 9 }).serverAck(13);
    const f = await one(c);
    expect(text(f.toserver.data)).toBe("aaaacccc");
    expect(f.toserver.gaps).toEqual([[4, 4]]);
  });
});

describe("data on SYN", () => {
  test("acknowledged by the SYN-ACK (TFO): kept", async () => {
    const c = conv(); c.clientSyn(); // build by hand: SYN with payload
    const r0 = c.records(); r0.length = 0;
    const syn = new TcpConversation({ client: "10.0.0.1:40000", server: "10.0.0.2:80", isnClient: 1000, isnServer: 7000 });
    syn.raw(ethernet({ type: EtherType.IPv4, payload: ipv4Pkt(tcpSegment("10.0.0.1", "10.0.0.2", { srcPort: 40000, dstPort: 80, seq: 1000, flags: "S", payload: Buffer.from("early") })) }));
    syn.serverSynAck({ absAck: 1006 }).clientAck(undefined, { relSeq: 6 }).clientSend("late", { relSeq: 6 }).serverAck();
    const f = await one(syn);
    expect(text(f.toserver.data)).toBe("earlylate");
    expect(f.events).toContain("stream.syn_with_data");
  });
  test("not acknowledged (the server ignored it): dropped, the retransmission counts", async () => {
    const syn = new TcpConversation({ client: "10.0.0.1:40000", server: "10.0.0.2:80", isnClient: 1000, isnServer: 7000 });
    syn.raw(ethernet({ type: EtherType.IPv4, payload: ipv4Pkt(tcpSegment("10.0.0.1", "10.0.0.2", { srcPort: 40000, dstPort: 80, seq: 1000, flags: "S", payload: Buffer.from("EVIL!") })) }));
    syn.serverSynAck({ absAck: 1001 }).clientAck().clientSend("GOOD!", { relSeq: 1 }).serverAck();
    const f = await one(syn, { policy: "first" });
    expect(text(f.toserver.data)).toBe("GOOD!");
    expect(f.events).toContain("stream.3whs_synack_tfo_data_ignored");
  });
});

import { ipv4 } from "../../support/packets.js";
function ipv4Pkt(seg: Uint8Array): Uint8Array { return ipv4({ src: "10.0.0.1", dst: "10.0.0.2", proto: IpProto.TCP, payload: seg }); }

describe("IP fragments", () => {
  const seg = (payload: string) => tcpSegment("10.0.0.1", "10.0.0.2", { srcPort: 40000, dstPort: 80, seq: 1001, ack: 78778 + 1000, flags: "PA", payload: Buffer.from(payload) });
  test("IPv4 fragments, out of order, are reassembled", async () => {
    const c = conv(); c.handshake();
    const frags = ipv4Fragments({ src: "10.0.0.1", dst: "10.0.0.2", proto: IpProto.TCP, payload: seg("fragmented request body!"), id: 77 }, 16);
    for (const f of frags.reverse()) c.raw(ethernet({ type: EtherType.IPv4, payload: f }));
    c.serverAck(25);
    const f = await one(c);
    expect(text(f.toserver.data)).toBe("fragmented request body!");
  });
  test("an overlapping IPv4 fragment with different bytes raises ipv4.frag_overlap (first bytes kept)", async () => {
    const c = conv(); c.handshake();
    const frags = ipv4Fragments({ src: "10.0.0.1", dst: "10.0.0.2", proto: IpProto.TCP, payload: seg("GOOD-GOOD-GOOD-GOOD-"), id: 9 }, 24);
    const evil = ipv4Fragments({ src: "10.0.0.1", dst: "10.0.0.2", proto: IpProto.TCP, payload: seg("EVIL-EVIL-EVIL-EVIL-"), id: 9 }, 24);
    c.raw(ethernet({ type: EtherType.IPv4, payload: evil[1]! }));
    c.raw(ethernet({ type: EtherType.IPv4, payload: frags[1]! }));
    c.raw(ethernet({ type: EtherType.IPv4, payload: frags[0]! }));
    c.serverAck(21);
    const f = await one(c);
    expect(f.events).toContain("ipv4.frag_overlap");
    // 24-byte fragments: the first carries the TCP header and "GOOD"; the rest came from the EVIL copy first
    expect(text(f.toserver.data)).toBe("GOOD-EVIL-EVIL-EVIL-");
  });
  test("IPv6 fragments are reassembled", async () => {
    const c = new TcpConversation({ client: "[2001:db8::1]:40000", server: "[2001:db8::2]:80", isnClient: 1000, isnServer: 5000 });
    c.handshake();
    const s6 = tcpSegment("2001:db8::1", "2001:db8::2", { srcPort: 40000, dstPort: 80, seq: 1001, ack: 5001, flags: "PA", payload: Buffer.from("v6 fragmented payload") });
    for (const fr of ipv6Fragments({ src: "2001:db8::1", dst: "2001:db8::2", nextHeader: IpProto.TCP, payload: s6 }, 16, 5)) {
      c.raw(ethernet({ type: EtherType.IPv6, payload: fr }));
    }
    c.serverAck();
    const f = await one(c);
    expect(text(f.toserver.data)).toBe("v6 fragmented payload");
  });
});

describe("host-os-policy: the receiver's address picks the policy", () => {
  test("longest prefix wins, per direction", async () => {
    const build = () => { const c = conv(); c.handshake().clientSend("GOOD").clientSend("EVIL", { relSeq: 1 }).serverAck(); return c; };
    const f = await one(build(), { policy: "first", hostPolicies: { "10.0.0.0/8": "first", "10.0.0.2/32": "last" } });
    expect(text(f.toserver.data)).toBe("EVIL");
    expect(f.record.toserver.policy).toBe("last");
    expect(f.record.toclient.policy).toBe("first");
    const g = await one(build(), { policy: "last", hostPolicies: { "10.0.0.0/24": "first" } });
    expect(text(g.toserver.data)).toBe("GOOD");
  });
});

describe("memory limits and timeouts", () => {
  test("flow memcap: the least recently active connections are ended (reason pruned), nothing is lost", async () => {
    const frames = [];
    for (let i = 0; i < 40; i++) {
      const c = new TcpConversation({ client: `10.0.1.${i + 1}:4000`, server: "10.0.0.2:80", startMicros: 1_700_000_000_000_000 + i * 1_000_000 });
      c.handshake().clientSend(`request ${i}`).serverAck();
      frames.push(...c.records());
    }
    const r = await runFrames(frames, { maxFlows: 16 });
    expect(r.error).toBeUndefined();
    expect(r.flows).toHaveLength(40);
    expect(r.flows.filter((f) => f.record.endReason === "pruned").length).toBeGreaterThan(0);
    expect(r.flows.map((f) => text(f.toserver.data))).toEqual(Array.from({ length: 40 }, (_, i) => `request ${i}`));
    expect(r.stats.flows_pruned).toBeGreaterThan(0);
  });

  test("idle timeout: a connection silent longer than its state's timeout ends; later packets are a new pickup", async () => {
    const c = new TcpConversation({ client: "10.0.0.1:40000", server: "10.0.0.2:80", startMicros: 1_700_000_000_000_000, stepMicros: 1000 });
    c.handshake().clientSend("before").serverAck();
    const d = new TcpConversation({ client: "10.0.0.1:40000", server: "10.0.0.2:80", startMicros: 1_700_000_100_000_000 });
    d.handshake(); // only to advance: we send a late data segment of the first connection
    const late = new TcpConversation({ client: "10.0.0.1:40000", server: "10.0.0.2:80", startMicros: 1_700_000_100_000_000 });
    late.clientSend("after", { relSeq: 7 });
    const r = await runFrames([...c.records(), ...late.records(), ...late.records()], { timeouts: { established: 10 } });
    expect(r.flows.map((f) => [f.record.endReason, text(f.toserver.data)])).toEqual([["timeout", "before"], ["eof", "after"]]);
  });

  test("reassembly memcap: a direction that cannot store more delivers what it holds and goes on; nothing is lost", async () => {
    const c = conv(); c.handshake();
    const chunk = "x".repeat(1400);
    for (let i = 0; i < 1500; i++) c.clientSend(chunk); // 2.1 MB, never acknowledged
    c.serverAck();
    const f = await one(c, { memcap: 1 << 20, flushUnacked: 1 << 30 });
    expect(f.toserver.data.length).toBe(1400 * 1500);
    expect(f.toserver.gaps).toEqual([]);
    expect(f.events).toContain("stream.reassembly_no_segment");
    expect(f.record.toserver.memcapReached).toBe(true);
    expect(f.record.toclient.memcapReached).toBe(false);
  });
});

describe("trailing holes", () => {
  test("bytes the receiver acknowledged but the capture never had are a gap at the end", async () => {
    const c = conv(0xfffffffd); c.handshake().clientSend("abcd").serverAck(9);
    const f = await one(c);
    expect(text(f.toserver.data)).toBe("abcd");
    expect(f.toserver.gaps).toEqual([[4, 4]]);
  });
  test("a hole that nothing acknowledges and no FIN follows is not a gap (nothing says those bytes exist)", async () => {
    const c = conv(); c.handshake().clientSend("abcd");
    const f = await one(c);
    expect(f.toserver.gaps).toEqual([]);
  });
});

describe("retained delivered bytes (retainDelivered)", () => {
  test("a re-send that differs from acknowledged, delivered bytes raises the event; the bytes stay", async () => {
    const c = conv(); c.handshake().serverSend("FORGED").clientAck().serverSend("GENUINE", { relSeq: 1 }).clientAck();
    const f = await one(c, { retainDelivered: true });
    expect(text(f.toclient.data)).toBe("FORGEDE");
    expect(f.events).toContain("stream.reassembly_overlap_different_data");
    const g = await one(c);
    expect(g.events).not.toContain("stream.reassembly_overlap_different_data");
  });
  test("a keep-alive probe (the last byte again, any content) is not an overlap", async () => {
    const c = conv(); c.handshake().clientSend("hello").serverAck().clientSend("\0", { relSeq: 5 }).serverAck();
    const f = await one(c, { retainDelivered: true });
    expect(text(f.toserver.data)).toBe("hello");
    expect(f.events).toEqual([]);
  });
  test("a page that held a gap is not compared (no false alarm)", async () => {
    const c = conv(); c.handshake().serverSend("abcd").serverSend("ijkl", { relSeq: 9 }).clientAck(13).serverSend("XXXXXXXX", { relSeq: 5 }).clientAck();
    const f = await one(c, { retainDelivered: true });
    expect(f.toclient.gaps).toEqual([[4, 4]]);
    expect(f.events).not.toContain("stream.reassembly_overlap_different_data");
  });
});

describe("handshake and window anomalies", () => {
  test("stream.reassembly_seq_gap when a hole is given up on", async () => {
    const c = conv(); c.handshake().clientSend("aaaa").clientSend("cccc", { relSeq: 9 }).serverAck(13);
    expect((await one(c)).events).toContain("stream.reassembly_seq_gap");
  });
  test("a repeated SYN-ACK acknowledging something else: stream.3whs_synack_resend_with_diff_ack", async () => {
    const c = conv(); c.clientSyn().serverSynAck().serverSynAck({ absAck: 4242 }).clientAck();
    expect((await one(c)).events).toContain("stream.3whs_synack_resend_with_diff_ack");
  });
  test("a third handshake packet with wrong SEQ and wrong ACK: stream.3whs_wrong_seq_wrong_ack", async () => {
    const c = conv(); c.clientSyn().serverSynAck().clientAck(undefined, { absSeq: 1, absAck: 2 });
    expect((await one(c)).events).toContain("stream.3whs_wrong_seq_wrong_ack");
  });
  test("a FIN beyond the receiver's window is ignored: stream.fin_out_of_window", async () => {
    const c = conv(); c.clientSyn().serverSynAck({ window: 100 }).clientAck().clientFin({ relSeq: 5000 }).serverAck(1);
    const f = await one(c);
    expect(f.events).toContain("stream.fin_out_of_window");
    expect(f.record.state).toBe("established");
  });
});

describe("simultaneous open", () => {
  test("SYN from both sides, then SYN-ACKs from both: one connection, established, data both ways", async () => {
    const c = conv();
    c.clientSyn().serverSynAck({ flags: "S" }).clientSyn({ flags: "SA" }).serverSynAck();
    c.clientSend("from client").serverSend("from server").clientAck().serverAck();
    const r = await runFrames(c.records());
    expect(r.flows).toHaveLength(1);
    const f = r.flows[0]!;
    expect(f.record.state).toBe("established");
    expect(text(f.toserver.data)).toBe("from client");
    expect(text(f.toclient.data)).toBe("from server");
  });
});

describe("segment queue limit", () => {
  test("inserting into the middle of a very long queue behind a hole flushes it (bounded work per packet)", async () => {
    const c = conv(); c.handshake();
    for (let i = 1; i <= 10000; i++) c.clientSend("x", { relSeq: 2 * i }); // 10,000 one-byte records with holes
    c.clientSend("y", { relSeq: 10001 });                                   // lands in the middle
    const f = await one(c);
    expect(f.events).toContain("stream.reassembly_segment_limit");
    expect(f.toserver.data.length).toBe(10000);
    expect(f.record.toserver.gapCount).toBeGreaterThan(0);
  });
});
