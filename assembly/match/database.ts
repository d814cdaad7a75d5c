// match/database.ts: a literal set compiled once into a read-only database in linear memory.
// Entry:     matchDbCompile(blobPtr, blobLen): i32 (db handle > 0 or MatchStatus), matchDbFree(db),
//            matchDbValid(db)
// Owns:      database blocks (carved from the arena, recycled through DB_FREE) and the compile
//            scratch (TMP). Nothing else writes a database after compile returns.
// Hot path:  no. Compile is O(n + 2^d + total bytes); scan.ts only reads the database.
// Invariants (checked by dbValidate when VALIDATE):
//   D1  every literal is in exactly one bucket b, len >= minLen(b), and the bucket's key-length mask
//       has bit kl-1 set for kl = min(8, len);
//   D6  a bucket without literals (b >= buckets used) has bit 8e+b set in every entry, for every e;
//   D2  for every literal of bucket b and every e < W(b), the shift-or table has bit 8e+b clear at the
//       (hashed) gram that ends e bytes before the literal's end (all case variants when caseless;
//       every first byte when the gram starts before the literal: stride 2, or 1-byte literals);
//       so a literal can never be filtered out (no false negative);
//   D3  bits 8e+b with e >= W(b) are clear in every table entry (no constraint there);
//   D4, D5  the confirm hash and filter bitmap (confirm.ts, checked by confirmValidate).
// Limits:    arena exhausted -> MatchStatus.OutOfMemory, nothing allocated that is not recycled.
//
// Blob (written by the host into matchScratch):  u32 count, then per literal
//   u32 id, u32 flags (bit 0 caseless), u32 len, len bytes   (little-endian, no padding)
//
// Database layout (offsets from the handle; every *_OFF is relative to the handle too):
//   0   u32 magic            DB_MAGIC while live, 0 once freed
//   4   u32 gen              bumped at each free: streams opened before a free are stale
//   8   u32 capacity         bytes of the block (for reuse after free)
//   12  u32 bytes            bytes used (matchDbBytes)
//   16  u32 count            literals
//   20  u32 maxLen           longest literal
//   24  u32 dbits            shift-or table has 2^dbits u64 entries
//   28  u32 next             free-list link (only while freed)
//   32  u32 tableOff         u64[2^dbits], 8-aligned
//   36  u32 csrOff           u32[slots + 1]
//   40  u32 recOff           32-byte literal records, ordered by slot
//   44  u32 buckets used
//   48  8 x 16-byte bucket headers: u32 W, u32 klMask (bit k-1: a literal with kl = k),
//       u32 kmShift (64 - 8 min(8, km), km = min(16, shortest literal): the filter key length), u32 -
//   176 u32 slotShift        64 - log2(slots)
//   180 u32 filterOff        confirm filter bitmap, 2^(64 - filterShift) bits (confirm.ts)
//   184 u32 filterShift
//   188 u32 stride           positions the scan looks up: 1 (every one) or 2 (every other one)
//   192 8 x u64 key2Mask     per bucket: the filter key's bytes before the last 8 (km > 8), in place
//   256 u32 pairBit          stride 2: 1 when bucket 0 holds the 2-byte literals (checked by SIMD), else 0
//   260 4 x (u8 first, u8 second)  their byte pairs, case variants included, repeated to fill 4
//   272 16 x u8 zeroDrop     byte r: bit b set when no literal of bucket b can end after r zero bytes (each has
//                            a non-zero byte in its last r; confirm.ts zeroDropFill); the scans drop those
//                            candidates (zeroruns.ts)
//   288 u32 fewCount         sets of at most FEW_MAX (4) literals: the scan compares two rare bytes of each
//                            literal in SIMD instead of the shift-or (few.ts); 0 otherwise. Then 8 x 8
//                            bytes (FEW_MAX of them used): u8 b1, u8 b2 (the literal's bytes at distances d1, d2 from its end,
//                            | 0x20 when a caseless letter), u8 fold1, u8 fold2 (0x20 when that byte folds,
//                            else 0), u8 d1, u8 d2 (d < len, d <= FEW_DMAX; d1 == d2 == 0 for 1 byte),
//                            u8 bucket bit, 1 unused
//   360 ... table, filter, csr, records, literal bytes
// Record (32 B): u64 key (the last kl = min(8, len) bytes, first byte lowest), u64 key2 (the min(8,
//   len - 8) bytes before them, in its high bytes; 0 when len <= 8), both folded when caseless and raw
//   when exact, u32 id, u32 len, u32 bytesOff | CASELESS_BIT, u32 tag: bits 0-7 kl | bucket << 4, bits
//   16-23 8 (16 - min(16, len)) (shifts key2's unused low bytes out; 0 when len <= 8), bit 24 caseless
//   (confirm.ts recordTag). One confirm hash table for all buckets, slot = confirmSlot(the folded key,
//   tag bits 0-7).
// Caseless literals' bytes are stored ASCII-lower-cased; exact ones as given.

