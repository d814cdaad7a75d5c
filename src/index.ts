// index.ts: the public API, browser-safe (no node: imports). Node users may prefer "streamsift/node",
// which also finds the wasm file and reads files and stdin.
//
//   const engine = await createEngine(wasmBytesOrModule, { policy: "linux" }, {
//     onData(conn, dir, bytes, offset) { ... },   // zero-copy view, valid during the call
//     onConnection(record) { ... },
//   });
//   engine.feed(chunk); ...; engine.finish();

import { Engine, type EngineCallbacks } from "./core/engine.js";
import { validateConfig } from "./config/validate.js";
import type { EngineConfig } from "./config/schema.js";

export { Engine } from "./core/engine.js";
export type { Connection, ConnectionRecord, DirectionRecord, Direction, EngineCallbacks, MemoryStats } from "./core/engine.js";
export type { EngineConfig, ResolvedConfig, ChecksumMode } from "./config/schema.js";
export { validateConfig } from "./config/validate.js";
export { EngineError, type ErrorCode } from "./core/errors.js";
export { POLICIES, EVENTS, STATS, TCP_STATES, type PolicyName, type EventName, type StatName } from "./core/abi.js";

/** Creates an engine from the core's compiled wasm (bytes or a WebAssembly.Module). */
export async function createEngine(wasm: WebAssembly.Module | BufferSource, config: EngineConfig = {},
                                   callbacks: EngineCallbacks = {}): Promise<Engine> {
  return Engine.create(wasm, validateConfig(config), callbacks);
}

// ---- detection (issue 3) -------------------------------------------------------------------------
export { StreamDispatcher, type StreamModule, type StreamContext, type StreamSelect } from "./stream/api.js";
export { StreamIterators, type StreamChunk, type ConnectionStreams } from "./stream/iterate.js";
export { parseRules, type Rule, type RuleError, type ParseResult } from "./rules/parse.js";
export { compileRuleSet, type RuleSet, type CompiledRule } from "./detect/ruleset.js";
export { Detector, type Alert, type DetectorOptions } from "./detect/detector.js";
export { createScanner, mergeCallbacks, type Scanner, type ScanOptions, type Drop } from "./detect/scanner.js";
export { policyVariants, POLICY_CLASSES, type PolicyAllResult } from "./detect/policy-all.js";
export type { Prefilter, PrefilterEngine, PrefilterStream, PatternSpec, MatchSink } from "./prefilter/prefilter.js";
export { corePrefilterEngine, createCorePrefilterEngine } from "./prefilter/core.js";
export { naivePrefilterEngine } from "./prefilter/naive.js";
export { alertJson, anomalyJson, dropJson, isoTimestamp } from "./outputs/eve.js";
