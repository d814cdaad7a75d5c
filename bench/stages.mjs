#!/usr/bin/env node
// Hot-path stage microbenchmarks of the streamsift core (the release wasm the CLI uses).
//
//   node bench/stages.mjs [--reps N] [--warmup N] [--scale F] [--budget S] [--only a,b,...] [--json]
//
//   --reps N     timed repetitions per stage (default 30), each paired with a baseline run
//   --warmup N   untimed repetitions first (default 3)
//   --scale F    multiply every stage's packet count (default 1)
//   --budget S   cap a stage at about S seconds of timed feeds by lowering its reps (default 10, min 5 reps)
//   --only LIST  stage ids, comma-separated; "g" also selects g-first ... g-bsd-warm, "e" selects e-warm
//                (a, b, c, d, e, e-warm, f, g-first, g-bsd, g-linux, g-old-linux, g-solaris, g-last,
//                 g-bsd-warm, h, i, i-cb)
//   --json       one JSON object instead of the table
//
// Each stage is one prebuilt classic pcap (Ethernet, microsecond timestamps 1 µs apart) that
// exercises one part of the hot path. Every repetition creates a fresh engine with
// createNodeEngine (checksum "off"; untimed, after a forced GC), then times only
// `e.feed(capture)` with process.hrtime.bigint(). The same is done with a header-only pcap on a
// fresh engine of the same configuration (the "empty" baseline, interleaved with the stage runs),
// and
//
//   ns/op = (median feed time of the stage capture - median feed time of the empty pcap) / packets
//
// ("best" uses the minimum times instead). feed() copies the capture into the core's input
// region in 4 MiB steps, so every stage includes that copy; fresh engines also pay for first-touch
// page faults and memory.grow of the wasm memory they fill during the timed feed.
// The "-warm" stages separate that growth from the algorithm: before the timed feed, the fresh
// engine is fed (untimed) another connection that sends as much data and has it all acknowledged,
// so the wasm memory is already grown and the freed pages sit in the pool; the timed feed is then
// the stage's records without the pcap header, and its baseline is feeding nothing.
// "i-cb" is stage i with an onData callback (a no-op), i.e. the library path; the CLI with -q
// registers none, and the core then skips the per-chunk host call.
// Before the timed runs, one untimed run per stage checks that the stage does what it claims
// (stats before and after finish(): see the "check" column).
//
// Stages: a ARP frames (record walk + link decode only), b UDP/IPv4 (decode to L4, no TCP),
// c distinct SYNs (flow lookup miss: a connection each), d pure ACKs on one established connection
// (flow lookup hit), e 1460-byte data segments in order, never acknowledged (held; flushUnacked
// 1 GiB), f the same segments in reverse order (out-of-order insert), g each segment followed by
// a re-send that overlaps its second half and 730 new bytes with different content, per overlap
// policy, h segments with one-MSS holes, each followed by an ACK beyond the hole (gap flush),
// i segments each followed by the ACK that covers it (delivery). TCP stages use window scale 14,
// so the receive window never drops the out-of-order segments of f.
//
// Runs itself again with --expose-gc when started without it. Node builtins + dist/ only.

import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import os from "node:os";

if (typeof globalThis.gc !== "function") {
  const r = spawnSync(process.execPath, ["--expose-gc", ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: "inherit" });
  process.exit(r.status ?? 1);
}

const { createNodeEngine } = await import("../dist/node.js");
const { PcapWriter, tcpPacket, ethernet, ipv4, udp, EtherType, IpProto } = await import("../dist/io/pcap-writer.js");

// ------------------------------------------------------------------ arguments
const USAGE = "usage: node bench/stages.mjs [--reps N] [--warmup N] [--scale F] [--budget S] [--only a,b,...] [--json]";
const opt = { reps: 30, warmup: 3, scale: 1, budget: 10, only: null, json: false };
{
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i++) {
    const num = (zeroOk = false) => {
      const v = Number(a[++i]);
      if (!Number.isFinite(v) || v < 0 || (v === 0 && !zeroOk)) die(`bad value for ${a[i - 1]}`);
      return v;
    };
    switch (a[i]) {
      case "--reps": opt.reps = Math.floor(num()); break;
      case "--warmup": opt.warmup = Math.floor(num(true)); break;
      case "--scale": opt.scale = num(); break;
      case "--budget": opt.budget = num(); break;
      case "--only": opt.only = String(a[++i] ?? "").split(",").filter(Boolean); break;
      case "--json": opt.json = true; break;
      case "-h": case "--help": process.stdout.write(`${USAGE}\n`); process.exit(0); break;
      default: die(`unexpected argument ${a[i]}`);
    }
  }
}
function die(msg) {
  process.stderr.write(`stages: ${msg}\n${USAGE}\n`);
  process.exit(2);
}
const n = (base) => Math.max(16, Math.round(base * opt.scale));

