// test/unit/capture/bad-input.test.ts: truncated files, garbage, zero-length input, absurd header lengths:
// a clear error with a stable code and the byte offset, never a crash or a hang, and everything decoded
// before the problem is still delivered and reported.

import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { TcpConversation, PcapngWriter, LinkType } from "../../support/packets.js";
import { runCapture } from "../../support/engine.js";
import { EngineError } from "../../../src/core/errors.js";

function capture(): Uint8Array {
  const c = new TcpConversation({ client: "10.9.0.1:1234", server: "10.9.0.2:80" });
  c.handshake().clientSend("first request").serverSend("first response").clientAck();
  c.clientSend("second request");
  return c.pcap();
}

const codeOf = (e: Error | undefined) => (e instanceof EngineError ? e.code : e?.message);

describe("bad input", () => {
  test("a file cut inside a record: ERR_CAPTURE_TRUNCATED at the record's offset, earlier data delivered", async () => {
    const full = capture();
    const cut = full.subarray(0, full.length - 5);
    const r = await runCapture(cut);
    expect(codeOf(r.error)).toBe("ERR_CAPTURE_TRUNCATED");
    const lastRecord = full.length - (16 + 14 + 20 + 20 + "second request".length);
    expect((r.error as EngineError).offset).toBe(lastRecord);
    expect(Buffer.from(r.flows[0]!.toserver.data).toString()).toBe("first request");
    expect(Buffer.from(r.flows[0]!.toclient.data).toString()).toBe("first response");
  });

  test("a file cut inside the global header", async () => {
    const r = await runCapture(capture().subarray(0, 10));
    expect(codeOf(r.error)).toBe("ERR_CAPTURE_TRUNCATED");
  });

  test("zero-length input", async () => {
    const r = await runCapture(new Uint8Array(0));
    expect(codeOf(r.error)).toBe("ERR_CAPTURE_EMPTY");
  });

  test("garbage: not a capture", async () => {
    const r = await runCapture(new TextEncoder().encode("this is not a capture file at all, really"));
    expect(codeOf(r.error)).toBe("ERR_CAPTURE_FORMAT");
    expect((r.error as EngineError).offset).toBe(0);
  });

  test("absurd record length: ERR_CAPTURE_CORRUPT at that record, earlier records processed", async () => {
    const bytes = capture().slice();
    // 4th record header: find it by walking
    let off = 24;
    for (let i = 0; i < 3; i++) off += 16 + new DataView(bytes.buffer).getUint32(off + 8, true);
    new DataView(bytes.buffer).setUint32(off + 8, 0x7fffffff, true);
    const r = await runCapture(bytes);
    expect(codeOf(r.error)).toBe("ERR_CAPTURE_CORRUPT");
    expect((r.error as EngineError).offset).toBe(off);
    expect(r.stats.packets).toBe(3);
  });

  test("pcapng: bad block length and a packet for an undescribed interface", async () => {
    const w = new PcapngWriter();
    w.addInterface(LinkType.ETHERNET);
    const good = w.bytes();
    const bad = new Uint8Array([...good, 6, 0, 0, 0, 13, 0, 0, 0, 0, 0, 0, 0]);
    expect(codeOf((await runCapture(bad)).error)).toBe("ERR_CAPTURE_CORRUPT");
    const w2 = new PcapngWriter();
    w2.addInterface(LinkType.ETHERNET);
    w2.addEnhanced(0, new Uint8Array(60), 1);
    const b2 = w2.bytes().slice();
    // point the EPB at interface 7
    const epb = b2.length - (32 + 60);
    new DataView(b2.buffer).setUint32(epb + 8, 7, true);
    const r2 = await runCapture(b2);
    expect(codeOf(r2.error)).toBe("ERR_CAPTURE_INTERFACE");
    expect((r2.error as EngineError).offset).toBe(epb);
    // ids that are negative as i32 (a corrupt block): the same error, not a read outside memory
    for (const id of [0xffffffff, 0x80000000, 0x7fffffff]) {
      new DataView(b2.buffer).setUint32(epb + 8, id, true);
      const r3 = await runCapture(b2);
      expect(codeOf(r3.error), `interface ${id}`).toBe("ERR_CAPTURE_INTERFACE");
      expect((r3.error as EngineError).offset).toBe(epb);
    }
  });

  test("random bytes over a pcapng with two interfaces never trap (fuzz)", async () => {
    const w = new PcapngWriter();
    const a = w.addInterface(LinkType.ETHERNET), b = w.addInterface(LinkType.RAW);
    const c = new TcpConversation({ client: "10.0.0.1:1000", server: "10.0.0.2:80" });
    c.handshake().clientSend("GET / HTTP/1.0\r\n\r\n").serverAck().serverSend("HTTP/1.0 200 OK\r\n\r\nbody").clientAck().clientFin().serverFin();
    c.records().forEach((f, i) => w.addEnhanced(i % 3 === 2 ? b : a, i % 3 === 2 ? f.frame.subarray(14) : f.frame, f.tsMicros));
    const base = w.bytes();
    await fc.assert(fc.asyncProperty(fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 }), fc.boolean()), { minLength: 1, maxLength: 12 }), async (edits) => {
      const bytes = base.slice();
      for (const [at, v, run] of edits) {
        const i = at % bytes.length;
        if (run) bytes.fill(0xff, i, Math.min(bytes.length, i + 8)); else bytes[i] = v;
      }
      const r = await runCapture(bytes, {}, 61);
      if (r.error) expect(r.error).toBeInstanceOf(EngineError);
      expect(codeOf(r.error)).not.toBe("ERR_CORE_TRAP");
    }), { numRuns: 300, seed: 7 });
  });

  test("random bytes after a valid header never trap (fuzz)", async () => {
    const header = capture().subarray(0, 24);
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), async (junk) => {
      const r = await runCapture(new Uint8Array([...header, ...junk]), {}, 97);
      if (r.error) expect(r.error).toBeInstanceOf(EngineError);
      expect(codeOf(r.error)).not.toBe("ERR_CORE_TRAP");
    }), { numRuns: 150, seed: 42 });
  });

  test("random bytes inside valid records (malformed packets) never trap", async () => {
    const base = capture();
    await fc.assert(fc.asyncProperty(fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { maxLength: 30 }), async (flips) => {
      const b = base.slice();
      for (const [at, v] of flips) { const i = 24 + (at % (b.length - 24)); if ((i - 24) % 1 === 0) b[i] = v; }
      const r = await runCapture(b);
      expect(codeOf(r.error)).not.toBe("ERR_CORE_TRAP");
    }), { numRuns: 200, seed: 7 });
  });

  test("the CLI prints the error with its code and offset, still prints the summary, exits 1", () => {
    const dir = mkdtempSync(join(tmpdir(), "ss-"));
    const file = join(dir, "cut.pcap");
    const full = capture();
    writeFileSync(file, full.subarray(0, full.length - 5));
    let out = "", err = "", status = 0;
    try {
      execFileSync("node", [resolve(import.meta.dirname, "../../../dist/cli.js"), "reassemble", file, "-q"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (e) {
      const x = e as { stdout: string; stderr: string; status: number };
      out = x.stdout; err = x.stderr; status = x.status;
    }
    expect(status).toBe(1);
    expect(out).toMatch(/^summary: .*c2s=13 s2c=14 /m);
    expect(err).toMatch(/capture truncated.*at byte \d+.*ERR_CAPTURE_TRUNCATED/);
  });

  test("the CLI rejects bad options clearly", () => {
    const run = (...args: string[]) => {
      try { execFileSync("node", [resolve(import.meta.dirname, "../../../dist/cli.js"), ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }); return ""; }
      catch (e) { return (e as { stderr: string }).stderr; }
    };
    expect(run("reassemble", "x.pcap", "--policy", "beos")).toMatch(/unknown policy "beos"; known: first, last/);
    expect(run("reassemble", "x.pcap", "--depth=-3")).toMatch(/--depth expects a non-negative integer/);
    expect(run("reassemble", "x.pcap", "--checksum", "maybe")).toMatch(/must be auto, on or off/);
    expect(run("reassemble", "/nonexistent.pcap")).toMatch(/cannot open \/nonexistent.pcap/);
    expect(run("frobnicate")).toMatch(/unknown command "frobnicate"/);
  });
});