import { arenaAlloc } from "../util/arena";
import { check, VALIDATE } from "../util/check";
import { confirmBuild, confirmFilterBits, confirmValidate } from "./confirm";
import { assignBuckets, dbitsFor, gramsFor, sortByLength, widthFor } from "./buckets";
import { fewFill } from "./few";

/**
 * Results of the match* calls. A separate range from abi/status.ts (-100 and below) so the core's
 * Status and the matcher's codes never collide; mirrored in src/core/matcher.ts.
 */
export const enum MatchStatus {
  Ok = 0,
  /** compile: the blob holds no literal. */
  EmptySet = -101,
  /** compile: a literal of length 0. */
  EmptyPattern = -102,
  /** compile: the blob is shorter than its counts say, or has bytes left over. */
  Malformed = -103,
  /** linear memory could not grow. */
  OutOfMemory = -104,
  /** a db or stream handle that is not live (freed, closed, or never returned). */
  BadHandle = -105,
}

// @ts-ignore: decorator
@inline export const DB_MAGIC: u32 = 0x4d444231;  // "1BDM"
// @ts-ignore: decorator
@inline export const DB_GEN = 4;
// @ts-ignore: decorator
@inline const DB_CAP = 8;
// @ts-ignore: decorator
@inline export const DB_BYTES = 12;
// @ts-ignore: decorator
@inline export const DB_COUNT = 16;
// @ts-ignore: decorator
@inline export const DB_MAXLEN = 20;
// @ts-ignore: decorator
@inline export const DB_DBITS = 24;
// @ts-ignore: decorator
@inline const DB_NEXT = 28;
// @ts-ignore: decorator
@inline export const DB_TABLE = 32;
// @ts-ignore: decorator
@inline export const DB_CSR = 36;
// @ts-ignore: decorator
@inline export const DB_REC = 40;
// @ts-ignore: decorator
@inline export const DB_NBUCKETS = 44;
// @ts-ignore: decorator
@inline export const DB_BUCKETS = 48;
// @ts-ignore: decorator
@inline const DB_HDR = 360;
// @ts-ignore: decorator
@inline export const DB_FEW = 288;
/** Sets of at most this many literals use the SIMD two-byte scan (scanFew), their vectors in registers.
 *  Sets of 5-8 are faster on the stride-2 shift-or: end to end on the bench capture, et-100's first 6
 *  and 8 literals 1.14-1.18 / 1.13-1.23 s against 1.77-1.96 / 1.70-2.29 s with the two-byte scan
 *  loading 8 slots' vectors per step (assembly/match/README.md). */
// @ts-ignore: decorator
@inline export const FEW_MAX: u32 = 4;
// @ts-ignore: decorator
@inline export const DB_SLOTSHIFT = 176;
// @ts-ignore: decorator
@inline export const DB_FILTER = 180;
// @ts-ignore: decorator
@inline export const DB_FILTERSHIFT = 184;
// @ts-ignore: decorator
@inline export const DB_STRIDE = 188;
// @ts-ignore: decorator
@inline export const DB_KEY2MASK = 192;
// @ts-ignore: decorator
@inline export const DB_PAIRS = 256;
// @ts-ignore: decorator
@inline export const DB_ZERODROP = 272;
// bucket header fields
// @ts-ignore: decorator
@inline export const BK_W = 0;
// @ts-ignore: decorator
@inline export const BK_KLMASK = 4;
// @ts-ignore: decorator
@inline export const BK_KMSHIFT = 8;
// record fields
// @ts-ignore: decorator
@inline export const R_KEY = 0;
// @ts-ignore: decorator
@inline export const R_KEY2 = 8;
// @ts-ignore: decorator
@inline export const R_ID = 16;
// @ts-ignore: decorator
@inline export const R_LEN = 20;
// @ts-ignore: decorator
@inline export const R_BYTES = 24;
// @ts-ignore: decorator
@inline export const R_TAG = 28;
// @ts-ignore: decorator
@inline export const R_SIZE: u32 = 32;
// @ts-ignore: decorator
@inline export const CASELESS_BIT: u32 = 0x80000000;
// @ts-ignore: decorator
@inline export const NBUCKETS: u32 = 8;
// @ts-ignore: decorator
@inline export const MAX_W: u32 = 8;
// @ts-ignore: decorator
@inline export const CONFIRM_HASH: u64 = 0x9e3779b97f4a7c15;

