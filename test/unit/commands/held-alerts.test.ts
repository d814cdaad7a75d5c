// commands/held-alerts.ts: what scan --policy all holds comes back field for field, across chunks.
import { describe, expect, test } from "vitest";
import { HeldAlerts } from "../../../src/commands/held-alerts.js";
import { parseRules } from "../../../src/rules/parse.js";
import type { Alert } from "../../../src/detect/detector.js";
import type { Connection } from "../../../src/core/engine.js";

describe("HeldAlerts", () => {
  test("round trip of 150,000 alerts (three chunks): same rule and connection objects, same numbers", () => {
    const { rules } = parseRules(Array.from({ length: 5 }, (_, i) => `alert tcp any any -> any any (msg:"r${i}"; content:"x${i}"; sid:${i + 1};)`).join("\n"));
    const conns: Connection[] = Array.from({ length: 300 }, (_, i) => ({ id: 1 + i * 3, srcIp: `10.0.${i >> 8}.${i & 255}`, srcPort: 1000 + i, destIp: "10.9.9.9", destPort: 80, user: undefined }));
    const make = (i: number): Alert => ({
      rule: rules[(i * 7) % rules.length]!, conn: conns[Math.floor(i / 500) % conns.length]!,
      dir: i % 3 === 0 ? "toclient" : "toserver", streamOffset: i * 1461 + 2 ** 33, matchEnd: i * 1461 + 2 ** 33 + 9,
      ts: 1_700_000_000_000_000 + i * 17, frame: 1 + Math.floor(i / 4), dropped: i % 5 === 0,
    });
    const h = new HeldAlerts();
    const n = 150_000;
    for (let i = 0; i < n; i++) h.push(make(i));
    expect(h.length).toBe(n);
    for (const i of [0, 1, 65_535, 65_536, 65_537, 131_071, 131_072, n - 1, 12_345, 99_999]) {
      const a = h.get(i), b = make(i);
      expect(a).toEqual(b);
      expect(a.rule).toBe(b.rule);
      expect(a.conn).toBe(b.conn);
      expect(h.connId(i)).toBe(b.conn.id);
      expect(h.frame(i)).toBe(b.frame);
    }
  });
});
