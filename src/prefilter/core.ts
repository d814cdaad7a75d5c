// prefilter/core.ts: the core's matcher (assembly/match/) as a PrefilterEngine. Browser-safe.
// Zero-copy: data that already lies in the core's memory (data.buffer === memory.buffer) is scanned
// in place; anything else is copied into the core's scratch area first (one copy per scan call).
// Ownership: a Prefilter owns its db handle, a stream its stream handle; free()/close() return them to
// the core's free lists. Sinks run synchronously during scan and must not call into the same core.

import { CoreMatcher } from "../core/matcher.js";
import type { MatchSink, PatternSpec, Prefilter, PrefilterEngine, PrefilterStream } from "./prefilter.js";

export const CORE_ENGINE_NAME = "streamsift-core";

class CorePrefilter implements Prefilter {
  readonly engine = CORE_ENGINE_NAME;
  readonly patternCount: number;
  readonly dbBytes: number;
  readonly streamBytes: number;
  readonly maxLength: number;
  private db: number;
  /** The database handle in the core (Engine.attachMatcher scans deliveries with it in place). */
  get handle(): number { return this.db; }

  constructor(private readonly m: CoreMatcher, patterns: readonly PatternSpec[]) {
    this.db = m.compile(patterns);
    this.patternCount = patterns.length;
    this.dbBytes = m.dbBytes(this.db);
    this.streamBytes = m.streamBytes(this.db);
    this.maxLength = patterns.reduce((n, p) => Math.max(n, p.bytes.length), 0);
  }

  /** Where data lies in the core's memory: its own offset, or a copy in the scratch area. */
  private place(data: Uint8Array): number {
    if (data.buffer === this.m.memory.buffer) return data.byteOffset;
    const p = this.m.scratch(data.length);
    this.m.bytes().set(data, p);
    return p;
  }

  open(): PrefilterStream {
    const m = this.m;
    let s = m.open(this.db);
    return {
      scan: (data: Uint8Array, sink: MatchSink) => {
        if (s === 0) throw new Error("prefilter stream used after close()");
        if (data.length === 0) return;
        m.scan(s, this.place(data), data.length, sink);
      },
      reset: () => { if (s !== 0) m.reset(s); },
      close: () => { if (s !== 0) { m.close(s); s = 0; } },
    };
  }

  scanBlock(data: Uint8Array, sink: MatchSink): void {
    if (data.length === 0) return;
    this.m.scanBlock(this.db, this.place(data), data.length, sink);
  }

  free(): void {
    if (this.db !== 0) { this.m.free(this.db); this.db = 0; }
  }
}

/** The matcher of an already instantiated core (shares its memory with whatever else uses it). */
export function corePrefilterEngine(instance: WebAssembly.Instance): PrefilterEngine & { readonly matcher: CoreMatcher } {
  const matcher = new CoreMatcher(instance);
  return {
    name: CORE_ENGINE_NAME,
    matcher,
    compile: (patterns) => new CorePrefilter(matcher, patterns),
  };
}

/** Instantiates build/core.wasm (bytes or a compiled Module) just for the matcher. */
export async function createCorePrefilterEngine(wasm: BufferSource | WebAssembly.Module): Promise<PrefilterEngine & { readonly matcher: CoreMatcher }> {
  const mod = wasm instanceof WebAssembly.Module ? wasm : await WebAssembly.compile(wasm);
  let memory: WebAssembly.Memory | undefined;
  const str = (ptr: number): string => {
    if (!memory || !ptr) return String(ptr);
    const len = new DataView(memory.buffer).getUint32(ptr - 4, true) >>> 1;
    return String.fromCharCode(...new Uint16Array(memory.buffer, ptr, len));
  };
  const none = () => {};
  const instance = await WebAssembly.instantiate(mod, {
    env: {
      onData: none, onGap: none, onEvent: none, onFlowEnd: none, onNotice: none, onMatches: none,
      abort: (msg: number, file: number, line: number, col: number) => {
        throw new Error(`core assertion failed at ${str(file)}:${line}:${col}: ${str(msg)}`);
      },
    },
  });
  memory = instance.exports.memory as WebAssembly.Memory;
  return corePrefilterEngine(instance);
}