let dbFree: usize = 0;     // freed database blocks, linked through DB_NEXT

// ---- case folding (ASCII A-Z only, like HS_FLAG_CASELESS) -----------------------------------------

// @ts-ignore: decorator
@inline export function foldByte(c: u32): u32 { return c - 0x41 < 26 ? c | 0x20 : c; }

/** Lower-cases the ASCII letters of 4 packed bytes (SWAR: no branch per byte). */
// @ts-ignore: decorator
@inline export function fold32(x: u32): u32 {
  const h = x & 0x7f7f7f7f;
  const upper = ((h + 0x3f3f3f3f) ^ (h + 0x25252525)) & ~x & 0x80808080;  // 0x41 <= byte <= 0x5a
  return x | (upper >> 2);
}
// @ts-ignore: decorator
@inline export function fold64(x: u64): u64 {
  const h = x & 0x7f7f7f7f7f7f7f7f;
  const upper = ((h + 0x3f3f3f3f3f3f3f3f) ^ (h + 0x2525252525252525)) & ~x & 0x8080808080808080;
  return x | (upper >> 2);
}

/** The shift-or table index of the gram (prev, cur): prev's low 8 bits and cur's low dbits-8 bits. */
// @ts-ignore: decorator
@inline export function gramIndex(prev: u32, cur: u32, mask: u32): u32 { return (prev | (cur << 8)) & mask; }

// ---- compile scratch -----------------------------------------------------------------------------

let tmpPtr: usize = 0;
let tmpCap: usize = 0;

/** A scratch area of at least `size` bytes, reused across compiles (grows by doubling). */
function tmpArea(size: usize): usize {
  if (size <= tmpCap) return tmpPtr;
  let cap = max<usize>(tmpCap * 2, 1 << 16);
  while (cap < size) cap <<= 1;
  const p = arenaAlloc(cap);
  if (p == 0) return 0;
  tmpPtr = p; tmpCap = cap;
  return p;
}

// ---- compile ----------------------------------------------------------------------------------------

/** Checks the blob; fills lit[i] = blob offset of literal i's header. Returns count or a MatchStatus. */
function parseBlob(blob: usize, blobLen: u32, lit: usize, n: u32): i32 {
  let off: u32 = 4;
  for (let i: u32 = 0; i < n; i++) {
    if (blobLen - off < 12 || off > blobLen) return MatchStatus.Malformed;
    const len = load<u32>(blob + off, 8);
    if (len == 0) return MatchStatus.EmptyPattern;
    if (blobLen - off - 12 < len) return MatchStatus.Malformed;
    store<u32>(lit + (<usize>i << 2), off);
    off += 12 + len;
  }
  return off == blobLen ? <i32>n : MatchStatus.Malformed;
}

/**
 * Stride-2 databases (scan.ts looks up every other position) give each bucket one more gram, the
 * literal's first byte after any byte, so that every end position has at least one gram looked up
 * (W >= 2 needs literals of >= 2 bytes). Used for small sets, where the filter's speed is the scan's.
 */
// @ts-ignore: decorator
@inline function width2For(minLen: u32): u32 { return min<u32>(MAX_W, minLen); }

/** Stride 2 for sets of at most STRIDE2_MAX literals of >= 2 bytes (measured: README.md). */
// @ts-ignore: decorator
@inline const STRIDE2_MAX: u32 = 200;

// @ts-ignore: decorator
@inline function isAlpha(c: u32): bool { return (c | 0x20) - 0x61 < 26; }

