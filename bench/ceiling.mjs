#!/usr/bin/env node
// "Copy-once loop" ceiling: the fastest a Node pcap consumer can possibly go.
// Reads FILE with fs.readSync into one reused 4 MiB buffer (the only copy of
// the data) and walks the classic-pcap records with a DataView, counting
// packets and summing captured lengths. Nothing is parsed beyond the record
// headers, so any real reassembler is slower than this.
//
//   node bench/ceiling.mjs FILE.pcap
//   -> ceiling: packets=N bytes=B elapsed=S   (bytes = sum of incl_len)
import fs from 'node:fs';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node bench/ceiling.mjs FILE.pcap\n');
  process.exit(2);
}

const BUF_SIZE = 4 << 20;
const buf = new Uint8Array(BUF_SIZE);
const dv = new DataView(buf.buffer);

const t0 = process.hrtime.bigint();
const fd = fs.openSync(file, 'r');
let filePos = 0;
let end = 0; // valid bytes in buf
let pos = 0; // next unread byte in buf

// Move the unread tail to the front and refill; returns bytes available.
function refill() {
  const rest = end - pos;
  if (rest > 0 && pos > 0) buf.copyWithin(0, pos, end);
  pos = 0;
  end = rest;
  for (;;) {
    const n = fs.readSync(fd, buf, end, BUF_SIZE - end, filePos);
    if (n === 0) break;
    filePos += n;
    end += n;
    if (end === BUF_SIZE) break;
  }
  return end;
}

refill();
if (end < 24) throw new Error('not a pcap file (short header)');
const magic = dv.getUint32(0, true);
let le;
if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) le = true;
else if (magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) le = false;
else throw new Error(`not a classic pcap file (magic 0x${magic.toString(16)})`);
pos = 24;

let packets = 0;
let bytes = 0;
for (;;) {
  if (end - pos < 16 && refill() - pos < 16) break;
  const incl = dv.getUint32(pos + 8, le);
  if (incl > BUF_SIZE - 16) throw new Error(`record too large (${incl} bytes) at packet ${packets}`);
  if (end - pos < 16 + incl && refill() < 16 + incl) break; // truncated last record
  packets++;
  bytes += incl;
  pos += 16 + incl;
}
fs.closeSync(fd);
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
process.stdout.write(`ceiling: packets=${packets} bytes=${bytes} elapsed=${secs.toFixed(3)}\n`);
