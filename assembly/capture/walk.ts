// capture/walk.ts: walk pcap and pcapng records in a chunk of bytes the host wrote into linear memory.
// Entry:     captureWalk(ptr, len, atEof): i32  -> bytes consumed; status in captureStatus()
// Owns:      the reader state (format, byte order, interface table) in globals and IFACES (static).
// Hot path:  yes: one pass over record headers; each packet goes to decodeFrame() in place (no copy).
// Formats:   pcap (magic a1b2c3d4 µs / a1b23c4d ns, both byte orders; link type in the low 16 bits);
//            pcapng (SHB, IDB with if_tsresol/if_tsoffset, EPB, SPB, obsolete PB; other blocks skipped;
//            several sections, each with its own byte order and interface table).
// Errors:    a record or block whose header is inconsistent stops the walk with CorruptRecord;
//            captureErrorAt() gives its offset in the chunk. Everything before it has been decoded.

import { Status } from "../abi/status";
import { St } from "../abi/stats";
import { statAdd } from "../util/cfg";
import { decodeFrame } from "../decode/decode";

const FMT_NONE: i32 = 0, FMT_PCAP: i32 = 1, FMT_PCAPNG: i32 = 2;
const MAX_RECORD: u32 = 0x4000000; // 64 MiB: anything larger is a corrupt length field
const MAX_IFACES: i32 = 4096;
// interface table: 32 bytes each: u32 linkType, u32 snaplen, f64 µs per tick, i64 if_tsoffset in µs
const IFACES: usize = memory.data(32 * 4096);

let fmt: i32 = FMT_NONE;
let swap: bool = false;
let nanos: bool = false;
let linkType: u32 = 0;
let ifCount: i32 = 0;
let status: i32 = Status.Ok;
let errorAt: u32 = 0;
let neededBytes: u32 = 0;

export function captureReset(): void {
  fmt = FMT_NONE; swap = false; nanos = false; linkType = 0; ifCount = 0;
  status = Status.Ok; errorAt = 0; neededBytes = 0;
}
export function captureStatus(): i32 { return status; }
export function captureErrorAt(): u32 { return errorAt; }
/** Size of the record that did not fit (Status.RecordTooLarge / NeedMore). */
export function captureNeeded(): u32 { return neededBytes; }
export function captureFormat(): i32 { return fmt; }
export function captureLinkType(): u32 { return linkType; }

// @ts-ignore: decorator
@inline function rd32(p: usize): u32 { const v = load<u32>(p); return swap ? bswap<u32>(v) : v; }
// @ts-ignore: decorator
@inline function rd16(p: usize): u32 { const v = load<u16>(p); return <u32>(swap ? bswap<u16>(v) : v); }

function fail(st: i32, at: usize, base: usize): i32 {
  status = st; errorAt = <u32>(at - base);
  return <i32>(at - base);
}

export function captureWalk(base: usize, len: u32, atEof: bool): i32 {
  status = Status.Ok;
  let p = base;
  const end = base + len;
  if (fmt == FMT_NONE) {
    if (len < 4) { status = Status.NeedMore; neededBytes = 24; return 0; }
    const magic = load<u32>(p);
    if (magic == 0x0a0d0d0a) fmt = FMT_PCAPNG;
    else if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d || magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1) {
      if (len < 24) { status = Status.NeedMore; neededBytes = 24; return 0; }
      swap = magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1;
      nanos = magic == 0xa1b23c4d || magic == 0x4d3cb2a1;
      if (rd16(p + 4) != 2) return fail(Status.BadVersion, p, base);
      linkType = rd32(p + 20) & 0xffff;
      fmt = FMT_PCAP;
      p += 24;
    } else return fail(Status.BadMagic, p, base);
  }
  if (fmt == FMT_PCAP) return walkPcap(base, p, end);
  return walkPcapng(base, p, end, atEof);
}

function walkPcap(base: usize, p: usize, end: usize): i32 {
  while (p + 16 <= end) {
    const incl = rd32(p + 8);
    const orig = rd32(p + 12);
    if (incl > MAX_RECORD) return fail(Status.CorruptRecord, p, base);
    if (p + 16 + incl > end) { status = Status.NeedMore; neededBytes = 16 + incl; return <i32>(p - base); }
    const sec = <i64>rd32(p);
    const frac = <i64>rd32(p + 4);
    const tsUs = sec * 1000000 + (nanos ? frac / 1000 : frac);
    statAdd(St.Packets, 1);
    statAdd(St.CaptureBytes, 16 + <u64>incl);
    decodeFrame(linkType, p + 16, incl, max<u32>(orig, incl), tsUs);
    p += 16 + incl;
  }
  if (p < end) { status = Status.NeedMore; neededBytes = 16; }
  return <i32>(p - base);
}

