// reassembly/overlap.ts: classify how a new range [n0,n1) lies against a stored one [o0,o1).
// Entry:     overlapClass(n0, n1, o0, o1): OverlapCase   (the two ranges must intersect)
// Vocabulary: Snort's left/right/full overlaps; the nine numbered cases are Suricata's (§5.1).

export const enum OverlapCase {
  None = 0,
  BeforeEndsInside = 1,  // n0 < o0, n1 < o1   (Snort: right partial)
  BeforeSameEnd = 2,     // n0 < o0, n1 == o1  (right full)
  BeforeCovers = 3,      // n0 < o0, n1 > o1   (right full)
  SameStartShorter = 4,  // n0 == o0, n1 < o1  (right partial)
  Same = 5,              // n0 == o0, n1 == o1 (exact re-send)
  SameStartLonger = 6,   // n0 == o0, n1 > o1  (right full)
  Inside = 7,            // n0 > o0, n1 < o1   (left)
  InsideSameEnd = 8,     // n0 > o0, n1 == o1  (left)
  InsideEndsAfter = 9,   // n0 > o0, n1 > o1   (left)
}

export function overlapClass(n0: u64, n1: u64, o0: u64, o1: u64): OverlapCase {
  const endCmp: i32 = n1 < o1 ? 0 : (n1 == o1 ? 1 : 2);
  if (n0 < o0) return <OverlapCase>(1 + endCmp);
  if (n0 == o0) return <OverlapCase>(4 + endCmp);
  return <OverlapCase>(7 + endCmp);
}
