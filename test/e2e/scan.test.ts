// `streamsift scan` end to end (issue 3): alerts on corpus captures equal a plain search of the streams
// `reassemble --out` writes (whatever the chunking, the seed or the inspection mode), bad rules give
// errors naming file and line, --policy all shows what each target sees, --inline writes verdicts.

import { describe, expect, test } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { CORPUS, HAVE_CORPUS } from "../support/corpus.js";
import { PcapWriter, PcapngWriter, TcpConversation } from "../support/packets.js";

const CLI = resolve(import.meta.dirname, "../../dist/cli.js");
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", maxBuffer: 1 << 28 });
const tmp = () => mkdtempSync(join(tmpdir(), "ss-scan-"));
const lines = (out: string) => out.split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);
const hex = (b: Uint8Array) => `|${Buffer.from(b).toString("hex").replace(/(..)/g, "$1 ").trim()}|`;

/** Deterministic pseudo-random numbers (the test must be replayable). */
function rng(seed: number) { let s = seed >>> 0; return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296; }; }

interface Dir { flow: number; dir: string; data: Buffer; gaps: Array<[number, number]> }

/** Each direction's bytes and gaps, from reassemble --json --out. */
function streams(file: string): Dir[] {
  const out = tmp();
  const r = cli("reassemble", file, "--json", "--out", out);
  expect(r.status, r.stderr).toBe(0);
  const dirs: Dir[] = [];
  for (const rec of lines(r.stdout)) {
    for (const dir of ["toserver", "toclient"]) {
      const d = rec[dir];
      if (!d.file) continue;
      dirs.push({ flow: rec.flow_id, dir, data: readFileSync(join(out, d.file)), gaps: d.gaps });
    }
  }
  return dirs;
}

/** Contiguous pieces of a direction: [stream offset, bytes] (gaps split the stream). */
function pieces(d: Dir): Array<[number, Buffer]> {
  const out: Array<[number, Buffer]> = [];
  let streamAt = 0, fileAt = 0;
  for (const [off, len] of d.gaps) {
    if (off > streamAt) { out.push([streamAt, d.data.subarray(fileAt, fileAt + off - streamAt)]); fileAt += off - streamAt; }
    streamAt = off + len;
  }
  out.push([streamAt, d.data.subarray(fileAt)]);
  return out;
}

const FILES = ["http-espn-25conns.pcapng", "smtp.pcap", "gap-http-multi-drops.pcap", "retrans-real.pcapng",
  "seq-wrap-reorder-synthetic.pcap", "overlap-synthetic-11conns.pcap", "sll2-http-gro-large.pcap", "ipv4-and-ipv6-http.pcapng"];

