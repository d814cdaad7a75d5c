// outputs/eve.ts: the hand-built alert line is byte-for-byte JSON.stringify of the alert record.
import { describe, expect, test } from "vitest";
import { alertEveLine, alertJson } from "../../../src/outputs/eve.js";
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
