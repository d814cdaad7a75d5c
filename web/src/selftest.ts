// web/src/selftest.ts: the core's overlap policy vectors, in the browser. The same tables and the same
// procedure as test/policy/overlap.test.ts (Node): for every vector, ISN and prefix of its steps, a
// fresh engine gets a handshake and the client segments (src/io/pcap-writer.ts TcpConversation), and
// the client->server stream, gaps rendered as '_', must equal Suricata's expectation. The vectors come
// from vite.config.ts at build time. Results go into the DOM: one row per vector with data-result
// pass|fail, and #summary with data-passed / data-failed / data-status=done.

import { HAVE_REFERENCE, ISNS, VECTORS } from "virtual:overlap-vectors";
import { createEngine } from "../../src/index.js";
import { TcpConversation } from "../../src/io/pcap-writer.js";
import { coreModule, coreSha256 } from "./wasm.js";
import { byId, h } from "./ui/dom.js";

const latin1 = new TextDecoder("latin1");

/** The client->server stream after the given steps, as Suricata's tests print it. */
async function streamAfter(wasm: WebAssembly.Module, policy: string, isn: number, steps: Array<[number, string, string]>): Promise<string> {
  const c = new TcpConversation({ client: "10.0.0.1:40000", server: "10.0.0.2:80", isnClient: isn, isnServer: 7000 });
  c.handshake();
  for (const [rel, data] of steps) c.clientSend(data, { relSeq: rel });
  const parts: Array<[number, string]> = [];
  let flows = 0;
  const engine = await createEngine(wasm, { checksum: "off", policy }, {
    onData(_conn, dir, bytes, offset) { if (dir === "toserver") parts.push([offset, latin1.decode(bytes)]); },
    onGap(_conn, dir, offset, length) { if (dir === "toserver") parts.push([offset, "_".repeat(length)]); },
    onConnection() { flows++; },
  });
  for (const f of c.records()) engine.feedPacket(f.frame, 1, f.tsMicros);
  engine.finish();
  if (flows !== 1) throw new Error(`expected 1 connection, got ${flows}`);
  return parts.sort((a, b) => a[0] - b[0]).map((p) => p[1]).join("");
}

async function main(): Promise<void> {
  const summary = byId("summary");
  const tbody = byId("vectors").querySelector("tbody")!;
  const wasm = await coreModule();
  const hash = await coreSha256();
  byId("wasm-sha256").textContent = hash;
  document.body.dataset.wasmSha256 = hash;
  let passed = 0, failed = 0;
  const t0 = performance.now();
  for (const v of VECTORS) {
    const isns = v.isn !== undefined ? [v.isn] : ISNS;
    let detail = "";
    outer: for (const isn of isns) {
      for (let k = 1; k <= v.steps.length; k++) {
        const [rel, data, want] = v.steps[k - 1]!;
        const got = await streamAfter(wasm, v.policy, isn, v.steps.slice(0, k)).catch((e: unknown) => `error: ${String(e)}`);
        if (got !== want) { detail = `ISN ${isn}, after step ${k} [${rel}, "${data}"]: got "${got}", want "${want}"`; break outer; }
      }
    }
    if (detail) failed++; else passed++;
    const ok = detail === "";
    tbody.append(h("tr", { "data-vector": v.name, "data-result": ok ? "pass" : "fail" },
      h("td", {}, v.name), h("td", {}, v.policy), h("td", {}, isns.join(", ")), h("td", { class: "num" }, String(v.steps.length)),
      h("td", { class: ok ? "pass" : "fail" }, ok ? "pass" : "FAIL"), h("td", {}, detail)));
  }
  const ms = performance.now() - t0;
  summary.textContent = HAVE_REFERENCE
    ? `${passed} passed, ${failed} failed (${VECTORS.length} vectors, ${(ms / 1000).toFixed(2)} s, ${navigator.userAgent})`
    : "The reference (../shared/reference/stream-engines.md) was absent at build time: no vectors to run.";
  Object.assign(summary.dataset, { passed, failed, vectors: VECTORS.length, reference: String(HAVE_REFERENCE), status: "done" });
  document.body.dataset.state = "done";
}

main().catch((e: unknown) => {
  const summary = byId("summary");
  summary.textContent = `self-test failed to run: ${String(e)}`;
  summary.dataset.status = "error";
  document.body.dataset.state = "failed";
});
