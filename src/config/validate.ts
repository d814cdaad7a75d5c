// config/validate.ts: validate the configuration once, at the boundary (esbuild's validateOptions):
// unknown keys are rejected with the list of known ones, values are checked with actionable messages.

import { POLICIES, POLICY_ALIASES, type PolicyName } from "../core/abi.js";
import { EngineError } from "../core/errors.js";
import type { EngineConfig, ResolvedConfig } from "./schema.js";
import { parseIp } from "../io/packet-build.js";

const KEYS = [
  "policy", "hostPolicies", "checksum", "midstream", "depth", "memcap", "maxFlows", "hashBuckets", "timeouts",
  "directions", "ports", "flushUnacked", "defrag", "events", "inputChunk", "shard", "retainDelivered",
  "inspection", "postRst",
] as const;

function fail(key: string, msg: string): never {
  throw new EngineError("ERR_CONFIG", `config "${key}": ${msg}`);
}

function unknownKeys(obj: object, known: readonly string[], where: string): void {
  for (const k of Object.keys(obj)) {
    if (!known.includes(k)) fail(where ? `${where}.${k}` : k, `unknown key; known keys: ${known.join(", ")}`);
  }
}

function num(key: string, v: unknown, def: number, min: number, max: number, integer = true): number {
  if (v === undefined) return def;
  if (typeof v !== "number" || Number.isNaN(v)) fail(key, `must be a number, got ${JSON.stringify(v)}`);
  if (integer && !Number.isInteger(v)) fail(key, `must be an integer, got ${v}`);
  if (v < min || v > max) fail(key, `must be between ${min} and ${max}, got ${v}`);
  return v;
}

