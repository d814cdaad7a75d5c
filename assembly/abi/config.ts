// abi/config.ts: configuration keys the host sets with configSet(key, value) before init().
// Mirrored in src/core/abi.ts. Defaults here are the core's; the host validates ranges first.
export const enum Cfg {
  Policy = 0,          // default overlap policy (Policy enum)
  Checksum = 1,        // 0 off, 1 on, 2 auto
  Midstream = 2,       // 1: pick up connections without a handshake
  Depth = 3,           // stream depth per direction in bytes, 0 = unlimited
  Memcap = 4,          // reassembly memcap in bytes (segment records + stored bytes)
  MaxFlows = 5,        // flow memcap, in connections
  HashBuckets = 6,     // flow hash buckets (rounded up to a power of two)
  TimeoutNew = 7,      // seconds, handshake not complete
  TimeoutEst = 8,      // seconds, established / closing
  TimeoutClosed = 9,   // seconds, closed (FIN both ways or RST)
  DeliverData = 10,    // 1: call onData/onGap for delivered bytes
  Events = 11,         // 1: raise anomaly events (per-connection record and counters); 0: none (stream4 noalerts)
  Directions = 12,     // bit 0: reassemble to-server, bit 1: to-client
  FlushUnacked = 13,   // bytes of unacknowledged in-order data held before it is delivered anyway
  DefragMemcap = 14,   // bytes held for IP fragment reassembly
  DefragTimeout = 15,  // seconds
  InputCap = 16,       // bytes of the input region
  PortsAll = 17,       // 1: reassemble every port; 0: only ports set in the port bitmap
  PolicyEntries = 18,  // number of host-os-policy entries written to the policy table
  ShardIndex = 19,     // this instance handles the connections whose symmetric hash % ShardCount == ShardIndex
  ShardCount = 20,     // 1: every connection (several instances, e.g. one per worker thread, split the work)
  RetainDelivered = 21, // 1: keep the last delivered page per direction to compare later re-sends with
  EventCallbacks = 22, // 1: also call onEvent for each event raised
  Inline = 23,         // 0: IDS (deliver acknowledged data, in chunks); 1: inline/IPS (deliver in-order data on arrival)
  ChunkToServer = 24,  // IDS: acknowledged to-server bytes gathered before they are delivered (Suricata toserver-chunk-size)
  ChunkToClient = 25,  // IDS: the same for to-client data (toclient-chunk-size); 0 = deliver on every ACK
  ChunkRange = 26,     // IDS: each chunk size is drawn from size * (1 +- range/100) (randomize-chunk-range); 0 = fixed
  Seed = 27,           // seed of the chunk-size draws (replayable runs)
  PostRstDiscard = 28, // 1: payload after an honoured RST is not reassembled (the receiver discarded it)
  InspectDirections = 29, // in-core inspection: bit 0 to-server, bit 1 to-client
  InspectPortsAll = 30,   // 1: inspect every server port; 0: only ports set in the inspect-port map
  Count = 31,
}
