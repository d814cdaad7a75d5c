// tcp/session.ts: one TCP segment against its connection: handshake, sequence tracking, ACK-driven
// delivery, FIN/RST, and hand-off of payload to reassembly.
// Entry:     tcpHandleSegment() (reads decode/packet.ts), tcpRejectChecksum(), sessionEnd(f, reason)
// Owns:      flow records except their key (flow/table.ts) and segment lists (reassembly/).
// Hot path:  yes. A flat list of guard blocks, each with one comment (smoltcp process() style).
// Delivery:  IDS semantics (Suricata): a direction's bytes are delivered once the peer acknowledges
//            them, so a later overlapping segment can still win by policy until then; at connection end
//            (both FINs acknowledged, a valid RST, timeout, end of input) everything left is delivered,
//            holes as gaps. Unacknowledged in-order data beyond Cfg.FlushUnacked is delivered anyway
//            (one-sided captures never see an ACK).

import {
  E_ACK_OFF, E_BASE_SEQ, E_DELIV_OFF, E_GAP_COUNT, E_FIN_SEQ, E_FLAGS, E_MAX_END, E_NEXT_OFF, E_PKTS,
  E_POLICY, E_WINDOW, E_WIRE_BYTES, E_WSCALE, EPF_ACK_SEEN, EPF_BASE, EPF_DEPTH, EPF_FIN, EPF_FIN_ACKED,
  EPF_LOSSY, EPF_NO_REASM, EPF_RST, EPF_SEEN, EPF_SYN, EPF_TFO, EPF_WSCALE, EPF_CSUM_OK_EMPTY, EPF_CSUM_OK_DATA, EPF_CSUM_OK_BIG, F_CLOSER, F_EVENTS,
  F_FIRST_TS, F_FLAGS, F_LAST_TS, F_STATE, FF_ENDED, FF_ESTABLISHED_SEEN, FF_MIDSTREAM, FF_REVERSED,
  F_SADDR, F_CADDR, F_FAMILY, F_SPORT, FF_RST_IN_SYNSENT, FF_DROPPED, E_SEG_HEAD, S_START, ep,
} from "../abi/layout";
import { Ev } from "../abi/events";
import { St } from "../abi/stats";
import { Cfg } from "../abi/config";
import { cfgGet, statAdd } from "../util/cfg";
import { offsetToSeq, seqToOffset } from "../util/offset";
import { seqAdd } from "../util/seq";
import {
  TH_ACK, TH_FIN, TH_RST, TH_SYN, CSUM_GOOD, pktCsum, pktAck, pktDport, pktFlags, pktPayload, pktPayloadLen, pktSeq,
  pktSport, pktTfo, pktTs, pktWindow, pktWireLen, pktWscale, pktFragOverlap,
} from "../decode/packet";
import { flowCreate, flowDir, flowLookup, flowUnlink } from "../flow/table";
import { flowMakeRoom, timeoutOf } from "../flow/expiry";
import { INS_DIFF, INS_NOMEM, INS_TOO_MANY, segmentsClear, segmentsDeliver, segmentsInsert, deliverGap } from "../reassembly/segments";
import { Policy } from "../reassembly/policy";
import { TcpInput, TcpState, stateNext } from "./state";
import { hostEvent, hostFlowEnd, hostNotice, END_CLOSED, END_REUSE, END_TIMEOUT, NOTICE_DROPPED } from "../host";
import { policyFor, reassembleDir } from "./filter";
import { inspectEnd } from "../inspect/scan";

let midstream = true;
let depth: u64 = 0;
let flushUnacked: u64 = 4 << 20;
// Inspection delivery (Cfg.Inline, Cfg.Chunk*): IDS delivers acknowledged data in chunks; inline
// delivers in-order data as it arrives, so the packet that completes a match can still be dropped.
let inlineMode = false;
let chunkToServer: u64 = 0;
let chunkToClient: u64 = 0;
let chunkRange: u64 = 0;
let chunkSeed: u32 = 0;
let postRstDiscard = false;
const ACK_AHEAD_MAX: i64 = 1 << 30; // an ACK further than this beyond the data seen is invalid

let eventsOn = true;

