// test/unit/core/seq-discipline.test.ts: STYLE habit 1, enforced: outside util/seq.ts and util/offset.ts
// no sequence number is compared or subtracted with a raw operator (that is how wraparound bugs are
// written); everything goes through seqLt/seqDiff/... or the one Seq -> Offset bridge.

import { expect, test } from "vitest";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../../../assembly");
const ALLOWED = new Set(["util/seq.ts", "util/offset.ts"]);
// a name that holds a Seq, next to <, >, <=, >= or - (either side)
const SEQ = String.raw`(?:\w*Seq|pktAck)\b`;
const RAW = new RegExp(String.raw`${SEQ}\s*(?:<=?|>=?|-(?!>))\s*[\w(]|[\w)]\s*(?:<=?|>=?|-)\s*${SEQ}`);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

test("no raw comparison or subtraction on sequence numbers outside util/seq.ts and util/offset.ts", () => {
  const hits: string[] = [];
  for (const f of files(ROOT)) {
    const rel = relative(ROOT, f);
    if (ALLOWED.has(rel)) continue;
    readFileSync(f, "utf8").split("\n").forEach((line, i) => {
      const code = line.replace(/\/\/.*$/, "");
      if (RAW.test(code)) hits.push(`${rel}:${i + 1}: ${line.trim()}`);
    });
  }
  expect(hits).toEqual([]);
});

test("the check itself catches a raw comparison", () => {
  expect(RAW.test("if (pktSeq < nextSeq) return;")).toBe(true);
  expect(RAW.test("const d = finSeq - baseSeq;")).toBe(true);
  expect(RAW.test("if (seqLt(pktSeq, nextSeq)) return;")).toBe(false);
});
