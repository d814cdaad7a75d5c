// commands/held-alerts.ts: the alerts `scan --policy all` holds until its second pass has run, kept
// compact: 7 numbers each (56 bytes) in Float64Array chunks of 65,536 alerts (no copy, no slack beyond
// the last chunk), the rules and connections they point to once each. As Alert objects in an array
// they took about 270 bytes each of JavaScript heap (728 MB of RSS for the 2.34 M alerts of et-all on
// the 537 MB bench capture), enough to exhaust the heap on a multi-gigabyte capture.
// Entry: new HeldAlerts(), push(a), then get(i) / connId(i) / frame(i) for i < length.

import type { Connection } from "../core/engine.js";
import type { Alert } from "../detect/detector.js";
import type { Rule } from "../rules/parse.js";

const F = 7;   // rule index, connection id, direction | dropped << 1, stream offset, match end, ts, frame
const SHIFT = 16, CHUNK = 1 << SHIFT;

export class HeldAlerts {
  private readonly chunks: Float64Array[] = [];
  private n = 0;
  private readonly rules: Rule[] = [];
  private readonly ruleIndex = new Map<Rule, number>();
  private readonly conns = new Map<number, Connection>();
  private lastConn: Connection | null = null;

  get length(): number { return this.n; }

  push(x: Alert): void {
    if ((this.n & (CHUNK - 1)) === 0) this.chunks.push(new Float64Array(F * CHUNK));
    let r = this.ruleIndex.get(x.rule);
    if (r === undefined) { r = this.rules.length; this.rules.push(x.rule); this.ruleIndex.set(x.rule, r); }
    if (x.conn !== this.lastConn) { this.lastConn = x.conn; if (!this.conns.has(x.conn.id)) this.conns.set(x.conn.id, x.conn); }
    const a = this.chunks[this.n >>> SHIFT]!, o = (this.n & (CHUNK - 1)) * F;
    a[o] = r; a[o + 1] = x.conn.id; a[o + 2] = (x.dir === "toserver" ? 0 : 1) | (x.dropped ? 2 : 0);
    a[o + 3] = x.streamOffset; a[o + 4] = x.matchEnd; a[o + 5] = x.ts; a[o + 6] = x.frame;
    this.n++;
  }

  /** Connection id and frame of alert i (no object made). */
  connId(i: number): number { return this.chunks[i >>> SHIFT]![(i & (CHUNK - 1)) * F + 1]!; }
  frame(i: number): number { return this.chunks[i >>> SHIFT]![(i & (CHUNK - 1)) * F + 6]!; }

  /** Alert i as the detector reported it (a new object with the same fields). */
  get(i: number): Alert {
    const a = this.chunks[i >>> SHIFT]!, o = (i & (CHUNK - 1)) * F, flags = a[o + 2]!;
    return {
      rule: this.rules[a[o]!]!, conn: this.conns.get(a[o + 1]!)!, dir: (flags & 1) === 0 ? "toserver" : "toclient",
      streamOffset: a[o + 3]!, matchEnd: a[o + 4]!, ts: a[o + 5]!, frame: a[o + 6]!, dropped: (flags & 2) !== 0,
    };
  }
}
