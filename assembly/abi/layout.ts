// abi/layout.ts: record layouts shared with the host (mirrored in src/core/abi.ts; a test compares them).
// Every record lives in a pool (util/pool.ts); its id is its address. Each record type has ONE owner
// module that writes it; the host only reads flow records, inside onFlowEnd / onData callbacks.
//
// Flow record (FLOW_SIZE = 272 bytes), owner flow/table.ts (key, chain, slot) and tcp/session.ts (the rest):
//   0 u32 hashNext     next record in the same hash bucket (0 = end)
//   4 u32 connId       connection number, in creation order (1-based)
//   8 u8  state        TcpState (tcp/state.ts)
//   9 u8  flags        FF_* below
//  10 u8  family       4 or 6
//  11 u8  closer       direction that sent the first FIN (tcp/state.ts)
//  12 u16 clientPort   16 u8[16] clientAddr (IPv4 in the first 4 bytes)
//  14 u16 serverPort   32 u8[16] serverAddr
//  48 i64 firstTs (µs) 56 i64 lastTs (µs)
//  64 u64 events       bit i set when event i (abi/events.ts) was raised on this connection
//  72 Endpoint toServer (data sent by the client)    168 Endpoint toClient (data sent by the server)
// 264 u32 slot         the record's number (1, 2, ...), fixed for the record's life (flow/table.ts), so
//                      unique among live flows and dense: the host indexes its Connection objects by it
//                      instead of hashing the address. Kept last: flowCreate zeroes the bytes before it
// 268 u32 (unused)
//
// Endpoint (EP_SIZE = 96 bytes), one per direction, named after the data it carries; owner tcp/session.ts
// (sequence fields) and reassembly/segments.ts (lists and offsets):
//   0 u32 baseSeq     Seq of stream offset 0           4 u32 finSeq     Seq of the FIN (EPF_FIN)
//   8 u16 flags       EPF_* below                     10 u8 wscale      11 u8 policy (Policy)
//  12 u32 window      last window advertised BY this side (unscaled)
//  16 u32 segHead     20 u32 segTail    sorted segment list (reassembly/segments.ts)
//  24 u32 pageHead    28 u32 pageTail   sorted page list (reassembly/store.ts)
//  32 u32 pkts        36 u32 gapCount
//  40 u64 nextOff     end of the contiguous data that starts at delivOff
//  48 u64 delivOff    every byte below has been delivered or reported as a gap
//  56 u64 ackOff      highest offset acknowledged by the peer
//  64 u64 maxEnd      highest end of data (or FIN) seen
//  72 u64 wireBytes   TCP payload bytes on the wire (retransmissions counted again)
//  80 u64 gapBytes    bytes reported as gaps
//  88 u32 matchStream the prefilter stream of this direction (inspect/scan.ts; 0 = none)   92 u32 (unused)

export const FLOW_SIZE: u32 = 272;
export const F_HASH_NEXT: usize = 0;
export const F_CONN_ID: usize = 4;
export const F_STATE: usize = 8;
export const F_FLAGS: usize = 9;
export const F_FAMILY: usize = 10;
export const F_CLOSER: usize = 11;
export const F_CPORT: usize = 12;
export const F_SPORT: usize = 14;
export const F_CADDR: usize = 16;
export const F_SADDR: usize = 32;
export const F_FIRST_TS: usize = 48;
export const F_LAST_TS: usize = 56;
export const F_EVENTS: usize = 64;
export const F_EP: usize = 72;
export const F_SLOT: usize = 264;

