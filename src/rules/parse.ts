// rules/parse.ts: rule files -> rule records. Two formats:
//  1. literal lists: one pattern a line (`#` comments, blank lines ignored); Suricata content syntax
//     (`|48 54|` hex runs, `\"` `\;` `\\` `\|` escapes); a trailing TAB + `nocase` makes it caseless.
//  2. the subset of Suricata/Snort rule syntax stream matching needs:
//       alert tcp SRC SPORT -> DST DPORT (msg:"..."; content:"..."; nocase; offset:N; depth:N;
//       distance:N; within:N; fast_pattern; flow:to_server,established; sid:N; rev:N; gid:N;)
//     Addresses: any, IPv4/IPv6 address or CIDR, [list], !negation, $VARS (given in `vars`).
//     Ports: any, N, N:M, N:, :M, [list], !negation. Direction -> or <>.
//     classtype, reference, metadata, priority, target are accepted and ignored; anything else is an
//     error for that rule. A rule that cannot be parsed gives an error with the file, line and
//     reason; the other rules still load (Suricata's behaviour with a bad rule).
// The rule's fast pattern (the content marked fast_pattern, else the longest non-negated content) is
// the literal the prefilter looks for; the rest is verified on a match.
// Browser-safe: no node: imports.

import { parseCidr } from "../config/validate.js";

export interface Content {
  bytes: Uint8Array;
  nocase: boolean;
  negated: boolean;
  offset?: number;
  depth?: number;
  distance?: number;
  within?: number;
  fastPattern: boolean;
}

export interface AddressSpec { negated: boolean; any: boolean; cidrs: Array<{ family: 4 | 6; prefix: Uint8Array; bits: number }>; }
export interface PortSpec { negated: boolean; any: boolean; ranges: Array<[number, number]>; }

export interface Rule {
  action: "alert" | "drop" | "pass" | "reject";
  src: AddressSpec; sport: PortSpec; dst: AddressSpec; dport: PortSpec;
  bidirectional: boolean;
  msg: string;
  contents: Content[];
  /** Index in `contents` of the fast pattern. */
  fastPattern: number;
  flow: { toServer: boolean; toClient: boolean; established: boolean };
  gid: number; sid: number; rev: number;
  /** Where it came from, for messages. */
  file: string; line: number;
}

export interface RuleError { file: string; line: number; reason: string; text: string }
export interface ParseResult { rules: Rule[]; errors: RuleError[] }

class RuleSyntaxError extends Error {}
const fail = (reason: string): never => { throw new RuleSyntaxError(reason); };

/** Suricata content syntax to bytes: `|41 42|` hex runs, `\` escapes of `"`, `;`, `\`, `|`. */
export function contentBytes(text: string): Uint8Array {
  const out: number[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === "|") {
      const end = text.indexOf("|", i + 1);
      if (end < 0) fail(`unterminated |hex| run in "${text}"`);
      const hex = text.slice(i + 1, end).replace(/\s+/g, "");
      if (hex.length % 2 !== 0 || /[^0-9a-fA-F]/.test(hex)) fail(`bad hex "${text.slice(i, end + 1)}"`);
      for (let k = 0; k < hex.length; k += 2) out.push(parseInt(hex.slice(k, k + 2), 16));
      i = end + 1;
    } else if (ch === "\\") {
      const next = text[i + 1];
      if (next === undefined || !'";\\|:'.includes(next)) fail(`bad escape "\\${next ?? ""}" in "${text}"`);
      out.push(next!.charCodeAt(0));
      i += 2;
    } else {
      const code = ch.codePointAt(0)!;
      if (code > 0xff) {
        for (const b of new TextEncoder().encode(String.fromCodePoint(code))) out.push(b);
        i += code > 0xffff ? 2 : 1;
      } else { out.push(code); i++; }
    }
  }
  if (out.length === 0) fail("empty content");
  return new Uint8Array(out);
}

