// tcp/filter.ts: per-connection choices made once at creation: the overlap policy of each direction
// (Suricata host-os-policy: by the receiving host's address, longest prefix wins, else the default)
// and whether a direction is reassembled at all (Snort stream4 clientonly/serveronly/ports).
// Entry:     policyFor(addr, family): Policy, reassembleDir(dir, serverPort): bool, filterInit()
// Owns:      POLICY_TABLE (entries written by the host) and PORTS (a 65,536-bit map written by the host).

import { Cfg } from "../abi/config";
import { cfgGet } from "../util/cfg";

// policy table entry (20 bytes): u8 family, u8 prefix length, u8 policy, u8 pad, u8[16] address
export const POLICY_MAX: i32 = 1024;
export const POLICY_TABLE: usize = memory.data(20 * 1024);
export const PORTS: usize = memory.data(8192);

let defaultPolicy: i32 = 4;
let entries: i32 = 0;
let dirs: i32 = 3;
let allPorts = true;

export function filterInit(): void {
  defaultPolicy = <i32>cfgGet(Cfg.Policy);
  entries = min<i32>(<i32>cfgGet(Cfg.PolicyEntries), POLICY_MAX);
  dirs = <i32>cfgGet(Cfg.Directions);
  allPorts = cfgGet(Cfg.PortsAll) != 0;
}

function prefixMatch(a: usize, b: usize, bits: i32): bool {
  let i = 0;
  while (bits >= 8) { if (load<u8>(a + i) != load<u8>(b + i)) return false; bits -= 8; i++; }
  if (bits == 0) return true;
  const mask = <u8>(<u32>0xff << <u32>(8 - bits));
  return (load<u8>(a + i) & mask) == (load<u8>(b + i) & mask);
}

export function policyFor(addr: usize, family: u8): i32 {
  let best = -1, bestLen = -1;
  for (let i = 0; i < entries; i++) {
    const t = POLICY_TABLE + <usize>i * 20;
    if (load<u8>(t) != family) continue;
    const len = <i32>load<u8>(t, 1);
    if (len > bestLen && prefixMatch(t + 4, addr, len)) { best = <i32>load<u8>(t, 2); bestLen = len; }
  }
  return best >= 0 ? best : defaultPolicy;
}

export function reassembleDir(dir: i32, serverPort: u32): bool {
  if ((dirs & (1 << dir)) == 0) return false;
  if (allPorts) return true;
  return (load<u8>(PORTS + (serverPort >> 3)) & (1 << (serverPort & 7))) != 0;
}