export function sessionInit(): void {
  eventsOn = cfgGet(Cfg.Events) != 0;
  midstream = cfgGet(Cfg.Midstream) != 0;
  depth = <u64>cfgGet(Cfg.Depth);
  flushUnacked = <u64>cfgGet(Cfg.FlushUnacked);
  inlineMode = cfgGet(Cfg.Inline) != 0;
  chunkToServer = <u64>cfgGet(Cfg.ChunkToServer);
  chunkToClient = <u64>cfgGet(Cfg.ChunkToClient);
  chunkRange = <u64>cfgGet(Cfg.ChunkRange);
  chunkSeed = <u32>cfgGet(Cfg.Seed);
  postRstDiscard = cfgGet(Cfg.PostRstDiscard) != 0;
}

/** Raise anomaly `ev` on flow f (once per flow in the record; every time to the host and counters). */
export function raise(f: usize, dir: i32, ev: i32): void {
  if (!eventsOn) return;
  store<u64>(f, load<u64>(f, F_EVENTS) | (<u64>1 << <u64>ev), F_EVENTS);
  statAdd(St.Events, 1);
  hostEvent(f, dir, ev);
}

// @ts-ignore: decorator
@inline function flags16(e: usize): u16 { return load<u16>(e, E_FLAGS); }
// @ts-ignore: decorator
@inline function setFlag(e: usize, fl: u16): void { store<u16>(e, load<u16>(e, E_FLAGS) | fl, E_FLAGS); }
// @ts-ignore: decorator
@inline function state(f: usize): i32 { return <i32>load<u8>(f, F_STATE); }

function transition(f: usize, input: i32): void {
  const s = stateNext(state(f), input);
  store<u8>(f, <u8>s, F_STATE);
  if (s == TcpState.Established) store<u8>(f, load<u8>(f, F_FLAGS) | FF_ESTABLISHED_SEEN, F_FLAGS);
}

/** Offset of `seq` in endpoint e's stream (signed: negative = before the stream start). */
// @ts-ignore: decorator
@inline function offsetOf(e: usize, seq: u32): i64 {
  return seqToOffset(load<u32>(e, E_BASE_SEQ), load<u64>(e, E_MAX_END), seq);
}

/** Offset of the FIN of endpoint e, or u64 max if none. */
function finOffset(e: usize): u64 {
  if ((flags16(e) & EPF_FIN) == 0) return 0xffffffffffffffff;
  const o = offsetOf(e, load<u32>(e, E_FIN_SEQ));
  return o < 0 ? 0 : <u64>o;
}

