// detect/ruleset.ts: parsed rules -> what detection runs: one prefilter pattern per distinct fast
// pattern (several rules may share one), the rules each pattern wakes, and the content chain that is
// verified when the fast pattern is found.
// Semantics (Suricata detect-engine-content-inspection.c, applied to the stream of one direction):
//   - offset/depth are absolute stream offsets: the content lies in [offset, offset + depth)
//     (Suricata and Snort count depth from the offset). Suricata applies them to the inspected raw
//     chunk; we apply them to the stream, so chunk boundaries never change a verdict.
//   - distance/within are relative to the end of the previous content's match (in rule order): the
//     content lies in [prevEnd + distance, prevEnd + distance + within) (Suricata adds the distance to
//     the within bound, as its content inspection does).
//   - a negated content must not occur in its region; an unbounded region ends `horizon` bytes (the
//     verify window) after the fast pattern, so the verdict waits for those bytes or the stream's end.
//   - a verdict never depends on how the stream was cut into deliveries (see verify()).
// Browser-safe.

import type { Rule } from "../rules/parse.js";
import type { PatternSpec } from "../prefilter/prefilter.js";

export interface CompiledRule {
  readonly rule: Rule;
  /** Position in the rule set (stable; alerts are ordered by it when several fire at once). */
  readonly index: number;
  /** Index of the fast pattern in rule.contents. */
  readonly fp: number;
  /** The rule is its fast pattern alone: a prefilter match is a rule match (after offset/depth). */
  readonly simple: boolean;
  /** The fast pattern is longer than MAX_PREFILTER_LITERAL: the prefilter looks for its last bytes
   *  and the verifier compares the whole content. */
  readonly fpTruncated: boolean;
  /** Contents folded to lower case where nocase (for the verifier's compares). */
  readonly folded: Uint8Array[];
  /** Addresses and ports `any`, no flow direction: the header applies to every direction of every
   *  connection (literal lists; most hits then need no header check at all). */
  readonly anyHeader: boolean;
}

export interface RuleSet {
  readonly rules: readonly CompiledRule[];
  /** Prefilter patterns; pattern id = index. */
  readonly patterns: readonly PatternSpec[];
  /** Pattern id -> rules whose fast pattern it is. */
  readonly byPattern: readonly (readonly CompiledRule[])[];
  /** Some rule has more than its fast pattern: directions keep a verification history. */
  readonly needsHistory: boolean;
  /** Longest pattern, in bytes. */
  readonly maxPatternLength: number;
}

/** Longest literal given to the prefilter. Every open stream keeps (longest literal - 1) bytes of
 *  history, so one huge content would cost that much per connection direction; a longer fast pattern
 *  is looked for by its last 255 bytes and verified whole. */
export const MAX_PREFILTER_LITERAL = 255;

const foldByte = (c: number) => (c >= 0x41 && c <= 0x5a ? c + 32 : c);
export const fold = (b: Uint8Array): Uint8Array => b.map(foldByte);

export function compileRuleSet(rules: readonly Rule[]): RuleSet {
  const patterns: PatternSpec[] = [];
  const byPattern: CompiledRule[][] = [];
  const ids = new Map<string, number>();
  const compiled: CompiledRule[] = [];
  let needsHistory = false;
  let maxLen = 0;
  rules.forEach((rule, index) => {
    const fp = rule.fastPattern;
    const c = rule.contents[fp]!;
    const fpTruncated = c.bytes.length > MAX_PREFILTER_LITERAL;
    const simple = rule.contents.length === 1 && !fpTruncated;
    const any = (x: { any: boolean; negated: boolean }) => x.any && !x.negated;
    const anyHeader = any(rule.src) && any(rule.sport) && any(rule.dst) && any(rule.dport) && !rule.flow.toServer && !rule.flow.toClient;
    const cr: CompiledRule = { rule, index, fp, simple, fpTruncated, anyHeader,
                               folded: rule.contents.map((k) => (k.nocase ? fold(k.bytes) : k.bytes)) };
    compiled.push(cr);
    if (!simple) needsHistory = true;
    const full = c.nocase ? fold(c.bytes) : c.bytes;
    const bytes = fpTruncated ? full.subarray(full.length - MAX_PREFILTER_LITERAL) : full;
    const key = `${c.nocase ? "i" : "s"}:${Array.from(bytes).join(",")}`;
    let id = ids.get(key);
    if (id === undefined) {
      id = patterns.length;
      ids.set(key, id);
      patterns.push({ id, bytes, caseless: c.nocase });
      byPattern.push([]);
    }
    byPattern[id]!.push(cr);
    for (const k of rule.contents) maxLen = Math.max(maxLen, k.bytes.length);
  });
  return { rules: compiled, patterns, byPattern, needsHistory, maxPatternLength: maxLen };
}

