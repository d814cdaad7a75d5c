// test/support/scan.ts: run `scan` semantics (engine + detector + the core's prefilter, VALIDATE build)
// over frames or capture bytes and collect plain alert records.

import { coreModule } from "../../src/node.js";
import { createScanner, type Drop } from "../../src/detect/scanner.js";
import { compileRuleSet } from "../../src/detect/ruleset.js";
import { parseRules } from "../../src/rules/parse.js";
import type { EngineConfig } from "../../src/config/schema.js";
import type { PrefilterEngine } from "../../src/prefilter/prefilter.js";
import type { FrameRecord } from "./packets.js";

export interface AlertRec { sid: number; dir: string; offset: number; end: number; frame: number; conn: number; dropped: boolean }
export interface ScanRun { alerts: AlertRec[]; drops: Drop[]; anomalies: string[]; error?: Error }

export interface ScanOpts {
  config?: EngineConfig;
  prefilter?: PrefilterEngine | "core";
  establishedOnly?: boolean;
  verifyWindow?: number;
}

export async function scanFeed(rulesText: string, feed: (e: { feedPacket(f: Uint8Array, l: number, t: number): void; feed(b: Uint8Array): void }) => void,
                               o: ScanOpts = {}): Promise<ScanRun> {
  const parsed = parseRules(rulesText, "test.rules");
  if (parsed.errors.length) throw new Error(parsed.errors.map((e) => e.reason).join("; "));
  const alerts: AlertRec[] = [], drops: Drop[] = [], anomalies: string[] = [];
  const s = await createScanner(coreModule(true), {
    config: { checksum: "off", ...(o.config ?? {}) }, ruleset: compileRuleSet(parsed.rules),
    prefilter: o.prefilter ?? "core", establishedOnly: o.establishedOnly, verifyWindow: o.verifyWindow,
    onAlert: (a) => alerts.push({ sid: a.rule.sid, dir: a.dir, offset: a.streamOffset, end: a.matchEnd, frame: a.frame, conn: a.conn.id, dropped: a.dropped }),
    onDrop: (d) => drops.push(d),
    onAnomaly: (_c, _d, name) => anomalies.push(name),
  });
  let error: Error | undefined;
  try { feed(s.engine); } catch (e) { error = e as Error; }
  try { s.engine.finish(); } catch (e) { error ??= e as Error; }
  return { alerts, drops, anomalies, ...(error ? { error } : {}) };
}

export function scanFrames(rulesText: string, frames: FrameRecord[], o: ScanOpts = {}, linkType = 1): Promise<ScanRun> {
  return scanFeed(rulesText, (e) => { for (const f of frames) e.feedPacket(f.frame, linkType, f.tsMicros); }, o);
}

/** Alerts as sorted "sid dir offset" strings (order-free comparison). */
export const alertKeys = (r: ScanRun): string[] => r.alerts.map((a) => `${a.conn} ${a.sid} ${a.dir} ${a.offset}`).sort();