// ---------------------------------------------------------------------------------------------
export function tcpHandleSegment(): void {
  const fl = pktFlags;
  const syn = (fl & TH_SYN) != 0, ack = (fl & TH_ACK) != 0, fin = (fl & TH_FIN) != 0, rst = (fl & TH_RST) != 0;

  // G1: flag combinations no stack accepts (SYN+FIN: Suricata #4569; SYN+RST): dropped
  if ((syn && fin) || (syn && rst)) {
    const f0 = flowLookup();
    if (f0 != 0) raise(f0, flowDir, Ev.FinSyn);
    statAdd(St.DecodeErrors, 1);
    return;
  }

  // G2: find the connection; a SYN on a finished one is a new connection (port reuse, as tshark counts)
  let f = flowLookup();
  if (f != 0 && pktTs - load<i64>(f, F_LAST_TS) > timeoutOf(f)) {
    // idle past its timeout (the periodic sweep has not come by yet): ended, this packet starts anew
    statAdd(St.FlowsTimedOut, 1);
    sessionEnd(f, END_TIMEOUT); f = 0;
  }
  if (f != 0 && syn && !ack && isReusable(f)) { sessionEnd(f, END_REUSE); f = 0; }

  // G3: no connection yet: a SYN opens one; anything else only when midstream pickup is on, except a
  //     bare FIN or RST (the tail of a connection that already ended: nothing to pick up)
  if (f == 0) {
    if ((!syn && !midstream) || (!syn && pktPayloadLen == 0 && (fin || rst))) { statAdd(St.IgnoredNoSession, 1); return; }
    f = sessionCreate(syn, ack);
    if (f == 0) return;
  }
  const dir = flowDir;
  const e = ep(f, dir), peer = ep(f, dir ^ 1);
  store<i64>(f, pktTs, F_LAST_TS);
  // G3b: inline mode, the host dropped this connection (a drop rule matched): every later packet of it
  //      is dropped too and not inspected (Suricata's flow drop)
  if ((load<u8>(f, F_FLAGS) & FF_DROPPED) != 0) { hostNotice(NOTICE_DROPPED, <u32>f, <usize>dir); return; }
  store<u32>(e, load<u32>(e, E_PKTS) + 1, E_PKTS);
  store<u64>(e, load<u64>(e, E_WIRE_BYTES) + pktWireLen, E_WIRE_BYTES);
  setFlag(e, EPF_SEEN);
  if (pktCsum == CSUM_GOOD) setFlag(e, checksumKind(pktPayloadLen));
  if (pktFragOverlap) raise(f, dir, Ev.FragOverlap);
  if (!ack && pktAck != 0 && !syn) raise(f, dir, Ev.PktBrokenAck);

  // G4: before the server's SYN-ACK, the only server packet that counts is a RST acknowledging the
  //     client's SYN (RFC 9293 §3.10.7.3); others (e.g. a FIN or RST+ACK with a wrong ACK sent ahead of
  //     the real SYN-ACK: Suricata bug 3286) are ignored. Such a RST closes the connection, but a
  //     SYN-ACK that follows reopens it: no data can have been lost yet.
  const rstBeforeSynack = (load<u8>(f, F_FLAGS) & FF_RST_IN_SYNSENT) != 0;
  if (dir == 1 && !syn && (state(f) == TcpState.SynSent || rstBeforeSynack)
      && (flags16(e) & EPF_SYN) == 0 && (flags16(ep(f, 0)) & EPF_SYN) != 0) {
    if (rstBeforeSynack) return;
    if (rst && ack && pktAck == load<u32>(ep(f, 0), E_BASE_SEQ)) {
      store<u8>(f, load<u8>(f, F_FLAGS) | FF_RST_IN_SYNSENT, F_FLAGS);
      transition(f, TcpInput.Rst);
    } else raise(f, dir, rst ? Ev.RstOutOfWindow : Ev.PktBeforeSynack);
    return;
  }
  if (syn && ack && dir == 1 && state(f) == TcpState.Closed && rstBeforeSynack) {
    store<u8>(f, (load<u8>(f, F_FLAGS) & ~FF_RST_IN_SYNSENT), F_FLAGS);
    store<u8>(f, <u8>TcpState.SynSent, F_STATE);
  }

  // G5: RST: honoured only when its sequence number is acceptable for the receiver's policy. An
  //     honoured RST closes the connection. Payload sent afterwards is, by default, still reassembled
  //     (Suricata processes post-RST packets in the pre-RST state, because RSTs get injected and lost;
  //     tshark and tcpflow show the bytes too); more from the RST's sender raises
  //     stream.suspected_rst_inject. With Cfg.PostRstDiscard (scan's default) payload from either side
  //     is not reassembled (the receiver discarded it) and each such packet raises the event.
  let afterRst = false;
  if (rst) {
    if (!handleRst(f, dir, e, peer)) return;
  } else if (state(f) == TcpState.Closed && pktPayloadLen > 0 && ((flags16(e) | flags16(peer)) & EPF_RST) != 0) {
    // the event as before for the RST's sender talking on; with discarding, for every payload dropped
    if (postRstDiscard || (flags16(e) & EPF_RST) != 0) raise(f, dir, Ev.SuspectedRstInject);
    afterRst = postRstDiscard;
  }

  // G6: SYN and SYN-ACK set the initial sequence numbers (and may carry data: TFO)
  if (syn) { if (!handleSyn(f, dir, e, peer, ack)) return; }

  // G7: midstream: the first sequence number seen is offset 0 of this direction
  if ((flags16(e) & EPF_BASE) == 0) {
    store<u32>(e, pktSeq, E_BASE_SEQ);
    setFlag(e, EPF_BASE);
  }

  // G8: window as advertised by this side (applies to the peer's data), stored scaled; a RST's window
  //     (usually 0) advertises nothing
  if (!rst) store<u32>(e, syn ? pktWindow : <u32>min<u64>(<u64>pktWindow << windowShift(e, peer), 0x40000000), E_WINDOW);

  // G9: the ACK acknowledges the peer's data: deliver what it covers
  if (ack) handleAck(f, dir, peer);

  // G10: payload (SYN payload was handled in G6)
  if (pktPayloadLen > 0 && !syn && !afterRst) handleData(f, dir, e, peer, pktSeq);

  // G11: FIN
  if (fin) handleFin(f, dir, e);

  // G12: state machine for everything that is not a SYN/FIN/RST input
  if (!syn && !rst && (ack || pktPayloadLen > 0)) {
    if (state(f) == TcpState.SynRecv && dir == 1 && pktPayloadLen == 0) { /* server ACK: not the 3rd packet */ }
    else {
      // the handshake's third packet must carry the client's next seq and acknowledge the SYN-ACK
      if (state(f) == TcpState.SynRecv && dir == 0 && ack && (flags16(peer) & EPF_SYN) != 0
          && offsetOf(e, pktSeq) != 0 && offsetOf(peer, pktAck) != 0) raise(f, dir, Ev.WrongSeqWrongAck);
      if (state(f) < TcpState.Established) transition(f, TcpInput.Ack);
    }
  }

  // G13: both FINs acknowledged: nothing more can be delivered, so the connection ends now (its record
  //      goes out, its memory back to the pools). Late retransmissions then find no connection: bare
  //      FINs/RSTs are ignored (G3), a late data segment starts a midstream pickup of nothing new.
  //      A connection closed by RST stays until its timeout: data after an RST is still reassembled.
  if (state(f) == TcpState.Closed && (flags16(e) & EPF_RST) == 0 && (flags16(peer) & EPF_RST) == 0
      && (flags16(e) & EPF_FIN_ACKED) != 0 && (flags16(peer) & EPF_FIN_ACKED) != 0) {
    sessionEnd(f, END_CLOSED);
  }
}