/** Bytes of one direction available to the verifier: buf[i] is stream byte base + i. */
export interface Window {
  buf: Uint8Array;
  base: number;
  /** No more data will follow (gap, end): a region cut by the end of the data is final. */
  final: boolean;
  /** A negated content without a bound must be absent up to this many bytes after the fast pattern
   *  (the detector's verify window); it is decided once those bytes or the end have come. */
  horizon?: number;
}

export const enum Verdict { No = 0, Yes = 1, NeedMore = 2, Budget = 3 }

/** Positions one verification may try (Suricata bounds its content inspection recursion the same way,
 *  inspection-recursion-limit): a crafted stream cannot make a rule cost more than this per candidate. */
export const VERIFY_BUDGET = 200_000;
const BUDGET = Symbol("verify budget");

function eq(w: Window, at: number, pat: Uint8Array, nocase: boolean): boolean {
  const b = w.buf, i0 = at - w.base;
  if (nocase) { for (let i = 0; i < pat.length; i++) if (foldByte(b[i0 + i]!) !== pat[i]) return false; }
  else { for (let i = 0; i < pat.length; i++) if (b[i0 + i] !== pat[i]) return false; }
  return true;
}

/** [lo, hi) where content k may lie, given the end of the previous content's match (-1: none). */
function region(rule: Rule, k: number, prevEnd: number): [number, number] {
  const c = rule.contents[k]!;
  if ((c.distance !== undefined || c.within !== undefined) && prevEnd >= 0) {
    const lo = prevEnd + (c.distance ?? 0);
    return [Math.max(0, lo), c.within !== undefined ? lo + c.within : Infinity];
  }
  const lo = c.offset ?? 0;
  return [lo, c.depth !== undefined ? lo + c.depth : Infinity];
}

/**
 * Verifies rule `cr` with its fast pattern matched at [fpEnd - len, fpEnd): the other contents are
 * searched in `w` in rule order (backtracking over earlier choices, as Suricata does). Returns the
 * verdict and, on Yes, the stream offset of the match's first byte (the earliest content matched).
 * NeedMore: no match yet, but a region runs past the available data. Budget: gave up after `budget`
 * positions (counted by the detector; no alert).
 */
export function verify(cr: CompiledRule, fpEnd: number, w: Window, budget = VERIFY_BUDGET): { verdict: Verdict; start: number } {
  const rule = cr.rule, cs = rule.contents;
  const end = w.base + w.buf.length;
  let more = false;
  let steps = 0;
  // Depth-first, earliest positions first (the chain Suricata's inspection finds). Determinism: a
  // branch that failed only because its region runs past the data (`more`) might succeed once more
  // data comes, and it comes before any later branch in search order; so a success found after such a
  // branch is not taken yet (-2: NeedMore). The verdict then never depends on how the stream was cut.
  const rec = (k: number, prevEnd: number, start: number): number => {
    if (k === cs.length) return more ? -2 : start;
    const c = cs[k]!, pat = cr.folded[k]!, len = pat.length;
    const [lo, hi] = region(rule, k, prevEnd);
    if (k === cr.fp) {
      const s = fpEnd - len;
      if (s < lo || fpEnd > hi) return -1;
      // the prefilter found only the tail of a long fast pattern: the rest is compared here
      if (cr.fpTruncated && (s < w.base || !eq(w, s, pat, c.nocase))) return -1;
      return rec(k + 1, fpEnd, Math.min(start, s));
    }
    if (c.negated) {
      const nhi = hi === Infinity ? fpEnd + (w.horizon ?? Infinity) : hi;
      const nfrom = Math.max(lo, w.base), nto = Math.min(nhi, end);
      for (let s = nfrom; s + len <= nto; s++) if (eq(w, s, pat, c.nocase)) return -1;
      if (nhi > end && !w.final) { more = true; return -1; }
      return rec(k + 1, prevEnd, start);
    }
    const from = Math.max(lo, w.base), to = Math.min(hi, end);
    for (let s = from; s + len <= to; s++) {
      if (++steps > budget) throw BUDGET;
      if (!eq(w, s, pat, c.nocase)) continue;
      const r = rec(k + 1, s + len, Math.min(start, s));
      if (r >= 0 || r === -2) return r;
    }
    if (hi > end && !w.final) more = true;
    return -1;
  };
  let start: number;
  try { start = rec(0, -1, Infinity); } catch (e) {
    if (e !== BUDGET) throw e;
    return { verdict: Verdict.Budget, start: -1 };
  }
  if (start >= 0) return { verdict: Verdict.Yes, start };
  return { verdict: more || start === -2 ? Verdict.NeedMore : Verdict.No, start: -1 };
}
