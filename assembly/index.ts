// index.ts: THE export surface of the core (the ABI). Reading it top to bottom is the table of contents:
// configure -> init -> feed capture bytes (or packets) -> finish; plus read-only accessors for the host.
// Every call returns plain numbers (pointer + length at the boundary, no managed types). Data reaches
// the host through the imports in host.ts, during these calls only. Only src/core/engine.ts calls these.

import { Status } from "./abi/status";
import { Cfg } from "./abi/config";
import { St } from "./abi/stats";
import { FLOW_SIZE, EP_SIZE, F_EP, F_SLOT, F_FLAGS, FF_DROPPED, SEG_SIZE, PAGE_SIZE, PAGE_HDR } from "./abi/layout";
import { pktFrame, pktTs } from "./decode/packet";
import { inspectAttach, inspectInit, INSPECT_PORTS } from "./inspect/scan";
import { cfgDefaults, cfgGet, cfgSet, statAdd, STATS } from "./util/cfg";
import { arenaAlloc, arenaUsed } from "./util/arena";
import {
  POOL_COUNT, POOL_PAGE, POOL_SEG, poolInit, poolItemSize, poolLive, poolPeak, poolTotal, poolFailures,
} from "./util/pool";
import {
  captureReset as walkReset, captureWalk, captureStatus as walkStatus, captureErrorAt as walkErrorAt,
  captureNeeded as walkNeeded, captureFormat as walkFormat, captureLinkType as walkLinkType,
} from "./capture/walk";
import { decodeFrame } from "./decode/decode";
import { decodeTcpInit } from "./decode/tcp";
import { defragInit } from "./decode/defrag";
import { flowInit, flowBucketBytes, flowIdsForShard } from "./flow/table";
import { expiryInit, flowEndAll } from "./flow/expiry";
import { sessionInit } from "./tcp/session";
import { checksumInit, checksumFlush } from "./tcp/checksum";
import { filterInit, POLICY_TABLE, PORTS } from "./tcp/filter";
import { segmentsInit } from "./reassembly/segments";
import { hostEventsEnable } from "./host";

const SCRATCH_CAP: u32 = 256 * 1024;
let ready = false;
let input: usize = 0;
let inputCapacity: u32 = 0;

cfgDefaults();

// ---- configuration (before init) ----------------------------------------------------------------
export function configSet(key: i32, value: f64): i32 {
  if (ready) return Status.BadState;
  if (key < 0 || key >= Cfg.Count) return Status.BadConfig;
  cfgSet(key, value);
  return Status.Ok;
}
export function configGet(key: i32): f64 { return cfgGet(key); }
/** Host-os-policy entries (20 bytes each) and the port bitmap, written by the host before init. */
export function policyTablePtr(): usize { return POLICY_TABLE; }
export function portsPtr(): usize { return PORTS; }

// ---- life cycle ---------------------------------------------------------------------------------
export function init(): i32 {
  if (ready) return Status.BadState;
  const memcap = cfgGet(Cfg.Memcap);
  // the reassembly memcap covers stored bytes (pages) and segment records: 7/8 pages, 1/8 records
  const pageItem = <f64>(PAGE_SIZE + <u32>PAGE_HDR);
  poolInit(POOL_PAGE, <u32>PAGE_HDR + PAGE_SIZE, max<u32>(16, <u32>(memcap * 0.875 / pageItem)), 64);
  poolInit(POOL_SEG, SEG_SIZE, max<u32>(64, <u32>(memcap * 0.125 / <f64>SEG_SIZE)), 4096);
  if (!flowInit(<u32>cfgGet(Cfg.HashBuckets), <u32>cfgGet(Cfg.MaxFlows))) return Status.OutOfMemory;
  defragInit(cfgGet(Cfg.DefragMemcap), cfgGet(Cfg.DefragTimeout));
  const scratch = arenaAlloc(SCRATCH_CAP);
  inputCapacity = <u32>cfgGet(Cfg.InputCap);
  input = arenaAlloc(inputCapacity);
  if (scratch == 0 || input == 0 || !checksumInit()) return Status.OutOfMemory;
  segmentsInit(scratch, SCRATCH_CAP, cfgGet(Cfg.DeliverData) != 0, cfgGet(Cfg.RetainDelivered) != 0);
  hostEventsEnable(cfgGet(Cfg.EventCallbacks) != 0);
  filterInit();
  decodeTcpInit(<u32>cfgGet(Cfg.ShardIndex), <u32>cfgGet(Cfg.ShardCount));
  flowIdsForShard(<u32>cfgGet(Cfg.ShardIndex), <u32>cfgGet(Cfg.ShardCount));
  sessionInit();
  inspectInit();
  expiryInit();
  walkReset();
  ready = true;
  return Status.Ok;
}

/** The input region: the host writes capture bytes (or one packet) here, then calls feed*. */
export function inputPtr(): usize { return input; }
export function inputCap(): u32 { return inputCapacity; }
/** Replaces the input region with a larger one (a record did not fit). Returns the new pointer or 0. */
export function inputGrow(cap: u32): usize {
  if (cap <= inputCapacity) return input;
  const p = arenaAlloc(cap);
  if (p == 0) return 0;
  input = p; inputCapacity = cap;
  return p;
}

// ---- feeding ------------------------------------------------------------------------------------
/**
 * Walks the capture records in input[0, len). Returns the bytes consumed; the host moves the rest to
 * the front and appends more. captureStatus() tells NeedMore (a partial record at the end) or an error.
 */
