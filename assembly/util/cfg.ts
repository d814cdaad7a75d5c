// util/cfg.ts: configuration values (set by the host through configSet before init) and global counters.
// Owns:      CFG (f64 per Cfg key) and STATS (u64 per St counter), both static memory.
import { Cfg } from "../abi/config";
import { St } from "../abi/stats";

const CFG: usize = memory.data(8 * 32);
export const STATS: usize = memory.data(8 * 64);

export function cfgSet(key: i32, value: f64): void { store<f64>(CFG + (<usize>key << 3), value); }
export function cfgGet(key: i32): f64 { return load<f64>(CFG + (<usize>key << 3)); }

// @ts-ignore: decorator
@inline export function statAdd(id: St, n: u64): void {
  const p = STATS + (<usize>id << 3);
  store<u64>(p, load<u64>(p) + n);
}
// @ts-ignore: decorator
@inline export function statGet(id: St): u64 { return load<u64>(STATS + (<usize>id << 3)); }

export function cfgDefaults(): void {
  cfgSet(Cfg.Policy, 4 /* bsd, Suricata's and Snort's default */);
  cfgSet(Cfg.Checksum, 2);
  cfgSet(Cfg.Midstream, 1);
  cfgSet(Cfg.Depth, 0);
  cfgSet(Cfg.Memcap, 256.0 * 1024 * 1024);
  cfgSet(Cfg.MaxFlows, 1048576);
  cfgSet(Cfg.HashBuckets, 65536);
  cfgSet(Cfg.TimeoutNew, 60);
  cfgSet(Cfg.TimeoutEst, 3600);
  cfgSet(Cfg.TimeoutClosed, 60);
  cfgSet(Cfg.DeliverData, 1);
  cfgSet(Cfg.Events, 1);
  cfgSet(Cfg.Directions, 3);
  cfgSet(Cfg.FlushUnacked, 4.0 * 1024 * 1024);
  cfgSet(Cfg.DefragMemcap, 32.0 * 1024 * 1024);
  cfgSet(Cfg.DefragTimeout, 60);
  cfgSet(Cfg.InputCap, 4.0 * 1024 * 1024);
  cfgSet(Cfg.PortsAll, 1);
  cfgSet(Cfg.PolicyEntries, 0);
  cfgSet(Cfg.ShardIndex, 0);
  cfgSet(Cfg.ShardCount, 1);
  cfgSet(Cfg.RetainDelivered, 0);
  cfgSet(Cfg.EventCallbacks, 1);
  cfgSet(Cfg.Inline, 0);
  cfgSet(Cfg.ChunkToServer, 0);
  cfgSet(Cfg.ChunkToClient, 0);
  cfgSet(Cfg.ChunkRange, 0);
  cfgSet(Cfg.Seed, 0);
  cfgSet(Cfg.PostRstDiscard, 0);
  cfgSet(Cfg.InspectDirections, 3);
  cfgSet(Cfg.InspectPortsAll, 1);
}
