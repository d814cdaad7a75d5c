// tcp/checksum.ts: what a wrong checksum means (`--checksum auto|on|off`).
// Entry:     checksumGate() (after decode), checksumMode(), checksumFlush()
// Owns:      the host table (HOSTS, arena) of checksum verdict counts per sending address.
// Semantics: off -> every segment is accepted. on -> a wrong IPv4-header or TCP checksum rejects the
//            segment (a receiver drops it, so bytes inserted that way never reach detection).
//            auto (default; Suricata's pcap `checksum-checks: auto`) decides per sending host and kind of
//            segment (see hostKey: the corpus has hosts whose data segments are offloaded while their
//            pure ACKs are checksummed in software, http-espn-25conns.pcapng, and hosts whose
//            GRO-coalesced segments carry wrong checksums among right ones, sll2-http-gro-large.pcap):
//            a host whose segments consistently carry wrong checksums is offloading (captured on the
//            sender before the NIC fills the checksum in): its segments are accepted, reported once.
//            A wrong checksum from a host that also sends correct ones is an insertion attempt: rejected
//            with an event. While a host has sent only wrong checksums and fewer than DECIDE_AFTER
//            segments, its segments and every segment after them are held back (in order, copied), so
//            that a forged segment sent first (e.g. a forged SYN before the real one) is still judged by
//            what the host sends next. Nothing is lost: held segments are replayed or rejected once the
//            host is decided, when HOLD_MAX segments or bytes are held, or at the end of input.

import { St } from "../abi/stats";
import { Cfg } from "../abi/config";
import { cfgGet, statAdd } from "../util/cfg";
import { arenaAlloc } from "../util/arena";
import {
  CSUM_BAD, CSUM_GOOD, SRC_ADDR, DST_ADDR, pktFamily, pktCsum, pktSetAddrs, pktSetTcp, pktSetOptions,
  pktSetPayload, pktSetTs, pktTs, pktSport, pktDport, pktSeq, pktAck, pktFlags, pktWindow, pktUrgPtr,
  pktWscale, pktTfo, pktPayload, pktPayloadLen, pktWireLen, pktSetCsum, CSUM_UNKNOWN, pktFrame, pktSetFrame,
} from "../decode/packet";
import { tcpHandleSegment, tcpRejectChecksum, tcpSenderChecksums } from "./session";
import { hostNotice, NOTICE_OFFLOAD } from "../host";

let mode: i32 = 2;
export function checksumMode(): i32 { return mode; }

// host table: open addressing, HOST_SLOTS entries of 32 bytes: addr[16], u8 used, u8 family, u8 verdict,
// u8 noticed, u32 good, u32 bad, u32 pad
const HOST_SLOTS: u32 = 1 << 18; // 8 MiB
let hosts: usize = 0;
const V_UNKNOWN: u8 = 0, V_VALID: u8 = 1, V_OFFLOAD: u8 = 2;
const DECIDE_AFTER: u32 = 3;      // wrong checksums, with no right one, that make a host "offloading"

// hold queue: copied segments (meta + payload) in one buffer, rewound whenever it empties
const HOLD_BYTES: u32 = 4 << 20;
const HOLD_MAX: u32 = 256;        // segments
const HOLD_US: i64 = 1_000_000;   // capture time the oldest held segment may wait for its verdict
const HREC: u32 = 96;             // meta record size
let hold: usize = 0;
let holdHead: u32 = 0, holdTail: u32 = 0, holdCount: u32 = 0; // byte positions in `hold`
let pendingHosts: u32 = 0;        // hosts with held wrong-checksum segments and no verdict

export function checksumInit(): bool {
  mode = <i32>cfgGet(Cfg.Checksum);
  if (mode != 2) return true;
  hosts = arenaAlloc(<usize>HOST_SLOTS * 32);
  hold = arenaAlloc(<usize>HOLD_BYTES);
  if (hosts == 0 || hold == 0) return false;
  memory.fill(hosts, 0, <usize>HOST_SLOTS * 32);
  return true;
}

/**
 * Host table key: the address family and the kind of segment: no payload, payload that fits one
 * standard MSS (1460), or larger (coalesced by TSO/GRO/LRO on the capturing host: such segments never
 * crossed a standard wire in that form, and their checksums are those of the pieces).
 */
// @ts-ignore: decorator
@inline function hostKey(family: u8, payloadLen: u32): u8 {
  return family | (payloadLen == 0 ? 0 : (payloadLen <= 1460 ? 0x10 : 0x20));
}

const PROBES: u32 = 8;