function isReusable(f: usize): bool {
  const s = state(f);
  if (s < TcpState.FinWait1 && s != TcpState.None) {
    // a SYN with a different ISN after a RST-less established connection is a retransmission or evasion
    return false;
  }
  if (s == TcpState.None) return false;
  // a retransmitted or late SYN (its ISN is the one this connection's client used) is not a new one
  const c = ep(f, 0);
  if ((flags16(c) & EPF_BASE) != 0 && seqAdd(pktSeq, 1) == load<u32>(c, E_BASE_SEQ) && flowDir == 0) return false;
  return true;
}

function sessionCreate(syn: bool, ack: bool): usize {
  // who is the client: a SYN's sender; a SYN-ACK's receiver; else the first packet's sender unless its
  // source port is a well-known (< 1024) port and the destination's is not
  let srcIsClient = true;
  if (syn) srcIsClient = !ack;
  else if (<u32>pktSport < 1024 && <u32>pktDport >= 1024) srcIsClient = false;
  let f = flowCreate(srcIsClient);
  if (f == 0) {
    flowMakeRoom();
    f = flowLookup() != 0 ? 0 : flowCreate(srcIsClient); // lookup recomputes the bucket for the packet
    if (f == 0) return 0;
  }
  store<i64>(f, pktTs, F_FIRST_TS);
  store<i64>(f, pktTs, F_LAST_TS);
  if (!syn) {
    store<u8>(f, load<u8>(f, F_FLAGS) | FF_MIDSTREAM, F_FLAGS);
    raise(f, flowDir, Ev.Midstream);
  }
  if (!srcIsClient && !(syn && ack)) store<u8>(f, load<u8>(f, F_FLAGS) | FF_REVERSED, F_FLAGS);
  // per-direction policy: chosen by the receiving host's address (Suricata host-os-policy)
  const fam = load<u8>(f, F_FAMILY);
  store<u8>(ep(f, 0), <u8>policyFor(f + F_SADDR, fam), E_POLICY);
  store<u8>(ep(f, 1), <u8>policyFor(f + F_CADDR, fam), E_POLICY);
  const sp = <u32>load<u16>(f, F_SPORT);
  if (!reassembleDir(0, sp)) setFlag(ep(f, 0), EPF_NO_REASM);
  if (!reassembleDir(1, sp)) setFlag(ep(f, 1), EPF_NO_REASM);
  return f;
}

