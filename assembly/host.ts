// host.ts: the functions the core imports from the host (module "env"). Each is a synchronous callback;
// a pointer handed out is a view into linear memory valid only for the duration of the callback.
// Only the core calls these; only src/core/engine.ts implements them.

// @ts-ignore: decorator
@external("env", "onData")
declare function onData(flow: u32, dir: i32, ptr: usize, len: u32, off: f64): void;
// @ts-ignore: decorator
@external("env", "onGap")
declare function onGap(flow: u32, dir: i32, off: f64, len: f64): void;
// @ts-ignore: decorator
@external("env", "onEvent")
declare function onEvent(flow: u32, dir: i32, event: i32): void;
// @ts-ignore: decorator
@external("env", "onFlowEnd")
declare function onFlowEnd(flow: u32, reason: i32): void;
// @ts-ignore: decorator
@external("env", "onMatches")
declare function onMatches(flow: u32, dir: i32, results: usize, count: i32, base: f64): void;
// @ts-ignore: decorator
@external("env", "onNotice")
declare function onNotice(code: i32, a: u32, b: usize): void;

export const NOTICE_LINKTYPE: i32 = 1;  // a = unsupported link type
export const NOTICE_OFFLOAD: i32 = 2;   // a = family, b = pointer to the 16-byte address of an offloading host
export const NOTICE_DROPPED: i32 = 3;   // a = flow, b = direction: a packet of a dropped connection (inline), not processed

export const END_EOF: i32 = 0;          // end of input (flushAll)
export const END_TIMEOUT: i32 = 1;
export const END_REUSE: i32 = 2;        // a new SYN reused the 4-tuple of a finished connection
export const END_PRUNED: i32 = 3;       // flow memcap: least recently active connection evicted
export const END_CLOSED: i32 = 4;       // both FINs acknowledged

let eventsOn: bool = true;
export function hostEventsEnable(callbacks: bool): void { eventsOn = callbacks; }

// @ts-ignore: decorator
@inline export function hostData(flow: usize, dir: i32, ptr: usize, len: u32, off: u64): void {
  onData(<u32>flow, dir, ptr, len, <f64>off);
}
// @ts-ignore: decorator
@inline export function hostGap(flow: usize, dir: i32, off: u64, len: u64): void {
  onGap(<u32>flow, dir, <f64>off, <f64>len);
}
// @ts-ignore: decorator
@inline export function hostEvent(flow: usize, dir: i32, event: i32): void {
  if (eventsOn) onEvent(<u32>flow, dir, event);
}
/** `count` matches of one scan: 16-byte records {u32 pattern, u32 0, f64 end} at `results` (match/'s
 *  results buffer); each match's stream offset is base + end. One host call per scan, not per match. */
// @ts-ignore: decorator
@inline export function hostMatches(flow: usize, dir: i32, results: usize, count: i32, base: f64): void {
  onMatches(<u32>flow, dir, results, count, base);
}
// @ts-ignore: decorator
@inline export function hostFlowEnd(flow: usize, reason: i32): void { onFlowEnd(<u32>flow, reason); }
// @ts-ignore: decorator
@inline export function hostNotice(code: i32, a: u32, b: usize): void { onNotice(code, a, b); }
