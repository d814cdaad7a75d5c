// test/browser/viewer.test.ts: the capture viewer (web/) in Debian's Chromium, against the CLI.
//  - corpus captures: the page's connections and every direction's SHA-256 (and a downloaded
//    direction's bytes) equal `streamsift reassemble FILE --json`, reading the File in many slices;
//  - the overlap policy setting changes the conversation (first: GOOD, last: EVIL), as the CLI does;
//  - rules: the alert count equals `streamsift scan FILE --rules R --json`, the match is highlighted,
//    rule errors carry their line;
//  - a text file, a truncated capture and an unsupported link type give their messages (what was
//    decoded before a truncation is kept, as in the CLI);
//  - drag-and-drop, filtering and sorting, cancel, and no request leaves the page's own server.
// A screenshot of the page goes to test-artifacts/viewer.png.

import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { ARTIFACTS, HAVE_CHROMIUM, ROOT, SKIP_MESSAGE, foreignRequests, sha256, startWeb, type WebSession } from "./support.js";
import { CORPUS, HAVE_CORPUS } from "../support/corpus.js";
import { PcapWriter, TcpConversation } from "../support/packets.js";

const CLI = join(ROOT, "dist/cli.js");
const pcap = (name: string) => join(CORPUS, "pcaps", name);
const WIKI_RULE = 'alert tcp any any -> any any (msg:"wiki"; content:"Wikipedia"; sid:1;)';

if (!HAVE_CHROMIUM) console.warn(SKIP_MESSAGE);
if (HAVE_CHROMIUM && !HAVE_CORPUS) console.warn("browser corpus tests skipped: ../shared/corpus is absent");

interface CliFlow { flow_id: number; toserver: { sha256: string; bytes: number }; toclient: { sha256: string; bytes: number } }

function cli(...args: string[]): { lines: Array<Record<string, unknown>>; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`cli ${args.join(" ")}: exit ${r.status}: ${r.stderr}`);
  return { lines: r.stdout.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>), stderr: r.stderr };
}

let web: WebSession;
let page: Page;
let requests: string[];
let errors: string[];
const tmp = mkdtempSync(join(tmpdir(), "streamsift-viewer-"));

/** Opens a file through the picker (or `drop`) and waits for this run to end. */
async function openCapture(path: string): Promise<void> {
  const before = Number(await page.getAttribute("body", "data-run") ?? 0);
  await page.setInputFiles("#file", path);
  await waitRun(before);
}

async function waitRun(before: number): Promise<void> {
  await page.waitForFunction((n) => Number(document.body.dataset.run ?? 0) > n &&
    (document.body.dataset.state === "done" || document.body.dataset.state === "failed"), before);
}

/** Changes a setting (the page runs again) and waits for the new run. */
async function changeSetting(action: () => Promise<unknown>): Promise<void> {
  const before = Number(await page.getAttribute("body", "data-run") ?? 0);
  await action();
  await waitRun(before);
}

async function showConversation(id: number): Promise<{ toserver: string; toclient: string }> {
  await page.click(`#connections-table tbody tr[data-id="${id}"]`);
  const sel = `#conversation[data-state=ready][data-id="${id}"][data-sha256-toserver][data-sha256-toclient]`;
  await page.waitForSelector(sel);
  return {
    toserver: (await page.getAttribute(sel, "data-sha256-toserver"))!,
    toclient: (await page.getAttribute(sel, "data-sha256-toclient"))!,
  };
}

const rowIds = (): Promise<number[]> => page.$$eval("#connections-table tbody tr", (trs) => trs.map((tr) => Number((tr as HTMLElement).dataset.id)));

