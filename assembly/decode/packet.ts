// decode/packet.ts: the decoded TCP segment ("PacketMeta") as module globals, filled by decode/ and read
// by tcp/. One packet at a time; nothing here outlives the call to tcpHandleSegment().
// Owns:      SRC_ADDR / DST_ADDR (16-byte scratch, IPv4 in the first 4 bytes, rest zero).

export const SRC_ADDR: usize = memory.data(16);
export const DST_ADDR: usize = memory.data(16);

export const TH_FIN: u8 = 0x01;
export const TH_SYN: u8 = 0x02;
export const TH_RST: u8 = 0x04;
export const TH_PSH: u8 = 0x08;
export const TH_ACK: u8 = 0x10;
export const TH_URG: u8 = 0x20;

export const CSUM_UNKNOWN: u8 = 0; // not checked (mode off, or the segment was cut by the snap length)
export const CSUM_GOOD: u8 = 1;
export const CSUM_BAD: u8 = 2;

export let pktTs: i64 = 0;
export let pktFrame: u32 = 0;       // capture record number (1-based, as Wireshark's frame.number)
export let pktFamily: u8 = 4;
export let pktSport: u16 = 0;
export let pktDport: u16 = 0;
export let pktSeq: u32 = 0;
export let pktAck: u32 = 0;
export let pktFlags: u8 = 0;
export let pktWindow: u32 = 0;
export let pktWscale: i32 = -1;     // -1: option absent
export let pktTfo: bool = false;     // TCP Fast Open option (34, or experimental 254 with magic f989)
export let pktMss: u32 = 0;          // MSS option (0: absent)
export let pktSackPerm: bool = false; // SACK-permitted option
export let pktTsVal: u32 = 0;        // timestamps option (pktHasTs)
export let pktTsEcr: u32 = 0;
export let pktHasTs: bool = false;
export let pktPayload: usize = 0;    // captured payload
export let pktPayloadLen: u32 = 0;   // captured payload length
export let pktWireLen: u32 = 0;      // payload length on the wire (from the IP length); >= pktPayloadLen
export let pktCsum: u8 = CSUM_UNKNOWN;
export let pktUrgPtr: u16 = 0;

export function pktSetAddrs(family: u8, src: usize, dst: usize): void {
  pktFamily = family;
  if (family == 4) {
    store<u32>(SRC_ADDR, load<u32>(src)); store<u32>(SRC_ADDR, 0, 4); store<u64>(SRC_ADDR, 0, 8);
    store<u32>(DST_ADDR, load<u32>(dst)); store<u32>(DST_ADDR, 0, 4); store<u64>(DST_ADDR, 0, 8);
  } else {
    store<u64>(SRC_ADDR, load<u64>(src)); store<u64>(SRC_ADDR, load<u64>(src, 8), 8);
    store<u64>(DST_ADDR, load<u64>(dst)); store<u64>(DST_ADDR, load<u64>(dst, 8), 8);
  }
}

export function pktSetTcp(sport: u16, dport: u16, seq: u32, ack: u32, flags: u8, window: u32, urg: u16): void {
  pktSport = sport; pktDport = dport; pktSeq = seq; pktAck = ack; pktFlags = flags;
  pktWindow = window; pktUrgPtr = urg; pktWscale = -1; pktTfo = false;
}
export function pktSetOptions(wscale: i32, tfo: bool): void { pktWscale = wscale; pktTfo = tfo; }
export function pktSetMoreOptions(mss: u32, sackPerm: bool, hasTs: bool, tsVal: u32, tsEcr: u32): void {
  pktMss = mss; pktSackPerm = sackPerm; pktHasTs = hasTs; pktTsVal = tsVal; pktTsEcr = tsEcr;
}
export function pktSetPayload(ptr: usize, len: u32, wireLen: u32, csum: u8): void {
  pktPayload = ptr; pktPayloadLen = len; pktWireLen = wireLen; pktCsum = csum;
}
export function pktSetTs(ts: i64): void { pktTs = ts; }
export function pktSetFrame(n: u32): void { pktFrame = n; }
export function pktSetCsum(c: u8): void { pktCsum = c; }

/** Set by decode/defrag.ts when the datagram had overlapping fragments with different bytes. */
export let pktFragOverlap: bool = false;
export function pktSetFragOverlap(): void { pktFragOverlap = true; }
export function pktClearFragOverlap(): void { pktFragOverlap = false; }