/**
 * The slot of (addr, key): found, or a free one claimed, or, when the PROBES slots are all taken, the
 * one with the fewest segments seen is recycled for it (so a flood of spoofed sources churns the table
 * but cannot keep a busy host from being tracked, and lookups stay O(PROBES)).
 */
function hostSlot(addr: usize, family: u8, insert: bool = true): usize {
  let h = load<u32>(addr) ^ (load<u32>(addr, 4) * 31) ^ (load<u32>(addr, 8) * 131) ^ (load<u32>(addr, 12) * 521) ^ (<u32>family * 0x9e3779b1);
  h ^= h >> 15; h *= 0x2c1b3c6d; h ^= h >> 12;
  let victim: usize = 0;
  let victimSeen: u32 = 0xffffffff;
  for (let i: u32 = 0; i < PROBES; i++) {
    const s = hosts + (<usize>((h + i) & (HOST_SLOTS - 1)) << 5);
    if (load<u8>(s, 16) == 0) { if (!insert) return 0; claim(s, addr, family); return s; }
    if (load<u8>(s, 17) == family && load<u64>(s) == load<u64>(addr) && load<u64>(s, 8) == load<u64>(addr, 8)) return s;
    const seen = load<u32>(s, 20) + load<u32>(s, 24);
    // a host with held segments waiting for its verdict is never recycled
    const pending = load<u8>(s, 18) == V_UNKNOWN && load<u32>(s, 24) > 0;
    if (!pending && seen < victimSeen) { victim = s; victimSeen = seen; }
  }
  if (!insert) return 0;
  if (victim != 0) { memory.fill(victim, 0, 32); claim(victim, addr, family); }
  return victim; // 0 only if every probed slot is pending: judged per segment (wrong = offload)
}

function claim(s: usize, addr: usize, family: u8): void {
  memory.copy(s, addr, 16); store<u8>(s, 1, 16); store<u8>(s, family, 17);
}

export function checksumGate(): void {
  if (mode == 0 || pktCsum == CSUM_UNKNOWN) { passOrHold(); return; }
  if (mode == 1) {
    if (pktCsum == CSUM_BAD) { tcpRejectChecksum(); return; }
    passOrHold(); return;
  }
  if (pktCsum == CSUM_GOOD) {
    // a right checksum matters only to a host whose verdict is pending (held segments): the
    // connection itself remembers that its sender checksums this kind of segment (tcp/session.ts)
    if (pendingHosts > 0) {
      const g = hostSlot(SRC_ADDR, hostKey(pktFamily, pktPayloadLen), false);
      if (g != 0 && load<u8>(g, 18) == V_UNKNOWN && load<u32>(g, 24) > 0) { pendingHosts--; store<u8>(g, V_VALID, 18); }
    }
    passOrHold(); return;
  }
  // a wrong checksum on a connection whose sender checksums this kind of segment: insertion
  if (tcpSenderChecksums(pktPayloadLen)) { tcpRejectChecksum(); return; }
  const s = hostSlot(SRC_ADDR, hostKey(pktFamily, pktPayloadLen));
  if (s == 0) { accepted(); passOrHold(); return; }
  // a wrong checksum
  const bad = load<u32>(s, 24) + 1;
  store<u32>(s, bad, 24);
  const verdict = load<u8>(s, 18);
  if (verdict == V_VALID) { tcpRejectChecksum(); return; }
  if (verdict == V_OFFLOAD) { accepted(); passOrHold(); return; }
  if (bad >= DECIDE_AFTER) { setOffload(s); accepted(); passOrHold(); return; }
  if (bad == 1) pendingHosts++;
  holdPush();
  if (holdExpired() || holdCount >= HOLD_MAX || holdTail - holdHead >= HOLD_BYTES) decideAll();
  else drain();
}

/** The oldest held segment has waited long enough (capture time): decide. */
function holdExpired(): bool {
  return holdCount > 0 && pktTs - load<i64>(hold + <usize>holdHead, 32) > HOLD_US;
}

function setOffload(s: usize): void {
  if (load<u8>(s, 18) == V_UNKNOWN && load<u32>(s, 24) > 0) pendingHosts--;
  store<u8>(s, V_OFFLOAD, 18);
  if (load<u8>(s, 19) == 0) { store<u8>(s, 1, 19); hostNotice(NOTICE_OFFLOAD, load<u8>(s, 17) & 15, s); }
}

/** A wrong checksum accepted as offload: counted, and no longer "bad" for the session. */
function accepted(): void { statAdd(St.OffloadAccepted, 1); pktSetCsum(CSUM_UNKNOWN); }

/** Process the current segment now, or queue it behind held ones (order is kept). */
function passOrHold(): void {
  if (holdCount == 0) { tcpHandleSegment(); return; }
  holdPush();
  if (holdExpired()) decideAll(); else drain();
}

