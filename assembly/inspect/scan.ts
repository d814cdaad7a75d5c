// inspect/scan.ts: in-core inspection. When the host attaches a prefilter database (match/), every
// delivered run of bytes goes through the direction's prefilter stream right where it lies in the page
// store, and only the matches cross to the host (onMatches, once per scan with matches), so a literal
// rule set costs no host call per delivery, and one per scanned run that matched. The host may still
// take the bytes (onData) for its own modules; they come first.
// Entry:     inspectAttach(db): Status, inspectData(f, dir, e, ptr, len, off), inspectGap(e), inspectEnd(e)
// Owns:      the endpoint's E_MATCH_STREAM field (a match/ stream handle, opened at the first delivery).
// Offsets:   a match's end is reported in the direction's stream offsets: the run's offset plus the
//            match end relative to the stream's position before the run (matchStreamOffset), so a
//            reset at a gap needs no stored base.
// Gaps:      the stream is reset at a gap: no match spans bytes the receiver never got.
// Selection: Cfg.InspectDirections and the INSPECT_PORTS map (server ports) choose the directions that
//            are inspected; one left out is marked at its first delivery and costs nothing after.
// Limits:    a stream that cannot be opened (memory) leaves the direction uninspected, counted in
//            St.MatchErrors; results that do not fit are dropped by match/ and counted too.

import { E_MATCH_STREAM, F_SPORT } from "../abi/layout";
import { Cfg } from "../abi/config";
import { cfgGet } from "../util/cfg";
import { Status } from "../abi/status";
import { St } from "../abi/stats";
import { statAdd } from "../util/cfg";
import { matchDbValid } from "../match/database";
import {
  matchStreamOpen, matchStreamReset, matchStreamClose, matchScanStream, matchResultsPtr, matchStreamOffset,
} from "../match/scan";
import { hostMatches } from "../host";

let db: usize = 0;
let dirMask: i32 = 3;              // Cfg.InspectDirections: bit 0 to-server, bit 1 to-client
let allPorts = true;               // Cfg.InspectPortsAll; else the server port's bit in INSPECT_PORTS
/** The server ports whose connections are inspected (a 65,536-bit map the host writes). */
export const INSPECT_PORTS: usize = memory.data(8192);
const NOT_INSPECTED: u32 = 1;      // E_MATCH_STREAM value of a direction the selection leaves out

export function inspectInit(): void {
  dirMask = <i32>cfgGet(Cfg.InspectDirections);
  allPorts = cfgGet(Cfg.InspectPortsAll) != 0;
}

/** Whether direction `dir` of flow f is inspected (per-port and per-direction choice). */
function isSelected(f: usize, dir: i32): bool {
  if ((dirMask & (1 << dir)) == 0) return false;
  if (allPorts) return true;
  const port = <u32>load<u16>(f, F_SPORT);
  return (load<u8>(INSPECT_PORTS + (port >> 3)) & (1 << (port & 7))) != 0;
}

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
  if (st == NOT_INSPECTED) return;
  if (st == 0) {
    if (!isSelected(f, dir)) { store<u32>(e, NOT_INSPECTED, E_MATCH_STREAM); return; }
    const h = matchStreamOpen(db);
    if (h <= 0) { statAdd(St.MatchErrors, 1); return; }
    st = <usize>h;
    store<u32>(e, <u32>st, E_MATCH_STREAM);
  }
  const before = matchStreamOffset(st);
  const n = matchScanStream(st, ptr, len);
  if (n < 0) { statAdd(St.MatchErrors, 1); return; }
  if (n > 0) hostMatches(f, dir, matchResultsPtr(), n, <f64>off - before);
}

/** A gap: the direction's stream starts afresh after it. */
export function inspectGap(e: usize): void {
  const st = <usize>load<u32>(e, E_MATCH_STREAM);
  if (st > NOT_INSPECTED) matchStreamReset(st);
}

/** The direction ended: its stream goes back to match/'s free list. */
export function inspectEnd(e: usize): void {
  const st = <usize>load<u32>(e, E_MATCH_STREAM);
  if (st > NOT_INSPECTED) matchStreamClose(st);
  store<u32>(e, 0, E_MATCH_STREAM);
}
