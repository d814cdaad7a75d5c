// commands/common.ts ByteOut: output text gathered as UTF-8 and written in buffer-sized pieces.
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { ByteOut } from "../../../src/commands/common.js";

describe("ByteOut", () => {
  test("any texts (multi-byte, longer than the buffer) come out as their UTF-8 bytes, in order, in pieces no larger than the buffer unless one text is", () => {
    fc.assert(fc.property(
      fc.array(fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: "binary", maxLength: 40 }), fc.string({ unit: fc.integer({ min: 0x800, max: 0xd7ff }).map((c) => String.fromCharCode(c)), maxLength: 30 }), fc.string({ minLength: 60, maxLength: 90 })), { maxLength: 60 }),
      fc.integer({ min: 16, max: 128 }), fc.boolean(),
      (texts, size, reuse) => {
        const pieces: Buffer[] = [];
        // a reused buffer must be copied by the sink before it returns (as writeSync does)
        const out = new ByteOut((b) => pieces.push(reuse ? Buffer.from(b) : b), reuse, size);
        for (const t of texts) out.text(t);
        out.flush();
        expect(Buffer.concat(pieces).equals(Buffer.from(texts.join(""), "utf8"))).toBe(true);
        for (const p of pieces) {
          expect(p.length).toBeGreaterThan(0);
          if (p.length > size) expect(texts.some((t) => Buffer.byteLength(t) === p.length && 3 * t.length > size)).toBe(true);
        }
      }));
  });

  test("without reuse, a piece handed over is never written again (an async stream may still hold it)", () => {
    const pieces: Buffer[] = [];
    const out = new ByteOut((b) => pieces.push(b), false, 16);
    out.text("abcd"); out.flush();
    out.text("efgh"); out.flush();
    expect(pieces.map((p) => p.toString())).toEqual(["abcd", "efgh"]);
  });

  test("flush with nothing gathered writes nothing", () => {
    let calls = 0;
    const out = new ByteOut(() => { calls++; }, true, 16);
    out.flush();
    out.text(""); out.flush();
    expect(calls).toBe(0);
  });
});
