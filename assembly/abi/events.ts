// abi/events.ts: anomaly event ids. Names follow Suricata's `stream.*` events where the event is the same
// (SU:decode-events.h, rules/stream-events.rules); ours are marked "(ours)". Mirrored, with names, in
// src/core/abi.ts (a test checks that the two lists agree). Ids are stable and < 64 (per-flow bitmask).
export const enum Ev {
  SynWithData = 0,                 // (ours; Snort 129:2 "data on SYN packet")
  SynackWithWrongAck = 1,          // stream.3whs_synack_with_wrong_ack
  SynackInWrongDirection = 2,      // stream.3whs_synack_in_wrong_direction
  SynResendDiffSeqOnSynRecv = 3,   // stream.3whs_syn_resend_diff_seq_on_syn_recv
  SynackResendWithDiffAck = 4,     // stream.3whs_synack_resend_with_diff_ack
  SynackResendWithDiffSeq = 5,     // stream.3whs_synack_resend_with_diff_seq
  WrongSeqWrongAck = 6,            // stream.3whs_wrong_seq_wrong_ack
  SynackTfoDataIgnored = 7,        // stream.3whs_synack_tfo_data_ignored
  EstSynResendDiffSeq = 8,         // stream.est_syn_resend_diff_seq
  EstSynackResendWithDiffSeq = 9,  // stream.est_synack_resend_with_diff_seq
  EstPacketOutOfWindow = 10,       // stream.est_packet_out_of_window
  EstInvalidAck = 11,              // stream.est_invalid_ack
  PktBrokenAck = 12,               // stream.pkt_broken_ack
  FinSyn = 13,                     // stream.fin_syn
  FinOutOfWindow = 14,             // stream.fin_out_of_window
  RstOutOfWindow = 15,             // (ours; Snort 129:15 "reset outside window") RST ignored
  RstWithData = 16,                // stream.rst_with_data
  SuspectedRstInject = 17,         // stream.suspected_rst_inject
  OverlapDifferentData = 18,       // stream.reassembly_overlap_different_data
  SeqGap = 19,                     // stream.reassembly_seq_gap
  DepthReached = 20,               // stream.reassembly_depth_reached
  NoSegment = 21,                  // stream.reassembly_no_segment (segment pool / memcap)
  InsertMemcap = 22,               // stream.reassembly_insert_memcap (stream byte store / memcap)
  InvalidChecksum = 23,            // (ours) stream.pkt_invalid_checksum: TCP or IPv4 checksum wrong, rejected
  FragOverlap = 24,                // ipv4.frag_overlap / ipv6.frag_overlap with different data
  PktBeforeSynack = 25,            // (ours) stream.3whs_pkt_before_synack: server packet before its SYN-ACK, ignored
  FinDataBeyondFin = 26,           // (ours) stream.data_beyond_fin: data after the FIN's sequence number
  SynOnEstablished = 27,           // stream.est_syn_resend (SYN on an established session)
  Midstream = 28,                  // (ours, informational) stream.midstream_pickup
  Count = 29,
}
