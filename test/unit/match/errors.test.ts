// test/unit/match/errors.test.ts: bad pattern sets, bad blobs and stale handles give stable codes, and
// a failed compile leaves the matcher usable (STYLE §5).

import { expect, test } from "vitest";
import { MatchError, MatchStatus } from "../../../src/core/matcher.js";
import { createNodePrefilterEngine } from "../../../src/prefilter/node.js";
import { naivePrefilterEngine } from "../../../src/prefilter/naive.js";
import { bytes, pat, scanBlock } from "../../support/prefilter.js";

const engine = await createNodePrefilterEngine({ debug: true });
const m = engine.matcher;
const code = (f: () => unknown) => { try { f(); return "none"; } catch (e) { return (e as MatchError).code; } };

test("empty set and empty pattern are rejected (both engines), then compile still works", () => {
  expect(code(() => engine.compile([]))).toBe("ERR_MATCH_EMPTY_SET");
  expect(code(() => engine.compile([pat(1, "ok"), pat(2, "")]))).toBe("ERR_MATCH_EMPTY_PATTERN");
  expect(code(() => naivePrefilterEngine.compile([]))).toBe("ERR_MATCH_EMPTY_SET");
  expect(code(() => naivePrefilterEngine.compile([pat(2, "")]))).toBe("ERR_MATCH_EMPTY_PATTERN");
  expect(code(() => engine.compile([{ id: -1, bytes: bytes("a"), caseless: false }]))).toBe("ERR_MATCH_BAD_PATTERN");
  const pf = engine.compile([pat(1, "ok")]);
  expect(scanBlock(pf, bytes("ok"))).toEqual([[1, 2]]);
  pf.free();
});

test("malformed blobs: truncated, trailing bytes, count too large", () => {
  const x = m.x;
  const p = m.scratch(64);
  const dv = new DataView(m.memory.buffer, p, 64);
  const blob = (count: number, len: number, total: number) => {
    dv.setUint32(0, count, true); dv.setUint32(4, 1, true); dv.setUint32(8, 0, true); dv.setUint32(12, len, true);
    return x.matchCompile(p, total);
  };
  expect(blob(1, 3, 4 + 12 + 2)).toBe(MatchStatus.Malformed);   // bytes cut short
  expect(blob(1, 3, 4 + 12 + 5)).toBe(MatchStatus.Malformed);   // bytes left over
  expect(blob(1000, 3, 4 + 12 + 3)).toBe(MatchStatus.Malformed);
  expect(x.matchCompile(p, 2)).toBe(MatchStatus.Malformed);
  expect(blob(0, 0, 4)).toBe(MatchStatus.EmptySet);
  const db = blob(1, 3, 4 + 12 + 3);
  expect(db).toBeGreaterThan(0);
  x.matchFree(db);
});

test("stale and bogus handles give BadHandle; a freed db's streams are stale", () => {
  const x = m.x;
  const pf = engine.compile([pat(1, "abc")]);
  const s = pf.open();
  pf.free();
  expect(code(() => s.scan(bytes("abc"), () => {}))).toBe("ERR_MATCH_BAD_HANDLE");
  s.close();                                     // closing a stale stream is allowed
  expect(x.matchScan(12345, 0, 0)).toBe(MatchStatus.BadHandle);
  expect(x.matchScanBlock(0, 0, 1)).toBe(MatchStatus.BadHandle);
  expect(x.matchOpen(16)).toBe(MatchStatus.BadHandle);
  expect(x.matchClose(8)).toBe(MatchStatus.BadHandle);
  expect(x.matchDbBytes(0)).toBe(0);
});

test("freed dbs and closed streams are recycled (memory does not grow with open/close cycles)", () => {
  const pf0 = engine.compile([pat(1, "warm-up literal")]);
  pf0.open().close();
  pf0.free();
  const before = m.memory.buffer.byteLength;
  for (let i = 0; i < 200; i++) {
    const pf = engine.compile([pat(1, "some literal"), pat(2, "x", true)]);
    const ss = [pf.open(), pf.open(), pf.open()];
    ss.forEach((s) => s.scan(bytes("some literal X"), () => {}));
    ss.forEach((s) => s.close());
    pf.free();
  }
  expect(m.memory.buffer.byteLength).toBe(before);
});
