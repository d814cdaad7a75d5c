// match/confirm.ts: the exact check behind the filters (a candidate = "some literal of bucket b may end
// at position p"), and the results buffer it writes to.
// Entry:     build side: confirmBuild(db, ...) (called by database.ts at compile);
//            scan side: confirmBegin(db, data, stitch, stitchLimit, hist, base, histPtr) once per scan call, then
//            confirmCandidates(m, p) for each 8-position candidate mask; results via confirmResults*.
// Owns:      the results buffer (arena, grows geometrically, never returned) and, inside a database,
//            the confirm filter bitmap, the confirm hash (csr + records), the literal bytes and DB_ZERODROP.
// Hot path:  yes. No allocation once the results buffer is large enough. Per candidate: one 8-byte load,
//            one fold, one bitmap probe; only candidates that pass the bitmap probe the hash.
// Algorithm:
//   1. Filter bitmap (2^B bits, B = log2(16 n) rounded up, at least 2^12): bucket b has a key length
//      km(b) = min(16, shortest literal of b); every literal sets the bit of filterHash(its folded last
//      km(b) bytes, tag(min(8, km), b)). A candidate whose folded last km(b) bytes hit a clear bit is dropped: no
//      literal of b can end there (no false negative: the literal's own bit is set). About 1/16 of the
//      false candidates pass (one bit per literal in 16 n bits).
//   0. (At build only) DB_ZERODROP, per run length r < 16 the buckets that cannot match at the end of r
//      zero bytes (zeroDropFill); the scan drops their candidates there (zeroruns.ts).
//   2. Confirm hash: one probe per key length kl = min(8, len) present in the bucket (klMask), slot of
//      the folded last kl bytes and tag = kl | b << 4. A record of the slot with that tag is checked on
//      its last kl bytes (key), then, when longer than 8 bytes, on the up to 8 bytes before them (key2),
//      folded when caseless and raw when exact, so the two prove its last min(16, len) bytes; only the
//      bytes before those are compared one by one (longer literals).
// Invariants (database, checked by dbValidate in database.ts):
//   D4  the records of slot s are rec[csr[s]] .. rec[csr[s+1]]; a record sits in the slot of
//       confirmSlot(its folded last kl bytes, its tag bits 0-7); key and key2 are its last bytes as
//       stored (folded when caseless, raw when exact);
//   D5  every literal's filter bit is set (filterHash of its last km(b) bytes).
// Results: records of 16 B {u32 id, u32 0, f64 end}, ascending end (candidates arrive in ascending
//   position; the records of one position in slot order). If the buffer cannot grow, matches are dropped
//   and confirmLost() is true until the next confirmBegin.

import { arenaAlloc } from "../util/arena";
import { check, VALIDATE } from "../util/check";
import {
  DB_CSR, DB_REC, DB_BUCKETS, DB_ZERODROP, DB_NBUCKETS, DB_SLOTSHIFT, DB_FILTER, DB_FILTERSHIFT, DB_KEY2MASK, DB_COUNT, BK_KLMASK, BK_KMSHIFT,
  R_ID, R_LEN, R_KEY, R_KEY2, R_BYTES, R_TAG, R_SIZE, CASELESS_BIT, CONFIRM_HASH, NBUCKETS, fold64, foldByte,
} from "./database";

// ---- keys and slots ---------------------------------------------------------------------------------

/** A record's tag: its key length and bucket (a candidate of bucket b only looks at b's records). */
// @ts-ignore: decorator
@inline export function confirmTag(kl: u32, b: u32): u32 { return kl | (b << 4); }

/** Slot of a confirm key with its tag (mixed in: equal suffixes of other lengths/buckets spread apart). */
// @ts-ignore: decorator
@inline export function confirmSlot(key: u64, tag: u32, shift: u32): u32 {
  return <u32>(((key ^ (<u64>tag << 56)) * CONFIRM_HASH) >> shift);
}

