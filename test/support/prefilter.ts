// test/support/prefilter.ts: run pattern sets through a prefilter engine whole, in block mode, one byte
// at a time and in random splits, and collect the (id, end) pairs in report order.

import { createNodePrefilterEngine } from "../../src/prefilter/node.js";
import type { PatternSpec, Prefilter, PrefilterEngine } from "../../src/prefilter/prefilter.js";

let debugEngine: Promise<PrefilterEngine> | undefined;
/** The core's matcher from the VALIDATE build (one instance per test file; dbs are freed after use). */
export function coreEngine(): Promise<PrefilterEngine> {
  debugEngine ??= createNodePrefilterEngine({ debug: true });
  return debugEngine;
}

export type Match = [id: number, end: number];

export const bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
export const pat = (id: number, s: string | Uint8Array, caseless = false): PatternSpec =>
  ({ id, bytes: typeof s === "string" ? bytes(s) : s, caseless });

/** Deterministic PRNG (mulberry32) for splits. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function scanBlock(pf: Prefilter, data: Uint8Array): Match[] {
  const out: Match[] = [];
  pf.scanBlock(data, (id, end) => out.push([id, end]));
  return out;
}

/** Streams data in the given write sizes (cycled); checks each call reports only ends inside it, ascending. */
export function scanStream(pf: Prefilter, data: Uint8Array, sizes: number[] | ((i: number) => number)): Match[] {
  const out: Match[] = [];
  const s = pf.open();
  let off = 0;
  for (let i = 0; off < data.length; i++) {
    const n = Math.max(0, Math.min(data.length - off, typeof sizes === "function" ? sizes(i) : sizes[i % sizes.length]!));
    let last = -1;
    s.scan(data.subarray(off, off + n), (id, end) => {
      if (end <= off || end > off + n) throw new Error(`end ${end} outside the write [${off}, ${off + n})`);
      if (end < last) throw new Error(`end ${end} after ${last}: not ascending`);
      last = end;
      out.push([id, end]);
    });
    off += n;
  }
  s.close();
  return out;
}

/** Order-insensitive form for comparing engines (ties may come in any order). */
export const sorted = (m: Match[]): Match[] => [...m].sort((a, b) => a[1] - b[1] || a[0] - b[0]);

/** The chunking modes every test runs (STYLE §6.5): whole, 1-byte writes, random writes (fixed seed). */
export const DELIVERY_MODES: Array<[string, (data: Uint8Array) => number[] | ((i: number) => number)]> = [
  ["whole", (d) => [Math.max(1, d.length)]],
  ["1-byte writes", () => [1]],
  ["random writes", () => { const r = rng(7); return () => Math.floor(r() * 9); }],
];
