/**
 * Test-side entry point for building packets and captures. Everything comes
 * from `src/io/pcap-writer.ts` (which re-exports `src/io/packet-build.ts`).
 */
export * from "../../src/io/pcap-writer.js";

/** ISNs that exercise u32 sequence-number wrap-around and sign boundaries. */
export const ISN_SWEEP: readonly number[] = [0, 1, 0x7fffffff, 0x80000000, 0xfffffff6, 0xffffffff];