function handleSyn(f: usize, dir: i32, e: usize, peer: usize, ack: bool): bool {
  const st = state(f);
  if ((flags16(e) & EPF_SYN) != 0) {
    // a repeated SYN / SYN-ACK: same ISN = retransmission, different ISN = anomaly (ignored)
    if (seqAdd(load<u32>(e, E_BASE_SEQ), 0xffffffff) != pktSeq) {
      if (st >= TcpState.Established) raise(f, dir, ack ? Ev.EstSynackResendWithDiffSeq : Ev.EstSynResendDiffSeq);
      else raise(f, dir, ack ? Ev.SynackResendWithDiffSeq : Ev.SynResendDiffSeqOnSynRecv);
      return false;
    }
    // a repeated SYN-ACK that acknowledges something else than the client's SYN
    if (ack && (flags16(peer) & EPF_SYN) != 0 && offsetOf(peer, pktAck) != 0 && (flags16(peer) & EPF_TFO) == 0) {
      raise(f, dir, st >= TcpState.Established ? Ev.EstInvalidAck : Ev.SynackResendWithDiffAck);
    }
    if (ack) handleAck(f, dir, peer);
    return true;
  }
  if ((flags16(e) & EPF_BASE) != 0 && st >= TcpState.Established) {
    raise(f, dir, Ev.SynOnEstablished);
    return false;
  }
  store<u32>(e, seqAdd(pktSeq, 1), E_BASE_SEQ);
  setFlag(e, EPF_SYN | EPF_BASE);
  if (pktWscale >= 0) { setFlag(e, EPF_WSCALE); store<u8>(e, <u8>pktWscale, E_WSCALE); }
  if (ack) {
    if (dir == 0) raise(f, dir, Ev.SynackInWrongDirection);
    // the SYN-ACK must acknowledge exactly the client's SYN (and any SYN data it accepted)
    if ((flags16(peer) & EPF_SYN) != 0) {
      const acked = offsetOf(peer, pktAck);
      if (acked < 0 || <u64>acked > load<u64>(peer, E_MAX_END)) raise(f, dir, Ev.SynackWithWrongAck);
      else if ((flags16(peer) & EPF_TFO) != 0 && acked == 0) {
        // the server took the SYN but not its data (no TFO): the client will send it again
        raise(f, dir, Ev.SynackTfoDataIgnored);
        dropUnacked(peer);
      }
    }
    transition(f, TcpInput.SynAck);
    handleAck(f, dir, peer);
  } else {
    transition(f, dir == 0 ? TcpInput.Syn : TcpInput.SynServer);
  }
  if (pktPayloadLen > 0) {
    raise(f, dir, Ev.SynWithData);
    setFlag(e, EPF_TFO);
    handleData(f, dir, e, peer, seqAdd(pktSeq, 1));
  }
  return true;
}

/** segmentsDeliver, raising stream.reassembly_seq_gap when holes were given up on as gaps. */
function deliver(f: usize, dir: i32, limit: u64, final: bool): void {
  const e = ep(f, dir);
  const gaps = load<u32>(e, E_GAP_COUNT);
  segmentsDeliver(f, dir, limit, final);
  if (load<u32>(e, E_GAP_COUNT) != gaps) raise(f, dir, Ev.SeqGap);
}

/** Forget stored, undelivered data of e (SYN data the server refused). */
function dropUnacked(e: usize): void {
  segmentsClear(e);
  const d = load<u64>(e, E_DELIV_OFF);
  store<u64>(e, d, E_NEXT_OFF);
  store<u64>(e, d, E_MAX_END);
}

function handleAck(f: usize, dir: i32, peer: usize): void {
  if ((flags16(peer) & EPF_BASE) == 0) return;        // nothing seen from the peer yet
  const a = offsetOf(peer, pktAck);
  if (a < 0) return;                                  // acknowledges nothing of the stream
  const maxEnd = <i64>load<u64>(peer, E_MAX_END);
  if (a > maxEnd + ACK_AHEAD_MAX) { raise(f, dir, Ev.EstInvalidAck); return; }
  const fo = finOffset(peer);
  if (fo != 0xffffffffffffffff && <u64>a > fo && (flags16(peer) & EPF_FIN_ACKED) == 0) {
    setFlag(peer, EPF_FIN_ACKED);
    const closer = <i32>load<u8>(f, F_CLOSER) - 1;    // the FIN's sender is dir ^ 1
    transition(f, closer == (dir ^ 1) ? TcpInput.AckFinA : TcpInput.AckFinB);
  }
  const ackOff = <u64>a;
  if (ackOff > load<u64>(peer, E_ACK_OFF) || (flags16(peer) & EPF_ACK_SEEN) == 0) {
    store<u64>(peer, ackOff, E_ACK_OFF);
    setFlag(peer, EPF_ACK_SEEN);
    if ((flags16(peer) & EPF_NO_REASM) == 0) deliverAcked(f, dir ^ 1, peer, min<u64>(ackOff, fo));
  }
}

