// commands/common.ts KeyedMerge: the workers' lines come out in (key, worker) order whatever the order
// in which their batches arrive, and nothing is written before every worker has read past it.
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { KeyedMerge } from "../../../src/commands/common.js";

describe("KeyedMerge", () => {
  test("any arrival order of the batches gives the same output: (key, worker) order", () => {
    fc.assert(fc.property(
      fc.array(fc.array(fc.nat({ max: 50 }), { maxLength: 30 }), { minLength: 1, maxLength: 4 }),  // keys per worker
      fc.array(fc.nat(), { maxLength: 200 }),                                                      // arrival choices
      (keysPerWorker, choices) => {
        const n = keysPerWorker.length;
        // each worker's items in key order, cut into batches of 1-3 items; upTo = the next batch's first key
        const batches = keysPerWorker.map((ks, w) => {
          const items = [...ks].sort((a, b) => a - b).map((k, i): [number, string] => [k, `${w}:${i}:${k}`]);
          const out: Array<{ items: Array<[number, string]>; upTo: number }> = [];
          for (let i = 0; i < items.length;) {
            const len = 1 + ((i + w) % 3);
            const part = items.slice(i, i + len);
            i += len;
            out.push({ items: part, upTo: i < items.length ? items[i]![0] : Infinity });
          }
          return out;
        });
        const written: string[] = [];
        const m = new KeyedMerge<[number, string]>(n, ([, s]) => written.push(s));
        const next = new Array<number>(n).fill(0);
        let c = 0;
        for (;;) {
          const open = [...Array(n).keys()].filter((w) => next[w]! < batches[w]!.length);
          if (!open.length) break;
          const w = open[(choices[c++] ?? 0) % open.length]!;
          const b = batches[w]![next[w]!++]!;
          const before = written.length;
          m.push(w, b.items, b.upTo);
          // nothing written may have a key at or beyond a worker's current upTo (unless it is done)
          for (const s of written.slice(before)) {
            const k = Number(s.split(":")[2]);
            for (let v = 0; v < n; v++) {
              const done = next[v]! >= batches[v]!.length;
              const upTo = next[v]! === 0 ? 0 : batches[v]![next[v]! - 1]!.upTo;
              if (!done) expect(k).toBeLessThan(upTo);
            }
          }
        }
        m.end();
        const expected = keysPerWorker.flatMap((ks, w) => [...ks].sort((a, b) => a - b).map((k, i) => ({ k, w, s: `${w}:${i}:${k}` })))
          .sort((a, b) => a.k - b.k || a.w - b.w).map((x) => x.s);
        expect(written).toEqual(expected);
      }), { numRuns: 300, seed: 3 });
  });
});