const lower = (b: Uint8Array) => b.map((c) => (c >= 0x41 && c <= 0x5a ? c + 32 : c));

/**
 * What address and port fields share: `!` negation, `$VAR` expansion (vars nest up to 8 deep), `any`,
 * and `[a, b, ...]` lists whose entries may be variables; `item` parses one plain entry.
 */
function parseSpec<T>(kind: "address" | "port", text: string, vars: Record<string, string>, depth: number,
                      item: (spec: string) => T[]): { negated: boolean; any: boolean; items: T[] } {
  let t = text.trim();
  if (depth > 8) fail(`${kind} variables nest too deep at "${text}"`);
  let negated = false;
  if (t.startsWith("!")) { negated = true; t = t.slice(1).trim(); }
  if (t.startsWith("$")) {
    const v = vars[t.slice(1)];
    if (v === undefined) fail(`unknown ${kind} variable ${t}`);
    const inner = parseSpec(kind, v!, vars, depth + 1, item);
    return { ...inner, negated: negated !== inner.negated };
  }
  if (t === "any") return { negated, any: true, items: [] };
  const parts = t.startsWith("[") ? (t.endsWith("]") ? t.slice(1, -1).split(",") : fail(`unterminated ${kind} list "${text}"`)) : [t];
  const items: T[] = [];
  for (const part of parts) {
    const spec = part.trim();
    if (spec.startsWith("!") || spec.startsWith("$") || spec === "any") {
      const sub = parseSpec(kind, spec, vars, depth + 1, item);
      if (sub.negated || sub.any) fail(`negations and "any" inside ${kind} lists are not supported: "${text}"`);
      items.push(...sub.items);
    } else items.push(...item(spec));
  }
  return { negated, any: false, items };
}

function parseAddress(text: string, vars: Record<string, string>): AddressSpec {
  const { negated, any, items } = parseSpec("address", text, vars, 0, (spec) => {
    try { return [parseCidr("address", spec)]; } catch { return fail(`bad address "${spec}"`); }
  });
  return { negated, any, cidrs: items };
}

function parsePort(text: string, vars: Record<string, string>): PortSpec {
  const num = (s: string, dflt: number) => {
    if (s === "") return dflt;
    const n = Number(s);
    if (!Number.isInteger(n) || n < 0 || n > 65535) fail(`bad port "${s}"`);
    return n;
  };
  const { negated, any, items } = parseSpec("port", text, vars, 0, (spec): Array<[number, number]> => {
    if (!spec.includes(":")) { const p = num(spec, -1); return [[p, p]]; }
    const [a, b] = spec.split(":");
    const lo = num(a!.trim(), 0), hi = num(b!.trim(), 65535);
    if (lo > hi) fail(`bad port range "${spec}"`);
    return [[lo, hi]];
  });
  return { negated, any, ranges: items };
}

/** Splits the option section at unescaped `;`, respecting quoted strings. */
function splitOptions(body: string): Array<[string, string | undefined]> {
  const out: Array<[string, string | undefined]> = [];
  let cur = "", quoted = false;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch === "\\" && i + 1 < body.length) { cur += ch + body[i + 1]; i++; continue; }
    if (ch === '"') quoted = !quoted;
    if (ch === ";" && !quoted) {
      if (cur.trim()) out.push(keyValue(cur));
      cur = "";
      continue;
    }
    cur += ch;
  }
  if (quoted) fail("unterminated quoted string");
  if (cur.trim()) fail(`option "${cur.trim()}" is not terminated by ;`);
  return out;
}

function keyValue(opt: string): [string, string | undefined] {
  const i = opt.indexOf(":");
  if (i < 0) return [opt.trim(), undefined];
  return [opt.slice(0, i).trim(), opt.slice(i + 1).trim()];
}

function unquote(v: string | undefined, key: string): string {
  if (v === undefined || v.length < 2 || !v.startsWith('"') || !v.endsWith('"')) fail(`${key} needs a quoted string`);
  return v!.slice(1, -1);
}