/** IDS chunk size for the next delivery of direction `dir` (0 = every ACK delivers). With a range,
 *  the size is drawn as Suricata's randomize-chunk-size does (size +- range %), from a hash of the
 *  seed, the direction's base Seq and the chunk's start offset: a run replays exactly, in any host. */
function chunkSize(e: usize, dir: i32): u64 {
  const base = dir == 0 ? chunkToServer : chunkToClient;
  if (base == 0 || chunkRange == 0) return base;
  const span = base * chunkRange / 100;
  let h = chunkSeed ^ load<u32>(e, E_BASE_SEQ) ^ (<u32>dir << 31);
  h = mix32(h ^ <u32>load<u64>(e, E_DELIV_OFF));
  h = mix32(h ^ <u32>(load<u64>(e, E_DELIV_OFF) >> 32));
  return base - span + <u64>h % (2 * span + 1);
}

// @ts-ignore: decorator
@inline function mix32(x: u32): u32 {
  x ^= x >> 16; x *= 0x7feb352d; x ^= x >> 15; x *= 0x846ca68b; x ^= x >> 16;
  return x;
}

/** Delivers acknowledged data up to `limit` once a chunk's worth is ready, or at once when waiting would
 *  not help: a hole is acknowledged (gap), the FIN is reached (close) or the depth is (no more data). */
function deliverAcked(f: usize, dir: i32, e: usize, limit: u64): void {
  const deliv = load<u64>(e, E_DELIV_OFF);
  if (limit <= deliv) return;
  const c = chunkSize(e, dir);
  if (c != 0 && limit - deliv < c) {
    const h = <usize>load<u32>(e, E_SEG_HEAD);
    const hole = h == 0 || load<u64>(h, S_START) > deliv;
    const closing = limit >= finOffset(e) || (flags16(e) & EPF_DEPTH) != 0;
    if (!hole && !closing) return;
  }
  deliver(f, dir, limit, false);
}

/** Window-scale shift in force for windows advertised by `snd` (RFC 7323 §2.2: both SYNs carried it). */
function windowShift(snd: usize, other: usize): u32 {
  return ((flags16(snd) & EPF_WSCALE) != 0 && (flags16(other) & EPF_WSCALE) != 0) ? <u32>load<u8>(snd, E_WSCALE) : 0;
}

/** Receive window last advertised by `rcv` (scaled), or -1 when unknown: without the handshake the
 *  scale is unknown (Suricata then assumes the maximum, 14, i.e. no useful check). */
function windowOf(f: usize, rcv: usize, snd: usize): i64 {
  if ((flags16(rcv) & EPF_SYN) == 0 || (flags16(snd) & EPF_SYN) == 0) return -1;
  if ((flags16(rcv) & EPF_SEEN) == 0) return -1;
  return <i64>load<u32>(rcv, E_WINDOW);
}

