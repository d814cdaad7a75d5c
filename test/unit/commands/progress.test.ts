// commands/common.ts progressMeter: the terminal progress line of reassemble and scan.
import { afterEach, describe, expect, test, vi } from "vitest";
import { progressMeter } from "../../../src/commands/common.js";

describe("progressMeter", () => {
  afterEach(() => { vi.useRealTimers(); vi.restoreAllMocks(); });

  test("draws at most every 200 ms (MB, % of the file, MB/s), erases the line at the end; off: silent", () => {
    vi.useFakeTimers({ toFake: ["performance"] });
    const out: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((s: string | Uint8Array) => { out.push(String(s)); return true; });
    const m = progressMeter(true);
    vi.advanceTimersByTime(500);
    m.update(50e6, 200e6);
    expect(out).toEqual(["\r50 MB 25.0% 100 MB/s   "]);
    vi.advanceTimersByTime(100);
    m.update(60e6, 200e6);                       // too soon: not drawn
    expect(out).toHaveLength(1);
    vi.advanceTimersByTime(400);
    m.update(100e6, undefined);                  // stdin: no total, no percentage
    expect(out[1]).toBe("\r100 MB 100 MB/s   ");
    m.done();
    expect(out[2]).toBe("\r\x1b[K");
    // several workers, each reading the whole capture: the slowest one's bytes
    const two = progressMeter(true, 2);
    vi.advanceTimersByTime(500);
    two.update(80e6, 200e6, 0);
    expect(out[3]).toBe("\r0 MB 0.0% 0 MB/s   ");
    vi.advanceTimersByTime(500);
    two.update(30e6, 200e6, 1);
    expect(out[4]).toBe("\r30 MB 15.0% 30 MB/s   ");
    out.length = 3;
    const quiet = progressMeter(false);
    vi.advanceTimersByTime(500);
    quiet.update(1e6, 2e6); quiet.done();
    expect(out).toHaveLength(3);
    expect(quiet.on).toBe(false);
  });
});
