// web/src/ui/conversation.ts: one connection's conversation, like Wireshark's Follow TCP Stream: both
// directions interleaved in the order the engine delivered them (client blue, server red), gaps and
// anomaly events where they happened, alert matches highlighted at their stream offsets, an ASCII
// and a hex view, and each direction's kept bytes for download with their SHA-256 (the `sha256` of
// `reassemble --json` when nothing was capped).

import type { AlertInfo, Conversation, ConvItem, Dir } from "../protocol.js";
import { endpoint, flowFileName, formatBytes, h } from "./dom.js";

/** Bytes drawn before "show everything" is offered (the DOM gets slow past a few MiB). */
const RENDER_CAP = 512 * 1024;
const DIR_LABEL: Record<Dir, string> = { toserver: "client → server", toclient: "server → client" };

export type ViewMode = "ascii" | "hex";

const urls: string[] = [];
let generation = 0;   // a hash that finishes after a newer render is not shown

async function sha256(b: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", b as Uint8Array<ArrayBuffer>));
  return Array.from(d, (x) => x.toString(16).padStart(2, "0")).join("");
}

/** [start, end) stream ranges of the alert matches of one direction. */
function marksOf(alerts: AlertInfo[], dir: Dir): Array<{ start: number; end: number; alert: AlertInfo }> {
  return alerts.filter((a) => a.dir === dir).map((a) => ({ start: a.streamOffset, end: Math.max(a.matchEnd, a.streamOffset + 1), alert: a }));
}

type Marks = ReturnType<typeof marksOf>;

/** The marks that touch [start, end) (a block's subset, so lines and pieces look at few marks). */
const touching = (marks: Marks, start: number, end: number): Marks => marks.filter((m) => m.start < end && m.end > start);

/** Cuts [start, end) at mark edges: pieces with the mark that covers them (if any). */
function pieces(start: number, end: number, all: Marks): Array<{ start: number; end: number; mark: AlertInfo | undefined }> {
  const marks = touching(all, start, end);
  if (marks.length === 0) return [{ start, end, mark: undefined }];
  const cuts = new Set([start, end]);
  for (const m of marks) { if (m.start > start && m.start < end) cuts.add(m.start); if (m.end > start && m.end < end) cuts.add(m.end); }
  const sorted = [...cuts].sort((a, b) => a - b);
  const out = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const s = sorted[i]!, e = sorted[i + 1]!;
    out.push({ start: s, end: e, mark: marks.find((m) => m.start <= s && m.end >= e)?.alert });
  }
  return out;
}

function asciiText(b: Uint8Array): string {
  let s = "";
  for (const c of b) s += c === 0x0a || c === 0x09 ? String.fromCharCode(c) : c === 0x0d ? "" : c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : ".";
  return s;
}

function markEl(a: AlertInfo, text: string): HTMLElement {
  return h("mark", { class: "alert", "data-sid": a.sid, title: `[${a.gid}:${a.sid}:${a.rev}] ${a.msg}` }, text);
}

/** One delivered run in ASCII: text with the alert matches wrapped in <mark>. */
function asciiBlock(bytes: Uint8Array, item: ConvItem & { kind: "data" }, marks: Marks, len: number): HTMLElement {
  const pre = h("pre", { class: `data ${item.dir}`, "data-dir": item.dir, "data-offset": item.offset, "data-length": item.length });
  for (const p of pieces(item.offset, item.offset + len, marks)) {
    const text = asciiText(bytes.subarray(item.at + p.start - item.offset, item.at + p.end - item.offset));
    pre.append(p.mark ? markEl(p.mark, text) : text);
  }
  return pre;
}

/** One delivered run as a hex dump (stream offsets in the first column). */
function hexBlock(bytes: Uint8Array, item: ConvItem & { kind: "data" }, all: Marks, len: number): HTMLElement {
  const marks = touching(all, item.offset, item.offset + len);
  const pre = h("pre", { class: `data hex ${item.dir}`, "data-dir": item.dir, "data-offset": item.offset, "data-length": item.length });
  for (let o = 0; o < len; o += 16) {
    const lineStart = item.offset + o, lineEnd = item.offset + Math.min(len, o + 16);
    pre.append(`${lineStart.toString(16).padStart(8, "0")}  `);
    const hexPart: Array<Node | string> = [], textPart: Array<Node | string> = [];
    for (const p of pieces(lineStart, lineEnd, marks)) {
      const b = bytes.subarray(item.at + p.start - item.offset, item.at + p.end - item.offset);
      const hx = Array.from(b, (x) => `${x.toString(16).padStart(2, "0")} `).join("");
      const tx = Array.from(b, (x) => (x >= 0x20 && x < 0x7f ? String.fromCharCode(x) : ".")).join("");
      hexPart.push(p.mark ? markEl(p.mark, hx) : hx);
      textPart.push(p.mark ? markEl(p.mark, tx) : tx);
    }
    pre.append(...hexPart, "   ".repeat(16 - (lineEnd - lineStart)), " ", ...textPart, "\n");
  }
  return pre;
}

