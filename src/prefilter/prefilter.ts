// prefilter/prefilter.ts: the engine-neutral interface of a streaming multi-literal matcher (the
// prefilter): compile a pattern set once, open streams, scan, close. The core's matcher
// (prefilter/core.ts) is the first engine; prefilter/naive.ts is the reference the tests compare with.
//
// Contract every engine keeps (Hyperscan's semantics with HS_FLAG_CASELESS as the only flag):
// - NEVER A FALSE NEGATIVE: every (id, end) pair where a pattern occurs is reported, overlapping
//   occurrences included ("aa" in "aaaa" ends at 2, 3 and 4), once per pattern id (duplicates with
//   distinct ids each report). Nothing else is reported.
// - `end` is in STREAM COORDINATES: the offset just past the occurrence's last byte, counted from the
//   first byte ever written to the stream (Hyperscan's `to`). In scanBlock, the block is the stream.
// - A match is reported by the scan call that delivers its last byte, however many calls it spans;
//   within one call, in ascending end order (ties in any order).
// - Caseless folds ASCII A-Z/a-z only.
// - The sink is called synchronously during scan; it must not call back into the same engine.

export interface PatternSpec {
  /** Reported as is; any integer in 0..2^32-1, duplicates allowed. */
  id: number;
  /** At least one byte. */
  bytes: Uint8Array;
  caseless: boolean;
}

export type MatchSink = (id: number, end: number) => void;

export interface PrefilterStream {
  /** Scans the next bytes of the stream; reports matches that end in them. */
  scan(data: Uint8Array, sink: MatchSink): void;
  /** Back to offset 0, as if just opened. */
  reset(): void;
  /** Releases the stream; it must not be used afterwards. */
  close(): void;
}

export interface Prefilter {
  readonly engine: string;
  readonly patternCount: number;
  /** Bytes of the compiled database. */
  readonly dbBytes: number;
  /** Bytes of state per open stream. */
  readonly streamBytes: number;
  /** Longest pattern, in bytes. */
  readonly maxLength: number;
  open(): PrefilterStream;
  /** data as one whole stream of its own. */
  scanBlock(data: Uint8Array, sink: MatchSink): void;
  /** Releases the database; its streams must not be used afterwards. */
  free(): void;
}

export interface PrefilterEngine {
  readonly name: string;
  /** Throws (engine-specific error with a stable `code`) on an empty set or an empty pattern. */
  compile(patterns: readonly PatternSpec[]): Prefilter;
}