/** The last kl bytes (kl <= 8) of a literal ending at endPtr, folded unless !fold, without reading before its start. */
function literalKey(endPtr: usize, kl: u32, fold: bool = true): u64 {
  let k: u64 = 0;
  for (let i: u32 = 0; i < kl; i++) {
    const c = <u32>load<u8>(endPtr - kl + i);
    k |= <u64>(fold ? foldByte(c) : c) << (8 * i);
  }
  return k;
}

/**
 * The filter bit of a key: key1 = the last min(8, km) bytes (first byte lowest), key2 = the km - 8 bytes
 * before them, kept in the high bytes of a u64 (0 when km <= 8), tag = confirmTag(min(8, km), b).
 */
// @ts-ignore: decorator
@inline function filterHash(key1: u64, key2: u64, tag: u32, shift: u32): u32 {
  return confirmSlot(key1 ^ (key2 * 0xff51afd7ed558ccd), tag, shift);
}

/** key2 of a literal ending at endPtr whose bucket's key2 mask is mask2 (literal length >= km). */
function literalKey2(endPtr: usize, mask2: u64): u64 {
  const n = <u32>popcnt(mask2) >> 3;     // km - 8 bytes
  return n == 0 ? 0 : literalKey(endPtr - 8, n) << (64 - 8 * n);
}

/**
 * A record's key2: the min(8, len - 8) bytes before the last 8 of the stored literal bytes ending at
 * endPtr (folded already when caseless), in the high bytes; 0 if len <= 8.
 */
function recordKey2(endPtr: usize, len: u32): u64 {
  if (len <= 8) return 0;
  const k = min<u32>(8, len - 8);
  return literalKey(endPtr - 8, k, false) << (64 - 8 * k);
}

/** Record tag bit: a caseless literal (key and key2 folded; else raw bytes). */
// @ts-ignore: decorator
@inline const TAG_CASELESS: u32 = 1 << 24;

/** A record's tag: confirmTag(kl, b), key2's shift 8 (16 - min(16, len)) (0 if len <= 8), TAG_CASELESS. */
// @ts-ignore: decorator
@inline function recordTag(b: u32, len: u32, caseless: bool): u32 {
  const s2: u32 = len <= 8 ? 0 : 8 * (16 - min<u32>(16, len));
  return confirmTag(min<u32>(8, len), b) | (s2 << 16) | (caseless ? TAG_CASELESS : 0);
}

/** log2 of the filter bitmap's bits for n literals: about 16 bits per literal, at least 2^12. */
export function confirmFilterBits(n: u32): u32 {
  let b: u32 = 12;
  while ((<u64>1 << b) < <u64>n * 16 && b < 27) b++;
  return b;
}

// ---- build ------------------------------------------------------------------------------------------

/**
 * Fills the filter bitmap, csr, records and literal bytes of db (their offsets and the bucket headers
 * are already in the header). lit[i]: blob offset of literal i's header; lenOf[i]: its length; bk[i]:
 * its bucket; slot: u32[n] scratch.
 */
