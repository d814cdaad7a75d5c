// test/unit/rules/parse.test.ts: literal lists and the Suricata/Snort rule subset; bad rules give the
// file, the line and the reason, and do not stop the others from loading.

import { describe, expect, test } from "vitest";
import { parseRules, contentBytes } from "../../../src/rules/parse.js";

const txt = (b: Uint8Array) => Buffer.from(b).toString("latin1");

describe("content syntax", () => {
  test.each([
    ["GET /", "GET /"], ["|48 54 54 50|/1.1", "HTTP/1.1"], ["a|0d 0a|b", "a\r\nb"], ['say \\"hi\\"', 'say "hi"'],
    ["semi\\;colon", "semi;colon"], ["pipe\\|", "pipe|"], ["|4142|C", "ABC"],
  ])("%s", (src, want) => { expect(txt(contentBytes(src))).toBe(want); });
  test.each([["|41 4|", /bad hex/], ["|41 42", /unterminated/], ["\\x", /bad escape/], ["", /empty content/]])("bad: %s", (src, why) => {
    expect(() => contentBytes(src)).toThrow(why);
  });
});

describe("Suricata/Snort rules", () => {
  const rule = 'alert tcp $EXTERNAL_NET any -> $HOME_NET [80,8000:8080] (msg:"ET TEST evil \\"thing\\""; ' +
    'flow:to_server,established; content:"GET"; offset:0; depth:3; content:"/evil.php"; nocase; distance:1; within:40; ' +
    'content:!"Mozilla"; classtype:trojan-activity; sid:2000001; rev:3;)';
  test("a full rule", () => {
    const { rules, errors } = parseRules(rule, "local.rules");
    expect(errors).toEqual([]);
    const r = rules[0]!;
    expect(r).toMatchObject({ action: "alert", msg: 'ET TEST evil "thing"', sid: 2000001, rev: 3, gid: 1, bidirectional: false,
      flow: { toServer: true, toClient: false, established: true } });
    expect(r.dport.ranges).toEqual([[80, 80], [8000, 8080]]);
    expect(r.contents.map((c) => [txt(c.bytes), c.nocase, c.negated])).toEqual([["GET", false, false], ["/evil.php", true, false], ["Mozilla", false, true]]);
    expect(r.contents[0]).toMatchObject({ offset: 0, depth: 3 });
    expect(r.contents[1]).toMatchObject({ distance: 1, within: 40 });
    expect(r.fastPattern).toBe(1); // the longest non-negated content
  });
  test("fast_pattern chooses explicitly; nocase lower-cases the literal", () => {
    const { rules } = parseRules('alert tcp any any -> any any (content:"LongerContent"; content:"ABC"; nocase; fast_pattern; sid:7;)');
    expect(rules[0]!.fastPattern).toBe(1);
    expect(txt(rules[0]!.contents[1]!.bytes)).toBe("abc");
  });
  test("addresses: CIDR, lists, negation, IPv6", () => {
    const { rules, errors } = parseRules('alert tcp [10.0.0.0/8,192.168.1.1] any <> !2001:db8::/32 !22 (content:"x"; sid:9;)');
    expect(errors).toEqual([]);
    expect(rules[0]!.src.cidrs.map((c) => c.bits)).toEqual([8, 32]);
    expect(rules[0]!.dst).toMatchObject({ negated: true });
    expect(rules[0]!.dport).toMatchObject({ negated: true, ranges: [[22, 22]] });
    expect(rules[0]!.bidirectional).toBe(true);
  });
  test("variables inside address and port lists are expanded alike", () => {
    const { rules, errors } = parseRules('alert tcp [$SERVERS,10.9.9.9] any -> any [$HTTP_PORTS,443] (content:"x"; sid:11;)', "v.rules",
      { vars: { SERVERS: "[192.0.2.0/24,198.51.100.7]" } });
    expect(errors).toEqual([]);
    expect(rules[0]!.src.cidrs.map((c) => c.bits)).toEqual([24, 32, 32]);
    expect(rules[0]!.dport.ranges).toEqual([[80, 80], [8080, 8080], [443, 443]]);
    const bad = parseRules('alert tcp any any -> any [$NOPE] (content:"x"; sid:12;)');
    expect(bad.errors[0]!.reason).toBe("unknown port variable $NOPE");
  });
  test("bad rules: file, line, reason; the other rules still load", () => {
    const text = [
      "# comment",
      'alert tcp any any -> any any (content:"ok"; sid:1;)',
      'alert udp any any -> any any (content:"x"; sid:2;)',
      'alert tcp any any -> any any (content:"x"; pcre:"/a/"; sid:3;)',
      'alert tcp any any -> any any (content:"x";)',
      'alert tcp any any -> any any (content:"abc"; depth:2; sid:5;)',
      'alert tcp any any any any (content:"x"; sid:6;)',
      'alert tcp any any -> any 99999 (content:"x"; sid:7;)',
      'alert tcp any any -> any any (msg:"unterminated; sid:8;)',
      'alert tcp any any -> any any (content:!"x"; sid:9;)',
      'alert tcp any any -> any any (content:"second \\',
      '  line"; sid:10;)',
    ].join("\n");
    const { rules, errors } = parseRules(text, "my.rules");
    expect(rules.map((r) => r.sid)).toEqual([1, 10]);
    expect(errors.map((e) => [e.line, e.reason])).toEqual([
      [3, 'protocol "udp" is not matched by a TCP stream engine'],
      [4, 'option "pcre" is not supported'],
      [5, "sid is missing"],
      [6, "depth 2 is shorter than its content (3 bytes)"],
      [7, "the header needs 7 fields (action proto src sport -> dst dport), got 6"],
      [8, 'bad port "99999"'],
      [9, "unterminated quoted string"],
      [10, "a rule needs at least one content that is not negated (the prefilter needs a literal)"],
    ]);
    expect(errors.every((e) => e.file === "my.rules")).toBe(true);
  });
});

describe("literal lists", () => {
  test("one pattern a line, |hex|, nocase after a tab, comments", () => {
    const { rules, errors } = parseRules("# literals\n/admin.php\ncmd.exe\tnocase\n|de ad be ef|\n\nbad\tloud\n");
    expect(errors).toEqual([{ file: "<rules>", line: 6, reason: 'unknown flag "loud" (only nocase)', text: "bad\tloud" }]);
    expect(rules.map((r) => [txt(r.contents[0]!.bytes), r.contents[0]!.nocase])).toEqual([
      ["/admin.php", false], ["cmd.exe", true], ["\xde\xad\xbe\xef", false]]);
    expect(new Set(rules.map((r) => r.sid)).size).toBe(3);
  });
});