// ------------------------------------------------------------------ capture builders
const T0 = 1_700_000_000_000_000; // µs
const MSS = 1460;
const C = "10.0.0.1", S = "10.0.0.2", CP = 40000, SP = 80;
const ISN_C = 1000, ISN_S = 5000;
const PAT_A = new Uint8Array(4 * MSS).map((_, i) => (i * 7 + 1) & 255);
const PAT_B = new Uint8Array(4 * MSS).map((_, i) => ~(i * 7 + 1) & 255);

// Classic pcap assembled here (PcapWriter.bytes() spreads its chunk list into one call, which
// overflows the stack beyond ~100,000 records); the header comes from PcapWriter.
const EMPTY = new PcapWriter().bytes(); // 24-byte header, no records
class Cap {
  constructor() { this.frames = []; this.ts = []; this.t = T0; this.packets = 0; this.size = EMPTY.length; }
  add(frame) { this.frames.push(frame); this.ts.push(this.t++); this.packets++; this.size += 16 + frame.length; return this; }
  done() {
    const bytes = new Uint8Array(this.size);
    const dv = new DataView(bytes.buffer);
    bytes.set(EMPTY, 0);
    let o = EMPTY.length;
    for (let i = 0; i < this.frames.length; i++) {
      const f = this.frames[i], t = this.ts[i];
      dv.setUint32(o, Math.floor(t / 1e6), true);
      dv.setUint32(o + 4, t % 1e6, true);
      dv.setUint32(o + 8, f.length, true);
      dv.setUint32(o + 12, f.length, true);
      bytes.set(f, o + 16);
      o += 16 + f.length;
    }
    return { bytes, packets: this.packets };
  }
}

const tcp = (o) => tcpPacket({ padTo: 60, window: 65535, ...o });
/** client -> server segment carrying `len` bytes at relative sequence `rel` (1 = first byte) */
const cData = (rel, len, pat = PAT_A, cp = CP) =>
  tcp({ src: C, dst: S, srcPort: cp, dstPort: SP, seq: ISN_C + rel, ack: ISN_S + 1, flags: "PA", payload: pat.subarray(rel % MSS, (rel % MSS) + len) });
/** server -> client pure ACK of the client's bytes up to relative `rel` */
const sAck = (rel, cp = CP) => tcp({ src: S, dst: C, srcPort: SP, dstPort: cp, seq: ISN_S + 1, ack: ISN_C + rel, flags: "A" });
// Window scale 14 on both sides, and a server ACK after the handshake that advertises the scaled
// window (the SYN-ACK's own window is never scaled): the receive window (65535 << 14) then never
// limits what a stage holds (an out-of-order segment beyond it is dropped, as the receiver would).
function handshake(cap, cp = CP) {
  cap.add(tcp({ src: C, dst: S, srcPort: cp, dstPort: SP, seq: ISN_C, flags: "S", options: { mss: MSS, wscale: 14 } }));
  cap.add(tcp({ src: S, dst: C, srcPort: SP, dstPort: cp, seq: ISN_S, ack: ISN_C + 1, flags: "SA", options: { mss: MSS, wscale: 14 } }));
  cap.add(tcp({ src: C, dst: S, srcPort: cp, dstPort: SP, seq: ISN_C + 1, ack: ISN_S + 1, flags: "A" }));
  cap.add(sAck(1, cp));
  return cap;
}

/** Pre-warm for a "-warm" stage: another connection sends `count` segments, then one ACK covers them
 *  all, so the wasm memory has grown and the freed pages and records sit in the pools. Its timestamps
 *  end before the stage's begin. */
function prewarmCapture(count) {
  const cap = new Cap();
  cap.t = T0 - 10_000_000;
  handshake(cap, CP + 1);
  for (let k = 0; k < count; k++) cap.add(cData(1 + k * MSS, MSS, PAT_A, CP + 1));
  cap.add(sAck(1 + count * MSS, CP + 1));
  return cap.done();
}