export function feedCapture(len: u32, atEof: bool): i32 {
  if (!ready) return Status.BadState;
  return captureWalk(input, len, atEof);
}
export function captureStatus(): i32 { return walkStatus(); }
export function captureErrorAt(): u32 { return walkErrorAt(); }
export function captureNeeded(): u32 { return walkNeeded(); }
export function captureFormat(): i32 { return walkFormat(); }
export function captureLinkType(): u32 { return walkLinkType(); }
export function captureReset(): void { walkReset(); }

/** One packet (link-layer frame) of `caplen` bytes at input[0]; for live and per-packet feeds. */
export function feedPacket(linkType: u32, caplen: u32, wirelen: u32, tsUs: f64): i32 {
  if (!ready) return Status.BadState;
  statAdd(St.Packets, 1);
  decodeFrame(linkType, input, caplen, max<u32>(caplen, wirelen), <i64>tsUs);
  return Status.Ok;
}

/** End of input: judge held segments, deliver everything, report every connection (onFlowEnd). */
export function finish(): void {
  if (!ready) return;
  checksumFlush();
  flowEndAll();
}

// ---- inline verdicts (called from inside onData / onNotice) --------------------------------------
/** Frame number (1-based capture record) and timestamp (µs) of the packet being processed. */
export function packetFrame(): u32 { return pktFrame; }
export function packetTs(): f64 { return <f64>pktTs; }
/** Inline: drop connection `flow` (a record handed to the host): its later packets are reported with
 *  NOTICE_DROPPED and not processed. */
export function flowDrop(flow: u32): void {
  const f = <usize>flow;
  store<u8>(f, load<u8>(f, F_FLAGS) | FF_DROPPED, F_FLAGS);
}

/** In-core inspection: scan every delivered run with the prefilter database `db` (from matchCompile;
 *  0 detaches) and report matches with onMatches (one call per scan that matched). */
export function inspectAttachDb(db: usize): i32 { return inspectAttach(db); }
/** The server-port map of in-core inspection (8,192 bytes), written by the host before init. */
export function inspectPortsPtr(): usize { return INSPECT_PORTS; }

// ---- accessors ----------------------------------------------------------------------------------
export function statsPtr(): usize { return STATS; }
export function statsCount(): i32 { return St.Count; }
/** Bytes of linear memory the engine has allocated (all pools, tables and regions). */
export function memoryUsed(): usize { return arenaUsed(); }
export function flowTableBytes(): usize { return flowBucketBytes(); }
/** what: 0 item size, 1 live, 2 peak, 3 carved (total), 4 failed allocations. */
export function poolStat(id: i32, what: i32): u32 {
  if (id < 0 || id >= POOL_COUNT) return 0;
  if (what == 0) return poolItemSize(id);
  if (what == 1) return poolLive(id);
  if (what == 2) return poolPeak(id);
  if (what == 3) return poolTotal(id);
  return poolFailures(id);
}
/** Layout constants, for the host's mirror test: 0 FLOW_SIZE, 1 EP_SIZE, 2 F_EP, 3 SEG_SIZE, 4 PAGE_SIZE,
 *  5 F_SLOT. */
export function abiLayout(i: i32): u32 {
  if (i == 0) return FLOW_SIZE;
  if (i == 1) return <u32>EP_SIZE;
  if (i == 2) return <u32>F_EP;
  if (i == 3) return SEG_SIZE;
  if (i == 4) return PAGE_SIZE;
  if (i == 5) return <u32>F_SLOT;
  return 0;
}

// ---- the streaming multi-literal matcher (prefilter; match/) -----------------------------------------
// Independent of init(): a literal set is compiled into a database, streams are opened on it, and each
// scan writes its matches as 16-byte records {u32 id, u32 0, f64 end} at matchResults() (the buffer
// may move when it grows: read the pointer after every scan). Negative returns are MatchStatus codes
// (match/database.ts, -101..-105). Only src/core/matcher.ts calls these.
import { matchDbCompile, matchDbFree, matchDbValid } from "./match/database";
import {
  matchScanStream, matchScanBlockDb, matchStreamOpen, matchStreamReset, matchStreamClose, matchStreamSize,
  matchResultsPtr, matchScratchArea,
} from "./match/scan";

/** A host-writable area of at least len bytes (the compile blob, or data to scan); 0 if memory is full. */
export function matchScratch(len: u32): usize { return matchScratchArea(len); }
/** Blob: u32 count, then per literal u32 id, u32 flags (bit 0 caseless), u32 len, bytes. */
export function matchCompile(ptr: usize, len: u32): i32 { return matchDbCompile(ptr, len); }
export function matchDbBytes(db: usize): u32 { return matchDbValid(db) ? load<u32>(db, 12) : 0; }
export function matchStreamBytes(db: usize): u32 { return matchDbValid(db) ? matchStreamSize(db) : 0; }
export function matchFree(db: usize): void { matchDbFree(db); }
export function matchOpen(db: usize): i32 { return matchStreamOpen(db); }
export function matchReset(stream: usize): i32 { return matchStreamReset(stream); }
export function matchClose(stream: usize): i32 { return matchStreamClose(stream); }
/** Matches ending in the next len bytes of the stream (also those begun in earlier calls). */
export function matchScan(stream: usize, ptr: usize, len: u32): i32 { return matchScanStream(stream, ptr, len); }
/** ptr[0, len) as a whole stream of its own (offsets from 0). */
export function matchScanBlock(db: usize, ptr: usize, len: u32): i32 { return matchScanBlockDb(db, ptr, len); }
export function matchResults(): usize { return matchResultsPtr(); }