describe.skipIf(!HAVE_CORPUS)("scan on the corpus equals a plain search of the reassembled streams", () => {
  test.each(FILES)("%s", (name) => {
    const file = join(CORPUS, "pcaps", name);
    const dirs = streams(file);
    // literals drawn from the streams (so they match), plus a few that occur nowhere
    const next = rng(name.length * 7919);
    const pats: Buffer[] = [];
    const withData = dirs.filter((d) => d.data.length >= 16);
    for (let i = 0; i < 40 && withData.length; i++) {
      const d = withData[Math.floor(next() * withData.length)]!;
      const len = 3 + Math.floor(next() * 10);
      const at = Math.floor(next() * (d.data.length - len));
      pats.push(Buffer.from(d.data.subarray(at, at + len)));
    }
    pats.push(Buffer.from("streamsift-nowhere-1"), Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x11]));
    // keep the output readable: drop literals that occur thousands of times (runs of zeros in binary data)
    const count = (p: Buffer) => dirs.reduce((n, d) => { let k = 0; for (let at = d.data.indexOf(p); at >= 0 && k <= 2000; at = d.data.indexOf(p, at + 1)) k++; return n + k; }, 0);
    for (let i = pats.length - 1; i >= 0; i--) if (count(pats[i]!) > 2000) pats.splice(i, 1);
    const rulesFile = join(tmp(), "lits.txt");
    writeFileSync(rulesFile, pats.map((p) => hex(p)).join("\n") + "\n");
    // expected: every occurrence of every literal inside one contiguous piece
    const want = new Set<string>();
    for (const d of dirs) for (const [base, buf] of pieces(d)) pats.forEach((p, i) => {
      for (let at = buf.indexOf(p); at >= 0; at = buf.indexOf(p, at + 1)) want.add(`${d.flow} ${d.dir} ${base + at} ${1000000 + i + 1}`);
    });
    expect(want.size).toBeGreaterThan(0);
    for (const extra of [[], ["--seed", "7", "--chunk-size", "100", "--randomize-chunk-range", "50"], ["--chunk-size", "1"], ["--inline"]]) {
      const r = cli("scan", file, "--rules", rulesFile, "--json", "--post-rst", "reassemble", ...extra);
      expect(r.status, `${r.stderr} ${r.signal} ${r.error} ${extra.join(" ")} ${rulesFile}`).toBe(0);
      const got = new Set(lines(r.stdout).filter((l) => l.event_type === "alert")
        .map((l) => `${l.flow_id} ${l.direction} ${l.stream_offset} ${l.alert.signature_id}`));
      expect([...got].sort(), extra.join(" ")).toEqual([...want].sort());
      const stats = lines(r.stdout).find((l) => l.event_type === "stats")!;
      expect(stats.stats.alerts).toBe(want.size);
    }
    // a set of at most 4 literals takes the matcher's other path (two rare bytes per literal, match/few.ts)
    const fewFile = join(tmp(), "few.txt");
    writeFileSync(fewFile, pats.slice(0, 4).map((p) => hex(p)).join("\n") + "\n");
    const fewWant = [...want].filter((k) => Number(k.split(" ")[3]) <= 1000004).sort();
    for (const extra of [[], ["--chunk-size", "1"]]) {
      const r = cli("scan", file, "--rules", fewFile, "--json", "--post-rst", "reassemble", ...extra);
      expect(r.status, r.stderr).toBe(0);
      expect(lines(r.stdout).filter((l) => l.event_type === "alert")
        .map((l) => `${l.flow_id} ${l.direction} ${l.stream_offset} ${l.alert.signature_id}`).sort(), `few ${extra.join(" ")}`).toEqual(fewWant);
    }
    // the readable output (no --json) says the same, one fast.log-style line per alert, in the same order
    const json = lines(cli("scan", file, "--rules", rulesFile, "--json", "--post-rst", "reassemble").stdout).filter((l) => l.event_type === "alert");
    const text = cli("scan", file, "--rules", rulesFile, "--post-rst", "reassemble").stdout.split("\n").filter((l) => l.includes("[**]"));
    const ep = (ip: string, port: number) => (ip.includes(":") ? `[${ip}]:${port}` : `${ip}:${port}`);
    expect(text).toEqual(json.map((l) => {
      const c = ep(l.src_ip, l.src_port), s = ep(l.dest_ip, l.dest_port);
      return `${l.timestamp}  [**] [${l.alert.gid}:${l.alert.signature_id}:${l.alert.rev}] ${l.alert.signature} [**] {TCP} ` +
        `${l.direction === "toserver" ? `${c} -> ${s}` : `${s} -> ${c}`} flow=${l.flow_id} offset=${l.stream_offset}`;
    }));
  });
});

