// test/policy/overlap.test.ts: every overlap policy, step by step, across sequence wrap.
//  1. Suricata's 27 overlap unit tests (reference §6.2), each at ISN 0, 1, 2^32-1, 2^32-11 (Suricata's own
//     sweep) and at the house ISN_SWEEP; after every step the whole stream must read as Suricata's.
//  2. The §6.4 nested case (a short segment inside a long one, then one inside that): every stored
//     segment a new one overlaps is checked, not only its neighbours.
//  3. Suricata's overlap test pattern with the expected output of each of the 12 policies.

import { describe, expect, test } from "vitest";
import { TcpConversation, ISN_SWEEP } from "../support/packets.js";
import { runFrames, render } from "../support/engine.js";
import { suricataVectors, SURICATA_ISNS, HAVE_REFERENCE } from "./overlap.vectors.js";
import { POLICIES } from "../../src/core/abi.js";

/** Feeds the first k steps as client segments after a handshake at `isn`; returns the rendered stream. */
async function streamAfter(policy: string, isn: number, steps: Array<[number, string]>): Promise<string> {
  const c = new TcpConversation({ client: "10.0.0.1:40000", server: "10.0.0.2:80", isnClient: isn, isnServer: 7000 });
  c.handshake();
  for (const [rel, data] of steps) c.clientSend(data, { relSeq: rel });
  const r = await runFrames(c.records(), { policy });
  expect(r.error).toBeUndefined();
  expect(r.flows).toHaveLength(1);
  return render(r.flows[0]!.toserver);
}

describe.skipIf(!HAVE_REFERENCE)("Suricata overlap vectors (reference §6.2)", () => {
  const vectors = HAVE_REFERENCE ? suricataVectors() : [];
  test("all 27 step tables are there", () => { expect(vectors).toHaveLength(27); });
  for (const v of vectors) {
    const isns = v.isn !== undefined ? [v.isn] : [...new Set([...SURICATA_ISNS, ...ISN_SWEEP])];
    test.each(isns)(`${v.name} (${v.policy}) at ISN %i`, async (isn) => {
      for (let k = 1; k <= v.steps.length; k++) {
        const got = await streamAfter(v.policy, isn, v.steps.slice(0, k).map(([r, d]) => [r, d]));
        const [rel, data, want] = v.steps[k - 1]!;
        expect(got, `after step ${k} [${rel}, "${data}"]`).toBe(want);
      }
    });
  }
});

// Reference §6.4 (derived, not from Suricata's tests): A = [0,10), B = [2,3) inside A, C = [4,6) inside A
// but after B. A neighbour-only check sees B before C and misses A: C would overwrite A's bytes.
describe("nested overlap: every stored segment is checked (§6.4)", () => {
  const steps: Array<[number, string]> = [[1, "AAAAAAAAAA"], [3, "B"], [5, "CC"]];
  const want: Record<string, string> = { last: "AABACCAAAA" };
  for (const p of POLICIES) {
    test.each(ISN_SWEEP)(`${p} at ISN %i`, async (isn) => {
      expect(await streamAfter(p, isn, steps)).toBe(want[p] ?? "AAAAAAAAAA");
    });
  }
});

// Suricata's overlap test pattern (OverlapBSD & co, §6.2): the final stream each policy produces, and
// which policies must agree (behaviour classes of §5.1).
describe("the overlap pattern, final stream per policy", () => {
  const pattern: Array<[number, string]> = [
    [2, "AAA"], [6, "BB"], [8, "CCC"], [12, "D"], [15, "EE"], [17, "FFF"], [20, "GG"], [22, "HH"], [24, "I"],
    [3, "JJJJ"], [8, "KKK"], [11, "LLL"], [14, "MMM"], [18, "N"], [21, "O"], [22, "P"], [24, "QQ"], [1, "0"],
  ];
  const FINAL: Record<string, string> = {
    first: "0AAAJBBCCCLDLMEEFFFGGHHIQ",
    vista: "0AAAJBBCCCLDLMEEFFFGGHHIQ",
    bsd: "0AAAJJBCCCLLLMMMFFFGGHHIQ",
    windows: "0AAAJJBCCCLLLMMMFFFGGHHIQ",
    hpux10: "0AAAJJBCCCLLLMMMFFFGGHHIQ",
    irix: "0AAAJJBCCCLLLMMMFFFGGHHIQ",
    macos: "0AAAJJBCCCLLLMMMFFFGGHHIQ",
    linux: "0AAAJJBCCCLLLMMMFFFGGHHQQ",
    "old-linux": "0AAAJJBKKKLLLMMMFFFGGHHQQ",
    solaris: "0AJJJBBKKKLLLMMMFFFGGHHQQ",
    hpux11: "0AJJJBBKKKLLLMMMFFFGGHHQQ",
    last: "0AJJJJBKKKLLLMMMFNFGOPHQQ",
  };
  test("every policy has an expectation", () => { expect(Object.keys(FINAL).sort()).toEqual([...POLICIES].sort()); });
  for (const p of POLICIES) {
    test.each([0, 0xfffffff6])(`${p} at ISN %i`, async (isn) => {
      expect(await streamAfter(p, isn, pattern)).toBe(FINAL[p]);
    });
  }
});