export function confirmBuild(db: usize, blob: usize, lit: usize, lenOf: usize, bk: usize, slot: usize,
                             n: u32, slots: u32, bytesOff: u32): void {
  const csr = db + <usize>load<u32>(db, DB_CSR);
  const rec = db + <usize>load<u32>(db, DB_REC);
  const shift = load<u32>(db, DB_SLOTSHIFT);
  const filter = db + <usize>load<u32>(db, DB_FILTER);
  const fshift = load<u32>(db, DB_FILTERSHIFT);
  memory.fill(filter, 0, <usize>1 << (64 - fshift - 3));
  memory.fill(csr, 0, (<usize>slots + 1) << 2);
  // pass 1: filter bits; slot of each literal, counts per slot (in csr[s + 1])
  for (let i: u32 = 0; i < n; i++) {
    const len = load<u32>(lenOf + (<usize>i << 2));
    const b = <u32>load<u8>(bk + i);
    const end = blob + load<u32>(lit + (<usize>i << 2)) + 12 + len;
    const km: u32 = 8 - (load<u32>(db + DB_BUCKETS + (b << 4), BK_KMSHIFT) >> 3);
    const k2 = literalKey2(end, load<u64>(db + DB_KEY2MASK + (b << 3)));
    const f = filterHash(literalKey(end, km), k2, confirmTag(km, b), fshift);
    store<u32>(filter + (<usize>(f >> 5) << 2), load<u32>(filter + (<usize>(f >> 5) << 2)) | (1 << (f & 31)));
    const kl = min<u32>(8, len);
    const s = confirmSlot(literalKey(end, kl), confirmTag(kl, b), shift);
    store<u32>(slot + (<usize>i << 2), s);
    store<u32>(csr + (<usize>(s + 1) << 2), load<u32>(csr + (<usize>(s + 1) << 2)) + 1);
  }
  for (let s: u32 = 0; s < slots; s++) {
    store<u32>(csr + (<usize>(s + 1) << 2), load<u32>(csr + (<usize>(s + 1) << 2)) + load<u32>(csr + (<usize>s << 2)));
  }
  // pass 2: place records (csr[s] serves as the cursor, then is restored)
  let bytesAt = bytesOff;
  for (let i: u32 = 0; i < n; i++) {
    const s = load<u32>(slot + (<usize>i << 2));
    const r = load<u32>(csr + (<usize>s << 2));
    store<u32>(csr + (<usize>s << 2), r + 1);
    const h = blob + load<u32>(lit + (<usize>i << 2));
    const len = load<u32>(lenOf + (<usize>i << 2));
    const caseless = (load<u32>(h, 4) & 1) != 0;
    for (let k: u32 = 0; k < len; k++) {
      const c = <u32>load<u8>(h + 12 + k);
      store<u8>(db + bytesAt + k, <u8>(caseless ? foldByte(c) : c));
    }
    // key and key2 from the stored bytes: folded for caseless literals, raw for exact ones
    const end = db + bytesAt + len;
    const p = rec + <usize>r * R_SIZE;
    store<u64>(p, literalKey(end, min<u32>(8, len), false), R_KEY);
    store<u64>(p, recordKey2(end, len), R_KEY2);
    store<u32>(p, load<u32>(h), R_ID);
    store<u32>(p, len, R_LEN);
    store<u32>(p, bytesAt | (caseless ? CASELESS_BIT : 0), R_BYTES);
    store<u32>(p, recordTag(<u32>load<u8>(bk + i), len, caseless), R_TAG);
    bytesAt += len;
  }
  // restore: csr[s] was advanced to the old csr[s + 1]; shift right by one
  for (let s: i32 = <i32>slots; s > 0; s--) store<u32>(csr + (<usize>s << 2), load<u32>(csr + (<usize>(s - 1) << 2)));
  store<u32>(csr, 0);
  zeroDropFill(db, blob, lit, lenOf, bk, n);
}

/**
 * DB_ZERODROP (16 bytes): byte r has bit b when no literal of bucket b can end where the last r bytes
 * are zero: every literal of b has a non-zero byte within its last r (t trailing zeros, t < len, and
 * r > t), so the scan drops those candidates before the confirm (exact). Zero runs are common in binary
 * traffic, and literals with zero runs clear the table's (0, 0) gram at several distances, which made
 * every zero run a candidate of their buckets. A bucket with an all-zero literal is never dropped.
 */
function zeroDropFill(db: usize, blob: usize, lit: usize, lenOf: usize, bk: usize, n: u32): void {
  const dead = memory.data(8);          // per bucket: the shortest run that rules out all its literals
  memory.fill(dead, 1, 8);
  for (let j: u32 = 0; j < n; j++) {
    const len = load<u32>(lenOf + (<usize>j << 2));
    const end = blob + load<u32>(lit + (<usize>j << 2)) + 12 + len;
    let t: u32 = 0;
    while (t < min<u32>(16, len) && load<u8>(end - 1 - t) == 0) t++;
    const b = <usize>load<u8>(bk + j);
    const d: u32 = t == len ? 255 : t + 1;       // an all-zero literal (or t >= 16 zeros): never
    if (d > <u32>load<u8>(dead + b)) store<u8>(dead + b, <u8>d);
  }
  for (let r: u32 = 0; r < 16; r++) {
    let m: u32 = 0;
    for (let b: u32 = 0; b < NBUCKETS; b++) if (r > 0 && <u32>load<u8>(dead + b) <= r) m |= <u32>1 << b;
    store<u8>(db + DB_ZERODROP + r, <u8>m);
  }
}