/** Clears `bit` in the entry of the gram (p, c) and, when caseless, of its other case variants. */
function clearGram(table: usize, mask: u32, p: u32, c: u32, caseless: bool, bit: u64): void {
  const pn = caseless && isAlpha(p) ? 2 : 1;
  const cn = caseless && isAlpha(c) ? 2 : 1;
  for (let i = 0; i < pn; i++) {
    for (let j = 0; j < cn; j++) {
      const e = table + (<usize>gramIndex(i == 0 ? p : p ^ 0x20, j == 0 ? c : c ^ 0x20, mask) << 3);
      store<u64>(e, load<u64>(e) & ~bit);
    }
  }
}

/**
 * Compiles the blob at blob[0, blobLen) into a new database.
 * Returns the db handle (> 0), or MatchStatus.EmptySet / EmptyPattern / Malformed / OutOfMemory;
 * on failure nothing is kept (the scratch stays for the next compile).
 */
export function matchDbCompile(blob: usize, blobLen: u32): i32 {
  if (blobLen < 4) return MatchStatus.Malformed;
  const n = load<u32>(blob);
  if (n == 0) return MatchStatus.EmptySet;
  if (<u64>n * 12 > <u64>(blobLen - 4)) return MatchStatus.Malformed;
  // scratch: lit offsets, lengths, order, bucket bytes, slots, DP work
  const work = tmpArea(<usize>n * 32 + 64 * 1024);
  if (work == 0) return MatchStatus.OutOfMemory;
  const lit = work, lenOf = lit + (<usize>n << 2), order = lenOf + (<usize>n << 2);
  const bk = order + (<usize>n << 2), slot = (bk + n + 7) & ~7, dpw = slot + (<usize>n << 2);
  const r = parseBlob(blob, blobLen, lit, n);
  if (r < 0) return r;
  let maxLen: u32 = 0, totalBytes: u64 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const len = load<u32>(blob + load<u32>(lit + (<usize>i << 2)), 8);
    store<u32>(lenOf + (<usize>i << 2), len);
    maxLen = max(maxLen, len);
    totalBytes += len;
  }
  sortByLength(lenOf, order, n);
  const nb = assignBuckets(order, lenOf, n, bk, dpw, gramsFor(dbitsFor(n)));
  return build(blob, lit, lenOf, bk, slot, n, nb, maxLen, totalBytes);
}

/**
 * Stride 2 needs every bucket's literals to have >= 3 bytes, except bucket 0 when it holds only 2-byte
 * literals with at most 4 byte pairs (case variants included): the stride-2 loop checks those pairs at
 * every position with SIMD compares instead of the table. Fills DB_PAIRS; false when that does not hold.
 */
function pairsFill(db: usize, blob: usize, lit: usize, lenOf: usize, bk: usize, n: u32): bool {
  let np: u32 = 0;
  const pairs = db + DB_PAIRS + 4;
  for (let i: u32 = 0; i < n; i++) {
    const len = load<u32>(lenOf + (<usize>i << 2));
    const b = <u32>load<u8>(bk + i);
    if (len >= 3 && b != 0) continue;
    if (len != 2) { if (np == 0) continue; return false; }       // bucket 0 mixes lengths
    if (b != 0) return false;
    const h = blob + load<u32>(lit + (<usize>i << 2));
    const caseless = (load<u32>(h, 4) & 1) != 0;
    const x = <u32>load<u8>(h, 12), y = <u32>load<u8>(h, 13);
    const xn = caseless && isAlpha(x) ? 2 : 1, yn = caseless && isAlpha(y) ? 2 : 1;
    for (let a = 0; a < xn; a++) {
      for (let c = 0; c < yn; c++) {
        if (np == 4) return false;
        store<u8>(pairs + (np << 1), <u8>(a == 0 ? x : x ^ 0x20));
        store<u8>(pairs + (np << 1) + 1, <u8>(c == 0 ? y : y ^ 0x20));
        np++;
      }
    }
  }
  // a bucket 0 of longer literals seen before any 2-byte one: fine only if no 2-byte literal followed
  for (let i: u32 = 0; i < n && np > 0; i++) {
    if (<u32>load<u8>(bk + i) == 0 && load<u32>(lenOf + (<usize>i << 2)) != 2) return false;
  }
  for (let k = np; k < 4 && np > 0; k++) store<u16>(pairs + (k << 1), load<u16>(pairs + ((k % np) << 1)));
  store<u32>(db, np > 0 ? 1 : 0, DB_PAIRS);
  return true;
}

