// decode/defrag.ts: IPv4 and IPv6 fragment reassembly (RFC 791 §3.2, RFC 8200 §4.5).
// Entry:     defragInsert(...): bool (true when the datagram is complete; then defragDataPtr/Len give
//            its upper-layer bytes until defragRelease()), defragInit(memcap, timeout)
// Owns:      POOL_FRAG records (one per datagram in progress) and their list.
// Policy:    the bytes that arrived first win (fragments only fill holes). A fragment that overlaps
//            received bytes with different data sets pktFragOverlap, raised on the TCP connection as
//            ipv4.frag_overlap / ipv6.frag_overlap (Ev.FragOverlap).
// Limits:    a datagram longer than 65,535 bytes, a fragment with no room (memcap: pool empty), or a
//            datagram older than the timeout is dropped and counted (St.FragsDropped).

import { St } from "../abi/stats";
import { statAdd } from "../util/cfg";
import { POOL_FRAG, poolAlloc, poolFree, poolInit } from "../util/pool";
import { pktTs, pktSetFragOverlap } from "./packet";

const F_NEXT: usize = 0, F_FAM: usize = 4, F_PROTO: usize = 5, F_NR: usize = 6, F_LAST: usize = 7;
const F_ID: usize = 8, F_TOTAL: usize = 12, F_SRC: usize = 16, F_DST: usize = 32, F_TS: usize = 48;
const F_OVERLAP: usize = 56; // u8: an overlap with different bytes was seen
const F_RANGES: usize = 64;
const MAX_RANGES: i32 = 32;
const F_DATA: usize = 64 + 8 * 32;
const MAX_DGRAM: u32 = 65535;
const ITEM: u32 = <u32>F_DATA + MAX_DGRAM + 1;

let active: usize = 0;
let timeoutUs: i64 = 60_000_000;
let done: usize = 0;

export function defragInit(memcap: f64, timeoutSec: f64): void {
  poolInit(POOL_FRAG, ITEM, max<u32>(1, <u32>(memcap / <f64>ITEM)), 4);
  timeoutUs = <i64>(timeoutSec * 1e6);
}

function addrEq(a: usize, b: usize, n: u32): bool {
  return n == 4 ? load<u32>(a) == load<u32>(b) : (load<u64>(a) == load<u64>(b) && load<u64>(a, 8) == load<u64>(b, 8));
}

function unlink(r: usize): void {
  let link = changetype<usize>(0);
  let cur = active;
  while (cur != 0 && cur != r) { link = cur; cur = <usize>load<u32>(cur, F_NEXT); }
  if (cur == 0) return;
  if (link == 0) active = <usize>load<u32>(r, F_NEXT); else store<u32>(link, load<u32>(r, F_NEXT), F_NEXT);
  poolFree(POOL_FRAG, r);
}

function expire(): void {
  let r = active;
  while (r != 0) {
    const next = <usize>load<u32>(r, F_NEXT);
    if (pktTs - load<i64>(r, F_TS) > timeoutUs) { statAdd(St.FragsDropped, 1); unlink(r); }
    r = next;
  }
}

export function defragRelease(): void { if (done != 0) { unlink(done); done = 0; } }
export function defragDataPtr(): usize { return done + F_DATA; }
export function defragDataLen(): u32 { return load<u32>(done, F_TOTAL); }

export function defragInsert(fam: u8, src: usize, dst: usize, id: u32, proto: u32, off: u32, mf: bool,
                             data: usize, len: u32): bool {
  defragRelease();
  expire();
  const alen: u32 = fam == 4 ? 4 : 16;
  if (off + len > MAX_DGRAM) { statAdd(St.FragsDropped, 1); return false; }
  let r = active;
  while (r != 0) {
    if (load<u8>(r, F_FAM) == fam && load<u32>(r, F_ID) == id && <u32>load<u8>(r, F_PROTO) == proto
        && addrEq(r + F_SRC, src, alen) && addrEq(r + F_DST, dst, alen)) break;
    r = <usize>load<u32>(r, F_NEXT);
  }
  if (r == 0) {
    r = poolAlloc(POOL_FRAG);
    if (r == 0) { statAdd(St.FragsDropped, 1); return false; }
    store<u8>(r, fam, F_FAM); store<u8>(r, <u8>proto, F_PROTO); store<u32>(r, id, F_ID);
    memory.copy(r + F_SRC, src, alen); memory.copy(r + F_DST, dst, alen);
    store<i64>(r, pktTs, F_TS);
    store<u32>(r, <u32>active, F_NEXT); active = r;
  }
  if (!mf) { store<u8>(r, 1, F_LAST); store<u32>(r, off + len, F_TOTAL); }
  // fill only the holes; compare where the fragment overlaps what is there (first wins)
  const nr = <i32>load<u8>(r, F_NR);
  let pos = off;
  const end = off + len;
  for (let i = 0; i < nr && pos < end; i++) {
    const rs = load<u32>(r + F_RANGES + (<usize>i << 3)), re = load<u32>(r + F_RANGES + (<usize>i << 3), 4);
    if (re <= pos) continue;
    if (rs >= end) break;
    if (rs > pos) memory.copy(r + F_DATA + pos, data + (pos - off), rs - pos);
    const a = max<u32>(rs, pos), b = min<u32>(re, end);
    for (let k = a; k < b; k++) {
      if (load<u8>(r + F_DATA + k) != load<u8>(data + (k - off))) { store<u8>(r, 1, F_OVERLAP); break; }
    }
    pos = max<u32>(pos, re);
  }
  if (pos < end) memory.copy(r + F_DATA + pos, data + (pos - off), end - pos);
  if (!addRange(r, off, end)) { statAdd(St.FragsDropped, 1); unlink(r); return false; }
  // complete: last fragment seen and one range [0, total)
  if (load<u8>(r, F_LAST) != 0 && load<u8>(r, F_NR) == 1 && load<u32>(r + F_RANGES) == 0
      && load<u32>(r + F_RANGES, 4) >= load<u32>(r, F_TOTAL)) {
    statAdd(St.FragsReassembled, 1);
    if (load<u8>(r, F_OVERLAP) != 0) pktSetFragOverlap();
    done = r;
    return true;
  }
  return false;
}

/** Merge [s, e) into the sorted, disjoint range list. False when the list is full. */
function addRange(r: usize, s: u32, e: u32): bool {
  let nr = <i32>load<u8>(r, F_NR);
  const R = r + F_RANGES;
  // find the first range that ends at or after s
  let i = 0;
  while (i < nr && load<u32>(R + (<usize>i << 3), 4) < s) i++;
  let j = i;
  let ns = s, ne = e;
  while (j < nr && load<u32>(R + (<usize>j << 3)) <= e) {
    ns = min<u32>(ns, load<u32>(R + (<usize>j << 3)));
    ne = max<u32>(ne, load<u32>(R + (<usize>j << 3), 4));
    j++;
  }
  const removed = j - i;
  if (removed == 0) {
    if (nr >= MAX_RANGES) return false;
    memory.copy(R + (<usize>(i + 1) << 3), R + (<usize>i << 3), <usize>(nr - i) << 3);
    nr++;
  } else if (removed > 1) {
    memory.copy(R + (<usize>(i + 1) << 3), R + (<usize>j << 3), <usize>(nr - j) << 3);
    nr -= removed - 1;
  }
  store<u32>(R + (<usize>i << 3), ns); store<u32>(R + (<usize>i << 3), ne, 4);
  store<u8>(r, <u8>nr, F_NR);
  return true;
}
