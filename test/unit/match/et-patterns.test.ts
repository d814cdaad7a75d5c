// test/unit/match/et-patterns.test.ts: the real Emerging Threats fast-pattern set (1,000 literals,
// ../shared/bench/patterns/et-1000.tsv) on ~1 MB of HTTP/binary-like text with planted literals in
// random case, against the naive engine (block, 1,460-byte writes, 1-byte writes on a slice).

import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { expect, test } from "vitest";
import { naivePrefilterEngine } from "../../../src/prefilter/naive.js";
import type { PatternSpec } from "../../../src/prefilter/prefilter.js";
import { coreEngine, rng, scanBlock, scanStream, sorted } from "../../support/prefilter.js";

const FILE = resolve(import.meta.dirname, "../../../../shared/bench/patterns/et-1000.tsv");
const have = existsSync(FILE);
if (!have) console.warn(`skipping the ET pattern test: ${FILE} is absent (the shared/ folder next to the repo)`);

function load(): PatternSpec[] {
  return readFileSync(FILE, "latin1").split("\n").filter((l) => l !== "").map((line, id) => {
    const [hex, flags = ""] = line.replace(/\r$/, "").split("\t");
    return { id, bytes: Uint8Array.from(Buffer.from(hex!, "hex")), caseless: flags.includes("i") };
  });
}

function corpus(patterns: PatternSpec[], size: number): Uint8Array {
  const r = rng(42);
  const words = ["GET /index.php?id=", "HTTP/1.1 200 OK\r\n", "Host: example.com\r\n", "User-Agent: Mozilla/5.0 ",
    "Content-Type: text/html\r\n", "<html><body>", "\"key\": \"value\", ", "cmd.exe /c ", "\r\n\r\n", "SELECT * FROM "];
  const out = new Uint8Array(size);
  let o = 0;
  while (o < size) {
    const k = r();
    let piece: Uint8Array;
    if (k < 0.5) piece = Uint8Array.from(words[Math.floor(r() * words.length)]!, (c) => c.charCodeAt(0));
    else if (k < 0.7) piece = Uint8Array.from({ length: 1 + Math.floor(r() * 40) }, () => Math.floor(r() * 256));
    else {
      const p = patterns[Math.floor(r() * patterns.length)]!;
      piece = p.bytes.map((c) => (p.caseless && c >= 0x61 && c <= 0x7a && r() < 0.5 ? c - 32 : c));
    }
    out.set(piece.subarray(0, size - o), o);
    o += piece.length;
  }
  return out;
}

test.skipIf(!have)("et-1000 on 1 MB of planted text: block and streaming equal the naive engine", async () => {
  const patterns = load();
  const data = corpus(patterns, 1 << 20);
  // the naive engine is slow (1,000 literals x 1 MB): index the literals by their last byte instead
  const byLast = new Map<number, PatternSpec[]>();
  for (const p of patterns) {
    const c = p.bytes[p.bytes.length - 1]!;
    for (const k of p.caseless && ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) ? [c | 0x20, c & ~0x20] : [c]) {
      if (!byLast.has(k)) byLast.set(k, []);
      byLast.get(k)!.push(p);
    }
  }
  const want: Array<[number, number]> = [];
  for (let e = 1; e <= data.length; e++) {
    for (const p of byLast.get(data[e - 1]!) ?? []) {
      const n = p.bytes.length;
      if (n > e) continue;
      let ok = true;
      for (let i = 0; i < n && ok; i++) {
        const a = data[e - n + i]!, b = p.bytes[i]!;
        ok = p.caseless ? (a >= 0x41 && a <= 0x5a ? a | 0x20 : a) === b : a === b;
      }
      if (ok) want.push([p.id, e]);
    }
  }
  expect(want.length).toBeGreaterThan(5000);
  const engine = await coreEngine();
  const pf = engine.compile(patterns);
  try {
    expect(pf.dbBytes).toBeGreaterThan(10_000);
    expect(pf.streamBytes).toBeGreaterThan(pf.maxLength - 1);
    expect(sorted(scanBlock(pf, data))).toEqual(sorted(want));
    expect(sorted(scanStream(pf, data, [1460]))).toEqual(sorted(want));
    const slice = data.subarray(0, 20_000);
    const naive = naivePrefilterEngine.compile(patterns);
    expect(sorted(scanStream(pf, slice, [1]))).toEqual(sorted(scanBlock(naive, slice)));
  } finally { pf.free(); }
});
