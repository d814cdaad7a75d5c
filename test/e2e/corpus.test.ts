// test/e2e/corpus.test.ts: the CLI on every capture of ../shared/corpus, against tshark and tcpflow.
// Where the two tools agree, we must agree byte for byte (SHA-256 of the delivered bytes, and the holes
// tshark reports). Where they disagree, DISPUTED states which behaviour we implement and why, and the
// test checks exactly that.

import { describe, expect, test } from "vitest";
import { execFileSync } from "node:child_process";
import { join, resolve } from "node:path";
import { CORPUS, HAVE_CORPUS, corpusFiles, loadRef, matchFlows, type OurFlow, type RefDir, type OurDir } from "../support/corpus.js";

const CLI = resolve(import.meta.dirname, "../../dist/cli.js");

function runCli(file: string, ...args: string[]): OurFlow[] {
  const out = execFileSync("node", [CLI, "reassemble", join(CORPUS, "pcaps", file), "--json", ...args],
    { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 1 << 28 });
  return out.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as OurFlow);
}

type Expect =
  | { kind: "tshark"; why: string }                  // our bytes are tshark's
  | { kind: "tcpflow"; why: string; args?: string[] } // our bytes are tcpflow's (e.g. with another policy)
  | { kind: "tcpflow-zero-filled"; why: string }     // tcpflow's file = our bytes with our holes zero-filled
  | { kind: "out-of-window"; why: string };          // segments beyond the receiver's window are dropped

const ZERO_FILLED_WHY = "data after a hole that nothing acknowledged before the end (RST or end of capture): the issue " +
  "asks for it to be delivered at connection end with the hole reported as a gap, as tcpflow does (it zero-fills); " +
  "tshark stops at the hole";

/** "file stream dir" -> what we do where tshark and tcpflow differ (README of the corpus, 'Where the tools disagree'). */
const DISPUTED: Record<string, Expect> = {
  "bigtcp-ipv4.pcap 0 c2s": { kind: "tshark", why: "tcpflow cannot read an IPv4 datagram over 65,535 bytes (total length 0, BIG TCP)" },
  "gap-dupack-real.pcapng 0 s2c": { kind: "tshark", why: "midstream: the stream starts at the first sequence number seen; earlier data is dropped (tcpflow shifts its file instead)" },
  "gap-http-multi-drops.pcap 0 s2c": { kind: "tcpflow-zero-filled", why: ZERO_FILLED_WHY },
  "gap-one-sided-missing-packet.pcap 0 c2s": { kind: "tcpflow-zero-filled", why: ZERO_FILLED_WHY },
  "gap-rst-after-gap-http.pcap 0 s2c": { kind: "tcpflow-zero-filled", why: ZERO_FILLED_WHY },
  "gap-unacked-then-rst.pcap 0 s2c": { kind: "tcpflow-zero-filled", why: ZERO_FILLED_WHY },
  "rst-unacked-http.pcap 0 c2s": { kind: "tcpflow-zero-filled", why: ZERO_FILLED_WHY },
  "seq-wrap-reorder-synthetic.pcap 0 c2s": { kind: "tcpflow", why: "two segments 250 MB apart: both delivered, the jump reported as one gap" },
  "gap-sliced-ftp-bigtransfer.pcap 2 s2c": { kind: "out-of-window", why: "only slices of the transfer were captured: segments hundreds of MB beyond the receiver's advertised window are dropped as the receiver would (stream.est_packet_out_of_window); jumps inside it are gaps" },
  "inject-http-response-race.pcap 0 s2c": { kind: "tshark", why: "the client acknowledged the forged 43-byte response before the genuine one arrived, so those bytes were delivered to it whatever the policy (tested below); tcpflow's last-wins writes the genuine response over them" },
  "ipv4-frag-http-request.pcap 0 c2s": { kind: "tshark", why: "IPv4 fragments are reassembled; tcpflow keeps only the first fragment" },
  "ipv6-atomic-frag-http.pcap 0 s2c": { kind: "tshark", why: "IPv6 atomic fragment headers are walked; tcpflow does not parse them" },
  "ipv6-atomic-frag-http.pcap 1 c2s": { kind: "tshark", why: "as above" },
  "ipv6-atomic-frag-http.pcap 2 c2s": { kind: "tshark", why: "as above" },
  "ipv6-atomic-frag-http.pcap 3 c2s": { kind: "tshark", why: "as above" },
  "overlap-exact-first-vs-last.pcap 0 c2s": { kind: "tshark", why: "same range, different bytes (case 5): bsd keeps the first (GOOD); old-linux/solaris/last take EVIL (tested below)" },
  "overlap-partial.pcap 0 c2s": { kind: "tshark", why: "bsd keeps the stored bytes where the new segment starts inside them; last takes the new (tested below)" },
  "overlap-inconsistent-retrans.pcap 0 c2s": { kind: "tcpflow-zero-filled", why: "the client's segments with wrong TCP checksums are rejected (the host also sends correct ones: insertion, --checksum auto), so those ranges are gaps; the rest matches tcpflow's layout" },
  "snaplen96-truncated.pcap 0 s2c": { kind: "tshark", why: "captured bytes of each segment cut by the snap length are delivered, and the cut tails are gaps (tshark concatenates the captured parts without marking them)" },
};