/** Allocates the block and fills header, table, confirm structures and literal bytes. */
function build(blob: usize, lit: usize, lenOf: usize, bk: usize, slot: usize, n: u32, nb: u32,
               maxLen: u32, totalBytes: u64): i32 {
  // per bucket: count and shortest literal -> W; key-length mask
  const minLen = memory.data(32), klMask = memory.data(32);
  for (let b: u32 = 0; b < NBUCKETS; b++) { store<u32>(minLen + (b << 2), 0xffffffff); store<u32>(klMask + (b << 2), 0); }
  for (let i: u32 = 0; i < n; i++) {
    const b = <u32>load<u8>(bk + i), len = load<u32>(lenOf + (<usize>i << 2));
    store<u32>(minLen + (b << 2), min(load<u32>(minLen + (b << 2)), len));
    const kl = min<u32>(8, len);
    store<u32>(klMask + (b << 2), load<u32>(klMask + (b << 2)) | (<u32>1 << (kl - 1)));
  }
  let bits: u32 = 1;
  while ((<u32>1 << bits) < n * 2 && bits < 24) bits++;
  const slots: u32 = 1 << bits;
  const dbits = dbitsFor(n);
  const fbits = confirmFilterBits(n);
  const tableOff: u32 = DB_HDR;
  const filterOff: u32 = tableOff + (8 << dbits);
  const csrOff: u32 = filterOff + max<u32>(8, (<u32>1 << fbits) >> 3);
  const recOff: u32 = (csrOff + (slots + 1) * 4 + 15) & ~15;
  const bytesOff: u32 = recOff + n * R_SIZE;
  const size64: u64 = <u64>bytesOff + totalBytes + 8;
  if (size64 > 0x7fff0000) return MatchStatus.OutOfMemory;
  const size = <u32>((size64 + 15) & ~15);
  const db = dbAlloc(size);
  if (db == 0) return MatchStatus.OutOfMemory;
  memory.fill(db + 12, 0, DB_HDR - 12);           // keeps magic slot, gen and capacity
  store<u32>(db, DB_MAGIC);
  store<u32>(db, size, DB_BYTES);
  store<u32>(db, n, DB_COUNT);
  store<u32>(db, maxLen, DB_MAXLEN);
  store<u32>(db, dbits, DB_DBITS);
  store<u32>(db, tableOff, DB_TABLE);
  store<u32>(db, csrOff, DB_CSR);
  store<u32>(db, recOff, DB_REC);
  store<u32>(db, nb, DB_NBUCKETS);
  store<u32>(db, 64 - bits, DB_SLOTSHIFT);
  store<u32>(db, filterOff, DB_FILTER);
  store<u32>(db, 64 - fbits, DB_FILTERSHIFT);
  let shortest: u32 = 0xffffffff;
  for (let b: u32 = 0; b < NBUCKETS; b++) shortest = min(shortest, load<u32>(minLen + (b << 2)));
  const few = n <= FEW_MAX;
  if (few) fewFill(db, blob, lit, lenOf, bk, n);
  const stride: u32 = !few && n <= STRIDE2_MAX && shortest >= 2 && pairsFill(db, blob, lit, lenOf, bk, n) ? 2 : 1;
  store<u32>(db, stride, DB_STRIDE);
  const pairBucket = stride == 2 && load<u32>(db, DB_PAIRS) != 0;
  let init: u64 = 0;
  for (let b: u32 = 0; b < NBUCKETS; b++) {
    const h = db + DB_BUCKETS + (b << 4);
    const ml = load<u32>(minLen + (b << 2));
    if (ml != 0xffffffff) {
      const w = stride == 2 && !(b == 0 && pairBucket) ? width2For(ml) : widthFor(ml);
      store<u32>(h, w, BK_W);
      store<u32>(h, load<u32>(klMask + (b << 2)), BK_KLMASK);
      store<u32>(h, 64 - 8 * min<u32>(8, ml), BK_KMSHIFT);
      if (ml > 8) store<u64>(db + DB_KEY2MASK + (b << 3), <u64>-1 << (8 * (16 - min<u32>(16, ml))));
      for (let e: u32 = 0; e < w; e++) init |= <u64>1 << (8 * e + b);
    } else {
      // an empty bucket never fires: its bit is set at every distance (the stride-2 scan reads the
      // entry's odd bytes as candidates too; one bit at distance 0 left a candidate at every other
      // position of a set using fewer than 8 buckets: 35 MB/s for a single literal)
      init |= <u64>0x0101010101010101 << b;
    }
  }
  fillTable(db, blob, lit, lenOf, bk, n, init, dbits);
  confirmBuild(db, blob, lit, lenOf, bk, slot, n, slots, bytesOff);
  if (VALIDATE) dbValidate(db);
  return <i32>db;
}

