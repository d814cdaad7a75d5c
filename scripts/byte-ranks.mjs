// scripts/byte-ranks.mjs: the byte-frequency rank table of assembly/match/ranks.ts (which two bytes of a
// literal the few-literal scan compares: the rarest ones). Counts the bytes of every file under the given
// directories (at most 1 MiB of each, so one long transfer does not decide the table) and prints the
// table: rank 0 = rarest byte, 255 = most common; ties by byte value. Deterministic for the same files.
//
//   node dist/cli.js reassemble CAPTURE --out DIR -q      (per capture: each direction's stream bytes)
//   node scripts/byte-ranks.mjs DIR...
//
// The table in ranks.ts: the TCP payloads of the 79 captures in ../shared/corpus/pcaps (real HTTP,
// FTP, IMAP, SSH, LDAP traffic; 309 streams, 7.5 MB) reassembled as above.
import { readdirSync, statSync, openSync, readSync, closeSync } from "node:fs";
import { join } from "node:path";

const CAP = 1 << 20;
const count = new Float64Array(256);
let files = 0, bytes = 0;
function walk(p) {
  const st = statSync(p);
  if (st.isDirectory()) { for (const e of readdirSync(p).sort()) walk(join(p, e)); return; }
  if (!st.isFile() || st.size === 0) return;
  const buf = Buffer.alloc(Math.min(CAP, st.size));
  const fd = openSync(p, "r");
  const n = readSync(fd, buf, 0, buf.length, 0);
  closeSync(fd);
  for (let i = 0; i < n; i++) count[buf[i]]++;
  files++; bytes += n;
}
const dirs = process.argv.slice(2);
if (dirs.length === 0) { process.stderr.write("usage: node scripts/byte-ranks.mjs DIR...\n"); process.exit(2); }
for (const d of dirs) walk(d);
const order = [...Array(256).keys()].sort((a, b) => count[a] - count[b] || a - b);
const rank = new Array(256);
order.forEach((b, r) => { rank[b] = r; });
process.stdout.write(`// ${files} files, ${bytes} bytes\n`);
for (let row = 0; row < 256; row += 16) {
  process.stdout.write("  " + rank.slice(row, row + 16).map((r) => String(r).padStart(3)).join(", ") + `,  // 0x${row.toString(16).padStart(2, "0")}\n`);
}
