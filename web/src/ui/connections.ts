// web/src/ui/connections.ts: the connections table: one row per TCP connection (the CLI's table and
// --json records), sortable by any column, filtered by address or port, state and "has alerts".
// At most ROW_LIMIT rows are drawn; the count line says how many matched.

import type { ConnRow } from "../protocol.js";
import { byId, endpoint, h } from "./dom.js";

const ROW_LIMIT = 5000;

interface Column { key: string; title: string; value(r: ConnRow): number | string; num?: boolean }

const COLUMNS: Column[] = [
  { key: "id", title: "#", value: (r) => r.id, num: true },
  { key: "client", title: "client", value: (r) => endpoint(r.srcIp, r.srcPort) },
  { key: "server", title: "server", value: (r) => endpoint(r.destIp, r.destPort) },
  { key: "state", title: "state", value: (r) => r.state },
  { key: "pkts-c2s", title: "pkts c→s", value: (r) => r.pkts.toserver, num: true },
  { key: "pkts-s2c", title: "pkts s→c", value: (r) => r.pkts.toclient, num: true },
  { key: "bytes-c2s", title: "bytes c→s", value: (r) => r.bytes.toserver, num: true },
  { key: "bytes-s2c", title: "bytes s→c", value: (r) => r.bytes.toclient, num: true },
  { key: "gaps", title: "gaps", value: (r) => r.gaps, num: true },
  { key: "events", title: "events", value: (r) => r.events.length, num: true },
  { key: "alerts", title: "alerts", value: (r) => r.alerts, num: true },
];

export class ConnectionsView {
  private rows: ConnRow[] = [];
  private sortKey = "id";
  private ascending = true;
  private selected: number | undefined;
  private readonly table = byId<HTMLTableElement>("connections-table");
  private readonly count = byId("connections-count");
  private readonly text = byId<HTMLInputElement>("filter-text");
  private readonly state = byId<HTMLSelectElement>("filter-state");
  private readonly hasAlert = byId<HTMLInputElement>("filter-alert");

  constructor(private readonly onSelect: (id: number) => void) {
    this.text.addEventListener("input", () => this.render());
    this.state.addEventListener("change", () => this.render());
    this.hasAlert.addEventListener("change", () => this.render());
  }

  setRows(rows: ConnRow[]): void {
    this.rows = rows;
    this.selected = undefined;
    const states = [...new Set(rows.map((r) => r.state))].sort();
    const keep = this.state.value;
    this.state.replaceChildren(h("option", { value: "" }, "any state"), ...states.map((s) => h("option", { value: s, selected: s === keep }, s)));
    this.render();
  }

  select(id: number): void {
    this.selected = id;
    for (const tr of this.table.querySelectorAll<HTMLTableRowElement>("tbody tr")) tr.classList.toggle("selected", Number(tr.dataset.id) === id);
  }

  /** Text filter: a number matches either port; anything else is a substring of either endpoint. */
  private matches(r: ConnRow): boolean {
    const t = this.text.value.trim().toLowerCase();
    if (t) {
      if (/^\d+$/.test(t)) { if (r.srcPort !== Number(t) && r.destPort !== Number(t)) return false; }
      else if (!endpoint(r.srcIp, r.srcPort).toLowerCase().includes(t) && !endpoint(r.destIp, r.destPort).toLowerCase().includes(t)) return false;
    }
    if (this.state.value && r.state !== this.state.value) return false;
    if (this.hasAlert.checked && r.alerts === 0) return false;
    return true;
  }

  render(): void {
    const col = COLUMNS.find((c) => c.key === this.sortKey)!;
    const sign = this.ascending ? 1 : -1;
    const shown = this.rows.filter((r) => this.matches(r)).sort((a, b) => {
      const x = col.value(a), y = col.value(b);
      const d = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true });
      return d !== 0 ? sign * d : a.id - b.id;
    });
    const head = h("tr", {}, ...COLUMNS.map((c) => h("th", {
      "data-key": c.key, class: `${c.num ? "num " : ""}${c.key === this.sortKey ? (this.ascending ? "asc" : "desc") : ""}`,
      title: "sort", onclick: () => { if (this.sortKey === c.key) this.ascending = !this.ascending; else { this.sortKey = c.key; this.ascending = true; } this.render(); },
    }, c.title)));
    const body = shown.slice(0, ROW_LIMIT).map((r) => h("tr", {
      "data-id": r.id, "data-alerts": r.alerts, class: `${r.alerts ? "has-alert " : ""}${r.id === this.selected ? "selected" : ""}`,
      onclick: () => { this.select(r.id); this.onSelect(r.id); },
    }, ...COLUMNS.map((c) => {
      const v = c.value(r);
      const cell = h("td", { class: c.num ? "num" : undefined }, String(v));
      if (c.key === "events" && r.events.length) cell.title = r.events.join("\n");
      if (c.key === "bytes-c2s" || c.key === "bytes-s2c") if (r.capped) cell.title = "only part of the bytes are kept for the conversation view";
      return cell;
    })));
    this.table.replaceChildren(h("thead", {}, head), h("tbody", {}, ...body));
    this.count.textContent = `${shown.length} of ${this.rows.length} connections${shown.length > ROW_LIMIT ? ` (first ${ROW_LIMIT} shown)` : ""}`;
    this.count.dataset.shown = String(shown.length);
    this.count.dataset.total = String(this.rows.length);
  }
}