function arpCapture(count) {
  const arp = new Uint8Array(28);
  arp.set([0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 10, 0, 0, 2]);
  const frame = ethernet({ type: EtherType.ARP, dst: "ff:ff:ff:ff:ff:ff", payload: arp, padTo: 60 });
  const cap = new Cap();
  for (let i = 0; i < count; i++) cap.add(frame);
  return cap.done();
}
function udpCapture(count) {
  const cap = new Cap();
  const payload = PAT_A.subarray(0, 64);
  for (let i = 0; i < count; i++) {
    const sport = 1024 + (i % 50000);
    cap.add(ethernet({ type: EtherType.IPv4, payload: ipv4({ src: C, dst: S, proto: IpProto.UDP, id: i & 0xffff, payload: udp(C, S, { srcPort: sport, dstPort: 53, payload }) }) }));
  }
  return cap.done();
}
function synCapture(count) {
  const cap = new Cap();
  for (let i = 0; i < count; i++) {
    const src = `10.${1 + (i >>> 16)}.${(i >>> 8) & 255}.${i & 255}`;
    cap.add(tcp({ src, dst: "192.168.0.1", srcPort: 1024 + (i % 60000), dstPort: SP, seq: (i * 2654435761) >>> 0, flags: "S", options: { mss: MSS } }));
  }
  return cap.done();
}
function ackCapture(count) {
  const cap = handshake(new Cap());
  const ack = tcp({ src: C, dst: S, srcPort: CP, dstPort: SP, seq: ISN_C + 1, ack: ISN_S + 1, flags: "A" });
  for (let i = 0; i < count; i++) cap.add(ack);
  return cap.done();
}
function inOrderCapture(count, reverse = false) {
  const cap = handshake(new Cap());
  const frames = [];
  for (let k = 0; k < count; k++) frames.push(cData(1 + k * MSS, MSS));
  if (reverse) frames.reverse();
  for (const f of frames) cap.add(f);
  return cap.done();
}
function overlapCapture(count) {
  const cap = handshake(new Cap());
  const half = MSS >> 1;
  for (let k = 0; k < count; k++) {
    cap.add(cData(1 + k * MSS, MSS, PAT_A));
    cap.add(cData(1 + k * MSS + half, MSS, PAT_B)); // re-send: half over the held segment, half new, other bytes
  }
  return cap.done();
}
function gapCapture(count) {
  const cap = handshake(new Cap());
  for (let k = 0; k < count; k++) {
    cap.add(cData(1 + 2 * k * MSS, MSS));       // segment, then a one-MSS hole
    cap.add(sAck(1 + (2 * k + 2) * MSS));       // ACK beyond the hole
  }
  return cap.done();
}
function deliveryCapture(count) {
  const cap = handshake(new Cap());
  for (let k = 0; k < count; k++) {
    cap.add(cData(1 + k * MSS, MSS));
    cap.add(sAck(1 + (k + 1) * MSS));
  }
  return cap.done();
}

// ------------------------------------------------------------------ stages
const BASE = { checksum: "off", flushUnacked: 1 << 30 };
const N_SMALL = n(100_000), N_SYN = n(50_000), N_SEG = n(20_000), N_PAIR = n(10_000);
const eq = (what, got, want) => (got === want ? null : `${what}=${got} (want ${want})`);