function handleData(f: usize, dir: i32, e: usize, peer: usize, seq: u32): void {
  if ((flags16(e) & EPF_NO_REASM) != 0) return;
  let off = offsetOf(e, seq);
  let src = pktPayload;
  let len = pktPayloadLen;
  const wireEnd = off + <i64>pktWireLen;
  // before the stream start (midstream retransmission of earlier data): only the part after offset 0
  if (wireEnd <= 0) return;
  if (off < 0) {
    const cut = <u32>(-off);
    if (cut >= len) return;
    src += cut; len -= cut; off = 0;
  }
  // data beyond the FIN's sequence number is not part of the stream
  const fo = finOffset(e);
  if (<u64>off >= fo) { raise(f, dir, Ev.FinDataBeyondFin); return; }
  // out of the receiver's window (RFC 9293 §3.10.7.4): the receiver drops it, so must we
  if ((flags16(e) & EPF_ACK_SEEN) != 0) {
    const win = windowOf(f, peer, e);
    if (win >= 0 && wireEnd > <i64>load<u64>(e, E_ACK_OFF) + max<i64>(win, 1) && off > <i64>load<u64>(e, E_NEXT_OFF)) {
      raise(f, dir, Ev.EstPacketOutOfWindow);
      statAdd(St.OutOfWindow, 1);
      return;
    }
  }
  // stream depth: bytes beyond it are not stored
  if (depth != 0) {
    if (<u64>off + <u64>pktWireLen > depth && (flags16(e) & EPF_DEPTH) == 0) {
      setFlag(e, EPF_DEPTH); raise(f, dir, Ev.DepthReached); statAdd(St.DepthReached, 1);
    }
    if (<u64>off >= depth) return;
    if (<u64>off + len > depth) len = <u32>(depth - <u64>off);
  }
  let res = segmentsInsert(f, dir, <u64>off, src, len);
  if ((res & INS_TOO_MANY) != 0) {
    // a very long queue behind a hole: deliver what is held (holes as gaps), then insert again
    raise(f, dir, Ev.SegmentLimit);
    deliver(f, dir, load<u64>(e, E_MAX_END), true);
    res = segmentsInsert(f, dir, <u64>off, src, len);
  }
  if ((res & INS_NOMEM) != 0) {
    // memcap: give this direction's held data to the host now (holes become gaps), then retry once
    raise(f, dir, Ev.NoSegment);
    setFlag(e, EPF_LOSSY);
    deliver(f, dir, load<u64>(e, E_MAX_END), true);
    res = segmentsInsert(f, dir, <u64>off, src, len);
    if ((res & INS_NOMEM) != 0) {
      raise(f, dir, Ev.InsertMemcap);
      return;
    }
  }
  if ((res & INS_DIFF) != 0) raise(f, dir, Ev.OverlapDifferentData);
  // an ACK that came before the data (capture order) already covers it
  const ackOff = load<u64>(e, E_ACK_OFF);
  const deliv = load<u64>(e, E_DELIV_OFF);
  if ((flags16(e) & EPF_ACK_SEEN) != 0 && ackOff > deliv) deliverAcked(f, dir, e, min<u64>(ackOff, fo));
  // inline: in-order data goes to inspection as it arrives, before any ACK (the packet is still ours)
  if (inlineMode) {
    const next = load<u64>(e, E_NEXT_OFF);
    if (next > load<u64>(e, E_DELIV_OFF)) deliver(f, dir, next, false);
  }
  // one-sided or ACK-less streams: hand over in-order data once too much is held
  const held = load<u64>(e, E_MAX_END) - load<u64>(e, E_DELIV_OFF);
  if (held > flushUnacked) {
    const next = load<u64>(e, E_NEXT_OFF);
    if (next > load<u64>(e, E_DELIV_OFF)) deliver(f, dir, next, false);
    else deliver(f, dir, load<u64>(e, E_MAX_END), true);
  }
}

function handleFin(f: usize, dir: i32, e: usize): void {
  const finSeq = seqAdd(pktSeq, pktWireLen);
  if ((flags16(e) & EPF_FIN) != 0) return;            // retransmitted FIN
  // a FIN beyond the receiver's window is dropped by the receiver (the connection goes on)
  if ((flags16(e) & EPF_ACK_SEEN) != 0) {
    const win = windowOf(f, ep(f, dir ^ 1), e);
    const at = offsetOf(e, finSeq);
    if (win >= 0 && at > <i64>load<u64>(e, E_ACK_OFF) + max<i64>(win, 1)) { raise(f, dir, Ev.FinOutOfWindow); return; }
  }
  store<u32>(e, finSeq, E_FIN_SEQ);
  setFlag(e, EPF_FIN);
  const fo = finOffset(e);
  if (fo > load<u64>(e, E_MAX_END) && fo != 0xffffffffffffffff) store<u64>(e, fo, E_MAX_END);
  if (load<u8>(f, F_CLOSER) == 0) {
    store<u8>(f, <u8>(dir + 1), F_CLOSER);
    if (state(f) < TcpState.Established) transition(f, TcpInput.Ack);
    transition(f, TcpInput.FinA);
  } else transition(f, TcpInput.FinB);
}

/** False when the RST is not acceptable (event raised, packet ignored). */
function handleRst(f: usize, dir: i32, e: usize, peer: usize): bool {
  if (!rstAcceptable(f, e, peer)) { raise(f, dir, Ev.RstOutOfWindow); return false; }
  if (pktPayloadLen > 0) raise(f, dir, Ev.RstWithData);
  if (state(f) != TcpState.Closed) {
    setFlag(e, EPF_RST);
    transition(f, TcpInput.Rst);
  }
  return true;
}

/**
 * RST acceptance by the receiver's policy (Suricata StreamTcpValidateRst, reference §5.4):
 * hpux11: seq >= next; linux/old-linux/solaris: seq + len >= last ack and seq < next + window;
 * all others: seq == next exactly. "next" is the sender's next sequence number as far as the capture
 * shows (its highest data or FIN, or what the peer acknowledged if that is further: lost packets).
 * Without a known sequence space (no packet from the sender yet, or after a gap/memcap) any RST counts.
 */