/** Reference streams we do not report as connections of their own, and why. */
const MERGED: Record<string, string> = {
  "handshake-split-5whs.pcap 1": "split handshake (the server answers with its own SYN): one connection for us, two tshark streams; the data is checked on stream 0's endpoints",
  "handshake-variants-synthetic.pcap 3": "a second SYN with another ISN during the handshake is an anomaly on the same connection (Suricata 3whs_syn_resend_diff_seq_on_syn_recv), not a new one; no data",
  "handshake-variants-synthetic.pcap 14": "as above; no data",
};

/** Directions whose reference says "no data" but where we see the data of a merged stream. */
const MERGED_DATA: Record<string, string> = {
  "handshake-split-5whs.pcap 0 c2s": "the 4 client bytes that tshark puts on stream 1",
};

function zeroFilledLength(d: OurDir): number {
  return d.bytes + d.gaps.reduce((n, [off, len]) => (off + len <= d.bytes + d.gaps.reduce((m, g) => m + g[1], 0) ? n + len : n), 0);
}

describe.skipIf(!HAVE_CORPUS)("corpus: every connection agrees with tshark and tcpflow where they agree", () => {
  const files = HAVE_CORPUS ? corpusFiles() : [];
  test("the corpus is complete", () => { expect(files).toHaveLength(79); });
  test.each(files)("%s", (file) => {
    const ref = loadRef(file);
    const ours = runCli(file);
    const matches = matchFlows(ref, ours);
    for (const m of matches) {
      if (!m.ours) {
        const why = MERGED[`${file} ${m.ref.stream}`];
        expect(why, `stream ${m.ref.stream} (${m.ref.client} ${m.ref.server}) has no connection`).toBeDefined();
        expect(m.ref.c2s.tshark.bytes + m.ref.s2c.tshark.bytes, "a merged stream may only be empty or checked elsewhere").toBeLessThanOrEqual(4);
        continue;
      }
      for (const dir of ["c2s", "s2c"] as const) {
        const r: RefDir = m.ref[dir];
        const our = m[dir]!;
        const key = `${file} ${m.ref.stream} ${dir}`;
        const where = `${key} (ours ${our.bytes} B, gaps ${JSON.stringify(our.gaps)})`;
        const agreed = r.compare === "identical" || r.compare === "identical-after-zero-filling-tshark-gaps" || r.compare === "both-empty";
        if (agreed && !MERGED_DATA[key]) {
          expect(our.sha256, where).toBe(r.tshark.sha256);
          expect(our.bytes, where).toBe(r.tshark.bytes);
          const tsGaps = (r.tshark.gaps ?? []).map((g) => [g.offset, g.len]);
          expect(our.gaps.filter(([off]) => off < r.tshark.bytes + (r.tshark.gaps ?? []).reduce((n, g) => n + g.len, 0)), where).toEqual(tsGaps);
          continue;
        }
        if (MERGED_DATA[key]) continue;
        const exp = DISPUTED[key];
        expect(exp, `${where}: tools disagree (${r.compare}) and no expectation is stated`).toBeDefined();
        switch (exp!.kind) {
          case "tshark": expect(our.sha256, where).toBe(r.tshark.sha256); break;
          case "tcpflow": expect(our.sha256, where).toBe(r.tcpflow?.sha256); break;
          case "tcpflow-zero-filled":
            expect(our.bytes, where).toBeGreaterThan(0);
            expect(zeroFilledLength(our), where).toBe(r.tcpflow?.bytes);
            break;
          case "out-of-window": {
            const f = m.ours;
            expect(f.events, where).toContain("stream.est_packet_out_of_window");
            break;
          }
        }
      }
    }
    // no connection of ours carries data that the references do not know about
    const matched = new Set(matches.map((m) => m.ours).filter(Boolean));
    for (const f of ours) if (!matched.has(f)) expect(f.toserver.bytes + f.toclient.bytes, `extra connection ${f.flow_id}`).toBe(0);
  });
});