/** D4 and D5. */
export function confirmValidate(db: usize): void {
  const n = load<u32>(db, DB_COUNT);
  const csr = db + <usize>load<u32>(db, DB_CSR);
  const rec = db + <usize>load<u32>(db, DB_REC);
  const shift = load<u32>(db, DB_SLOTSHIFT);
  const filter = db + <usize>load<u32>(db, DB_FILTER);
  const fshift = load<u32>(db, DB_FILTERSHIFT);
  const slots: u32 = <u32>1 << (64 - shift);
  check(load<u32>(csr + (<usize>slots << 2)) == n, "D4: csr covers every record");
  for (let s: u32 = 0; s < slots; s++) {
    const r0 = load<u32>(csr + (<usize>s << 2)), r1 = load<u32>(csr + (<usize>(s + 1) << 2));
    check(r0 <= r1, "D4: csr ascending");
    for (let r = r0; r < r1; r++) {
      const p = rec + <usize>r * R_SIZE;
      const tag = load<u32>(p, R_TAG);
      const len = load<u32>(p, R_LEN);
      const kl = min<u32>(8, len), b = (tag >> 4) & 15;
      check(b < NBUCKETS, "D1: bucket < 8");
      const bo = load<u32>(p, R_BYTES);
      check(tag == recordTag(b, len, (bo & CASELESS_BIT) != 0), "D1: record tag (kl == min(8, len), key2 shift, case) of its literal");
      // the stored bytes are folded for caseless literals; fold exact ones here, as the probe and the
      // filter do
      const end = db + <usize>(bo & ~CASELESS_BIT) + len;
      check(confirmSlot(literalKey(end, kl), tag & 0xff, shift) == s, "D4: record in the slot of its folded key and tag");
      check(load<u64>(p, R_KEY) == literalKey(end, kl, false) && load<u64>(p, R_KEY2) == recordKey2(end, len),
        "D4: key and key2 are the literal's last stored bytes (folded when caseless, else raw)");
      const km: u32 = 8 - (load<u32>(db + DB_BUCKETS + (b << 4), BK_KMSHIFT) >> 3);
      check(km <= kl, "D5: km(b) <= every key length of b");
      const f = filterHash(literalKey(end, km), literalKey2(end, load<u64>(db + DB_KEY2MASK + (b << 3))), confirmTag(km, b), fshift);
      check((load<u32>(filter + (<usize>(f >> 5) << 2)) >> (f & 31) & 1) != 0, "D5: filter bit of a literal set");
    }
  }
}

/**
 * Copies n bytes between regions that do not overlap, 16 at a time (the last 16 again from n - 16): for
 * the few dozen bytes of a stream's history, where a memory.copy call costs more than the copy.
 */
export function copyShort(dst: usize, src: usize, n: u32): void {
  if (n >= 16) {
    for (let i: u32 = 0; i + 16 < n; i += 16) v128.store(dst + <usize>i, v128.load(src + <usize>i));
    v128.store(dst + <usize>n - 16, v128.load(src + <usize>n - 16));
  } else if (n >= 8) {
    store<u64>(dst, load<u64>(src)); store<u64>(dst + <usize>n - 8, load<u64>(src + <usize>n - 8));
  } else {
    for (let i: u32 = 0; i < n; i++) store<u8>(dst + <usize>i, load<u8>(src + <usize>i));
  }
}

// ---- results ----------------------------------------------------------------------------------------