const stages = [
  { id: "a", name: "record walk (ARP, not IP)", build: () => arpCapture(N_SMALL),
    check: (s) => [eq("packets", s.packets, N_SMALL), eq("tcp_packets", s.tcp_packets, 0)] },
  { id: "b", name: "decode to L4 (UDP/IPv4)", build: () => udpCapture(N_SMALL),
    check: (s) => [eq("packets", s.packets, N_SMALL), eq("tcp_packets", s.tcp_packets, 0), eq("decode_errors", s.decode_errors, 0)] },
  { id: "c", name: "flow lookup miss (distinct SYNs)", build: () => synCapture(N_SYN),
    check: (s) => [eq("flows_created", s.flows_created, N_SYN), eq("flows_pruned", s.flows_pruned, 0)] },
  { id: "d", name: "flow lookup hit (pure ACKs, 1 conn)", build: () => ackCapture(N_SMALL),
    check: (s) => [eq("flows_created", s.flows_created, 1), eq("tcp_packets", s.tcp_packets, N_SMALL + 4)] },
  { id: "e", name: "in-order append (unacked, held)", build: () => inOrderCapture(N_SEG),
    check: (s, f) => [eq("delivered before finish", s.delivered_toserver, 0), eq("delivered after finish", f.delivered_toserver, N_SEG * MSS), eq("memcap_drops", s.memcap_drops, 0)] },
  { id: "e-warm", name: "in-order append, pre-grown memory", build: () => inOrderCapture(N_SEG), prewarm: () => prewarmCapture(N_SEG),
    check: (s, f) => [eq("delivered before finish", s.delivered_toserver, N_SEG * MSS), eq("delivered after finish", f.delivered_toserver, 2 * N_SEG * MSS), eq("memcap_drops", s.memcap_drops, 0)] },
  { id: "f", name: "out-of-order insert (reverse order)", build: () => inOrderCapture(N_SEG, true),
    check: (s, f) => [eq("delivered before finish", s.delivered_toserver, 0), eq("delivered after finish", f.delivered_toserver, N_SEG * MSS),
      eq("out_of_window", s.out_of_window, 0), eq("memcap_drops", s.memcap_drops, 0)] },
  ...["first", "bsd", "linux", "old-linux", "solaris", "last"].map((policy) => ({
    id: `g-${policy}`, name: `overlap resolution, policy ${policy}`, config: { policy }, build: () => overlapCapture(N_PAIR),
    check: (s, f) => [eq("delivered after finish", f.delivered_toserver, N_PAIR * MSS + (MSS >> 1)), s.overlaps > 0 ? null : "overlaps=0", eq("memcap_drops", s.memcap_drops, 0)],
  })),
  { id: "g-bsd-warm", name: "overlap resolution, bsd, pre-grown memory", config: { policy: "bsd" }, build: () => overlapCapture(N_PAIR), prewarm: () => prewarmCapture(2 * N_PAIR),
    check: (s, f) => [eq("delivered after finish", f.delivered_toserver - s.delivered_toserver, N_PAIR * MSS + (MSS >> 1)), s.overlaps > 0 ? null : "overlaps=0", eq("memcap_drops", s.memcap_drops, 0)] },
  { id: "h", name: "gap flush (ACK beyond a hole)", build: () => gapCapture(N_PAIR),
    // the core reports the hole once data beyond it arrives, so the last (trailing) hole is not a gap
    check: (s) => [eq("gaps", s.gaps, N_PAIR - 1), eq("gap_bytes", s.gap_bytes, (N_PAIR - 1) * MSS), eq("delivered", s.delivered_toserver, N_PAIR * MSS)] },
  { id: "i", name: "delivery of acked data (no callback)", build: () => deliveryCapture(N_PAIR),
    check: (s) => [eq("delivered", s.delivered_toserver, N_PAIR * MSS), eq("gaps", s.gaps, 0)] },
  { id: "i-cb", name: "delivery of acked data + onData no-op", build: () => deliveryCapture(N_PAIR), onData: true,
    check: (s, _f, cb) => [eq("delivered", s.delivered_toserver, N_PAIR * MSS), eq("onData bytes", cb.bytes, N_PAIR * MSS)] },
].filter((s) => !opt.only || opt.only.some((o) => s.id === o || s.id.startsWith(`${o}-`)));

// ------------------------------------------------------------------ measurement
const cbState = { bytes: 0 };
const callbacksFor = (st) => (st.onData ? { onData: (_c, _d, bytes) => { cbState.bytes += bytes.length; } } : {});
const engineFor = (st) => createNodeEngine({ ...BASE, ...(st.config ?? {}) }, callbacksFor(st));

