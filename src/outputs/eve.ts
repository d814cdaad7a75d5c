// outputs/eve.ts: Suricata EVE JSON records of `streamsift scan`: alert, anomaly, drop (inline verdicts)
// and the final stats record. Flow records come from outputs/flow-json.ts (the same as reassemble
// --json). Endpoints are always src = client, dest = server, as in `reassemble --json`; `direction`
// says which way the matched bytes went. Browser-safe.

import type { Connection, Direction } from "../core/engine.js";
import type { Alert } from "../detect/detector.js";
import type { Drop } from "../detect/scanner.js";
import { ConnMemo } from "./conn-memo.js";

/** Suricata's timestamp format: 2016-01-01T12:00:00.123456+0000 (UTC). */
let lastDay = NaN, dayText = "", dayPlain = false, lastUs = NaN, lastIso = "";
const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);
export function isoTimestamp(us: number): string {
  if (us === lastUs) return lastIso;     // the alerts of one packet share it
  const sec = Math.floor(us / 1e6);
  // beyond what a Date holds (+-8.64e15 ms: a corrupt pcapng timestamp can be 2^64 ticks): said so, as
  // Wireshark says "Not representable", rather than a RangeError that would end the run
  if (!(Math.abs(sec) <= 8.64e12)) return `not representable: ${us} us since 1970`;
  // the date part changes once a day: formatting it (Date + toISOString, ~1 µs) is the slow part, so
  // only the day goes through Date; flow records' start and end times jump between seconds
  const day = Math.floor(sec / 86400);
  if (day !== lastDay) {
    lastDay = day;
    dayText = new Date(day * 86400000).toISOString().slice(0, 11);
    dayPlain = /^\d{4}-\d\d-\d\dT$/.test(dayText);   // years 0000-9999 (others: "+010000-01-01T...")
  }
  const t = sec - day * 86400;
  const micro = String(Math.round(us - sec * 1e6)).padStart(6, "0");
  lastUs = us;
  lastIso = dayPlain                // other years (a corrupt timestamp) as Date prints them
    ? `${dayText}${two(Math.floor(t / 3600))}:${two(Math.floor(t / 60) % 60)}:${two(t % 60)}.${micro}+0000`
    : `${new Date(sec * 1000).toISOString().slice(0, 19)}.${micro}+0000`;
  return lastIso;
}

function endpoints(conn: Connection): Record<string, unknown> {
  return { flow_id: conn.id, src_ip: conn.srcIp, src_port: conn.srcPort, dest_ip: conn.destIp, dest_port: conn.destPort, proto: "TCP" };
}

/** Variant information for --policy all (outputs/policy-all.ts). */
export interface PolicyInfo { policies: string[]; policyDependent: boolean }

export function alertJson(a: Alert, policy?: PolicyInfo): Record<string, unknown> {
  const r = a.rule;
  return {
    timestamp: isoTimestamp(a.ts),
    event_type: "alert",
    ...endpoints(a.conn),
    direction: a.dir,
    stream_offset: a.streamOffset,
    frame: a.frame,
    alert: {
      action: a.dropped ? "blocked" : "allowed",
      gid: r.gid, signature_id: r.sid, rev: r.rev, signature: r.msg,
      ...(policy ? { policy_dependent: policy.policyDependent, policies: policy.policies } : {}),
    },
  };
}

/**
 * The EVE line of an alert without --policy all's fields: the same bytes as
 * JSON.stringify(alertJson(a)) (a test checks it), built from pieces that repeat: a connection's
 * endpoints (ConnMemo) and each rule's `alert` object are serialized once. One JSON.stringify of the whole
 * record per alert was 3 µs, most of `scan --json`'s cost beyond `scan -q` with many alerts.
 */
export function alertEveLine(a: Alert): string {
  let frag = ruleFragments.get(a.rule);
  if (!frag) {
    const r = a.rule;
    const of = (action: string) => JSON.stringify({ action, gid: r.gid, signature_id: r.sid, rev: r.rev, signature: r.msg });
    frag = [of("allowed"), of("blocked")];
    ruleFragments.set(a.rule, frag);
  }
  // direction is "toserver" or "toclient"; offsets and frames are integers (String = JSON for them)
  return `{"timestamp":"${isoTimestamp(a.ts)}","event_type":"alert",${endpointText.get(a.conn)},"direction":"${a.dir}",` +
    `"stream_offset":${a.streamOffset},"frame":${a.frame},"alert":${frag[a.dropped ? 1 : 0]}}`;
}
const endpointText = new ConnMemo((c) => JSON.stringify(endpoints(c)).slice(1, -1));
const ruleFragments = new WeakMap<Alert["rule"], [string, string]>();

export function anomalyJson(conn: Connection, dir: Direction, name: string, ts: number, frame: number): Record<string, unknown> {
  return {
    timestamp: isoTimestamp(ts),
    event_type: "anomaly",
    ...endpoints(conn),
    direction: dir,
    frame,
    anomaly: { type: name.slice(0, name.indexOf(".")), event: name },
  };
}

/** One inline verdict that is not "accept" (--verdicts FILE; every other packet was accepted). */
export function dropJson(d: Drop): Record<string, unknown> {
  return {
    timestamp: isoTimestamp(d.ts),
    event_type: "drop",
    frame: d.frame,
    verdict: "drop",
    reason: d.reason,
    ...(d.sid !== undefined ? { signature_id: d.sid } : {}),
    ...endpoints(d.conn),
    direction: d.dir,
  };
}