const SAVE: usize = memory.data(80);

function writeMeta(r: usize, payloadAt: u32): void {
  memory.copy(r, SRC_ADDR, 16); memory.copy(r + 16, DST_ADDR, 16);
  store<i64>(r, pktTs, 32);
  store<u32>(r, pktSeq, 40); store<u32>(r, pktAck, 44);
  store<u16>(r, pktSport, 48); store<u16>(r, pktDport, 50);
  store<u8>(r, pktFlags, 52); store<u8>(r, pktFamily, 53); store<u8>(r, pktCsum, 54); store<u8>(r, pktTfo ? 1 : 0, 55);
  store<u32>(r, pktWindow, 56); store<i32>(r, pktWscale, 60);
  store<u32>(r, pktPayloadLen, 64); store<u32>(r, pktWireLen, 68); store<u16>(r, pktUrgPtr, 72);
  store<u32>(r, payloadAt, 76);
  store<u32>(r, pktFrame, 80);
}

function readMeta(r: usize, payload: usize): void {
  pktSetAddrs(load<u8>(r, 53), r, r + 16);
  pktSetTs(load<i64>(r, 32));
  pktSetFrame(load<u32>(r, 80));
  pktSetTcp(load<u16>(r, 48), load<u16>(r, 50), load<u32>(r, 40), load<u32>(r, 44), load<u8>(r, 52),
            load<u32>(r, 56), load<u16>(r, 72));
  pktSetOptions(load<i32>(r, 60), load<u8>(r, 55) != 0);
  pktSetPayload(payload, load<u32>(r, 64), load<u32>(r, 68), load<u8>(r, 54));
}

function holdPush(): void {
  const len = pktPayloadLen;
  const need = HREC + ((len + 15) & ~15);
  if (holdTail + need > HOLD_BYTES) {
    // no room: decide what is pending (undecided hosts have shown only wrong checksums), then go on.
    // The current segment's meta is saved around the replays; its payload stays in the input chunk.
    const payload = pktPayload;
    writeMeta(SAVE, 0);
    decideAll();
    readMeta(SAVE, payload);
    if (need > HOLD_BYTES) { pktCsumForced(); return; }
  }
  const r = hold + <usize>holdTail;
  writeMeta(r, need);
  memory.copy(r + HREC, pktPayload, len);
  holdTail += need;
  holdCount++;
  statAdd(St.HeldPackets, 1);
}

/** A segment too large to hold, after the queue was emptied: judged now with what is known. */
function pktCsumForced(): void {
  if (pktCsum == CSUM_BAD) {
    const s = hostSlot(SRC_ADDR, hostKey(pktFamily, pktPayloadLen));
    if (s != 0 && load<u8>(s, 18) == V_VALID) { tcpRejectChecksum(); return; }
    if (s != 0 && load<u8>(s, 18) == V_UNKNOWN) setOffload(s);
    accepted();
  }
  tcpHandleSegment();
}

/** Replays held segments from the front while their sender is decided (or needs no decision). */
function drain(): void {
  while (holdCount > 0) {
    const r = hold + <usize>holdHead;
    if (load<u8>(r, 54) == CSUM_BAD) {
      const s = hostSlot(r, hostKey(load<u8>(r, 53), load<u32>(r, 64)));
      if (s != 0 && load<u8>(s, 18) == V_UNKNOWN) return; // still undecided: keep holding
    }
    replayFront(false);
  }
}

function replayFront(forceOffload: bool): void {
  const r = hold + <usize>holdHead;
  const fam = load<u8>(r, 53);
  readMeta(r, r + HREC);
  holdHead += load<u32>(r, 76);
  holdCount--;
  // the payload view stays valid: the buffer is only rewound once empty, after this segment is handled
  if (pktCsum == CSUM_BAD) {
    const s = hostSlot(SRC_ADDR, hostKey(fam, load<u32>(r, 64)));
    let verdict = s == 0 ? V_OFFLOAD : load<u8>(s, 18);
    if (verdict == V_UNKNOWN && forceOffload) { setOffload(s); verdict = V_OFFLOAD; }
    if (verdict == V_VALID) { tcpRejectChecksum(); return; }
    accepted();
  }
  tcpHandleSegment();
  if (holdCount == 0) { holdHead = 0; holdTail = 0; }
}

/** Hold queue full: hosts still undecided have shown only wrong checksums, so they are offloading. */
function decideAll(): void {
  while (holdCount > 0) replayFront(true);
}

/** End of input: decide every pending host and replay what is held. */
export function checksumFlush(): void { if (holdCount > 0) decideAll(); }
