// web/src/main.ts: the capture viewer page. Opens a capture (file picker or drag-and-drop), hands it
// to a fresh analysis worker (worker.ts) with the settings, shows progress (cancellable), then the
// connections table and, on a click, one connection's conversation. Nothing leaves the machine: the
// File is read in slices by the worker; the only fetch is the core's .wasm from this same server.
// For tests, the body's data-state says idle | running | done | failed (data-run counts runs), and
// `?slice=N` reads the file in N-byte slices instead of the core's input size.

import type { Conversation, ErrorInfo, FromWorker, Summary, ToWorker } from "./protocol.js";
import { byId, formatBytes, h } from "./ui/dom.js";
import { initSettings } from "./ui/settings.js";
import { ConnectionsView } from "./ui/connections.js";
import { renderConversation, type ViewMode } from "./ui/conversation.js";

const HEADLINES: Record<string, string> = {
  ERR_CAPTURE_FORMAT: "This file is not a capture (pcap or pcapng).",
  ERR_CAPTURE_TRUNCATED: "The capture is truncated: it ends inside a record.",
  ERR_CAPTURE_CORRUPT: "The capture is corrupt.",
  ERR_CAPTURE_INTERFACE: "The capture is inconsistent.",
  ERR_CAPTURE_EMPTY: "The file is empty.",
  ERR_CONFIG: "A setting is invalid.",
  ERR_RULES: "No rule could be loaded.",
};

const sliceParam = Number(new URLSearchParams(location.search).get("slice")) || undefined;
const body = document.body;
const progress = byId<HTMLProgressElement>("progress");
const progressText = byId("progress-text");
const cancelButton = byId<HTMLButtonElement>("cancel");
const message = byId("message");
const notices = byId("notices");
const ruleErrors = byId("rule-errors");
const summaryEl = byId("summary");
const convRoot = byId("conversation");
const fileName = byId("file-name");

let file: File | undefined;
let worker: Worker | undefined;
let conv: Conversation | undefined;
let mode: ViewMode = "ascii";
let runs = 0;

const settings = initSettings(() => { if (file) run(); });
const table = new ConnectionsView((id) => {
  convRoot.replaceChildren(h("p", {}, "Loading…"));
  convRoot.dataset.state = "loading";
  post({ type: "conversation", id });
});

function post(m: ToWorker): void { worker?.postMessage(m); }

function setState(s: "idle" | "running" | "done" | "failed"): void {
  body.dataset.state = s;
  cancelButton.disabled = s !== "running";
}

function showError(e: ErrorInfo, haveResults: boolean): void {
  message.className = "error";
  message.dataset.code = e.code;
  message.replaceChildren(
    h("strong", {}, HEADLINES[e.code] ?? "The analysis failed."), " ",
    h("span", { class: "detail" }, `${e.message} [${e.code}]`),
    e.offset !== undefined ? h("span", { class: "offset", "data-offset": e.offset }, ` File offset: ${e.offset}.`) : "",
    haveResults ? " What was decoded before it is shown below." : "");
}

function showSummary(s: Summary): void {
  summaryEl.replaceChildren(`packets=${s.packets} tcp=${s.tcpPackets} connections=${s.connections} c2s=${s.c2s} s2c=${s.s2c} ` +
    `gaps=${s.gaps} gap_bytes=${s.gapBytes} events=${s.events} bad_checksum=${s.badChecksum}` +
    `${s.rules ? ` rules=${s.rules} alerts=${s.alerts}` : ""}${s.drops ? ` drops=${s.drops}` : ""} elapsed=${(s.elapsedMs / 1000).toFixed(3)}s`);
  Object.assign(summaryEl.dataset, {
    packets: s.packets, connections: s.connections, c2s: s.c2s, s2c: s.s2c, gaps: s.gaps, alerts: s.alerts, rules: s.rules, events: s.events,
  });
}

