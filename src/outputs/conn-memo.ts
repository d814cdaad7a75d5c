// outputs/conn-memo.ts: text made once per connection (its EVE endpoints, its readable `a -> b` forms)
// and reused by every alert line of that connection. Browser-safe.
//
// Direct-mapped by connection id: alerts of a few hundred connections interleave (one delivered run
// at a time), so keeping only the last connection's text recomputed it for most alerts (0.1 s of
// `scan --eve` with 231 k alerts over 10 k connections); a WeakMap keyed by Connection costs more per
// connection than the text itself. At most `size` connections (and their text) are held: with 8,192,
// 11.9 k computations for the 10.3 k connections of the scan benchmark (49 k with 1,024).

import type { Connection } from "../core/engine.js";

export class ConnMemo<T> {
  private readonly conns: Array<Connection | undefined>;
  private readonly values: Array<T | undefined>;
  private readonly mask: number;
  /** `size`: a power of two. */
  constructor(private readonly make: (conn: Connection) => T, size = 8192) {
    this.conns = new Array<Connection | undefined>(size).fill(undefined);
    this.values = new Array<T | undefined>(size).fill(undefined);
    this.mask = size - 1;
  }
  get(conn: Connection): T {
    const i = conn.id & this.mask;
    if (this.conns[i] === conn) return this.values[i]!;
    const v = this.make(conn);
    this.conns[i] = conn; this.values[i] = v;
    return v;
  }
}