export const EP_SIZE: usize = 96;
export const E_BASE_SEQ: usize = 0;
export const E_FIN_SEQ: usize = 4;
export const E_FLAGS: usize = 8;
export const E_WSCALE: usize = 10;
export const E_POLICY: usize = 11;
export const E_WINDOW: usize = 12;
export const E_SEG_HEAD: usize = 16;
export const E_SEG_TAIL: usize = 20;
export const E_PAGE_HEAD: usize = 24;
export const E_PAGE_TAIL: usize = 28;
export const E_PKTS: usize = 32;
export const E_GAP_COUNT: usize = 36;
export const E_NEXT_OFF: usize = 40;
export const E_DELIV_OFF: usize = 48;
export const E_ACK_OFF: usize = 56;
export const E_MAX_END: usize = 64;
export const E_WIRE_BYTES: usize = 72;
export const E_GAP_BYTES: usize = 80;
export const E_MATCH_STREAM: usize = 88;

// flow flags
export const FF_MIDSTREAM: u8 = 1;     // picked up without a handshake
export const FF_REVERSED: u8 = 2;      // client chosen against the first packet's direction
export const FF_ENDED: u8 = 4;         // finalized (reported to the host); awaiting removal
export const FF_V6: u8 = 8;
export const FF_ESTABLISHED_SEEN: u8 = 16; // the handshake completed at some point
export const FF_NO_REASSEMBLY: u8 = 32;    // port/direction filter: track state only
export const FF_RST_IN_SYNSENT: u8 = 64;   // closed by a RST before the SYN-ACK (a SYN-ACK reopens)
export const FF_DROPPED: u8 = 128;         // inline: the host dropped the connection (flowDrop); later packets are dropped

// endpoint flags
export const EPF_BASE: u16 = 1;        // baseSeq is known
export const EPF_SYN: u16 = 2;         // sent a SYN (or SYN-ACK)
export const EPF_FIN: u16 = 4;         // sent a FIN (finSeq valid)
export const EPF_RST: u16 = 8;         // sent a RST that was accepted
export const EPF_WSCALE: u16 = 16;     // sent the window-scale option in its SYN
export const EPF_ACK_SEEN: u16 = 32;   // the peer has acknowledged some of this side's data
export const EPF_DEPTH: u16 = 64;      // depth reached: no more bytes are stored
export const EPF_FIN_ACKED: u16 = 128; // the peer acknowledged this side's FIN
export const EPF_SEEN: u16 = 256;      // at least one packet was sent by this side
export const EPF_NO_REASM: u16 = 512;  // this direction is not reassembled (filter)
export const EPF_TFO: u16 = 1024;      // SYN carried data (TFO or plain data-on-SYN)
export const EPF_LOSSY: u16 = 2048;    // memcap or gap: be liberal (accept any RST)
export const EPF_CSUM_OK_EMPTY: u16 = 4096; // sent a segment without payload with a right checksum
export const EPF_CSUM_OK_DATA: u16 = 8192;  // ... with payload <= 1460 bytes
export const EPF_CSUM_OK_BIG: u16 = 16384;  // ... with a larger (coalesced) payload
export const EPF_RETAIN_BAD: u16 = 32768;   // the retained page holds gap bytes: not comparable

// Segment record (SEG_SIZE = 24), owner reassembly/segments.ts
//   0 u32 next   4 u32 prev   8 u64 start   16 u32 len   20 u32 flags
export const SEG_SIZE: u32 = 24;
export const S_NEXT: usize = 0;
export const S_PREV: usize = 4;
export const S_START: usize = 8;
export const S_LEN: usize = 16;
export const S_FLAGS: usize = 20;

// Page (PAGE_BLOCK = 16 + PAGE_SIZE), owner reassembly/store.ts
//   0 u32 next   4 u32 prev   8 u64 pageNo (= offset >> PAGE_SHIFT)   16.. data
export const PAGE_SHIFT: u32 = 12;
export const PAGE_SIZE: u32 = 1 << PAGE_SHIFT;
export const PAGE_HDR: usize = 16;
export const P_NEXT: usize = 0;
export const P_PREV: usize = 4;
export const P_NO: usize = 8;

/** Address of endpoint `dir` (0 = toServer, 1 = toClient) of flow `f`. */
// @ts-ignore: decorator
@inline export function ep(f: usize, dir: i32): usize { return f + F_EP + <usize>dir * EP_SIZE; }
