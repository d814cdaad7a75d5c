// test/property/reassembly.prop.test.ts: a random stream, cut into random segments, reordered,
// duplicated and partly re-sent with identical bytes (re-segmented retransmissions), must come out
// byte for byte, in both directions, at any ISN (across the 2^32 wrap), with or without ACKs, for
// every policy (identical overlaps never change bytes), and whatever the capture is sliced into.

import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { TcpConversation, ISN_SWEEP, PcapWriter } from "../support/packets.js";
import { runFrames, runCapture } from "../support/engine.js";
import { POLICIES } from "../../src/core/abi.js";

interface Plan { cuts: number[]; order: number[]; dups: number[]; resend: Array<[number, number]> }

const planArb = (len: number) => fc.record({
  cuts: fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, len - 1) }), { maxLength: 40 }),
  order: fc.array(fc.nat(), { maxLength: 60 }),
  dups: fc.array(fc.nat(), { maxLength: 8 }),
  resend: fc.array(fc.tuple(fc.nat({ max: len - 1 }), fc.integer({ min: 1, max: 64 })), { maxLength: 6 }),
});

/** Segments [start, end) of `len` bytes, in a shuffled delivery order with duplicates and re-sends. */
function schedule(len: number, p: Plan): Array<[number, number]> {
  const cuts = [...new Set(p.cuts.filter((c) => c > 0 && c < len))].sort((a, b) => a - b);
  const segs: Array<[number, number]> = [];
  let prev = 0;
  for (const c of [...cuts, len]) { segs.push([prev, c]); prev = c; }
  // a bounded shuffle (swap-based), then duplicates and re-segmented retransmissions anywhere
  for (let i = 0; i < p.order.length && segs.length > 1; i++) {
    const a = i % segs.length, b = p.order[i]! % segs.length;
    [segs[a], segs[b]] = [segs[b]!, segs[a]!];
  }
  for (const d of p.dups) segs.splice(d % (segs.length + 1), 0, segs[d % segs.length]!);
  for (const [s, n] of p.resend) segs.splice(s % (segs.length + 1), 0, [s, Math.min(len, s + n)]);
  return segs;
}

function bytesOf(seed: number, len: number): Uint8Array {
  const b = new Uint8Array(len);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < len; i++) { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; b[i] = x & 0xff; }
  return b;
}

/** Acknowledges like a receiver: only the contiguous prefix received so far (never past a hole). */
class Receiver {
  private got: Uint8Array; prefix = 0;
  constructor(len: number) { this.got = new Uint8Array(len); }
  take(a: number, b: number): void { this.got.fill(1, a, b); while (this.prefix < this.got.length && this.got[this.prefix]) this.prefix++; }
}

function conversation(isnC: number, isnS: number, c2s: Uint8Array, s2c: Uint8Array, pc: Plan, ps: Plan, acks: boolean): TcpConversation {
  const c = new TcpConversation({ client: "10.1.0.1:41000", server: "10.1.0.2:443", isnClient: isnC, isnServer: isnS });
  c.handshake();
  const sc = schedule(c2s.length, pc), ss = schedule(s2c.length, ps);
  const atServer = new Receiver(c2s.length), atClient = new Receiver(s2c.length);
  for (let i = 0; i < Math.max(sc.length, ss.length); i++) {
    const a = sc[i], b = ss[i];
    if (a) { c.clientSend(c2s.subarray(a[0], a[1]), { relSeq: a[0] + 1, ack: acks ? atClient.prefix + 1 : 1 }); atServer.take(a[0], a[1]); }
    if (b) { c.serverSend(s2c.subarray(b[0], b[1]), { relSeq: b[0] + 1, ack: acks ? atServer.prefix + 1 : 1 }); atClient.take(b[0], b[1]); }
  }
  if (acks) { c.clientAck(); c.serverAck(); }
  c.clientFin(); c.serverFin(); c.clientAck();
  return c;
}

describe("random segmentation, reordering, duplication, identical overlaps", () => {
  test.each(ISN_SWEEP)("reassembles both directions exactly, client ISN %i", async (isn) => {
    await fc.assert(fc.asyncProperty(
      fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 1, max: 3000 }), fc.nat(), fc.boolean(),
      fc.constantFrom(...POLICIES), fc.boolean(),
      fc.integer({ min: 1, max: 3000 }).chain((n) => planArb(n).map((p) => [n, p] as const)),
      fc.integer({ min: 1, max: 3000 }).chain((n) => planArb(n).map((p) => [n, p] as const)),
      async (_a, _b, seed, acks, policy, retainDelivered, [n1, p1], [n2, p2]) => {
        const c2s = bytesOf(seed, n1), s2c = bytesOf(seed ^ 0x5a5a, n2);
        const conv = conversation(isn, (isn + 0x89abcdef) >>> 0, c2s, s2c, p1, p2, acks);
        const r = await runFrames(conv.records(), { policy, retainDelivered });
        expect(r.error).toBeUndefined();
        expect(r.flows).toHaveLength(1);
        const f = r.flows[0]!;
        expect(f.toserver.gaps).toEqual([]);
        expect(f.toclient.gaps).toEqual([]);
        expect(Buffer.from(f.toserver.data).equals(Buffer.from(c2s))).toBe(true);
        expect(Buffer.from(f.toclient.data).equals(Buffer.from(s2c))).toBe(true);
        // identical re-sends are never "different data", whether compared with held or delivered bytes
        expect(f.events).not.toContain("stream.reassembly_overlap_different_data");
        expect(f.record.state).toBe("closed");
      }), { numRuns: 40, seed: 0x5eed + isn, endOnFailure: true });
  });

  test("delivery offsets are contiguous and views are copied correctly (1-byte segments)", async () => {
    const data = bytesOf(7, 500);
    const c = new TcpConversation({ client: "10.1.0.1:41000", server: "10.1.0.2:443", isnClient: 0xfffffff0 });
    c.handshake();
    for (let i = data.length - 1; i >= 0; i--) c.clientSend(data.subarray(i, i + 1), { relSeq: i + 1 });
    c.serverAck();
    const r = await runFrames(c.records());
    const f = r.flows[0]!;
    expect(Buffer.from(f.toserver.data).equals(Buffer.from(data))).toBe(true);
    let next = 0;
    for (const [off, b] of f.toserver.chunks) { expect(off).toBe(next); next += b.length; }
  });

  test("the capture can be fed in any slicing (1 byte to whole file)", async () => {
    const c2s = bytesOf(3, 20000), s2c = bytesOf(4, 30000);
    const conv = conversation(0xffff0000, 5, c2s, s2c, { cuts: [1000, 7000, 7001, 15000], order: [3, 1], dups: [2], resend: [[100, 50]] },
      { cuts: [1460, 2920, 4380], order: [2], dups: [], resend: [] }, true);
    const w = new PcapWriter();
    for (const rec of conv.records()) w.add(rec.frame, rec.tsMicros);
    const bytes = w.bytes();
    for (const slice of [1, 7, 4096, bytes.length]) {
      const r = await runCapture(bytes, {}, slice);
      expect(r.error).toBeUndefined();
      expect(Buffer.from(r.flows[0]!.toserver.data).equals(Buffer.from(c2s))).toBe(true);
      expect(Buffer.from(r.flows[0]!.toclient.data).equals(Buffer.from(s2c))).toBe(true);
    }
  });
});