export function renderConversation(root: HTMLElement, conv: Conversation, mode: ViewMode, all = false, rerender?: (all: boolean) => void): void {
  while (urls.length) URL.revokeObjectURL(urls.pop()!);
  const gen = ++generation;
  const r = conv.row;
  const client = endpoint(r.srcIp, r.srcPort), server = endpoint(r.destIp, r.destPort);
  root.dataset.id = String(r.id);
  delete root.dataset.sha256Toserver;
  delete root.dataset.sha256Toclient;

  const dirInfo = (dir: Dir) => {
    const data = conv.data[dir];
    const [fromIp, fromPort, toIp, toPort] = dir === "toserver" ? [r.srcIp, r.srcPort, r.destIp, r.destPort] : [r.destIp, r.destPort, r.srcIp, r.srcPort];
    const url = URL.createObjectURL(new Blob([data as Uint8Array<ArrayBuffer>], { type: "application/octet-stream" }));
    urls.push(url);
    const link = h("a", { href: url, download: flowFileName(fromIp, fromPort, toIp, toPort), class: "download", "data-dir": dir }, `download ${formatBytes(data.length)}`);
    const hash = h("code", { class: "sha256", "data-dir": dir }, "…");
    void sha256(data).then((d) => {
      if (gen !== generation) return;
      hash.textContent = conv.dropped[dir] ? `${d.slice(0, 16)}… (of the kept bytes)` : d;
      link.dataset.sha256 = d;
      root.dataset[dir === "toserver" ? "sha256Toserver" : "sha256Toclient"] = d;
    });
    const capped = conv.dropped[dir]
      ? h("span", { class: "capped" }, ` only the first ${formatBytes(conv.cap)} are kept here: ${conv.dropped[dir]} more bytes were delivered`)
      : "";
    return h("li", { class: dir }, h("span", { class: `swatch ${dir}` }), ` ${DIR_LABEL[dir]}: ${r.bytes[dir]} bytes delivered, ${r.pkts[dir]} packets · `,
      link, " · sha256 ", hash, capped);
  };

  const head = h("div", { class: "conv-head" },
    h("h2", {}, `Connection #${r.id}: ${client} → ${server}`),
    h("p", {}, `state ${r.state} (${r.reason})${r.midstream ? ", picked up midstream" : ""} · ${r.gaps} gap${r.gaps === 1 ? "" : "s"} (${r.gapBytes} bytes) · ${r.events.length} event type${r.events.length === 1 ? "" : "s"} · ${r.alerts} alert${r.alerts === 1 ? "" : "s"}${r.drops ? ` · ${r.drops} packets dropped` : ""}`),
    h("ul", { class: "dirs" }, dirInfo("toserver"), dirInfo("toclient")));

  const alertList = conv.alerts.length
    ? h("ol", { class: "alerts" }, ...conv.alerts.map((a) => h("li", { "data-sid": a.sid, "data-dir": a.dir, "data-offset": a.streamOffset, "data-frame": a.frame },
      `[${a.gid}:${a.sid}:${a.rev}] ${a.msg} · ${DIR_LABEL[a.dir]} at offset ${a.streamOffset} · frame ${a.frame}${a.dropped ? " · dropped" : ""}`)))
    : "";

  const body = h("div", { class: `conv-body ${mode}`, "data-mode": mode });
  const marks = { toserver: marksOf(conv.alerts, "toserver"), toclient: marksOf(conv.alerts, "toclient") };
  let budget = all ? Infinity : RENDER_CAP;
  let cut = false;
  for (const item of conv.items) {
    if (item.kind === "gap") {
      body.append(h("div", { class: `gap ${item.dir}`, "data-dir": item.dir, "data-offset": item.offset, "data-length": item.length },
        `⟨gap: ${item.length} bytes never seen, ${DIR_LABEL[item.dir]} at offset ${item.offset}⟩`));
    } else if (item.kind === "event") {
      body.append(h("div", { class: `event ${item.dir}`, "data-event": item.name }, `⚠ ${item.name} (${DIR_LABEL[item.dir]}, frame ${item.frame})`));
    } else {
      if (budget <= 0) { cut = true; continue; }
      const len = Math.min(item.length, budget);
      if (len < item.length) cut = true;
      budget -= len;
      const bytes = conv.data[item.dir];
      body.append(mode === "hex" ? hexBlock(bytes, item, marks[item.dir], len) : asciiBlock(bytes, item, marks[item.dir], len));
    }
  }
  if (conv.items.length === 0) body.append(h("p", { class: "empty" }, "No payload was delivered on this connection."));
  const more = cut && rerender
    ? h("p", { class: "more" }, `Only the first ${formatBytes(RENDER_CAP)} are drawn. `, h("button", { type: "button", onclick: () => rerender(true) }, "Show everything"))
    : "";
  root.replaceChildren(head, alertList, body, more);
}
