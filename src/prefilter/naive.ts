// prefilter/naive.ts: the obviously-correct reference engine the tests compare against. At every end
// position, every pattern is compared byte by byte against the stream's last bytes (kept in a buffer of
// the longest pattern's length). O(patterns x bytes x length): for tests only.

import type { MatchSink, PatternSpec, Prefilter, PrefilterEngine, PrefilterStream } from "./prefilter.js";

const lower = (c: number) => (c >= 0x41 && c <= 0x5a ? c | 0x20 : c);

class NaivePrefilter implements Prefilter {
  readonly engine = "naive";
  readonly patternCount: number;
  readonly dbBytes: number;
  readonly maxLength: number;
  readonly streamBytes: number;
  constructor(private readonly pats: readonly PatternSpec[]) {
    this.patternCount = pats.length;
    this.maxLength = pats.reduce((m, p) => Math.max(m, p.bytes.length), 0);
    this.dbBytes = pats.reduce((n, p) => n + p.bytes.length, 0);
    this.streamBytes = this.maxLength;
  }
  open(): PrefilterStream {
    const pats = this.pats;
    let tail: number[] = []; // the last maxLength bytes seen
    let offset = 0;
    const keep = this.maxLength;
    return {
      scan(data: Uint8Array, sink: MatchSink) {
        for (const c of data) {
          tail.push(c);
          if (tail.length > keep) tail.shift();
          offset++;
          for (const p of pats) {
            const n = p.bytes.length;
            if (n > tail.length) continue;
            let ok = true;
            for (let i = 0; i < n && ok; i++) {
              const a = tail[tail.length - n + i]!, b = p.bytes[i]!;
              ok = p.caseless ? lower(a) === lower(b) : a === b;
            }
            if (ok) sink(p.id, offset);
          }
        }
      },
      reset() { tail = []; offset = 0; },
      close() { tail = []; },
    };
  }
  scanBlock(data: Uint8Array, sink: MatchSink): void { this.open().scan(data, sink); }
  free(): void {}
}

export const naivePrefilterEngine: PrefilterEngine = {
  name: "naive",
  compile(patterns) {
    if (patterns.length === 0) throw Object.assign(new Error("empty pattern set"), { code: "ERR_MATCH_EMPTY_SET" });
    for (const p of patterns) {
      if (p.bytes.length === 0) throw Object.assign(new Error(`pattern ${p.id} is empty`), { code: "ERR_MATCH_EMPTY_PATTERN" });
    }
    return new NaivePrefilter(patterns.map((p) => ({ id: p.id, bytes: p.bytes.slice(), caseless: p.caseless })));
  },
};
