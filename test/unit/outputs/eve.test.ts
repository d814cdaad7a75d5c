// outputs/eve.ts: the hand-built alert line is byte-for-byte JSON.stringify of the alert record.
import { describe, expect, test } from "vitest";
import { alertEveLine, alertJson, isoTimestamp } from "../../../src/outputs/eve.js";
import { parseRules } from "../../../src/rules/parse.js";
import type { Alert } from "../../../src/detect/detector.js";
import type { Connection } from "../../../src/core/engine.js";

const { rules, errors } = parseRules([
  'alert tcp any any -> any any (msg:"plain"; content:"a"; sid:1;)',
  'alert tcp any any -> any any (msg:"quote \\" backslash \\\\ and semicolon \\; here"; content:"b"; sid:2; rev:7; gid:3;)',
  'drop tcp any any -> any any (msg:"unicode é ✓ and tab\tinside"; content:"c"; sid:4;)',
  'alert tcp any any -> any any (content:"d"; sid:5;)',
].join("\n"), "t.rules");

const conn = (id: number, srcIp: string, destIp: string): Connection =>
  ({ id, srcIp, srcPort: 40000 + id, destIp, destPort: 80, user: undefined });
const conns = [conn(1, "10.0.0.1", "10.0.0.2"), conn(2, "2001:db8::1", "2001:db8::2"), conn(3, "192.168.1.1", "8.8.8.8")];

describe("alertEveLine", () => {
  test("the rules parsed", () => {
    expect(errors).toEqual([]);
    expect(rules.length).toBe(4);
  });

  test("equals JSON.stringify(alertJson(a)) across connections, rules, directions and drops", () => {
    let n = 0;
    // connections interleaved and repeated, so the endpoint memo is both hit and replaced
    for (const c of [conns[0]!, conns[0]!, conns[1]!, conns[0]!, conns[2]!, conns[2]!]) {
      for (const rule of rules) {
        for (const dropped of [false, true]) {
          const a: Alert = {
            rule, conn: c, dir: n % 2 ? "toclient" : "toserver", streamOffset: n * 1461, matchEnd: n * 1461 + 4,
            ts: 1_700_000_000_000_000 + n * 999_999, frame: n + 1, dropped,
          };
          expect(alertEveLine(a)).toBe(JSON.stringify(alertJson(a)));
          n++;
        }
      }
    }
    // a record that parses back with the escaped message intact
    const a: Alert = { rule: rules[1]!, conn: conns[1]!, dir: "toclient", streamOffset: 0, matchEnd: 1, ts: 0, frame: 1, dropped: false };
    expect((JSON.parse(alertEveLine(a)) as { alert: { signature: string } }).alert.signature).toBe(rules[1]!.msg);
  });
});

describe("isoTimestamp", () => {
  /** The plain way: Date for every value. */
  const ref = (us: number) => {
    const sec = Math.floor(us / 1e6);
    return `${new Date(sec * 1000).toISOString().slice(0, 19)}.${String(Math.round(us - sec * 1e6)).padStart(6, "0")}+0000`;
  };
  test("equals Date's formatting: day and second edges, before 1970, fractions, years past 9999, random", () => {
    const us = [0, 1, 999_999, 1e6, 86_399_999_999, 86_400_000_000, 1_700_000_000_123_456, 1_700_000_000_999_999.4,
      -1, -1_000_001, -86_400_000_001, 951_782_400_000_000 /* 2000-02-29 */, 253_402_300_799_999_999, 253_402_300_800_000_000];
    let x = 12345;
    const next = () => { x = (Math.imul(x, 1103515245) + 12345) >>> 0; return x / 4294967296; };
    for (let i = 0; i < 20_000; i++) us.push(Math.floor(next() * 4e15) - 1e14, next() * 2e15, Math.floor(next() * 2e17) - 1e17);
    for (const u of us) {
      expect(isoTimestamp(u)).toBe(ref(u));
      expect(isoTimestamp(u)).toBe(ref(u));   // the memo of the last value
    }
    expect(isoTimestamp(1_700_000_000_123_456)).toBe("2023-11-14T22:13:20.123456+0000");
  });
  test("beyond a Date's range: a clear text, not a RangeError", () => {
    expect(() => ref(9.3e18)).toThrow(RangeError);
    expect(isoTimestamp(9.3e18)).toBe("not representable: 9300000000000000000 us since 1970");
    expect(isoTimestamp(Number.NaN)).toBe("not representable: NaN us since 1970");
  });
});