describe.skipIf(!HAVE_CORPUS)("corpus: the policy decides where the tools disagree", () => {
  const dir = (file: string, args: string[]) => {
    const ref = loadRef(file);
    const m = matchFlows(ref, runCli(file, ...args))[0]!;
    return { ref: m.ref, c2s: m.c2s!, s2c: m.s2c! };
  };
  test.each(["last", "old-linux", "solaris"])("overlap-exact-first-vs-last with --policy %s takes the second copy (tcpflow)", (p) => {
    const r = dir("overlap-exact-first-vs-last.pcap", ["--policy", p]);
    expect(r.c2s.sha256).toBe(r.ref.c2s.tcpflow!.sha256);
  });
  test.each(["first", "bsd", "linux", "windows", "vista"])("overlap-exact-first-vs-last with --policy %s keeps the first (tshark)", (p) => {
    const r = dir("overlap-exact-first-vs-last.pcap", ["--policy", p]);
    expect(r.c2s.sha256).toBe(r.ref.c2s.tshark.sha256);
  });
  test("overlap-partial with --policy last is tcpflow's", () => {
    const r = dir("overlap-partial.pcap", ["--policy", "last"]);
    expect(r.c2s.sha256).toBe(r.ref.c2s.tcpflow!.sha256);
  });
  test.each(["bsd", "linux", "last"])("inject-http-response-race: the forged bytes the client acknowledged stay, --policy %s", (p) => {
    const r = dir("inject-http-response-race.pcap", ["--policy", p]);
    expect(r.s2c.sha256).toBe(r.ref.s2c.tshark.sha256);
  });
  test("inject-http-response-race with --retain-delivered: the genuine response is compared with the delivered forgery", () => {
    const plain = runCli("inject-http-response-race.pcap")[0]!;
    const kept = runCli("inject-http-response-race.pcap", "--retain-delivered")[0]!;
    expect(plain.events).not.toContain("stream.reassembly_overlap_different_data");
    expect(kept.events).toContain("stream.reassembly_overlap_different_data");
    expect(kept.toclient.sha256).toBe(plain.toclient.sha256);
  });
  test("the overlapping copies raise stream.reassembly_overlap_different_data whatever the policy", () => {
    for (const p of ["first", "last"]) {
      const f = runCli("overlap-exact-first-vs-last.pcap", "--policy", p)[0]!;
      expect(f.events).toContain("stream.reassembly_overlap_different_data");
    }
  });
  test("--checksum off accepts the wrong-checksum segments of overlap-inconsistent-retrans: bsd gives tshark's stream", () => {
    // tshark delivers queued out-of-order segments in sequence order once a hole fills, so among
    // undelivered data the segment that starts first wins: the bsd column (reference §5.3, libnids)
    const r = dir("overlap-inconsistent-retrans.pcap", ["--checksum", "off", "--policy", "bsd"]);
    expect(r.c2s.sha256).toBe(r.ref.c2s.tshark.sha256);
    expect(r.c2s.gaps).toEqual(r.ref.c2s.tshark.gaps!.map((g) => [g.offset, g.len]));
  });
});

describe.skipIf(!HAVE_CORPUS)("corpus: --workers N splits connections between threads without changing results", () => {
  const key = (f: OurFlow) => `${f.src_ip}:${f.src_port}>${f.dest_ip}:${f.dest_port} ${f.toserver.sha256} ${f.toclient.sha256} ${JSON.stringify(f.toserver.gaps)}${JSON.stringify(f.toclient.gaps)}`;
  test.each(["http-espn-25conns.pcapng", "sll-redis-15conns.pcap", "ipv6-ftp.pcap", "async-ssh-client-side-20conns.pcap"])("%s", (file) => {
    const one = runCli(file).map(key).sort();
    for (const n of ["2", "3"]) {
      const many = runCli(file, "--workers", n);
      expect(many.map(key).sort()).toEqual(one);
      expect(new Set(many.map((f) => f.flow_id)).size).toBe(many.length); // ids stay unique across shards
      expect(runCli(file, "--workers", n)).toEqual(many);                  // the same from run to run
    }
  });
});
