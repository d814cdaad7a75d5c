// test/policy/overlap.vectors.ts: Suricata's overlap unit vectors (src/tests/stream-tcp-list.c), as copied
// into ../shared/reference/stream-engines.md §6.2: each step [relSeq, payload, expected stream after it];
// relSeq 1 = first byte after the SYN; '_' = a hole. Data only, no Suricata code.

import { readFileSync, existsSync } from "node:fs";
import { resolve } from "node:path";

export interface OverlapVector { name: string; policy: string; isn?: number; steps: Array<[number, string, string]> }

const REF = resolve(import.meta.dirname, "../../../shared/reference/stream-engines.md");
export const HAVE_REFERENCE = existsSync(REF);

/** Parses the JSON block of §6.2 out of the reference document. */
export function suricataVectors(): OverlapVector[] {
  const md = readFileSync(REF, "utf8");
  const start = md.indexOf("### 6.2");
  const json = md.slice(md.indexOf("```json", start) + 7, md.indexOf("```", md.indexOf("```json", start) + 7));
  const doc = JSON.parse(json) as { tests: Record<string, { policy: string; isn?: number; steps: Array<[number, string, string]> }> };
  return Object.entries(doc.tests).map(([name, t]) => ({ name, policy: t.policy.replace("_", "-"), ...(t.isn !== undefined ? { isn: t.isn } : {}), steps: t.steps }));
}

/** The ISNs Suricata runs each Overlap* test at. */
export const SURICATA_ISNS = [0, 1, 4294967295, 4294967285];