describe("rules errors", () => {
  const pcap = () => {
    const c = new TcpConversation({ client: "10.0.0.1:1234", server: "10.0.0.2:80" });
    c.handshake().clientSend("GET /evil HTTP/1.0\r\n\r\n").serverAck().clientFin().serverFin().clientAck();
    const f = join(tmp(), "c.pcap"); writeFileSync(f, c.pcap()); return f;
  };
  test("bad rules are reported with file and line; the others still run", () => {
    const f = join(tmp(), "mixed.rules");
    writeFileSync(f, [
      `alert tcp any any -> any any (msg:"good"; content:"evil"; sid:1;)`,
      `alert tcp any any -> any any (msg:"no content"; sid:2;)`,
      `alert tcp any any -> any any (msg:"bad hex"; content:"|4g|"; sid:3;)`,
      `alert tcp any any -> any any (msg:"unknown option"; content:"x"; frobnicate; sid:4;)`,
    ].join("\n"));
    const r = cli("scan", pcap(), "--rules", f, "--json");
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`${f.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:2: .*content`));
    expect(r.stderr).toMatch(/:3: .*hex/);
    expect(r.stderr).toMatch(/:4: .*frobnicate/);
    const ev = lines(r.stdout);
    expect(ev.filter((l) => l.event_type === "alert").map((l) => l.alert.signature_id)).toEqual([1]);
    expect(ev.find((l) => l.event_type === "stats")!.stats.rule_errors).toBe(3);
  });
  test("no usable rule, no --rules, a missing file, a bad option: clear errors, exit 2", () => {
    const f = join(tmp(), "bad.rules");
    writeFileSync(f, `alert tcp any any -> any any (msg:"x"; sid:1;)\n`);
    expect(cli("scan", pcap(), "--rules", f)).toMatchObject({ status: 2, stderr: expect.stringMatching(/no rule could be loaded/) });
    expect(cli("scan", pcap())).toMatchObject({ status: 2, stderr: expect.stringMatching(/needs --rules/) });
    expect(cli("scan", pcap(), "--rules", "/nonexistent.rules")).toMatchObject({ status: 2, stderr: expect.stringMatching(/nonexistent.rules/) });
    expect(cli("scan", pcap(), "--rules", f, "--chunk-size", "-3")).toMatchObject({ status: 2, stderr: expect.stringMatching(/--chunk-size/) });
    expect(cli("scan", pcap(), "--rules", f, "--verdicts", "x")).toMatchObject({ status: 2, stderr: expect.stringMatching(/--inline/) });
  });
  test("a file that is not a capture: exit 1 with the reason", () => {
    const rules = join(tmp(), "r.rules"); writeFileSync(rules, "evil\n");
    const notPcap = join(tmp(), "x.txt"); writeFileSync(notPcap, "hello, this is text and not a capture\n");
    const r = cli("scan", notPcap, "--rules", rules);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/not a pcap or pcapng/);
  });
  test("a pcapng timestamp beyond a date's range: the records say so, nothing crashes", () => {
    const c = new TcpConversation({ client: "10.0.0.1:1234", server: "10.0.0.2:80", startMicros: 1.8e19 });
    c.handshake().clientSend("GET /x HTTP/1.0\r\n\r\n").serverAck().serverSend("HTTP/1.0 200 OK\r\n\r\nhi").clientAck()
      .clientFin().serverFin().clientAck();
    const w = new PcapngWriter();
    const id = w.addInterface(1);
    for (const f of c.records()) w.addEnhanced(id, f.frame, f.tsMicros);
    const file = join(tmp(), "far.pcapng"); writeFileSync(file, w.bytes());
    const rules = join(tmp(), "r.rules"); writeFileSync(rules, "GET /x\n");
    for (const args of [["scan", file, "--rules", rules, "--json"], ["scan", file, "--rules", rules], ["reassemble", file, "--json"]]) {
      const r = cli(...args);
      expect(r.status, `${args.join(" ")}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/not representable: \d+ us since 1970/);
    }
  });
});

describe.skipIf(!HAVE_CORPUS)("--policy all", () => {
  test("overlap-exact-first-vs-last: two behaviours, each policy's alert marked with its policies", () => {
    const rules = join(tmp(), "r.rules");
    writeFileSync(rules, `alert tcp any any -> any any (msg:"evil"; content:"EVIL"; sid:1;)\nalert tcp any any -> any any (msg:"good"; content:"GOOD"; sid:2;)\n`);
    const r = cli("scan", join(CORPUS, "pcaps", "overlap-exact-first-vs-last.pcap"), "--rules", rules, "--policy", "all", "--json");
    expect(r.status, r.stderr).toBe(0);
    const ev = lines(r.stdout);
    const v = ev.filter((l) => l.event_type === "policy_variants");
    expect(v).toHaveLength(1);
    expect(v[0]!.differing_ranges).toEqual([[0, 4]]);
    const byText = Object.fromEntries(v[0]!.variants.map((x: any) => [x.ranges[0].payload_printable, x.policies.sort()]));
    expect(byText).toEqual({
      GOOD: ["bsd", "first", "hpux10", "irix", "linux", "macos", "vista", "windows"],
      EVIL: ["hpux11", "last", "old-linux", "solaris"],
    });
    const alerts = ev.filter((l) => l.event_type === "alert");
    expect(alerts.map((a) => [a.alert.signature_id, a.alert.policy_dependent, [...a.alert.policies].sort()]).sort()).toEqual([
      [1, true, byText.EVIL], [2, true, byText.GOOD],
    ]);
  });
  test("a capture without conflicting overlaps: no second pass, no policy fields", () => {
    const rules = join(tmp(), "r.rules"); writeFileSync(rules, "HTTP\n");
    const r = cli("scan", join(CORPUS, "pcaps", "http-wikipedia.pcap"), "--rules", rules, "--policy", "all", "--json");
    expect(r.status, r.stderr).toBe(0);
    const ev = lines(r.stdout);
    expect(ev.some((l) => l.event_type === "policy_variants")).toBe(false);
    expect(ev.filter((l) => l.event_type === "alert").every((a) => a.alert.policies === undefined)).toBe(true);
    expect(ev.find((l) => l.event_type === "stats")!.stats.policy_all.conflicting_connections).toBe(0);
  });
});

describe("the bundled sample", () => {
  const SAMPLE = resolve(import.meta.dirname, "../../samples/sample.pcap");
  const RULES = resolve(import.meta.dirname, "../../samples/sample.rules");
  test("--policy all on a truncated copy: what was read is scanned, the variants too, exit 1", () => {
    const cut = join(tmp(), "cut.pcap");
    writeFileSync(cut, readFileSync(SAMPLE).subarray(0, 3000));
    const r = cli("scan", cut, "--rules", RULES, "--policy", "all");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/ERR_CAPTURE_TRUNCATED/);
    expect(r.stdout).toMatch(/old-linux,solaris,hpux11,last: "EVIL"/);
    expect(r.stdout).toMatch(/\[1:1000001:1\] overlap evasion: GET \/EVIL .* policy-dependent: old-linux,solaris,hpux11,last/);
  });
  test("inline: the re-send over forwarded bytes is reported, and the forwarded bytes are what is inspected", () => {
    const r = cli("scan", SAMPLE, "--rules", RULES, "--inline", "--json");
    expect(r.status, r.stderr).toBe(0);
    const ev = lines(r.stdout);
    expect(ev.some((l) => l.event_type === "anomaly" && l.flow_id === 2 && l.anomaly.event === "stream.reassembly_overlap_different_data")).toBe(true);
    expect(ev.filter((l) => l.event_type === "alert" && l.flow_id === 2).map((l) => l.alert.signature_id)).toEqual([1000002]);
  });
});

describe("--inline --verdicts", () => {
  test("the verdict file names the frame that completed the match; that frame carries the pattern's end", async () => {
    const c = new TcpConversation({ client: "10.0.0.1:1234", server: "10.0.0.2:80" });
    c.handshake().clientSend("GET /?q=ATTA").serverAck().clientSend("CK HTTP/1.0\r\n\r\n").serverAck().clientSend("more").serverAck();
    const dir = tmp();
    const pcap = join(dir, "c.pcap"); writeFileSync(pcap, c.pcap());
    const rules = join(dir, "r.rules"); writeFileSync(rules, `drop tcp any any -> any 80 (msg:"attack"; content:"ATTACK"; sid:9;)\n`);
    const verdicts = join(dir, "v.jsonl");
    const r = cli("scan", pcap, "--rules", rules, "--inline", "--verdicts", verdicts);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\[Drop\] \[1:9:0\] attack/);
    expect(r.stdout).toMatch(/drops=4/);
    const v = lines(readFileSync(verdicts, "utf8"));
    expect(v.map((x) => [x.frame, x.reason])).toEqual([[6, "rule"], [7, "flow"], [8, "flow"], [9, "flow"]]);
    // independent check with pcap-parser: frame 6's TCP payload holds the last bytes of the match
    const { default: pcapParser } = await import("pcap-parser" as string) as { default: { parse(file: string): NodeJS.EventEmitter } };
    const frames: Buffer[] = [];
    await new Promise<void>((ok) => { const p = pcapParser.parse(pcap); p.on("packet", (pk: { data: Buffer }) => frames.push(pk.data)); p.on("end", ok); });
    const payload = frames[5]!.subarray(14 + 20 + 20).toString("latin1");
    expect(payload.startsWith("CK")).toBe(true);
    expect(existsSync(verdicts)).toBe(true);
  });
});

describe("--workers N: the same alerts, anomalies, flows, variants and verdicts as one worker", () => {
  /** EVE lines of one run with flow ids replaced by the connection's endpoints and start (each shard
   *  numbers its connections itself), the stats record apart. */
  function run(file: string, ...args: string[]) {
    const r = cli("scan", file, "--json", ...args);
    const ev = lines(r.stdout);
    const key = new Map<number, string>();
    for (const l of ev) if (l.event_type === "flow") key.set(l.flow_id, `${l.src_ip}:${l.src_port}>${l.dest_ip}:${l.dest_port}@${l.start}`);
    const norm = ev.filter((l) => l.event_type !== "stats").map((l) => {
      const { flow_id, ...rest } = l;
      if (l.event_type === "flow") return JSON.stringify(rest);
      expect(key.has(flow_id), `flow ${flow_id} of a ${l.event_type} line has a flow record`).toBe(true);
      return JSON.stringify({ ...rest, flow: key.get(flow_id) });
    });
    return { status: r.status, stderr: r.stderr, norm, stats: ev.find((l) => l.event_type === "stats")?.stats, stdout: r.stdout };
  }
  const same = (a: ReturnType<typeof run>, b: ReturnType<typeof run>) => {
    expect(b.status, b.stderr).toBe(a.status);
    expect(b.norm.length).toBeGreaterThan(0);
    expect([...b.norm].sort()).toEqual([...a.norm].sort());
    for (const k of ["packets", "bytes", "tcp_packets", "connections", "delivered_toserver", "delivered_toclient", "gaps", "alerts", "anomalies", "drops"]) {
      expect(b.stats[k], k).toBe(a.stats[k]);
    }
    expect(b.stats.workers).toBeGreaterThan(1);
  };
  const SAMPLE = resolve(import.meta.dirname, "../../samples/sample.pcap");
  const RULES = resolve(import.meta.dirname, "../../samples/sample.rules");

  test.skipIf(!HAVE_CORPUS).each(["http-espn-25conns.pcapng", "smtp.pcap", "gap-http-multi-drops.pcap", "ipv4-and-ipv6-http.pcapng"])("%s", (name) => {
    const rules = join(tmp(), "r.rules");
    writeFileSync(rules, `HTTP/1.\n|0d 0a 0d 0a|\nContent-Type\tnocase\nalert tcp any any -> any any (msg:"host line"; content:"Host|3a|"; content:"|0d 0a|"; distance:0; sid:7;)\n`);
    const file = join(CORPUS, "pcaps", name);
    const one = run(file, "--rules", rules, "--checksum", "off");
    expect(one.stats.alerts).toBeGreaterThan(0);
    for (const n of ["2", "3"]) same(one, run(file, "--rules", rules, "--checksum", "off", "--workers", n));
  });
  test("--policy all and --inline on the bundled sample", () => {
    same(run(SAMPLE, "--rules", RULES, "--policy", "all"), run(SAMPLE, "--rules", RULES, "--policy", "all", "--workers", "2"));
    same(run(SAMPLE, "--rules", RULES, "--inline"), run(SAMPLE, "--rules", RULES, "--inline", "--workers", "2"));
    // the held alerts of --policy all come in capture order, whatever the workers
    const text = (...w: string[]) => cli("scan", SAMPLE, "--rules", RULES, "--policy", "all", ...w).stdout
      .split("\n").filter((l) => l.includes("[**]")).map((l) => l.replace(/flow=\d+ /, ""));
    const one = text();
    expect(one).toHaveLength(4);
    expect(one.map((l) => l.slice(0, 32))).toEqual([...one.map((l) => l.slice(0, 32))].sort());
    expect(text("--workers", "2")).toEqual(one);
  });
  test("inline verdicts and the readable output", () => {
    const c = new TcpConversation({ client: "10.0.0.1:1234", server: "10.0.0.2:80" });
    c.handshake().clientSend("GET /?q=ATTA").serverAck().clientSend("CK HTTP/1.0\r\n\r\n").serverAck().clientSend("more").serverAck();
    const d = new TcpConversation({ client: "10.0.0.3:4321", server: "10.0.0.2:80", startMicros: 1_700_000_000_000_500 });
    d.handshake().clientSend("GET /?q=ATTACK").serverAck().clientSend("again").serverAck();
    const w = new PcapWriter();
    for (const r of [...c.records(), ...d.records()].sort((x, y) => x.tsMicros - y.tsMicros)) w.add(r.frame, r.tsMicros);
    const dir = tmp();
    const pcap = join(dir, "c.pcap"); writeFileSync(pcap, w.bytes());
    const rules = join(dir, "r.rules"); writeFileSync(rules, `drop tcp any any -> any 80 (msg:"attack"; content:"ATTACK"; sid:9;)\n`);
    const out: Array<{ verdicts: string[]; text: string[] }> = [];
    for (const n of ["1", "2"]) {
      const v = join(dir, `v${n}.jsonl`);
      const r = cli("scan", pcap, "--rules", rules, "--inline", "--verdicts", v, "--workers", n);
      expect(r.status, r.stderr).toBe(0);
      out.push({
        verdicts: lines(readFileSync(v, "utf8")).map((x) => `${x.frame} ${x.reason} ${x.src_port}`).sort(),
        text: r.stdout.split("\n").filter((l) => l.includes("[Drop]")).map((l) => l.replace(/flow=\d+/, "")).sort(),
      });
    }
    expect(out[0]!.verdicts.length).toBeGreaterThan(4);
    expect(out[1]).toEqual(out[0]);
    expect(out[0]!.text).toHaveLength(2);
  });
  test("errors: a truncated capture is reported once and what was read is kept; stdin is refused", () => {
    const cut = join(tmp(), "cut.pcap");
    writeFileSync(cut, readFileSync(SAMPLE).subarray(0, 3000));
    const one = run(cut, "--rules", RULES), two = run(cut, "--rules", RULES, "--workers", "2");
    expect(one.status).toBe(1);
    same(one, two);
    expect(two.stderr.match(/ERR_CAPTURE_TRUNCATED/g)).toHaveLength(1);
    expect(cli("scan", "-", "--rules", RULES, "--workers", "2")).toMatchObject({ status: 2, stderr: expect.stringMatching(/--workers needs a file/) });
    expect(cli("scan", SAMPLE, "--rules", RULES, "--workers", "0")).toMatchObject({ status: 2, stderr: expect.stringMatching(/--workers/) });
  });
});