function intArg(v: string | undefined, key: string, min: number): number {
  const n = Number(v);
  if (v === undefined || !Number.isInteger(n) || n < min) fail(`${key} needs an integer >= ${min}, got "${v ?? ""}"`);
  return n;
}

const IGNORED = new Set(["classtype", "reference", "metadata", "priority", "target", "threshold", "detection_filter"]);

/** Parses one rule line (Suricata/Snort subset). Throws RuleSyntaxError with the reason. */
function parseRule(text: string, vars: Record<string, string>, file: string, line: number): Rule {
  const open = text.indexOf("(");
  if (open < 0 || !text.trimEnd().endsWith(")")) fail("a rule is `action proto src sport -> dst dport (options;)`");
  const head = text.slice(0, open).trim().split(/\s+/);
  if (head.length !== 7) fail(`the header needs 7 fields (action proto src sport -> dst dport), got ${head.length}`);
  const [action, proto, src, sport, dir, dst, dport] = head as [string, string, string, string, string, string, string];
  if (!["alert", "drop", "pass", "reject"].includes(action)) fail(`unknown action "${action}" (alert, drop, pass, reject)`);
  if (proto !== "tcp" && proto !== "ip" && proto !== "tcp-stream" && proto !== "tcp-pkt") fail(`protocol "${proto}" is not matched by a TCP stream engine`);
  if (dir !== "->" && dir !== "<>") fail(`direction must be -> or <>, got "${dir}"`);
  const rule: Rule = {
    action: action as Rule["action"], src: parseAddress(src, vars), sport: parsePort(sport, vars),
    dst: parseAddress(dst, vars), dport: parsePort(dport, vars), bidirectional: dir === "<>",
    msg: "", contents: [], fastPattern: -1, flow: { toServer: false, toClient: false, established: false },
    gid: 1, sid: 0, rev: 0, file, line,
  };
  const body = text.slice(open + 1, text.trimEnd().length - 1);
  let last: Content | undefined;
  const needContent = (k: string) => last ?? fail(`${k} must follow a content`);
  for (const [k, v] of splitOptions(body)) {
    switch (k) {
      case "msg": rule.msg = unquote(v, k).replace(/\\(.)/g, "$1"); break;
      case "content": {
        let t = v ?? fail("content needs a value");
        let negated = false;
        if (t.startsWith("!")) { negated = true; t = t.slice(1).trim(); }
        last = { bytes: contentBytes(unquote(t, k)), nocase: false, negated, fastPattern: false };
        rule.contents.push(last);
        break;
      }
      case "nocase": { const c = needContent(k); c.nocase = true; c.bytes = lower(c.bytes); break; }
      case "offset": needContent(k).offset = intArg(v, k, 0); break;
      case "depth": needContent(k).depth = intArg(v, k, 1); break;
      case "distance": needContent(k).distance = Number(v) | 0; if (v === undefined || !/^-?\d+$/.test(v)) fail("distance needs an integer"); break;
      case "within": needContent(k).within = intArg(v, k, 1); break;
      case "fast_pattern": { const c = needContent(k); if (c.negated) fail("a negated content cannot be the fast pattern"); c.fastPattern = true; break; }
      case "rawbytes": needContent(k); break;
      case "flow":
        for (const part of (v ?? fail("flow needs a value")).split(",").map((p) => p.trim())) {
          if (part === "to_server" || part === "from_client") rule.flow.toServer = true;
          else if (part === "to_client" || part === "from_server") rule.flow.toClient = true;
          else if (part === "established") rule.flow.established = true;
          else if (part === "stateless") { /* accepted */ }
          else fail(`flow:${part} is not supported (to_server, to_client, established)`);
        }
        break;
      case "sid": rule.sid = intArg(v, k, 1); break;
      case "rev": rule.rev = intArg(v, k, 0); break;
      case "gid": rule.gid = intArg(v, k, 1); break;
      default:
        if (!IGNORED.has(k)) fail(`option "${k}" is not supported`);
    }
    if (k !== "content" && !["nocase", "offset", "depth", "distance", "within", "fast_pattern", "rawbytes"].includes(k)) last = undefined;
  }
  if (rule.sid === 0) fail("sid is missing");
  if (rule.flow.toServer && rule.flow.toClient) fail("flow cannot be both to_server and to_client");
  const positive = rule.contents.filter((c) => !c.negated);
  if (positive.length === 0) fail("a rule needs at least one content that is not negated (the prefilter needs a literal)");
  if (rule.contents.filter((c) => c.fastPattern).length > 1) fail("more than one fast_pattern");
  const marked = rule.contents.findIndex((c) => c.fastPattern);
  rule.fastPattern = marked >= 0 ? marked
    : rule.contents.reduce((best, c, i) => (!c.negated && (best < 0 || c.bytes.length > rule.contents[best]!.bytes.length) ? i : best), -1);
  for (const c of rule.contents) {
    if (c.depth !== undefined && c.depth < c.bytes.length) fail(`depth ${c.depth} is shorter than its content (${c.bytes.length} bytes)`);
    if (c.within !== undefined && c.within < c.bytes.length) fail(`within ${c.within} is shorter than its content (${c.bytes.length} bytes)`);
  }
  return rule;
}

