// web/src/ui/dom.ts: small DOM helpers shared by the views (no framework: the page has four panels).

type Attrs = Record<string, string | number | boolean | undefined | ((e: Event) => void)>;

/** Creates an element: attributes (on* = listeners, false/undefined = absent) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = String(v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  el.append(...children);
  return el;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`page is missing #${id}`);
  return el as T;
}

/** "1.2.3.4:80" / "[::1]:80", as the CLI prints endpoints (the CLI's own function). */
export { endpoint } from "../../../src/outputs/flow-table.js";

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

/** tcpflow's file name for one direction (as `reassemble --out`): zero-padded quads, 5-digit ports. */
export function flowFileName(fromIp: string, fromPort: number, toIp: string, toPort: number): string {
  const part = (ip: string, port: number) => {
    const host = ip.includes(".") && !ip.includes(":") ? ip.split(".").map((o) => o.padStart(3, "0")).join(".") : ip;
    return `${host}.${String(port).padStart(5, "0")}`;
  };
  return `${part(fromIp, fromPort)}-${part(toIp, toPort)}`;
}