function bool(key: string, v: unknown, def: boolean): boolean {
  if (v === undefined) return def;
  if (typeof v !== "boolean") fail(key, `must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

/** A policy name (Suricata, Snort 2 and Snort 3 spellings accepted). */
export function policyName(key: string, v: unknown): PolicyName {
  if (typeof v !== "string") fail(key, `must be a policy name, got ${JSON.stringify(v)}`);
  const n = v.toLowerCase();
  if ((POLICIES as readonly string[]).includes(n)) return n as PolicyName;
  const alias = POLICY_ALIASES[n];
  if (alias) return alias;
  fail(key, `unknown policy "${v}"; known: ${POLICIES.join(", ")}`);
}

/** Parses "10.0.0.0/8" or "2001:db8::/32" (a bare address is a host route). */
export function parseCidr(key: string, text: string): { family: 4 | 6; prefix: Uint8Array; bits: number } {
  const [addr, bitsText, extra] = text.split("/");
  if (addr === undefined || extra !== undefined) fail(key, `"${text}" is not an address or CIDR range`);
  let bytes: Uint8Array;
  try { bytes = parseIp(addr); } catch { fail(key, `"${text}" is not an address or CIDR range`); }
  const family = bytes.length === 4 ? 4 : 6;
  const maxBits = bytes.length * 8;
  const bits = bitsText === undefined ? maxBits : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > maxBits) fail(key, `"${text}": prefix length must be 0..${maxBits}`);
  return { family, prefix: bytes, bits };
}

export function validateConfig(cfg: EngineConfig = {}): ResolvedConfig {
  if (cfg === null || typeof cfg !== "object" || Array.isArray(cfg)) fail("(root)", "must be an object");
  unknownKeys(cfg, KEYS, "");
  const hostPolicies: ResolvedConfig["hostPolicies"] = [];
  if (cfg.hostPolicies !== undefined) {
    if (typeof cfg.hostPolicies !== "object" || cfg.hostPolicies === null) fail("hostPolicies", "must be an object of CIDR -> policy");
    for (const [cidr, p] of Object.entries(cfg.hostPolicies)) {
      const key = `hostPolicies["${cidr}"]`;
      hostPolicies.push({ ...parseCidr(key, cidr), policy: policyName(key, p), text: cidr });
    }
    if (hostPolicies.length > 1024) fail("hostPolicies", "at most 1024 entries");
  }
  const checksum = cfg.checksum ?? "auto";
  if (!["auto", "on", "off"].includes(checksum)) fail("checksum", `must be auto, on or off, got ${JSON.stringify(checksum)}`);
  const t = cfg.timeouts ?? {};
  if (typeof t !== "object") fail("timeouts", "must be an object");
  unknownKeys(t, ["new", "established", "closed"], "timeouts");
  const d = cfg.defrag ?? {};
  if (typeof d !== "object") fail("defrag", "must be an object");
  unknownKeys(d, ["memcap", "timeout"], "defrag");
  const directions = cfg.directions ?? "both";
  if (!["both", "toserver", "toclient"].includes(directions)) fail("directions", `must be both, toserver or toclient, got ${JSON.stringify(directions)}`);
  let ports: number[] | "all" = "all";
  if (cfg.ports !== undefined && cfg.ports !== "all") {
    if (!Array.isArray(cfg.ports)) fail("ports", `must be "all" or an array of port numbers`);
    ports = cfg.ports.map((p, i) => num(`ports[${i}]`, p, 0, 0, 65535));
  }
  const hashBuckets = num("hashBuckets", cfg.hashBuckets, 65536, 1, 1 << 26);
  const sh = cfg.shard ?? { index: 0, count: 1 };
  if (typeof sh !== "object" || sh === null) fail("shard", "must be an object { index, count }");
  unknownKeys(sh, ["index", "count"], "shard");
  const shardCount = num("shard.count", sh.count, 1, 1, 1024);
  const shardIndex = num("shard.index", sh.index, 0, 0, shardCount - 1);
  const ins = cfg.inspection ?? {};
  if (typeof ins !== "object" || ins === null) fail("inspection", "must be an object");
  unknownKeys(ins, ["mode", "toserverChunkSize", "toclientChunkSize", "randomizeChunkRange", "seed", "ports", "directions"], "inspection");
  let inspectPorts: number[] | "all" = "all";
  if (ins.ports !== undefined && ins.ports !== "all") {
    if (!Array.isArray(ins.ports)) fail("inspection.ports", `must be "all" or an array of port numbers`);
    inspectPorts = ins.ports.map((p, i) => num(`inspection.ports[${i}]`, p, 0, 0, 65535));
  }
  const inspectDirs = ins.directions ?? "both";
  if (!["both", "toserver", "toclient"].includes(inspectDirs)) fail("inspection.directions", `must be both, toserver or toclient, got ${JSON.stringify(inspectDirs)}`);
  const mode = ins.mode ?? "ids";
  if (mode !== "ids" && mode !== "inline") fail("inspection.mode", `must be ids or inline, got ${JSON.stringify(mode)}`);
  return {
    policy: cfg.policy === undefined ? "bsd" : policyName("policy", cfg.policy),
    hostPolicies,
    checksum,
    midstream: bool("midstream", cfg.midstream, true),
    depth: num("depth", cfg.depth, 0, 0, Number.MAX_SAFE_INTEGER),
    memcap: num("memcap", cfg.memcap, 256 * 1024 * 1024, 1 << 20, 3 * 1024 * 1024 * 1024),
    maxFlows: num("maxFlows", cfg.maxFlows, 1 << 20, 16, 1 << 26),
    hashBuckets,
    timeouts: {
      new: num("timeouts.new", t.new, 60, 0, 1e9, false),
      established: num("timeouts.established", t.established, 3600, 0, 1e9, false),
      closed: num("timeouts.closed", t.closed, 60, 0, 1e9, false),
    },
    directions,
    ports,
    flushUnacked: num("flushUnacked", cfg.flushUnacked, 4 * 1024 * 1024, 4096, 1 << 30),
    defrag: {
      memcap: num("defrag.memcap", d.memcap, 32 * 1024 * 1024, 1 << 17, 1 << 30),
      timeout: num("defrag.timeout", d.timeout, 60, 0, 1e9, false),
    },
    events: bool("events", cfg.events, true),
    inputChunk: num("inputChunk", cfg.inputChunk, 4 * 1024 * 1024, 65536, 1 << 28),
    shard: { index: shardIndex, count: shardCount },
    retainDelivered: bool("retainDelivered", cfg.retainDelivered, false),
    postRst: cfg.postRst === undefined ? "reassemble" : (cfg.postRst === "reassemble" || cfg.postRst === "discard" ? cfg.postRst
      : fail("postRst", `must be reassemble or discard, got ${JSON.stringify(cfg.postRst)}`)),
    inspection: {
      mode,
      toserverChunkSize: num("inspection.toserverChunkSize", ins.toserverChunkSize, 0, 0, 1 << 24),
      toclientChunkSize: num("inspection.toclientChunkSize", ins.toclientChunkSize, 0, 0, 1 << 24),
      randomizeChunkRange: num("inspection.randomizeChunkRange", ins.randomizeChunkRange, 0, 0, 100),
      seed: num("inspection.seed", ins.seed, 0, 0, 0xffffffff),
      ports: inspectPorts,
      directions: inspectDirs,
    },
  };
}
