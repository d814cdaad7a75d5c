// web/src/config.ts: the viewer's settings -> the engine configuration, the way the CLI builds it.
// Without rules the page runs what `streamsift reassemble` runs (library defaults); with rules, what
// `streamsift scan` runs: Suricata's inspection chunks (2560 bytes +- 10 %, seed 0; 0 = as it arrives
// inline) and payload after an honoured RST discarded (src/commands/scan.ts). Same numbers, same alerts.

import type { EngineConfig } from "../../src/index.js";
import type { ViewerSettings } from "./protocol.js";

/** `scan`'s inspection defaults (src/commands/scan.ts). */
export const SCAN_CHUNK = 2560;
export const SCAN_CHUNK_RANGE = 10;
export const SCAN_SEED = 0;

export function engineConfig(s: ViewerSettings, withRules: boolean): EngineConfig {
  const config: EngineConfig = { policy: s.policy, checksum: s.checksum, midstream: s.midstream, depth: s.depth };
  if (!withRules) {
    config.inspection = { mode: s.inspection };
    return config;
  }
  const chunk = s.inspection === "inline" ? 0 : SCAN_CHUNK;
  config.inspection = { mode: s.inspection, toserverChunkSize: chunk, toclientChunkSize: chunk, randomizeChunkRange: SCAN_CHUNK_RANGE, seed: SCAN_SEED };
  config.postRst = "discard";
  return config;
}