function ifaceAdd(lt: u32, snap: u32, usPerTick: f64, offsetUs: i64): void {
  if (ifCount >= MAX_IFACES) return;
  const q = IFACES + (<usize>ifCount << 5);
  store<u32>(q, lt); store<u32>(q, snap, 4); store<f64>(q, usPerTick, 8); store<i64>(q, offsetUs, 16);
  ifCount++;
}

function walkPcapng(base: usize, p: usize, end: usize, atEof: bool): i32 {
  while (p + 12 <= end) {
    const rawType = load<u32>(p);
    if (rawType == 0x0a0d0d0a) {
      // section header: the byte-order magic decides how everything in this section is read
      if (p + 16 > end) break;
      const bom = load<u32>(p + 8);
      if (bom == 0x1a2b3c4d) swap = false;
      else if (bom == 0x4d3c2b1a) swap = true;
      else return fail(Status.BadMagic, p, base);
      ifCount = 0;
    }
    const type = rd32(p);
    const blen = rd32(p + 4);
    if (blen < 12 || (blen & 3) != 0 || blen > MAX_RECORD) return fail(Status.CorruptRecord, p, base);
    if (p + blen > end) { status = Status.NeedMore; neededBytes = blen; return <i32>(p - base); }
    if (rd32(p + blen - 4) != blen) return fail(Status.CorruptRecord, p, base);
    const body = p + 8;
    const bodyLen = blen - 12;
    if (type == 1) {
      if (bodyLen < 8) return fail(Status.CorruptRecord, p, base);
      parseIdb(body, bodyLen);
    } else if (type == 6 || type == 2) {
      if (bodyLen < 20) return fail(Status.CorruptRecord, p, base);
      const ifId = type == 6 ? rd32(body) : rd16(body);
      if (ifId >= <u32>ifCount) return fail(Status.UnknownInterface, p, base);   // unsigned: 0xffffffff is no index
      const q = IFACES + (<usize>ifId << 5);
      const cap = rd32(body + 12);
      const orig = rd32(body + 16);
      if (cap > bodyLen - 20) return fail(Status.CorruptRecord, p, base);
      const ticks = (<u64>rd32(body + 4) << 32) | <u64>rd32(body + 8);
      const tsUs = <i64>(<f64>ticks * load<f64>(q, 8)) + load<i64>(q, 16);
      statAdd(St.Packets, 1);
      statAdd(St.CaptureBytes, blen);
      decodeFrame(load<u32>(q), body + 20, cap, max<u32>(orig, cap), tsUs);
    } else if (type == 3) {
      if (bodyLen < 4) return fail(Status.CorruptRecord, p, base);
      if (ifCount == 0) return fail(Status.UnknownInterface, p, base);
      const orig = rd32(body);
      let cap = min<u32>(orig, bodyLen - 4);
      const snap = load<u32>(IFACES, 4);
      if (snap != 0) cap = min<u32>(cap, snap);
      statAdd(St.Packets, 1);
      statAdd(St.CaptureBytes, blen);
      decodeFrame(load<u32>(IFACES), body + 4, cap, max<u32>(orig, cap), 0);
    }
    // other block types (name resolution, statistics, custom, decryption secrets...) are skipped
    p += blen;
  }
  if (p < end) { status = Status.NeedMore; if (neededBytes < 12) neededBytes = 12; }
  return <i32>(p - base);
}

function parseIdb(body: usize, bodyLen: u32): void {
  const lt = rd16(body);
  const snap = rd32(body + 4);
  let usPerTick: f64 = 1.0; // default if_tsresol 6: microseconds
  let offsetUs: i64 = 0;
  let o: usize = body + 8;
  const end = body + bodyLen;
  while (o + 4 <= end) {
    const code = rd16(o);
    const olen = rd16(o + 2);
    if (code == 0) break;
    if (o + 4 + olen > end) break;
    if (code == 9 && olen >= 1) {
      const r = load<u8>(o + 4);
      const n = <f64>(r & 0x7f);
      const ticksPerSec = (r & 0x80) != 0 ? Math.pow(2, n) : Math.pow(10, n);
      usPerTick = 1e6 / ticksPerSec;
    } else if (code == 14 && olen >= 8) {
      const secs = (<i64>rd32(o + 4 + (swap ? 0 : 4)) << 32) | <i64>rd32(o + 4 + (swap ? 4 : 0));
      offsetUs = secs * 1000000;
    }
    o += 4 + ((olen + 3) & ~3);
  }
  ifaceAdd(lt, snap, usPerTick, offsetUs);
}
