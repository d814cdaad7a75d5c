// inspect/scan.ts: in-core inspection. When the host attaches a prefilter database (match/), every
// delivered run of bytes goes through the direction's prefilter stream right where it lies in the page
// store, and only the matches cross to the host (onMatch), so a literal rule set costs no host call per
// delivery. The host may still take the bytes (onData) for its own modules; they come first.
// Entry:     inspectAttach(db): Status, inspectData(f, dir, e, ptr, len, off), inspectGap(e), inspectEnd(e)
// Owns:      the endpoint's E_MATCH_STREAM field (a match/ stream handle, opened at the first delivery).
// Offsets:   a match's end is reported in the direction's stream offsets: the run's offset plus the
//            match end relative to the stream's position before the run (matchStreamOffset), so a
//            reset at a gap needs no stored base.
// Gaps:      the stream is reset at a gap: no match spans bytes the receiver never got.
// Limits:    a stream that cannot be opened (memory) leaves the direction uninspected, counted in
//            St.MatchErrors; results that do not fit are dropped by match/ and counted too.

import { E_MATCH_STREAM } from "../abi/layout";
import { Status } from "../abi/status";
import { St } from "../abi/stats";
import { statAdd } from "../util/cfg";
import { matchDbValid } from "../match/database";
import {
  matchStreamOpen, matchStreamReset, matchStreamClose, matchScanStream, matchResultsPtr, matchStreamOffset,
} from "../match/scan";
import { hostMatch } from "../host";

let db: usize = 0;

/** Attach `d` (a compiled database; 0 detaches). Streams already open keep their database. */
export function inspectAttach(d: usize): i32 {
  if (d != 0 && !matchDbValid(d)) return Status.BadConfig;
  db = d;
  return Status.Ok;
}

// @ts-ignore: decorator
@inline export function inspecting(): bool { return db != 0; }

/** Scan [ptr, ptr + len), stream offset `off`, of direction `dir` (endpoint e) of flow f. */
export function inspectData(f: usize, dir: i32, e: usize, ptr: usize, len: u32, off: u64): void {
  let st = <usize>load<u32>(e, E_MATCH_STREAM);
  if (st == 0) {
    const h = matchStreamOpen(db);
    if (h <= 0) { statAdd(St.MatchErrors, 1); return; }
    st = <usize>h;
    store<u32>(e, <u32>st, E_MATCH_STREAM);
  }
  const before = matchStreamOffset(st);
  const n = matchScanStream(st, ptr, len);
  if (n < 0) { statAdd(St.MatchErrors, 1); return; }
  const res = matchResultsPtr();
  for (let i = 0; i < n; i++) {
    const r = res + (<usize>i << 4);
    hostMatch(f, dir, load<u32>(r), <f64>off + (load<f64>(r, 8) - before));
  }
}

/** A gap: the direction's stream starts afresh after it. */
export function inspectGap(e: usize): void {
  const st = <usize>load<u32>(e, E_MATCH_STREAM);
  if (st != 0) matchStreamReset(st);
}

/** The direction ended: its stream goes back to match/'s free list. */
export function inspectEnd(e: usize): void {
  const st = <usize>load<u32>(e, E_MATCH_STREAM);
  if (st != 0) { matchStreamClose(st); store<u32>(e, 0, E_MATCH_STREAM); }
}
