// config/schema.ts: the engine's configuration: one typed object, validated once at the boundary
// (config/validate.ts). Names follow Suricata's stream/flow settings where there is one.

import type { PolicyName } from "../core/abi.js";

export type ChecksumMode = "auto" | "on" | "off";

export interface EngineConfig {
  /** Default target overlap policy (Suricata `host-os-policy` default, Snort `policy`). Default "bsd". */
  policy?: PolicyName | string;
  /** Policy per receiving host: CIDR -> policy name; longest prefix wins (Suricata host-os-policy). */
  hostPolicies?: Record<string, PolicyName | string>;
  /** auto (default): per-sender offload detection; on: reject every wrong checksum; off: accept all. */
  checksum?: ChecksumMode;
  /** Pick up connections whose handshake is not in the capture. Default true (offline analysis). */
  midstream?: boolean;
  /** Bytes reassembled per direction; 0 = unlimited (default). */
  depth?: number;
  /** Reassembly memcap in bytes: stored segment bytes and records. Default 256 MiB. */
  memcap?: number;
  /** Flow memcap, in connections; the least recently active are ended to make room. Default 1,048,576. */
  maxFlows?: number;
  /** Flow hash buckets (power of two). Default 65,536. */
  hashBuckets?: number;
  /** Idle timeouts in seconds per state class. Defaults: new 60, established 3600, closed 60. */
  timeouts?: { new?: number; established?: number; closed?: number };
  /** Which directions are reassembled (Snort stream4 clientonly/serveronly/both). Default "both". */
  directions?: "both" | "toserver" | "toclient";
  /** Server ports whose connections are reassembled (others are tracked only). Default: all. */
  ports?: number[] | "all";
  /** Unacknowledged in-order bytes held per direction before they are delivered anyway. Default 4 MiB. */
  flushUnacked?: number;
  /** IP fragment reassembly limits. Defaults: memcap 32 MiB, timeout 60 s (Suricata defrag). */
  defrag?: { memcap?: number; timeout?: number };
  /** Raise anomaly events (Snort stream4 `noalerts` = false). Default true. */
  events?: boolean;
  /** Bytes read from the capture per step (the core's input region). Default 4 MiB. */
  inputChunk?: number;
  /** Keep the last delivered page of each direction, so a re-send overlapping bytes already delivered
   *  (e.g. a genuine response after an acknowledged forged one) is compared and raises
   *  stream.reassembly_overlap_different_data. Costs up to one 4 KiB page per active direction.
   *  Default false (as Zeek's tcp_max_old_segments = 0 and Suricata's check-overlap-different-data). */
  retainDelivered?: boolean;
  /** Split the work between instances: this one takes the connections whose symmetric hash modulo
   *  `count` is `index` (both directions hash alike). Default { index: 0, count: 1 }. */
  shard?: { index: number; count: number };
  /** When reassembled data reaches inspection (issue 3; Suricata stream.reassembly / stream.inline).
   *  mode "ids" (default): acknowledged data, gathered per direction into chunks of `toserverChunkSize` /
   *  `toclientChunkSize` bytes (0 = on every ACK, the library default; `scan` uses Suricata's 2560),
   *  each size drawn within +- `randomizeChunkRange` % (Suricata randomize-chunk-range; 0 = fixed) from
   *  `seed`. A chunk is flushed early at a gap, the FIN, the depth and the end of input.
   *  mode "inline": in-order data is delivered as it arrives, before it is acknowledged (IPS). */
  inspection?: InspectionConfig;
  /** Payload sent after an honoured RST: "reassemble" (default, as Suricata, tshark and tcpflow) or
   *  "discard" (what the receiver does; `scan`'s default: no alert on bytes the target never took). */
  postRst?: "reassemble" | "discard";
}

export interface InspectionConfig {
  mode?: "ids" | "inline";
  /** Which streams are inspected (matched): server ports (default "all") and directions (default
   *  "both"). Reassembly is not affected (flow records and onData cover every stream). */
  ports?: number[] | "all";
  directions?: "both" | "toserver" | "toclient";
  toserverChunkSize?: number;
  toclientChunkSize?: number;
  randomizeChunkRange?: number;
  seed?: number;
}

/** The validated form, every field present. */
export interface ResolvedConfig {
  policy: PolicyName;
  hostPolicies: Array<{ family: 4 | 6; prefix: Uint8Array; bits: number; policy: PolicyName; text: string }>;
  checksum: ChecksumMode;
  midstream: boolean;
  depth: number;
  memcap: number;
  maxFlows: number;
  hashBuckets: number;
  timeouts: { new: number; established: number; closed: number };
  directions: "both" | "toserver" | "toclient";
  ports: number[] | "all";
  flushUnacked: number;
  defrag: { memcap: number; timeout: number };
  events: boolean;
  inputChunk: number;
  shard: { index: number; count: number };
  retainDelivered: boolean;
  inspection: Required<InspectionConfig>;
  postRst: "reassemble" | "discard";
}
