// flow/expiry.ts: ending connections: idle timeouts per state class, the flow memcap (prune the least
// recently active), and end of input.
// Entry:     flowExpire(now), flowMakeRoom(), flowEndAll()
// Owns:      the sweep clock. Suricata's flow manager also sweeps the hash periodically instead of
//            keeping LRU lists, which would cost 8 bytes per connection.
// Cost:      a sweep visits every bucket and record: it runs at most once per second of capture time
//            and only after at least as many packets as live connections, so it stays O(1) per packet.
//            A connection found idle past its timeout on lookup is ended there (tcp/session.ts).

import { F_HASH_NEXT, F_LAST_TS, F_STATE } from "../abi/layout";
import { St } from "../abi/stats";
import { Cfg } from "../abi/config";
import { cfgGet, statAdd } from "../util/cfg";
import { POOL_FLOW, poolLive } from "../util/pool";
import { flowBucketCount, flowBucketHead } from "./table";
import { sessionEnd } from "../tcp/session";
import { stateClass } from "../tcp/state";
import { END_EOF, END_PRUNED, END_TIMEOUT } from "../host";
import { pktTs } from "../decode/packet";

let tNew: i64 = 60_000_000, tEst: i64 = 3600_000_000, tClosed: i64 = 60_000_000;
let lastSweep: i64 = 0;
let packetsSince: u32 = 0;

export function expiryInit(): void {
  tNew = <i64>(cfgGet(Cfg.TimeoutNew) * 1e6);
  tEst = <i64>(cfgGet(Cfg.TimeoutEst) * 1e6);
  tClosed = <i64>(cfgGet(Cfg.TimeoutClosed) * 1e6);
}

/** Idle timeout of connection f, by its state's class (new / established / closed). */
export function timeoutOf(f: usize): i64 {
  const c = stateClass(<i32>load<u8>(f, F_STATE));
  return c == 0 ? tNew : (c == 1 ? tEst : tClosed);
}

/** Called per packet with its timestamp; sweeps when due. */
export function flowExpire(now: i64): void {
  packetsSince++;
  if (now - lastSweep < 1_000_000 || packetsSince < poolLive(POOL_FLOW)) return;
  if (lastSweep == 0) { lastSweep = now; return; }
  lastSweep = now; packetsSince = 0;
  const n = flowBucketCount();
  for (let i: u32 = 0; i < n; i++) {
    let f = flowBucketHead(i);
    while (f != 0) {
      const next = <usize>load<u32>(f, F_HASH_NEXT);
      if (now - load<i64>(f, F_LAST_TS) > timeoutOf(f)) { statAdd(St.FlowsTimedOut, 1); sessionEnd(f, END_TIMEOUT); }
      f = next;
    }
  }
}

/**
 * The flow pool is full: end the least recently active connections. One pass finds the oldest
 * activity time; a second ends every connection idle since before oldest + (now - oldest) / 8, so a
 * batch is freed per pass (amortized O(1) per new connection), closed ones first by their shorter timeout.
 */
export function flowMakeRoom(): void {
  const now = pktTs;
  const n = flowBucketCount();
  let oldest: i64 = now;
  for (let i: u32 = 0; i < n; i++) {
    let f = flowBucketHead(i);
    while (f != 0) { const t = load<i64>(f, F_LAST_TS); if (t < oldest) oldest = t; f = <usize>load<u32>(f, F_HASH_NEXT); }
  }
  const cutoff = oldest + (now - oldest) / 8;
  let freed = 0;
  for (let i: u32 = 0; i < n; i++) {
    let f = flowBucketHead(i);
    while (f != 0) {
      const next = <usize>load<u32>(f, F_HASH_NEXT);
      if (load<i64>(f, F_LAST_TS) <= cutoff || now - load<i64>(f, F_LAST_TS) > timeoutOf(f)) {
        statAdd(St.FlowsPruned, 1); sessionEnd(f, END_PRUNED); freed++;
      }
      f = next;
    }
  }
}

/** End of input: every connection is finished and reported. */
export function flowEndAll(): void {
  const n = flowBucketCount();
  for (let i: u32 = 0; i < n; i++) {
    let f = flowBucketHead(i);
    while (f != 0) { const next = <usize>load<u32>(f, F_HASH_NEXT); sessionEnd(f, END_EOF); f = next; }
  }
}
