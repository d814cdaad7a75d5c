// abi/events.ts: anomaly event ids. Names follow Suricata's `stream.*` events where the event is the same
// (SU:decode-events.h, rules/stream-events.rules); names marked "ours" have no Suricata twin. Mirrored,
// with names, in src/core/abi.ts (test/unit/core/abi.test.ts reads the names below and compares).
// Ids are stable and < 64 (they index the per-flow bitmask F_EVENTS).
export const enum Ev {
  SynWithData = 0,                 // stream.syn_with_data (ours; Snort 129:2 "data on SYN packet")
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
  RstOutOfWindow = 15,             // stream.rst_out_of_window (ours; Snort 129:15 "reset outside window"): RST ignored
  RstWithData = 16,                // stream.rst_with_data
  SuspectedRstInject = 17,         // stream.suspected_rst_inject
  OverlapDifferentData = 18,       // stream.reassembly_overlap_different_data
  SeqGap = 19,                     // stream.reassembly_seq_gap
  DepthReached = 20,               // stream.reassembly_depth_reached
  NoSegment = 21,                  // stream.reassembly_no_segment (segment pool / memcap)
  InsertMemcap = 22,               // stream.reassembly_insert_memcap (stream byte store / memcap)
  InvalidChecksum = 23,            // stream.pkt_invalid_checksum (ours): TCP or IPv4 checksum wrong, rejected
  FragOverlap = 24,                // ipv4.frag_overlap (ipv6.frag_overlap on IPv6 connections)
  PktBeforeSynack = 25,            // stream.3whs_pkt_before_synack (ours): server packet before its SYN-ACK, ignored
  FinDataBeyondFin = 26,           // stream.data_beyond_fin (ours): data after the FIN's sequence number
  SynOnEstablished = 27,           // stream.est_syn_resend (SYN on an established session)
  Midstream = 28,                  // stream.midstream_pickup (ours, informational)
  SegmentLimit = 29,               // stream.reassembly_segment_limit (ours; Snort 129:22): queue flushed
  Count = 30,
}