function fillTable(db: usize, blob: usize, lit: usize, lenOf: usize, bk: usize, n: u32, init: u64, dbits: u32): void {
  const table = db + <usize>load<u32>(db, DB_TABLE);
  const entries: u32 = 1 << dbits;
  const mask = entries - 1;
  for (let i: u32 = 0; i < entries; i++) store<u64>(table + (<usize>i << 3), init);
  for (let i: u32 = 0; i < n; i++) {
    const b = <u32>load<u8>(bk + i);
    const w = load<u32>(db + DB_BUCKETS + (b << 4), BK_W);
    const h = blob + load<u32>(lit + (<usize>i << 2));
    const caseless = (load<u32>(h, 4) & 1) != 0;
    const len = load<u32>(lenOf + (<usize>i << 2));
    const bytes = h + 12;
    for (let e: u32 = 0; e < w; e++) {
      const end = len - 1 - e;   // index of the gram's second byte; w <= len so end >= 0
      const c = <u32>load<u8>(bytes + end);
      if (end == 0) {            // the gram's first byte lies before the literal: any byte
        for (let p: u32 = 0; p < 256; p++) clearGram(table, mask, p, c, caseless, <u64>1 << (8 * e + b));
      } else {
        clearGram(table, mask, <u32>load<u8>(bytes + end - 1), c, caseless, <u64>1 << (8 * e + b));
      }
    }
  }
}

// ---- life cycle ------------------------------------------------------------------------------------

/** A block of at least size bytes: first fit from the free list, else the arena. 0 when out of memory. */
function dbAlloc(size: u32): usize {
  let prev: usize = 0;
  let p = dbFree;
  while (p != 0) {
    const next = <usize>load<u32>(p, DB_NEXT);
    if (load<u32>(p, DB_CAP) >= size) {
      if (prev == 0) dbFree = next; else store<u32>(prev, <u32>next, DB_NEXT);
      return p;
    }
    prev = p; p = next;
  }
  p = arenaAlloc(size);
  if (p == 0) return 0;
  store<u32>(p, 0, DB_GEN);
  store<u32>(p, size, DB_CAP);
  return p;
}

/** True when db is a live database handle. */
export function matchDbValid(db: usize): bool {
  return db >= 16 && (db & 15) == 0 && db < (<usize>memory.size() << 16) - DB_HDR && load<u32>(db) == DB_MAGIC;
}

/** Frees a database; its streams become stale (scan returns BadHandle). Returns Ok or BadHandle. */
export function matchDbFree(db: usize): i32 {
  if (!matchDbValid(db)) return MatchStatus.BadHandle;
  store<u32>(db, 0);
  store<u32>(db, load<u32>(db, DB_GEN) + 1, DB_GEN);
  store<u32>(db, <u32>dbFree, DB_NEXT);
  dbFree = db;
  return MatchStatus.Ok;
}

/** D1, D3, then D4/D5 (confirm.ts). D2 is what the property tests against the naive engine check. */
export function dbValidate(db: usize): void {
  const nb = load<u32>(db, DB_NBUCKETS);
  const table = db + <usize>load<u32>(db, DB_TABLE);
  let noConstraint: u64 = 0;
  for (let b: u32 = 0; b < nb; b++) {
    const w = load<u32>(db + DB_BUCKETS + (b << 4), BK_W);
    check(w <= MAX_W, "D1: bucket width in 0..8");
    for (let e = w; e < MAX_W; e++) if (w > 0 || e > 0) noConstraint |= <u64>1 << (8 * e + b);
  }
  let unused: u64 = 0;
  for (let b = nb; b < NBUCKETS; b++) unused |= <u64>0x0101010101010101 << b;
  const entries: u32 = 1 << load<u32>(db, DB_DBITS);
  for (let i: u32 = 0; i < entries; i++) {
    const t = load<u64>(table + (<usize>i << 3));
    check((t & noConstraint) == 0, "D3: no bits beyond a bucket's width");
    check((t & unused) == unused, "D6: a bucket without literals has its bit set at every distance (never a candidate)");
  }
  confirmValidate(db);
}
