// flow/table.ts: the connection table: chained hash over flow records in POOL_FLOW, keyed by the
// 5-tuple (protocol is always TCP here) in either direction.
// Entry:     flowLookup(): usize (sets flowDir), flowCreate(srcIsClient): usize, flowUnlink(f),
//            flowFirst/flowNextInBucket for sweeps.
// Owns:      the bucket array, the slot numbers and the key fields of flow records (F_HASH_NEXT, F_C*/F_S*,
//            F_FAMILY, F_CONN_ID, F_SLOT). tcp/session.ts owns the rest of the record.
// Hot path:  yes: one hash and a short chain walk per packet. The hash is symmetric (the same for
//            both directions), so it can also pick a worker for a multi-instance run (flowHashOfPacket).
// Limits:    pool at MaxFlows -> flowCreate returns 0; the caller prunes (flow/expiry.ts) and retries.

import {
  FLOW_SIZE, F_CADDR, F_CONN_ID, F_CPORT, F_FAMILY, F_FLAGS, F_HASH_NEXT, F_SADDR, F_SPORT, F_SLOT, FF_V6,
} from "../abi/layout";
import { St } from "../abi/stats";
import { POOL_FLOW, poolAlloc, poolFree, poolInit, poolLive } from "../util/pool";
import { statAdd } from "../util/cfg";
import { arenaAlloc } from "../util/arena";
import { check, VALIDATE } from "../util/check";
import { DST_ADDR, SRC_ADDR, pktDport, pktFamily, pktSport } from "../decode/packet";

let buckets: usize = 0;
let bucketMask: u32 = 0;
let maxBucketMask: u32 = (1 << 24) - 1; // grow up to 16 M buckets (64 MiB)
let tableBytes: usize = 0;             // all bucket arrays ever allocated
let nextConnId: u32 = 1;
let connIdStep: u32 = 1;
/** Sharded instances number their connections index+1, index+1+count, ...: unique across shards. */
export function flowIdsForShard(index: u32, count: u32): void { nextConnId = index + 1; connIdStep = max<u32>(1, count); }
// Slots (F_SLOT): a flow record gets the next number (1, 2, ...) the first time the pool hands it out
// and keeps it for life: flowCreate zeroes the record except that field, and records come from the arena,
// whose memory is fresh (zero) and never reused. So slots are dense (at most the records ever carved) and
// live flows have distinct ones, at no cost in memory.
let slotCount: u32 = 0;

/** Direction of the last looked-up packet: 0 = client to server, 1 = server to client. */
export let flowDir: i32 = 0;
let lastHash: u32 = 0;

export function flowInit(nBuckets: u32, maxFlows: u32): bool {
  let n: u32 = 1;
  while (n < nBuckets) n <<= 1;
  buckets = arenaAlloc(<usize>n << 2);
  if (buckets == 0) return false;
  memory.fill(buckets, 0, <usize>n << 2);
  bucketMask = n - 1;
  tableBytes = <usize>n << 2;
  let m: u32 = 1;
  while (m < maxFlows && m < (1 << 24)) m <<= 1;
  maxBucketMask = max<u32>(m, n) - 1;
  poolInit(POOL_FLOW, FLOW_SIZE, maxFlows, 1024);
  return true;
}
export function flowBucketCount(): u32 { return bucketMask + 1; }
/** Bytes of bucket arrays allocated (the current one and any outgrown ones). */
export function flowBucketBytes(): usize { return tableBytes; }

// @ts-ignore: decorator
@inline function mix(h: u32): u32 {
  h ^= h >> 16; h *= 0x7feb352d; h ^= h >> 15; h *= 0x846ca68b; h ^= h >> 16;
  return h;
}
/**
 * Symmetric hash of two endpoints: built only from XORs and sums of the two sides' words, which do not
 * change when the sides are swapped, then mixed once. The same for both directions of a connection.
 */
// @ts-ignore: decorator
@inline function pairHash(a: usize, ap: u32, b: usize, bp: u32): u32 {
  const x0 = load<u32>(a) ^ load<u32>(b), x1 = load<u32>(a, 4) ^ load<u32>(b, 4);
  const x2 = load<u32>(a, 8) ^ load<u32>(b, 8), x3 = load<u32>(a, 12) ^ load<u32>(b, 12);
  const s0 = load<u32>(a) + load<u32>(b) + load<u32>(a, 12) + load<u32>(b, 12);
  return mix(x0 + x1 * 0x01000193 + x2 * 0x85ebca6b + x3 * 0xc2b2ae35 + (ap ^ bp) * 0x9e3779b1 + (ap + bp) + s0 * 0x27d4eb2f);
}

/** Symmetric hash of the current packet's endpoints. */
export function flowHashOfPacket(): u32 {
  return pairHash(SRC_ADDR, <u32>pktSport, DST_ADDR, <u32>pktDport);
}

// @ts-ignore: decorator
@inline function addrEq(a: usize, b: usize): bool {
  return load<u64>(a) == load<u64>(b) && load<u64>(a, 8) == load<u64>(b, 8);
}

