// abi/stats.ts: global counters (u64 each) in the STATS region; the host reads them with statsPtr().
// Mirrored by name in src/core/abi.ts. Owner: whichever module the comment names; only it increments.
export const enum St {
  Packets = 0,            // capture records seen (capture/walk.ts)
  CaptureBytes = 1,       // bytes of capture records incl. headers (capture/walk.ts)
  DecodeErrors = 2,       // packets that could not be decoded to TCP (decode/)
  NonTcp = 3,             // decoded IP packets that are not TCP (decode/)
  TcpPackets = 4,         // TCP segments handed to the session layer (decode/)
  BadChecksum = 5,        // segments rejected for a wrong checksum (tcp/checksum.ts)
  OffloadAccepted = 6,    // wrong-checksum segments accepted as checksum offload (tcp/checksum.ts)
  FlowsCreated = 7,       // (flow/table.ts)
  FlowsEnded = 8,         // (flow/table.ts)
  FlowsPruned = 9,        // ended early because the flow memcap was reached (flow/table.ts)
  FlowsTimedOut = 10,     // (flow/table.ts)
  Delivered0 = 11,        // bytes delivered to-server (reassembly/segments.ts)
  Delivered1 = 12,        // bytes delivered to-client
  GapBytes = 13,          // (reassembly/segments.ts)
  Gaps = 14,
  Overlaps = 15,          // segments that overlapped stored data (reassembly/segments.ts)
  OverlapsDiff = 16,      // ... with different bytes
  Retransmissions = 17,   // segments wholly inside already-seen data
  MemcapDrops = 18,       // segments not stored for lack of memory (reassembly/)
  FragsReassembled = 19,  // (decode/defrag.ts)
  FragsDropped = 20,      // (decode/defrag.ts)
  UnknownLinkType = 21,   // packets of a link type we do not decode (capture/walk.ts)
  Truncated = 22,         // packets cut by the snap length (decode/)
  Events = 23,            // anomaly events raised (tcp/session.ts)
  OutOfWindow = 24,
  DepthReached = 25,
  HeldPackets = 26,       // packets held back while a host's checksum pattern was unknown
  IgnoredNoSession = 27,  // packets ignored: no connection and midstream pickup off
  OtherShard = 28,        // TCP packets left to another instance (Cfg.ShardCount > 1)
  MatchErrors = 29,       // in-core inspection: a prefilter stream could not be opened or results were dropped (inspect/)
  Count = 30,
}
