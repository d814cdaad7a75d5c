// outputs/flow-table.ts: the connection table `streamsift reassemble` prints without --json: one
// tab-separated row per connection, in connection order. A row is formatted when its connection ends
// and kept as text (about 80 bytes), not as the record (several hundred): the table of a capture with a
// million connections is held until the end, to be sorted. Browser-safe.

import type { ConnectionRecord } from "../core/engine.js";

export const TABLE_HEADER = ["#", "client", "server", "state", "pkts c>s", "pkts s>c", "bytes c>s", "bytes s>c", "gaps", "events"].join("\t");

/** "1.2.3.4:80" / "[::1]:80": an endpoint as the CLI's table and readable alerts (and the viewer) print it. */
export function endpoint(ip: string, port: number): string {
  return ip.includes(":") ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** [connection id, row text] of one ended connection. */
export function tableRow(r: ConnectionRecord): [number, string] {
  return [r.id, [r.id, endpoint(r.srcIp, r.srcPort), endpoint(r.destIp, r.destPort), r.state, r.toserver.packets, r.toclient.packets,
    r.toserver.bytes, r.toclient.bytes, r.toserver.gapCount + r.toclient.gapCount, r.events.join(",") || "-"].join("\t")];
}