function onMessage(m: FromWorker): void {
  switch (m.type) {
    case "progress": {
      progress.max = Math.max(1, m.total);
      progress.value = m.bytes;
      const slices = Number(progress.dataset.slices ?? 0) + 1;
      progress.dataset.slices = String(slices);
      progressText.textContent = `${formatBytes(m.bytes)} of ${formatBytes(m.total)} (${((100 * m.bytes) / Math.max(1, m.total)).toFixed(1)} %)`;
      break;
    }
    case "rules":
      ruleErrors.dataset.loaded = String(m.loaded);
      ruleErrors.dataset.errors = String(m.errors.length);
      ruleErrors.replaceChildren(
        h("p", {}, `${m.loaded} rule${m.loaded === 1 ? "" : "s"} loaded${m.errors.length ? `, ${m.errors.length} with errors:` : "."}`),
        ...(m.errors.length ? [h("ul", {}, ...m.errors.map((e) => h("li", { "data-line": e.line }, `${e.file}:${e.line}: ${e.reason}`)))] : []));
      break;
    case "notice":
      notices.append(h("li", { "data-code": m.code }, m.code === "linktype" ? `Unsupported link type: ${m.message}.` : m.message));
      break;
    case "failed":
      showError(m.error, false);
      progressText.textContent = "";
      setState("failed");
      break;
    case "done":
      table.setRows(m.rows);
      showSummary(m.summary);
      progress.value = m.summary.bytesRead;
      if (m.error) showError(m.error, m.rows.length > 0);
      else if (m.cancelled) { message.className = "warning"; message.textContent = `Cancelled after ${formatBytes(m.summary.bytesRead)}: the connections read until then are shown.`; }
      else if (m.summary.packets > 0 && m.summary.tcpPackets === 0 && notices.querySelector("[data-code=linktype]")) {
        message.className = "warning"; message.textContent = "No packet could be decoded: the capture's link type is not supported.";
      }
      progressText.textContent = m.cancelled ? "cancelled" : `${formatBytes(m.summary.bytesRead)} read`;
      setState(m.error && m.rows.length === 0 ? "failed" : "done");
      break;
    case "conversation":
      if (!m.conv) { convRoot.replaceChildren(h("p", {}, `Connection ${m.id} is not known.`)); break; }
      conv = m.conv;
      draw();
      convRoot.dataset.state = "ready";
      break;
  }
}

function draw(all = false): void {
  if (conv) renderConversation(convRoot, conv, mode, all, draw);
}

function run(): void {
  if (!file) return;
  worker?.terminate();
  worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
  worker.onmessage = (e: MessageEvent<FromWorker>) => onMessage(e.data);
  worker.onerror = (e) => { showError({ code: "ERR_INTERNAL", message: e.message || "the worker failed", offset: undefined }, false); setState("failed"); };
  conv = undefined;
  message.className = ""; message.textContent = ""; delete message.dataset.code;
  notices.replaceChildren(); ruleErrors.replaceChildren(); summaryEl.replaceChildren();
  for (const k of Object.keys(summaryEl.dataset)) delete summaryEl.dataset[k];
  delete ruleErrors.dataset.loaded; delete ruleErrors.dataset.errors;
  convRoot.replaceChildren(h("p", { class: "hint" }, "Pick a connection in the table to follow its stream."));
  delete convRoot.dataset.state; delete convRoot.dataset.id;
  table.setRows([]);
  progress.value = 0; progress.dataset.slices = "0";
  progressText.textContent = "starting…";
  body.dataset.run = String(++runs);
  setState("running");
  post({ type: "run", file, name: file.name, settings: settings.read(), ...(sliceParam ? { sliceBytes: sliceParam } : {}) });
}

function open(f: File | undefined): void {
  if (!f) return;
  file = f;
  fileName.textContent = `${f.name} (${formatBytes(f.size)})`;
  run();
}

const picker = byId<HTMLInputElement>("file");
picker.addEventListener("change", () => { open(picker.files?.[0]); picker.value = ""; });
cancelButton.addEventListener("click", () => post({ type: "cancel" }));
byId("rerun").addEventListener("click", run);
for (const el of document.querySelectorAll<HTMLInputElement>("input[name=view]")) {
  el.addEventListener("change", () => { mode = el.value as ViewMode; draw(); });
}

// drag-and-drop anywhere on the page
const drop = byId("drop");
document.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
document.addEventListener("dragleave", (e) => { if (e.relatedTarget === null) drop.classList.remove("over"); });
document.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("over"); open(e.dataTransfer?.files[0]); });

setState("idle");
