// test/support/corpus.ts: the shared corpus (../shared/corpus) and its tshark/tcpflow references, and a
// matcher from our connection records to the reference connections.

import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";

export const CORPUS = resolve(import.meta.dirname, "../../../shared/corpus");
export const HAVE_CORPUS = existsSync(join(CORPUS, "refs"));

export interface RefDir {
  packets: number; wire_payload_bytes: number; syn: boolean; synack: boolean; fin: boolean; rst: boolean;
  tshark: { bytes: number; sha256: string; gaps?: Array<{ offset: number; len: number }> };
  tcpflow: { bytes: number; sha256: string } | null;
  compare: string;
}
export interface RefConn { stream: number; client: string; server: string; first_ts_usec: number; packets: number; c2s: RefDir; s2c: RefDir }
export interface Ref { pcap: string; connections: RefConn[]; tcp_connections: number }

export function corpusFiles(): string[] {
  return readdirSync(join(CORPUS, "pcaps")).filter((f) => f.endsWith(".pcap") || f.endsWith(".pcapng")).sort();
}
export function loadRef(file: string): Ref {
  return JSON.parse(readFileSync(join(CORPUS, "refs", `${file}.json`), "utf8")) as Ref;
}

/** "1.2.3.4:80" / "[::1]:80" for our records. */
export function endpoint(ip: string, port: number): string {
  return ip.includes(":") ? `[${ip}]:${port}` : `${ip}:${port}`;
}

export interface OurDir { bytes: number; sha256: string; gaps: Array<[number, number]> }
export interface OurFlow {
  flow_id: number; src_ip: string; src_port: number; dest_ip: string; dest_port: number; state: string;
  toserver: OurDir; toclient: OurDir; events: string[]; start: string; pkts_toserver: number; pkts_toclient: number;
}

/**
 * Pairs each reference connection with one of ours: same endpoints (either orientation: tshark's
 * client is the first packet's sender, ours follows the handshake or ports), in order of appearance.
 * Returns our direction records mapped to the reference's c2s/s2c.
 */
export function matchFlows(ref: Ref, ours: OurFlow[]): Array<{ ref: RefConn; ours: OurFlow | undefined; c2s: OurDir | undefined; s2c: OurDir | undefined }> {
  const used = new Set<OurFlow>();
  const byKey = new Map<string, OurFlow[]>();
  for (const f of [...ours].sort((a, b) => a.flow_id - b.flow_id)) {
    const k = [endpoint(f.src_ip, f.src_port), endpoint(f.dest_ip, f.dest_port)].sort().join(" ");
    (byKey.get(k) ?? byKey.set(k, []).get(k)!).push(f);
  }
  return ref.connections.map((rc) => {
    const k = [rc.client, rc.server].sort().join(" ");
    const f = (byKey.get(k) ?? []).find((x) => !used.has(x));
    if (!f) return { ref: rc, ours: undefined, c2s: undefined, s2c: undefined };
    used.add(f);
    const same = endpoint(f.src_ip, f.src_port) === rc.client;
    return { ref: rc, ours: f, c2s: same ? f.toserver : f.toclient, s2c: same ? f.toclient : f.toserver };
  });
}