let resPtr: usize = 0;
let resCap: u32 = 0;       // records
let resCount: u32 = 0;
let resLost = false;

/** The results buffer (moves when it grows: read it after every scan). */
export function confirmResultsPtr(): usize { return resPtr; }
/** Matches written since the last confirmBegin. */
export function confirmCount(): u32 { return resCount; }
/** True when matches were dropped since the last confirmBegin (the buffer could not grow). */
export function confirmLost(): bool { return resLost; }

function resGrow(): bool {
  const cap: u32 = resCap == 0 ? 4096 : resCap * 2;
  if (cap > 0x7ffffff) return false;
  const p = arenaAlloc(<usize>cap << 4);
  if (p == 0) return false;
  if (resCount > 0) memory.copy(p, resPtr, <usize>resCount << 4);
  resPtr = p; resCap = cap;          // the old buffer is not returned (arena); growth is geometric
  return true;
}

// @ts-ignore: decorator
@inline function emit(id: u32, end: f64): void {
  if (resCount == resCap && !resGrow()) { resLost = true; return; }
  const r = resPtr + (<usize>resCount << 4);
  store<u32>(r, id);
  store<u32>(r, 0, 4);
  store<f64>(r, end, 8);
  resCount++;
}

// ---- scan context (set once per call by confirmBegin) --------------------------------------------------

let cDb: usize = 0;
let cData: usize = 0;
let cStitch: usize = 0;      // history ++ the first bytes of data (stream mode), copied at the first use
let cStitchLimit: u32 = 0;   // positions below this are confirmed in the stitch buffer
let cStitchReady = false;    // the copy is made
let cHist: u32 = 0;          // bytes of history before data[0] (in the stitch buffer)
let cHistPtr: usize = 0;     // the stream's history
let cBase: f64 = 0;          // stream offset of data[0]
let cFilter: usize = 0;
let cFilterShift: u32 = 0;
let cBuckets: usize = 0;
let cKey2Mask: usize = 0;

/**
 * Starts a scan call: clears the results and fixes where candidate positions' bytes are: positions below
 * stitchLimit in a copy of the hist bytes at histPtr and the first stitchLimit bytes of data, made in
 * `stitch` at the first candidate there (most writes have none: no copy).
 */
export function confirmBegin(db: usize, data: usize, stitch: usize, stitchLimit: u32, hist: u32, base: f64, histPtr: usize): void {
  resCount = 0; resLost = false;
  cDb = db; cData = data; cStitch = stitch; cStitchLimit = stitchLimit; cHist = hist; cBase = base;
  cHistPtr = histPtr; cStitchReady = false;
  cFilter = db + <usize>load<u32>(db, DB_FILTER);
  cFilterShift = load<u32>(db, DB_FILTERSHIFT);
  cBuckets = db + DB_BUCKETS;
  cKey2Mask = db + DB_KEY2MASK;
}

/**
 * m: candidate bits of 8 positions from p (bit 8k+b = bucket b may end at position p+k), lowest first =
 * ascending ends. Each candidate goes through the filter bitmap, then the confirm hash.
 */
export function confirmCandidates(m: u64, p: u32): void {
  do {
    const bit = <u32>ctz(m);
    const b = bit & 7, pos = p + (bit >> 3);
    const endPtr = pos < cStitchLimit ? stitchEnd(pos) : cData + <usize>pos + 1;
    // the 8 bytes before endPtr, folded; bytes before the stream start are garbage, never used as a match
    // (a key longer than the bytes seen cannot belong to a literal that fits, and confirmAt checks len)
    const rawTail = load<u64>(endPtr - 8), rawHead = load<u64>(max<usize>(endPtr, 16) - 16);
    const tail = fold64(rawTail), head = fold64(rawHead);
    const kmShift = load<u32>(cBuckets + (b << 4), BK_KMSHIFT);
    const f = filterHash(tail >> kmShift, head & load<u64>(cKey2Mask + (b << 3)), confirmTag(8 - (kmShift >> 3), b), cFilterShift);
    if ((load<u32>(cFilter + (<usize>(f >> 5) << 2)) & (1 << (f & 31))) != 0) confirmAt(b, pos, endPtr, rawTail, rawHead, tail, head);
    m &= m - 1;
  } while (m != 0);
}