function rstAcceptable(f: usize, e: usize, peer: usize): bool {
  if ((flags16(e) & EPF_BASE) == 0 || (flags16(e) & EPF_LOSSY) != 0) return true;
  const off = offsetOf(e, pktSeq);
  let next = <i64>load<u64>(e, E_MAX_END);
  const acked = <i64>load<u64>(e, E_ACK_OFF);
  if (acked > next) next = acked;
  const fo = finOffset(e);
  if (fo != 0xffffffffffffffff && <i64>fo + 1 > next && (flags16(e) & EPF_FIN) != 0) next = <i64>fo + 1;
  const policy = <i32>load<u8>(e, E_POLICY);
  if (policy == Policy.Hpux11) return off >= next;
  if (policy == Policy.Linux || policy == Policy.OldLinux || policy == Policy.Solaris) {
    const win = windowOf(f, peer, e);
    return off + <i64>pktWireLen >= acked && off < next + (win < 0 ? (<i64>1 << 30) : max<i64>(win, 1));
  }
  // the RST may also carry the sequence number the receiver last acknowledged (RFC 5961 exact match)
  return off == next || off == acked;
}

/** Delivers everything left in both directions (holes as gaps) and frees the stored data. */
export function sessionFinish(f: usize): void {
  for (let d = 0; d < 2; d++) {
    const e = ep(f, d);
    if ((flags16(e) & EPF_NO_REASM) != 0) { inspectEnd(e); continue; }
    const fo = finOffset(e);
    const maxEnd = load<u64>(e, E_MAX_END);
    let limit = maxEnd;
    if (fo != 0xffffffffffffffff && fo > limit) limit = fo;
    if (depth != 0 && limit > depth) limit = depth;
    deliver(f, d, limit, true);
    // a trailing hole that only the FIN, or the receiver's ACK, bounds is a gap too: the receiver got
    // those bytes (it acknowledged them), the capture did not
    let deliv = load<u64>(e, E_DELIV_OFF);
    if (fo != 0xffffffffffffffff && fo > deliv && (depth == 0 || fo <= depth)) {
      deliverGap(f, d, e, deliv, fo - deliv);
      raise(f, d, Ev.SeqGap);
      store<u64>(e, fo, E_DELIV_OFF);
      deliv = fo;
    }
    let acked = load<u64>(e, E_ACK_OFF);
    if (depth != 0 && acked > depth) acked = depth;
    if ((flags16(e) & EPF_ACK_SEEN) != 0 && acked > deliv && fo == 0xffffffffffffffff) {
      deliverGap(f, d, e, deliv, acked - deliv);
      raise(f, d, Ev.SeqGap);
      store<u64>(e, acked, E_DELIV_OFF);
    }
    segmentsClear(e);
    inspectEnd(e);
  }
}

/** Ends connection f: final delivery, record to the host, removal. */
export function sessionEnd(f: usize, reason: i32): void {
  if ((load<u8>(f, F_FLAGS) & FF_ENDED) == 0) {
    store<u8>(f, load<u8>(f, F_FLAGS) | FF_ENDED, F_FLAGS);
    sessionFinish(f);
    hostFlowEnd(f, reason);
  }
  flowUnlink(f);
}

/** Endpoint flag for "this sender got the checksum right on this kind of segment" (tcp/checksum.ts kinds). */
function checksumKind(payloadLen: u32): u16 {
  return payloadLen == 0 ? EPF_CSUM_OK_EMPTY : (payloadLen <= 1460 ? EPF_CSUM_OK_DATA : EPF_CSUM_OK_BIG);
}

/**
 * True when the current segment's sender, on this connection, has already sent this kind of segment
 * with a right checksum: a wrong one now is an insertion, whatever the host does elsewhere.
 */
export function tcpSenderChecksums(payloadLen: u32): bool {
  const f = flowLookup();
  return f != 0 && (flags16(ep(f, flowDir)) & checksumKind(payloadLen)) != 0;
}

/** A segment rejected for its checksum: counted, and an event on its connection if there is one. */
export function tcpRejectChecksum(): void {
  statAdd(St.BadChecksum, 1);
  const f = flowLookup();
  if (f != 0) raise(f, flowDir, Ev.InvalidChecksum);
}