/**
 * Parses a rules file. Lines ending in `\` continue on the next line. Each line is a Suricata/Snort
 * rule if it starts with an action keyword, else (in a literal list) a pattern.
 */
export function parseRules(text: string, file = "<rules>", opts: { vars?: Record<string, string>; sidBase?: number } = {}): ParseResult {
  const vars = { HOME_NET: "any", EXTERNAL_NET: "any", HTTP_PORTS: "[80,8080]", ...(opts.vars ?? {}) };
  const rules: Rule[] = [];
  const errors: RuleError[] = [];
  const lines = text.split(/\r?\n/);
  let nextLiteralSid = opts.sidBase ?? 1_000_000_000;
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let t = lines[i]!;
    while (t.endsWith("\\") && i + 1 < lines.length) t = t.slice(0, -1) + lines[++i]!;
    const trimmed = t.trim();
    if (!trimmed || trimmed.startsWith("#")) continue;
    try {
      if (/^(alert|drop|pass|reject)\s/.test(trimmed)) rules.push(parseRule(trimmed, vars, file, start + 1));
      else rules.push(literalRule(t, file, start + 1, nextLiteralSid++));
    } catch (e) {
      if (!(e instanceof RuleSyntaxError)) throw e;
      errors.push({ file, line: start + 1, reason: e.message, text: trimmed.length > 120 ? `${trimmed.slice(0, 117)}...` : trimmed });
    }
  }
  return { rules, errors };
}

/** A literal-list line: `pattern` or `pattern<TAB>nocase`. */
function literalRule(line: string, file: string, lineNo: number, sid: number): Rule {
  const [pat, flag, extra] = line.replace(/\s+$/, "").split("\t");
  if (extra !== undefined) fail("a literal line is `pattern` or `pattern<TAB>nocase`");
  if (flag !== undefined && flag !== "nocase" && flag !== "") fail(`unknown flag "${flag}" (only nocase)`);
  const nocase = flag === "nocase";
  const bytes = contentBytes(pat!);
  const any = { negated: false, any: true } as const;
  return {
    action: "alert", src: { ...any, cidrs: [] }, sport: { ...any, ranges: [] }, dst: { ...any, cidrs: [] }, dport: { ...any, ranges: [] },
    bidirectional: true, msg: `literal ${pat}`, contents: [{ bytes: nocase ? lower(bytes) : bytes, nocase, negated: false, fastPattern: true }],
    fastPattern: 0, flow: { toServer: false, toClient: false, established: false }, gid: 1, sid, rev: 1, file, line: lineNo,
  };
}