describe.skipIf(!HAVE_CHROMIUM)("capture viewer in Chromium", () => {
  beforeAll(async () => {
    web = await startWeb();
    ({ page, requests, errors } = await web.newPage());
    await page.goto(`${web.url}index.html?slice=4096`);   // small slices: a capture is read in many steps
  }, 120_000);
  afterAll(async () => { await web?.close(); });

  describe.skipIf(!HAVE_CORPUS)("same results as the CLI", () => {
    for (const file of ["http-wikipedia.pcap", "smtp.pcap"]) {
      test(`${file}: connections and every direction's bytes equal reassemble --json`, async () => {
        const ref = cli("reassemble", pcap(file), "--json");
        const flows = ref.lines as unknown as CliFlow[];
        await openCapture(pcap(file));
        expect(await page.getAttribute("body", "data-state")).toBe("done");
        expect(await page.textContent("#message")).toBe("");
        expect(Number(await page.getAttribute("#summary", "data-connections"))).toBe(flows.length);
        expect(await rowIds()).toEqual(flows.map((f) => f.flow_id));
        const c2s = /c2s=(\d+)/.exec(ref.stderr)![1], s2c = /s2c=(\d+)/.exec(ref.stderr)![1];
        expect(await page.getAttribute("#summary", "data-c2s")).toBe(c2s);
        expect(await page.getAttribute("#summary", "data-s2c")).toBe(s2c);
        expect(Number(await page.getAttribute("#progress", "data-slices"))).toBeGreaterThan(3);
        for (const f of flows) {
          const got = await showConversation(f.flow_id);
          expect(got, `flow ${f.flow_id}`).toEqual({ toserver: f.toserver.sha256, toclient: f.toclient.sha256 });
        }
      });
    }

    test("a direction's download is the CLI's bytes", async () => {
      const flows = cli("reassemble", pcap("http-wikipedia.pcap"), "--json").lines as unknown as CliFlow[];
      await openCapture(pcap("http-wikipedia.pcap"));
      const big = flows.reduce((a, b) => (b.toclient.bytes > a.toclient.bytes ? b : a));
      await showConversation(big.flow_id);
      const [download] = await Promise.all([page.waitForEvent("download"), page.click("#conversation a.download[data-dir=toclient]")]);
      const bytes = readFileSync((await download.path())!);
      expect(bytes.length).toBe(big.toclient.bytes);
      expect(sha256(bytes)).toBe(big.toclient.sha256);
      expect(download.suggestedFilename()).toMatch(/^\d{3}\.\d{3}\.\d{3}\.\d{3}\.\d{5}-\d{3}\.\d{3}\.\d{3}\.\d{3}\.\d{5}$/);
    });

    test("the overlap policy setting changes the reassembled bytes (first: GOOD, last: EVIL)", async () => {
      const file = pcap("overlap-exact-first-vs-last.pcap");
      await page.selectOption("#policy", "first");   // runs the open file again, if any; the next open replaces that run
      await openCapture(file);
      const first = await showConversation(1);
      expect(await page.textContent("#conversation pre.data.toserver")).toContain("GOOD");
      expect(await page.textContent("#conversation .conv-body")).not.toContain("EVIL");
      expect(first.toserver).toBe((cli("reassemble", file, "--json", "--policy", "first").lines[0] as unknown as CliFlow).toserver.sha256);
      expect(await page.locator("#conversation [data-event='stream.reassembly_overlap_different_data']").count()).toBe(1);

      await changeSetting(() => page.selectOption("#policy", "last"));
      const last = await showConversation(1);
      expect(await page.textContent("#conversation pre.data.toserver")).toContain("EVIL");
      expect(await page.textContent("#conversation .conv-body")).not.toContain("GOOD");
      expect(last.toserver).toBe((cli("reassemble", file, "--json", "--policy", "last").lines[0] as unknown as CliFlow).toserver.sha256);
      await changeSetting(() => page.selectOption("#policy", "bsd"));
    });

    test("rules: alert count equals scan --json, the match is highlighted, errors name their line", async () => {
      const file = pcap("http-wikipedia.pcap");
      const rulesPath = join(tmp, "wiki.rules");
      writeFileSync(rulesPath, `${WIKI_RULE}\n`);
      const scan = cli("scan", file, "--rules", rulesPath, "--json").lines;
      const alerts = scan.filter((l) => l.event_type === "alert");
      expect(alerts.length).toBeGreaterThan(0);

      await openCapture(file);
      await page.fill("#rules", `${WIKI_RULE}\nalert tcp any any -> any any (msg:"broken"; content:"x"; bogus:1; sid:2;)\n`);
      await changeSetting(() => page.click("#apply-rules"));
      expect(await page.getAttribute("#rule-errors", "data-loaded")).toBe("1");
      expect(await page.getAttribute("#rule-errors li", "data-line")).toBe("2");
      expect(Number(await page.getAttribute("#summary", "data-alerts"))).toBe(alerts.length);

      // per connection, as scan reports them
      const perFlow = new Map<number, number>();
      for (const a of alerts) perFlow.set(a.flow_id as number, (perFlow.get(a.flow_id as number) ?? 0) + 1);
      const rows = await page.$$eval("#connections-table tbody tr", (trs) => trs.map((tr) => [Number((tr as HTMLElement).dataset.id), Number((tr as HTMLElement).dataset.alerts)]));
      expect(new Map(rows.filter(([, n]) => n! > 0) as Array<[number, number]>)).toEqual(perFlow);

      // "with alerts" filter, then the highlighted match at the alert's offset
      await page.check("#filter-alert");
      expect((await rowIds()).sort((a, b) => a - b)).toEqual([...perFlow.keys()].sort((a, b) => a - b));
      const a0 = alerts[0]!;
      await showConversation(a0.flow_id as number);
      // the same alerts, not only as many: sid, direction, stream offset and frame (the frame is the
      // packet whose ACK completed the randomized chunk: the same chunk draws from the same seed)
      const listed = await page.$$eval("#conversation ol.alerts li", (lis) => lis.map((li) => {
        const d = (li as HTMLElement).dataset;
        return [Number(d.sid), d.dir, Number(d.offset), Number(d.frame)];
      }));
      const ofFlow = alerts.filter((a) => a.flow_id === a0.flow_id)
        .map((a) => [(a.alert as { signature_id: number }).signature_id, a.direction, a.stream_offset, a.frame]);
      expect(listed.length).toBeGreaterThan(0);
      expect(listed).toEqual(ofFlow);
      const mark = page.locator(`#conversation pre.data.${a0.direction as string} mark.alert[data-sid="1"]`).first();
      expect(await mark.textContent()).toContain("Wikipedia");
      // hex view: exact bytes; the run holding the alert's offset has the mark, and it reads "Wikipedia"
      await page.check("input[name=view][value=hex]");
      const runs = await page.$$eval(`#conversation pre.hex.${a0.direction as string}`, (pres) => pres.map((p) => ({
        start: Number((p as HTMLElement).dataset.offset), end: Number((p as HTMLElement).dataset.offset) + Number((p as HTMLElement).dataset.length),
        hex: Array.from(p.querySelectorAll("mark.alert"), (m) => m.textContent).join(""),
      })));
      const at = runs.find((r) => r.start <= (a0.stream_offset as number) && (a0.stream_offset as number) < r.end)!;
      expect(at.hex.replace(/\s+/g, "")).toContain(Buffer.from("Wikipedia").toString("hex"));
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.check("input[name=view][value=ascii]");
      await page.screenshot({ path: join(ARTIFACTS, "viewer.png"), fullPage: true });

      await page.uncheck("#filter-alert");
      await page.fill("#rules", "");
      await changeSetting(() => page.click("#apply-rules"));
      expect(await page.getAttribute("#summary", "data-rules")).toBe("0");
    });

    test("randomized IDS chunks: the page's alerts are scan's with the same seed (sid, direction, offset, frame)", async () => {
      // "xy" occurs 16 times in this capture's bodies, and the frame that reports each depends on where the
      // randomized chunks end: another seed moves some of them (checked first, so the test can fail)
      const file = pcap("http-206-partial-content.pcap");
      const rule = 'alert tcp any any -> any any (msg:"xy"; content:"xy"; sid:5;)';
      const rulesPath = join(tmp, "xy.rules");
      writeFileSync(rulesPath, `${rule}\n`);
      const key = (a: Record<string, unknown>) => [a.flow_id, (a.alert as { signature_id: number }).signature_id, a.direction, a.stream_offset, a.frame];
      const cliAlerts = (...extra: string[]) => cli("scan", file, "--rules", rulesPath, "--json", ...extra).lines.filter((l) => l.event_type === "alert");
      const seed0 = cliAlerts(), seed7 = cliAlerts("--seed", "7");
      expect(seed0.length).toBeGreaterThan(5);
      expect(seed7.map(key)).not.toEqual(seed0.map(key));

      await openCapture(file);
      await page.fill("#rules", `${rule}\n`);
      await changeSetting(() => page.click("#apply-rules"));
      const listed: unknown[][] = [];
      for (const id of [...new Set(seed0.map((a) => a.flow_id as number))]) {
        await showConversation(id);
        const li = await page.$$eval("#conversation ol.alerts li", (lis) => lis.map((x) => {
          const d = (x as HTMLElement).dataset;
          return [Number(d.sid), d.dir, Number(d.offset), Number(d.frame)];
        }));
        listed.push(...li.map((x) => [id, ...x]));
      }
      expect(listed).toEqual(seed0.map(key));
      await page.fill("#rules", "");
      await changeSetting(() => page.click("#apply-rules"));
    });

    test("settings map to the CLI's options: depth, midstream, checksum, inspection mode", async () => {
      const file = pcap("http-wikipedia.pcap");
      const totals = async () => ({
        connections: await page.getAttribute("#summary", "data-connections"),
        c2s: await page.getAttribute("#summary", "data-c2s"), s2c: await page.getAttribute("#summary", "data-s2c"),
      });
      const cliTotals = (...args: string[]) => {
        const out = spawnSync(process.execPath, [CLI, "reassemble", file, "-q", ...args], { encoding: "utf8" }).stdout;
        const m = /connections=(\d+) c2s=(\d+) s2c=(\d+)/.exec(out)!;
        return { connections: m[1], c2s: m[2], s2c: m[3] };
      };
      await openCapture(file);
      await changeSetting(() => page.locator("#depth").fill("100").then(() => page.locator("#depth").dispatchEvent("change")));
      expect(await totals()).toEqual(cliTotals("--depth", "100"));
      await changeSetting(() => page.locator("#depth").fill("0").then(() => page.locator("#depth").dispatchEvent("change")));
      await changeSetting(() => page.uncheck("#midstream"));
      const noMid = cliTotals("--no-midstream");
      expect(await totals()).toEqual(noMid);
      expect(Number(noMid.connections)).toBeLessThan(10);
      await changeSetting(() => page.check("#midstream"));
      await changeSetting(() => page.selectOption("#checksum", "on"));
      expect(await totals()).toEqual(cliTotals("--checksum", "on"));
      await changeSetting(() => page.selectOption("#checksum", "auto"));
      expect(await totals()).toEqual(cliTotals());

      // inline inspection with a rule: scan --inline's alerts
      const rulesPath = join(tmp, "inline.rules");
      writeFileSync(rulesPath, `${WIKI_RULE}\n`);
      const inline = cli("scan", file, "--rules", rulesPath, "--inline", "--json").lines.filter((l) => l.event_type === "alert");
      await page.fill("#rules", WIKI_RULE);
      await changeSetting(() => page.click("#apply-rules"));
      await changeSetting(() => page.selectOption("#inspection", "inline"));
      expect(Number(await page.getAttribute("#summary", "data-alerts"))).toBe(inline.length);
      await changeSetting(() => page.selectOption("#inspection", "ids"));
      await page.fill("#rules", "");
      await changeSetting(() => page.click("#apply-rules"));
    });

    test("a direction longer than what the view keeps: complete counts, a note, and the stream's first 8 MiB", async () => {
      const payload = Uint8Array.from({ length: 1400 }, (_, i) => 0x41 + (i % 26));
      const c = new TcpConversation({ client: "10.0.0.1:40000", server: "10.0.1.1:80" });
      c.handshake();
      for (let i = 0; i < 7000; i++) { c.clientSend(payload); if (i % 10 === 9) c.serverAck(); }
      c.serverAck().serverSend("OK\r\n").clientAck();
      const path = join(tmp, "long.pcap");
      writeFileSync(path, c.pcap());
      const ref = cli("reassemble", path, "--json").lines[0] as unknown as CliFlow;
      expect(ref.toserver.bytes).toBe(9_800_000);
      await openCapture(path);
      expect(await page.getAttribute("#summary", "data-c2s")).toBe("9800000");
      await page.click(`#connections-table tbody tr[data-id="1"]`);
      await page.waitForSelector(`#conversation[data-state=ready][data-id="1"][data-sha256-toserver]`);
      expect(await page.textContent("#conversation .capped")).toContain(`only the first 8.0 MiB are kept here: ${9_800_000 - 8 * 1024 * 1024} more bytes`);
      const kept = Buffer.alloc(8 * 1024 * 1024);
      for (let o = 0; o < kept.length; o += payload.length) kept.set(payload.subarray(0, Math.min(payload.length, kept.length - o)), o);
      expect(await page.getAttribute("#conversation", "data-sha256-toserver")).toBe(sha256(kept));
      expect(await page.getAttribute("#conversation", "data-sha256-toclient")).toBe(ref.toclient.sha256);
      expect(await page.textContent("#conversation .more")).toContain("Only the first 512.0 KiB are drawn");
    });

    test("a truncated capture: its message and offset, and what came before it", async () => {
      const whole = readFileSync(pcap("http-wikipedia.pcap"));
      const cut = join(tmp, "truncated.pcap");
      writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.6)));
      const ref = cli("reassemble", cut, "--json");
      const refOffset = /at byte (\d+)/.exec(ref.stderr)![1];
      await openCapture(cut);
      expect(await page.getAttribute("#message", "data-code")).toBe("ERR_CAPTURE_TRUNCATED");
      expect(await page.textContent("#message")).toContain("truncated");
      expect(await page.getAttribute("#message .offset", "data-offset")).toBe(refOffset);
      expect(await rowIds()).toEqual(ref.lines.map((l) => l.flow_id));
      expect(ref.lines.length).toBeGreaterThan(0);
    });

    test("drag-and-drop, filter by port and state, sort by a column", async () => {
      const before = Number(await page.getAttribute("body", "data-run") ?? 0);
      const b64 = readFileSync(pcap("http-wikipedia.pcap")).toString("base64");
      await page.evaluate((data) => {
        const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([bytes], "dropped.pcap"));
        document.body.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
      }, b64);
      await waitRun(before);
      expect(await page.textContent("#file-name")).toContain("dropped.pcap");
      expect(await rowIds()).toHaveLength(10);
      await page.fill("#filter-text", "6705");
      expect(await rowIds()).toEqual([10]);
      await page.fill("#filter-text", "208.80.152.3");
      expect(await rowIds()).toHaveLength(6);
      await page.fill("#filter-text", "");
      await page.selectOption("#filter-state", "syn_recv");
      expect(await rowIds()).toEqual([10]);
      await page.selectOption("#filter-state", "");
      await page.click("th[data-key=bytes-c2s]");
      await page.click("th[data-key=bytes-c2s]");   // descending
      const col = await page.$$eval("#connections-table tbody tr td:nth-child(7)", (tds) => tds.map((td) => Number(td.textContent)));
      expect(col).toEqual([...col].sort((a, b) => b - a));
      expect(await page.getAttribute("#connections-count", "data-shown")).toBe("10");
    });
  });

  test("a file that is not a capture", async () => {
    const txt = join(tmp, "notes.txt");
    writeFileSync(txt, "These are notes, not packets.\n");
    await openCapture(txt);
    expect(await page.getAttribute("body", "data-state")).toBe("failed");
    expect(await page.getAttribute("#message", "data-code")).toBe("ERR_CAPTURE_FORMAT");
    expect(await page.textContent("#message")).toContain("This file is not a capture (pcap or pcapng).");
    expect(await page.getAttribute("#message .offset", "data-offset")).toBe("0");
    expect(await rowIds()).toEqual([]);
  });

  test("an empty file, and a capture of an unsupported link type", async () => {
    const empty = join(tmp, "empty.pcap");
    writeFileSync(empty, "");
    await openCapture(empty);
    expect(await page.getAttribute("#message", "data-code")).toBe("ERR_CAPTURE_EMPTY");

    const w = new PcapWriter({ linkType: 147 });   // DLT_USER0: nothing the core decodes
    w.add(new Uint8Array(60), 1_000_000);
    const odd = join(tmp, "user0.pcap");
    writeFileSync(odd, w.bytes());
    await openCapture(odd);
    expect(await page.textContent("#notices li[data-code=linktype]")).toContain("link type 147 is not supported");
    expect(await page.textContent("#message")).toContain("link type is not supported");
  });

  test("cancel stops reading between slices and shows what was read", async () => {
    // a ~13 MB capture: http-wikipedia's records over and over, read 8 KiB at a time
    const whole = HAVE_CORPUS ? readFileSync(pcap("http-wikipedia.pcap")) : readFileSync(join(ROOT, "samples/sample.pcap"));
    const records = whole.subarray(24);
    const big = Buffer.concat([whole.subarray(0, 24), ...Array.from({ length: Math.ceil(13e6 / records.length) }, () => records)]);
    const path = join(tmp, "big.pcap");
    writeFileSync(path, big);
    await page.goto(`${web.url}index.html?slice=8192`);
    await page.setInputFiles("#file", path);
    await page.waitForFunction(() => Number(document.getElementById("progress")!.dataset.slices) >= 2);
    await page.click("#cancel");
    await page.waitForFunction(() => document.body.dataset.state === "done");
    expect(await page.textContent("#message")).toContain("Cancelled");
    expect(Number(await page.getAttribute("#progress", "value"))).toBeLessThan(big.length);
    await page.goto(`${web.url}index.html?slice=4096`);
  });

  test("nothing left the machine: every request went to the page's own server, no page errors", () => {
    expect(requests.length).toBeGreaterThan(0);
    expect(foreignRequests(requests, web.url)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
