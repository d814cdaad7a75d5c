// core/abi.ts: the TypeScript mirror of assembly/abi/*. test/unit/core/abi.test.ts checks it against the
// core (layout constants, and the event and counter counts), so the two cannot drift apart silently.

/** Stable status numbers (assembly/abi/status.ts). */
export const Status = {
  Ok: 0, NeedMore: 1, BadMagic: -1, CorruptRecord: -2, RecordTooLarge: -3, UnknownInterface: -4,
  BadVersion: -5, BadState: -6, BadConfig: -7, OutOfMemory: -8,
} as const;

/** Configuration keys (assembly/abi/config.ts). */
export const Cfg = {
  Policy: 0, Checksum: 1, Midstream: 2, Depth: 3, Memcap: 4, MaxFlows: 5, HashBuckets: 6,
  TimeoutNew: 7, TimeoutEst: 8, TimeoutClosed: 9, DeliverData: 10, Events: 11, Directions: 12,
  FlushUnacked: 13, DefragMemcap: 14, DefragTimeout: 15, InputCap: 16, PortsAll: 17, PolicyEntries: 18,
  ShardIndex: 19, ShardCount: 20, RetainDelivered: 21, EventCallbacks: 22, Inline: 23, ChunkToServer: 24,
  ChunkToClient: 25, ChunkRange: 26, Seed: 27, PostRstDiscard: 28, InspectDirections: 29, InspectPortsAll: 30,
} as const;

/** Overlap policies, by the names Suricata and Snort use (assembly/reassembly/policy.ts). */
export const POLICIES = [
  "first", "last", "linux", "old-linux", "bsd", "windows", "vista", "solaris", "hpux10", "hpux11", "irix", "macos",
] as const;
export type PolicyName = (typeof POLICIES)[number];
/** Other names accepted for the same behaviour (Suricata host-os-policy and Snort spellings). */
export const POLICY_ALIASES: Record<string, PolicyName> = {
  none: "first", "bsd-right": "bsd", "old-solaris": "solaris", windows2k3: "windows", win2003: "windows",
  win2k3: "windows", win_2003: "windows", old_linux: "old-linux", hpux: "hpux11", grannysmith: "macos",
};

/** Event names by id (assembly/abi/events.ts). */
export const EVENTS = [
  "stream.syn_with_data",
  "stream.3whs_synack_with_wrong_ack",
  "stream.3whs_synack_in_wrong_direction",
  "stream.3whs_syn_resend_diff_seq_on_syn_recv",
  "stream.3whs_synack_resend_with_diff_ack",
  "stream.3whs_synack_resend_with_diff_seq",
  "stream.3whs_wrong_seq_wrong_ack",
  "stream.3whs_synack_tfo_data_ignored",
  "stream.est_syn_resend_diff_seq",
  "stream.est_synack_resend_with_diff_seq",
  "stream.est_packet_out_of_window",
  "stream.est_invalid_ack",
  "stream.pkt_broken_ack",
  "stream.fin_syn",
  "stream.fin_out_of_window",
  "stream.rst_out_of_window",
  "stream.rst_with_data",
  "stream.suspected_rst_inject",
  "stream.reassembly_overlap_different_data",
  "stream.reassembly_seq_gap",
  "stream.reassembly_depth_reached",
  "stream.reassembly_no_segment",
  "stream.reassembly_insert_memcap",
  "stream.pkt_invalid_checksum",
  "ipv4.frag_overlap",
  "stream.3whs_pkt_before_synack",
  "stream.data_beyond_fin",
  "stream.est_syn_resend",
  "stream.midstream_pickup",
  "stream.reassembly_segment_limit",
] as const;
export type EventName = (typeof EVENTS)[number];
/** Informational events: recorded, but not anomalies (not printed in `events`). */
export const INFO_EVENTS: ReadonlySet<number> = new Set([28]);

/** Global counters by index (assembly/abi/stats.ts). */
export const STATS = [
  "packets", "capture_bytes", "decode_errors", "non_tcp", "tcp_packets", "bad_checksum", "offload_accepted",
  "flows_created", "flows_ended", "flows_pruned", "flows_timed_out", "delivered_toserver", "delivered_toclient",
  "gap_bytes", "gaps", "overlaps", "overlaps_diff", "retransmissions", "memcap_drops", "frags_reassembled",
  "frags_dropped", "unknown_linktype", "truncated", "events", "out_of_window", "depth_reached", "held_packets",
  "ignored_no_session", "other_shard", "match_errors",
] as const;
export type StatName = (typeof STATS)[number];

/** TCP states, Suricata's tcp.state names (assembly/tcp/state.ts). */
export const TCP_STATES = [
  "none", "syn_sent", "syn_recv", "established", "fin_wait1", "fin_wait2", "closing", "time_wait", "last_ack", "closed",
] as const;

/** Why a connection ended (assembly/host.ts END_*). */
export const END_REASONS = ["eof", "timeout", "reuse", "pruned", "closed"] as const;

/** Record layouts (assembly/abi/layout.ts). */
export const Layout = {
  FLOW_SIZE: 272, EP_SIZE: 96, F_EP: 72, F_SLOT: 264, SEG_SIZE: 24, PAGE_SIZE: 4096,
  F_CONN_ID: 4, F_STATE: 8, F_FLAGS: 9, F_FAMILY: 10, F_CPORT: 12, F_SPORT: 14, F_CADDR: 16, F_SADDR: 32,
  F_FIRST_TS: 48, F_LAST_TS: 56, F_EVENTS: 64,
  E_FLAGS: 8, E_POLICY: 11, E_PKTS: 32, E_GAP_COUNT: 36, E_DELIV_OFF: 48, E_MAX_END: 64, E_WIRE_BYTES: 72,
  E_GAP_BYTES: 80,
} as const;
export const FlowFlags = { MIDSTREAM: 1, REVERSED: 2, ENDED: 4, V6: 8, ESTABLISHED_SEEN: 16 } as const;
export const EndpointFlags = { SYN: 2, FIN: 4, RST: 8, DEPTH: 64, FIN_ACKED: 128, SEEN: 256, LOSSY: 2048 } as const;

/** Pool ids (assembly/util/pool.ts). */
export const Pools = { FLOW: 0, SEG: 1, PAGE: 2, FRAG: 3 } as const;

/** Notices (assembly/host.ts). */
export const Notice = { LINKTYPE: 1, OFFLOAD: 2, DROPPED: 3 } as const;

/** The core's exports, as instantiated. */
export interface CoreExports {
  memory: WebAssembly.Memory;
  configSet(key: number, value: number): number;
  configGet(key: number): number;
  policyTablePtr(): number;
  portsPtr(): number;
  init(): number;
  inputPtr(): number;
  inputCap(): number;
  inputGrow(cap: number): number;
  feedCapture(len: number, atEof: number): number;
  captureStatus(): number;
  captureErrorAt(): number;
  captureNeeded(): number;
  captureFormat(): number;
  captureLinkType(): number;
  captureReset(): void;
  feedPacket(linkType: number, caplen: number, wirelen: number, tsUs: number): number;
  finish(): void;
  statsPtr(): number;
  statsCount(): number;
  memoryUsed(): number;
  flowTableBytes(): number;
  poolStat(id: number, what: number): number;
  abiLayout(i: number): number;
  packetFrame(): number;
  packetTs(): number;
  flowDrop(flow: number): void;
  inspectAttachDb(db: number): number;
  inspectPortsPtr(): number;
}