async function timeFeed(st, buf, warm) {
  globalThis.gc();
  const e = await engineFor(st);
  if (warm) e.feed(warm);
  const t0 = process.hrtime.bigint();
  e.feed(buf);
  const t1 = process.hrtime.bigint();
  return Number(t1 - t0);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const rows = [];
const log = (s) => process.stderr.write(`${s}\n`);
for (const st of stages) {
  const tb = process.hrtime.bigint();
  const cap = st.build();
  const buildMs = Number(process.hrtime.bigint() - tb) / 1e6;

  // correctness run (untimed): stats after the feed, and after finish()
  // with a pre-warm, the engine has read the pcap header already: the stage feeds records only, and
  // its baseline is the same pre-warmed engine fed nothing
  const warm = st.prewarm ? st.prewarm() : null;
  const stageBuf = warm ? cap.bytes.subarray(24) : cap.bytes;
  const emptyBuf = warm ? new Uint8Array(0) : EMPTY;
  const warmBuf = warm ? warm.bytes : null;
  cbState.bytes = 0;
  const ve = await engineFor(st);
  if (warmBuf) ve.feed(warmBuf);
  ve.feed(stageBuf);
  const s1 = ve.stats();
  const cb = { bytes: cbState.bytes };
  ve.finish();
  const s2 = ve.stats();
  const problems = [eq("packets", s1.packets, cap.packets + (warm ? warm.packets : 0)), ...st.check(s1, s2, cb)].filter(Boolean);

  for (let i = 0; i < opt.warmup; i++) { await timeFeed(st, stageBuf, warmBuf); await timeFeed(st, emptyBuf, warmBuf); }
  // slow stages (seconds per feed) get fewer repetitions: about --budget seconds each, at least 5
  const probe = await timeFeed(st, stageBuf, warmBuf);
  const reps = Math.max(Math.min(5, opt.reps), Math.min(opt.reps, Math.floor((opt.budget * 1e9) / probe)));
  const full = [], empty = [];
  for (let i = 0; i < reps; i++) {
    full.push(await timeFeed(st, stageBuf, warmBuf));
    empty.push(await timeFeed(st, emptyBuf, warmBuf));
  }
  const mf = median(full), me = median(empty), bf = Math.min(...full), be = Math.min(...empty);
  const row = {
    id: st.id, stage: st.name, packets: cap.packets, bytes: cap.bytes.length, reps,
    feed_ms_median: mf / 1e6, empty_ms_median: me / 1e6,
    ns_per_op: (mf - me) / cap.packets, ns_per_op_best: (bf - be) / cap.packets,
    ns_per_byte: (mf - me) / cap.bytes.length,
    problems, stats: s1,
  };
  rows.push(row);
  log(`stages: ${st.id} ${st.name}: ${row.ns_per_op.toFixed(1)} ns/op (build ${buildMs.toFixed(0)} ms)${problems.length ? ` CHECK FAILED: ${problems.join(", ")}` : ""}`);
}

// ------------------------------------------------------------------ report
if (opt.json) {
  process.stdout.write(`${JSON.stringify({ node: process.version, cpu: os.cpus()[0]?.model, reps: opt.reps, rows: rows.map(({ stats, ...r }) => r) })}\n`);
} else {
  const head = ["stage", "what", "packets", "capture", "reps", "feed ms (med)", "empty ms (med)", "ns/op (med)", "ns/op (best)", "ns/byte", "Mpkt/s", "check"];
  const body = rows.map((r) => [
    r.id, r.stage, String(r.packets), `${(r.bytes / 1e6).toFixed(1)} MB`, String(r.reps), r.feed_ms_median.toFixed(2), r.empty_ms_median.toFixed(3),
    r.ns_per_op.toFixed(1), r.ns_per_op_best.toFixed(1), r.ns_per_byte.toFixed(3), (1e3 / r.ns_per_op).toFixed(2),
    r.problems.length ? `!!! ${r.problems.join(", ")}` : "ok",
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const right = new Set([2, 3, 4, 5, 6, 7, 8, 9, 10]);
  const line = (r) => r.map((c, i) => (right.has(i) ? c.padStart(w[i]) : c.padEnd(w[i]))).join(" | ").trimEnd();
  const out = [
    "",
    `streamsift stage microbenchmarks: release core (dist/node.js, build/core.wasm), checksum off, flushUnacked 1 GiB; up to ${opt.reps} reps (about ${opt.budget} s per stage) + ${opt.warmup} warm-up, fresh engine per rep; ${os.cpus().length} x ${os.cpus()[0]?.model ?? "?"}, node ${process.version}`,
    "",
    line(head), w.map((x) => "-".repeat(x)).join("-|-"), ...body.map(line),
    "",
    "ns/op = (feed time of the stage capture - feed time of a header-only pcap, same engine config) / packets in the capture; med = medians, best = minimums.",
    "Every capture also carries the feed() copy into the input region (see ns/byte) and, on fresh engines, first-touch of the wasm memory it fills.",
  ];
  process.stdout.write(`${out.join("\n")}\n`);
}
process.exitCode = rows.some((r) => r.problems.length) ? 1 : 0;
