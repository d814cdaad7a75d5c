// outputs/conn-memo.ts: per-connection text, direct-mapped by id.
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import type { Connection } from "../../../src/core/engine.js";
import { ConnMemo } from "../../../src/outputs/conn-memo.js";

const conn = (id: number, srcPort = 1000 + id): Connection =>
  ({ id, srcIp: "10.0.0.1", srcPort, destIp: "10.0.0.2", destPort: 80, user: undefined });

describe("ConnMemo", () => {
  test("any sequence of lookups gives each connection its own value; a value is made again only after a colliding connection took its slot", () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 200 }), (ids) => {
      const conns = new Map<number, Connection>();
      let made = 0;
      const memo = new ConnMemo((c) => { made++; return `${c.id}:${c.srcPort}`; }, 8);
      const slot = new Map<number, number>();     // slot -> id held (the model)
      let expected = 0;
      for (const id of ids) {
        const c = conns.get(id) ?? conns.set(id, conn(id)).get(id)!;
        if (slot.get(id & 7) !== id) { expected++; slot.set(id & 7, id); }
        expect(memo.get(c)).toBe(`${id}:${c.srcPort}`);
      }
      expect(made).toBe(expected);
    }));
  });

  test("another Connection object with the same id (a --policy all variant, a reused id) is not given the first one's value", () => {
    const memo = new ConnMemo((c) => c.srcPort);
    expect(memo.get(conn(5, 1111))).toBe(1111);
    expect(memo.get(conn(5, 2222))).toBe(2222);
  });
});