/** The address just past position pos (< cStitchLimit) in the stitch buffer, copied at the first call. */
function stitchEnd(pos: u32): usize {
  if (!cStitchReady) {
    copyShort(cStitch, cHistPtr, cHist);
    copyShort(cStitch + cHist, cData, cStitchLimit);
    cStitchReady = true;
  }
  return cStitch + <usize>(cHist + pos + 1);
}

/**
 * Exact check of every literal of bucket b that may end at data position pos; emits the matches. One
 * probe of the confirm table per key length kl (= min(8, len)) present in the bucket, shortest first.
 * rawTail, rawHead: the 8 bytes ending at endPtr and the 8 before them (a literal of > 8 bytes that fits
 * cannot end before address 16, as data starts at >= 8: rawHead is then never used); tail, head: folded.
 */
function confirmAt(b: u32, pos: u32, endPtr: usize, rawTail: u64, rawHead: u64, tail: u64, head: u64): void {
  const db = cDb;
  const avail = cHist + pos + 1;          // bytes of the stream up to and including pos
  const shift = load<u32>(db, DB_SLOTSHIFT);
  const csrBase = db + <usize>load<u32>(db, DB_CSR);
  const recs = db + <usize>load<u32>(db, DB_REC);
  let kls = load<u32>(cBuckets + (b << 4), BK_KLMASK);
  while (kls != 0) {
    const kl = <u32>ctz(kls) + 1;
    if (kl > avail) return;
    kls &= kls - 1;
    const key = tail >> (64 - 8 * kl), rawKey = rawTail >> (64 - 8 * kl);
    const tag = confirmTag(kl, b);
    const csr = csrBase + (<usize>confirmSlot(key, tag, shift) << 2);
    const r1 = load<u32>(csr, 4);
    for (let r = load<u32>(csr); r < r1; r++) {
      const rec = recs + <usize>r * R_SIZE;
      const rtag = load<u32>(rec, R_TAG);
      const caseless = (rtag & TAG_CASELESS) != 0;
      if ((rtag & 0xff) != tag || load<u64>(rec, R_KEY) != (caseless ? key : rawKey)) continue;
      const len = load<u32>(rec, R_LEN);
      if (len > avail) continue;
      if (len > 8 && (((caseless ? head : rawHead) ^ load<u64>(rec, R_KEY2)) >> ((rtag >> 16) & 0xff)) != 0) continue;
      // key and key2 proved the last min(16, len) bytes: compare the ones before them
      const bo = load<u32>(rec, R_BYTES);
      const lit = db + <usize>(bo & ~CASELESS_BIT);
      const ok = len <= 16 || (caseless ? equalFolded(endPtr - len, lit, len - 16) : equalExact(endPtr - len, lit, len - 16));
      if (ok) emit(load<u32>(rec, R_ID), cBase + <f64>(pos + 1));
    }
  }
}

function equalExact(a: usize, b: usize, len: u32): bool {
  let i: usize = 0;
  const n = <usize>len;
  for (; i + 8 <= n; i += 8) if (load<u64>(a + i) != load<u64>(b + i)) return false;
  for (; i < n; i++) if (load<u8>(a + i) != load<u8>(b + i)) return false;
  return true;
}

/** a (data) folded equals b (stored lower-cased). */
function equalFolded(a: usize, b: usize, len: u32): bool {
  let i: usize = 0;
  const n = <usize>len;
  for (; i + 8 <= n; i += 8) if (fold64(load<u64>(a + i)) != load<u64>(b + i)) return false;
  for (; i < n; i++) {
    const c = <u32>load<u8>(a + i);
    if ((c - 0x41 < 26 ? c | 0x20 : c) != <u32>load<u8>(b + i)) return false;
  }
  return true;
}
