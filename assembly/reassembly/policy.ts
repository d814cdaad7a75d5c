// reassembly/policy.ts: target-based overlap policies as a table (STYLE §7.6).
// Entry:     newWins(policy, caseId): bool
// Source:    Suricata DoHandleDataOverlap() (SU:stream-tcp-list.c), summarised in
//            ../shared/reference/stream-engines.md §5.1. Six behaviour classes exist:
//            FIRST {first, vista}, BSD {bsd, hpux10, irix, macos, windows}, LINUX, OLD_LINUX,
//            SOLARIS {solaris, hpux11}, LAST. Snort differs in case 6 for irix/hpux10 (new wins there);
//            we follow Suricata, as the issue asks.
// Composition (also Suricata's): the new segment's bytes win in a range only if the verdict against
// EVERY stored segment overlapping that range is N (see segments.ts).

import { OverlapCase } from "./overlap";

export const enum Policy {
  First = 0, Last = 1, Linux = 2, OldLinux = 3, Bsd = 4, Windows = 5, Vista = 6,
  Solaris = 7, Hpux10 = 8, Hpux11 = 9, Irix = 10, Macos = 11, Count = 12,
}

// POLICY_TABLE[policy * 9 + (case - 1)] = 1 when the NEW bytes win.
// cases:  1 starts before, ends inside | 2 starts before, same end | 3 starts before, ends after (covers)
//         4 same start, shorter        | 5 same start and end       | 6 same start, longer
//         7 inside                     | 8 starts inside, same end  | 9 starts inside, ends after
const POLICY_TABLE: StaticArray<u8> = [
//  1  2  3  4  5  6  7  8  9
    0, 0, 0, 0, 0, 0, 0, 0, 0, // first: the bytes seen first always win
    1, 1, 1, 1, 1, 1, 1, 1, 1, // last: the bytes seen last always win
    1, 1, 1, 0, 0, 1, 0, 0, 0, // linux: new wins when it starts before old, or same start and longer
    1, 1, 1, 0, 1, 1, 0, 0, 0, // old-linux: linux + exact same range
    1, 1, 1, 0, 0, 0, 0, 0, 0, // bsd: new wins only when it starts before old
    1, 1, 1, 0, 0, 0, 0, 0, 0, // windows: as bsd
    0, 0, 0, 0, 0, 0, 0, 0, 0, // vista: as first
    0, 1, 1, 0, 1, 1, 0, 0, 1, // solaris: new wins when it reaches or passes old's end, except case 8
    1, 1, 1, 0, 0, 0, 0, 0, 0, // hpux10: as bsd (Snort: also case 6)
    0, 1, 1, 0, 1, 1, 0, 0, 1, // hpux11: as solaris
    1, 1, 1, 0, 0, 0, 0, 0, 0, // irix: as bsd (Snort: also case 6)
    1, 1, 1, 0, 0, 0, 0, 0, 0, // macos: as bsd
];

// @ts-ignore: decorator
@inline export function newWins(policy: i32, c: OverlapCase): bool {
  return unchecked(POLICY_TABLE[policy * 9 + <i32>c - 1]) != 0;
}
