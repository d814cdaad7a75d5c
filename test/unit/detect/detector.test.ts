// Detection on reassembled streams (issue 3): what the target saw is matched once, at its stream
// offset; what it never saw (discarded overlap, bad checksum, out of window, after a RST, across a gap)
// is not matched; inline mode drops the packet that completes a match.

import { describe, expect, test } from "vitest";
import { TcpConversation, ISN_SWEEP } from "../../support/packets.js";
import { scanFrames, alertKeys } from "../../support/scan.js";
import type { EngineConfig } from "../../../src/config/schema.js";

const RULE = `alert tcp any any -> any any (msg:"attack"; content:"ATTACKPATTERN"; sid:1; rev:1;)`;
const conv = (isn = 1000, window?: number) =>
  new TcpConversation({ client: "10.0.0.1:40000", server: "10.0.0.2:80", isnClient: isn, isnServer: 7000, ...(window ? { window } : {}) });

/** Deterministic shuffle (Fisher-Yates with an LCG). */
function shuffled<T>(xs: T[], seed: number): T[] {
  const out = xs.slice();
  let s = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe("a pattern split into 1-byte segments, out of order", () => {
  const prefix = "GET /index.html?q=";
  const body = `${prefix}ATTACKPATTERN&x=1 HTTP/1.1\r\n\r\n`;
  test.each(ISN_SWEEP.map((isn, k) => [isn, k]))("ISN %i: found once, at its offset (IDS and inline)", async (isn, k) => {
    for (const mode of ["ids", "inline"] as const) {
      const c = conv(isn);
      c.handshake();
      const order = shuffled([...body].map((_, i) => i), 17 + k);
      for (const i of order) c.clientSend(body[i]!, { relSeq: 1 + i });
      c.serverAck().clientFin().serverFin().clientAck();
      const r = await scanFrames(RULE, c.records(), { config: { inspection: { mode, toserverChunkSize: mode === "ids" ? 7 : 0, randomizeChunkRange: 50, seed: k } } });
      expect(r.alerts.map((a) => [a.sid, a.dir, a.offset, a.end])).toEqual([[1, "toserver", prefix.length, prefix.length + 13]]);
    }
  });
});

describe("bytes the target never saw are not matched", () => {
  const base = (o: { policy?: string; checksum?: EngineConfig["checksum"] } = {}) => ({ config: { ...o, checksum: o.checksum ?? "off" } as EngineConfig });

  test("overlap: the policy keeps the first copy (first) or takes the later one (last)", async () => {
    const build = () => {
      const c = conv();
      c.handshake().clientSend("xxxxxATTACKPATTERNyyyy", { relSeq: 1 });
      c.clientSend("xxxxxHARMLESSDATA_yyyy", { relSeq: 1 });   // same range, different bytes
      return c.serverAck().clientFin().serverFin().clientAck().records();
    };
    expect((await scanFrames(RULE, build(), base({ policy: "first" }))).alerts).toHaveLength(1);
    expect((await scanFrames(RULE, build(), base({ policy: "last" }))).alerts).toHaveLength(0);
    const rev = () => {
      const c = conv();
      c.handshake().clientSend("xxxxxHARMLESSDATA_yyyy", { relSeq: 1 });
      c.clientSend("xxxxxATTACKPATTERNyyyy", { relSeq: 1 });
      return c.serverAck().clientFin().serverFin().clientAck().records();
    };
    expect((await scanFrames(RULE, rev(), base({ policy: "first" }))).alerts).toHaveLength(0);
    expect((await scanFrames(RULE, rev(), base({ policy: "last" }))).alerts).toHaveLength(1);
  });

  test("bad checksum: the forged copy is rejected, the genuine one is inspected", async () => {
    const c = conv();
    c.handshake();
    c.clientSend("xxATTACKPATTERN", { relSeq: 1, badChecksum: true });
    c.clientSend("xxHARMLESSDATA_", { relSeq: 1 });
    c.serverAck().clientFin().serverFin().clientAck();
    for (const checksum of ["on", "auto"] as const) {
      const r = await scanFrames(RULE, c.records(), base({ checksum }));
      expect(r.alerts).toHaveLength(0);
      expect(r.anomalies).toContain("stream.pkt_invalid_checksum");
    }
    expect((await scanFrames(RULE, c.records(), base({ checksum: "off", policy: "first" }))).alerts).toHaveLength(1);
  });

  test("out of window: a segment beyond the receiver's window is dropped", async () => {
    const c = conv(1000, 100);
    c.handshake();
    c.clientSend("ATTACKPATTERN", { relSeq: 1 + 400 });       // beyond ack + window 100
    c.clientSend("harmless", { relSeq: 1 });
    c.serverAck().clientFin({ relSeq: 9 }).serverFin().clientAck();
    const r = await scanFrames(RULE, c.records(), base());
    expect(r.anomalies).toContain("stream.est_packet_out_of_window");
    expect(r.alerts).toHaveLength(0);
  });

  test("after a valid RST (discarded by default in scan; --post-rst reassemble inspects it)", async () => {
    const c = conv();
    c.handshake().clientSend("hello").serverAck().serverRst({ flags: "R" });
    c.clientSend("ATTACKPATTERN");
    const frames = c.records();
    const r = await scanFrames(RULE, frames, { config: { checksum: "off", postRst: "discard" } });
    expect(r.anomalies).toContain("stream.suspected_rst_inject");
    expect(r.alerts).toHaveLength(0);
    expect((await scanFrames(RULE, frames, { config: { checksum: "off", postRst: "reassemble" } })).alerts).toHaveLength(1);
  });

  test("across a gap: the halves on either side of a hole do not make a match", async () => {
    const c = conv();
    c.handshake();
    c.clientSend("xxATTACK", { relSeq: 1 });
    c.clientSend("PATTERNyy", { relSeq: 1 + 8 + 10 });        // 10 bytes never captured in between
    c.serverAck().clientFin().serverFin().clientAck();
    const r = await scanFrames(RULE, c.records(), base());
    expect(r.anomalies).toContain("stream.reassembly_seq_gap");
    expect(r.alerts).toHaveLength(0);
    // and without the hole it is found
    const d = conv();
    d.handshake().clientSend("xxATTACK").clientSend("PATTERNyy").serverAck().clientFin().serverFin().clientAck();
    expect((await scanFrames(RULE, d.records(), base())).alerts).toHaveLength(1);
  });
});

describe("inline mode", () => {
  const DROP = `drop tcp any any -> any any (msg:"attack"; content:"ATTACKPATTERN"; sid:7;)`;
  test("drops exactly the packet that completes the match, and the connection after it", async () => {
    const c = conv();
    c.handshake();                                           // frames 1-3
    c.clientSend("GET /?a=ATTACK");                          // 4: first half
    c.serverAck();                                           // 5
    c.clientSend("PATTERN&b=2 HTTP/1.1\r\n\r\n");            // 6: completes the match
    c.serverAck();                                           // 7
    c.clientSend("more");                                    // 8: later packet of the dropped connection
    const r = await scanFrames(DROP, c.records(), { config: { inspection: { mode: "inline" } } });
    expect(r.alerts).toEqual([expect.objectContaining({ sid: 7, frame: 6, dropped: true, offset: 8 })]);
    expect(r.drops.map((d) => [d.frame, d.reason])).toEqual([[6, "rule"], [7, "flow"], [8, "flow"]]);
  });

  test("the match completes before any ACK: the IDS mode sees it only at the ACK", async () => {
    const c = conv();
    c.handshake().clientSend("ATTACKPATTERN").serverAck();   // data = frame 4, ACK = frame 5
    const inl = await scanFrames(DROP, c.records(), { config: { inspection: { mode: "inline" } } });
    const ids = await scanFrames(DROP, c.records(), { config: { inspection: { mode: "ids" } } });
    expect(inl.alerts.map((a) => a.frame)).toEqual([4]);
    expect(ids.alerts.map((a) => [a.frame, a.dropped])).toEqual([[5, false]]);
    expect(ids.drops).toEqual([]);
  });

  test("an overlap over delivered bytes cannot change what was inspected (first copy wins)", async () => {
    const c = conv();
    c.handshake().clientSend("xxHARMLESSDATA_");
    c.clientSend("xxATTACKPATTERN", { relSeq: 1 });          // re-send with new bytes: already forwarded
    c.serverAck();
    for (const policy of ["last", "bsd", "linux"]) {
      const r = await scanFrames(DROP, c.records(), { config: { policy, inspection: { mode: "inline" } } });
      expect(r.alerts).toHaveLength(0);
    }
  });
});

describe("rule header, flow keywords and -z est", () => {
  const rules = [
    `alert tcp any any -> any 80 (msg:"to port 80"; content:"abc"; sid:1;)`,
    `alert tcp any any -> any 81 (msg:"to port 81"; content:"abc"; sid:2;)`,
    `alert tcp any any -> any any (msg:"to client"; content:"abc"; flow:to_client; sid:3;)`,
    `alert tcp 10.0.0.2 any -> any any (msg:"from server"; content:"abc"; sid:4;)`,
    `alert tcp any any <> 10.0.0.1 any (msg:"either way"; content:"abc"; sid:5;)`,
    `alert tcp !10.0.0.0/8 any -> any any (msg:"negated"; content:"abc"; sid:6;)`,
    `alert tcp any any -> any any (msg:"est"; content:"abc"; flow:established,to_server; sid:8;)`,
  ].join("\n");
  test("addresses, ports, direction", async () => {
    const c = conv();
    c.handshake().clientSend("abc").serverAck().serverSend("abc").clientAck();
    const r = await scanFrames(rules, c.records(), { config: { checksum: "off" } });
    expect(alertKeys(r)).toEqual(["1 1 toserver 0", "1 3 toclient 0", "1 4 toclient 0", "1 5 toclient 0", "1 5 toserver 0", "1 8 toserver 0"].sort());
  });
  test("established: midstream pickups count, unless -z est", async () => {
    const c = conv();
    c.clientSend("abc").serverAck();                          // no handshake in the capture
    const r = await scanFrames(rules, c.records(), { config: { checksum: "off" } });
    expect(r.alerts.map((a) => a.sid)).toContain(8);
    const z = await scanFrames(rules, c.records(), { config: { checksum: "off" }, establishedOnly: true });
    expect(z.alerts).toEqual([]);
  });
});

describe("content chains", () => {
  test("distance/within relative to the previous content; offset/depth absolute", async () => {
    const rules = [
      `alert tcp any any -> any any (msg:"chain"; content:"USER "; content:"root"; distance:0; within:10; sid:1;)`,
      `alert tcp any any -> any any (msg:"too far"; content:"USER "; content:"root"; distance:2; within:4; sid:2;)`,
      `alert tcp any any -> any any (msg:"depth"; content:"USER"; depth:4; sid:3;)`,
      `alert tcp any any -> any any (msg:"offset"; content:"USER"; offset:1; sid:4;)`,
      `alert tcp any any -> any any (msg:"negated"; content:"USER "; content:!"admin"; distance:0; within:10; sid:5;)`,
      `alert tcp any any -> any any (msg:"later"; content:"PASS"; content:"secret"; distance:1; sid:6;)`,
    ].join("\n");
    const c = conv();
    c.handshake().clientSend("USER root\r\n", { segmentSize: 3 }).serverAck();
    c.clientSend("PASS ").serverAck().clientSend("secret\r\n").serverAck().clientFin().serverFin().clientAck();
    const r = await scanFrames(rules, c.records(), { config: { checksum: "off" } });
    expect(r.alerts.map((a) => [a.sid, a.offset]).sort()).toEqual([[1, 0], [3, 0], [5, 0], [6, 11]]);
  });
});

describe("which streams are inspected (inspection.ports / inspection.directions)", () => {
  const rules = `alert tcp any any -> any any (msg:"x"; content:"abc"; sid:1;)`;
  const frames = () => {
    const a = new TcpConversation({ client: "10.0.0.1:40000", server: "10.0.0.2:80" });
    a.handshake().clientSend("abc").serverAck().serverSend("abc").clientAck();
    const b = new TcpConversation({ client: "10.0.0.1:40001", server: "10.0.0.2:25", startMicros: 1_700_000_001_000_000 });
    b.handshake().clientSend("abc").serverAck().serverSend("abc").clientAck();
    return [...a.records(), ...b.records()];
  };
  test.each(["core", "host"] as const)("%s scanning: ports and directions select, reassembly goes on", async (how) => {
    const { naivePrefilterEngine } = await import("../../../src/prefilter/naive.js");
    const prefilter = how === "core" ? "core" as const : naivePrefilterEngine;
    const all = await scanFrames(rules, frames(), { config: { checksum: "off" }, prefilter });
    expect(alertKeys(all)).toEqual(["1 1 toclient 0", "1 1 toserver 0", "2 1 toclient 0", "2 1 toserver 0"]);
    const p25 = await scanFrames(rules, frames(), { config: { checksum: "off", inspection: { ports: [25] } }, prefilter });
    expect(alertKeys(p25)).toEqual(["2 1 toclient 0", "2 1 toserver 0"]);
    const ts = await scanFrames(rules, frames(), { config: { checksum: "off", inspection: { directions: "toserver" } }, prefilter });
    expect(alertKeys(ts)).toEqual(["1 1 toserver 0", "2 1 toserver 0"]);
  });
});