// @ts-ignore: decorator
@inline function matchDir(f: usize, v6: bool): i32 {
  if (((load<u8>(f, F_FLAGS) & FF_V6) != 0) != v6) return -1;
  const cp = <u32>load<u16>(f, F_CPORT), sp = <u32>load<u16>(f, F_SPORT);
  if (cp == <u32>pktSport && sp == <u32>pktDport && addrEq(f + F_CADDR, SRC_ADDR) && addrEq(f + F_SADDR, DST_ADDR)) return 0;
  if (cp == <u32>pktDport && sp == <u32>pktSport && addrEq(f + F_CADDR, DST_ADDR) && addrEq(f + F_SADDR, SRC_ADDR)) return 1;
  return -1;
}

/** The connection of the last lookup: bursts of one connection's packets skip the hash (a hit is
 *  checked exactly like a chain entry; flowUnlink forgets it). */
let lastFlow: usize = 0;

export function flowLookup(): usize {
  const v6 = pktFamily == 6;
  if (lastFlow != 0) {
    const d = matchDir(lastFlow, v6);
    if (d >= 0) { flowDir = d; lastHash = lastFlowHash; return lastFlow; }
  }
  const h = flowHashOfPacket();
  lastHash = h;
  let f = <usize>load<u32>(buckets + (<usize>(h & bucketMask) << 2));
  while (f != 0) {
    const d = matchDir(f, v6);
    if (d >= 0) { flowDir = d; lastFlow = f; lastFlowHash = h; return f; }
    f = <usize>load<u32>(f, F_HASH_NEXT);
  }
  return 0;
}
let lastFlowHash: u32 = 0;


/**
 * Doubles the bucket array when connections outnumber buckets twice over, so chains stay short
 * (load <= 2: about 1.5 records visited per hit, and 4 bytes of buckets per 1 to 2 connections).
 * The old array is not reused (the arena never frees): the waste is at most the final size.
 */
function flowGrow(): void {
  const n = (bucketMask + 1) << 1;
  const nb = arenaAlloc(<usize>n << 2);
  if (nb == 0) return; // keep the current table: longer chains, still correct
  memory.fill(nb, 0, <usize>n << 2);
  const oldN = bucketMask + 1;
  for (let i: u32 = 0; i < oldN; i++) {
    let f = <usize>load<u32>(buckets + (<usize>i << 2));
    while (f != 0) {
      const next = <usize>load<u32>(f, F_HASH_NEXT);
      const h = pairHash(f + F_CADDR, <u32>load<u16>(f, F_CPORT), f + F_SADDR, <u32>load<u16>(f, F_SPORT));
      const b = nb + (<usize>(h & (n - 1)) << 2);
      store<u32>(f, load<u32>(b), F_HASH_NEXT);
      store<u32>(b, <u32>f);
      f = next;
    }
  }
  buckets = nb;
  bucketMask = n - 1;
  tableBytes += <usize>n << 2;
}

/** A new record for the current packet (after flowLookup), linked at the head of its bucket. */
export function flowCreate(srcIsClient: bool): usize {
  if (poolLive(POOL_FLOW) > (bucketMask << 1) + 1 && bucketMask < maxBucketMask) {
    flowGrow();
    lastHash = flowHashOfPacket();
  }
  const f = poolAlloc(POOL_FLOW, <u32>F_SLOT);   // zeroes everything before the slot (the last field)
  if (f == 0) return 0;
  if (load<u32>(f, F_SLOT) == 0) store<u32>(f, ++slotCount, F_SLOT);
  if (VALIDATE) check(load<u32>(f, F_SLOT) <= slotCount, "flow slot out of range (arena memory not fresh?)");
  const ca = srcIsClient ? SRC_ADDR : DST_ADDR, sa = srcIsClient ? DST_ADDR : SRC_ADDR;
  memory.copy(f + F_CADDR, ca, 16);
  memory.copy(f + F_SADDR, sa, 16);
  store<u16>(f, srcIsClient ? pktSport : pktDport, F_CPORT);
  store<u16>(f, srcIsClient ? pktDport : pktSport, F_SPORT);
  store<u8>(f, pktFamily, F_FAMILY);
  if (pktFamily == 6) store<u8>(f, FF_V6, F_FLAGS);
  store<u32>(f, nextConnId, F_CONN_ID);
  nextConnId += connIdStep;
  const b = buckets + (<usize>(lastHash & bucketMask) << 2);
  store<u32>(f, load<u32>(b), F_HASH_NEXT);
  store<u32>(b, <u32>f);
  flowDir = srcIsClient ? 0 : 1;
  lastFlow = f; lastFlowHash = lastHash;
  statAdd(St.FlowsCreated, 1);
  return f;
}

/** Removes f from its bucket and returns it to the pool. */
export function flowUnlink(f: usize): void {
  const h = pairHash(f + F_CADDR, <u32>load<u16>(f, F_CPORT), f + F_SADDR, <u32>load<u16>(f, F_SPORT));
  let link = buckets + (<usize>(h & bucketMask) << 2);
  while (true) {
    const cur = <usize>load<u32>(link);
    if (cur == 0) break;
    if (cur == f) { store<u32>(link, load<u32>(f, F_HASH_NEXT)); break; }
    link = cur + F_HASH_NEXT;
  }
  if (f == lastFlow) lastFlow = 0;
  poolFree(POOL_FLOW, f);
  statAdd(St.FlowsEnded, 1);
}

/** First record of bucket i (sweeps walk every bucket's chain with F_HASH_NEXT). */
export function flowBucketHead(i: u32): usize { return <usize>load<u32>(buckets + (<usize>i << 2)); }
