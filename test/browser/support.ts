// test/browser/support.ts: what the real-browser tests share. Each test file builds the page with Vite
// into its own temporary directory (so files running in parallel never share an output folder),
// serves it with `vite preview` on 127.0.0.1 at a free port, and drives Debian's /usr/bin/chromium
// with playwright-core (never a downloaded browser). Without /usr/bin/chromium the tests skip with a
// message; `.ci/run` installs it from Debian's packages.

import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createHash } from "node:crypto";
import { build, preview, type PreviewServer } from "vite";
import { chromium, type Browser, type Page } from "playwright-core";

export const ROOT = resolve(import.meta.dirname, "../..");
/** Debian's chromium; STREAMSIFT_CHROMIUM names another build of Chromium already on the machine. */
export const CHROMIUM = process.env.STREAMSIFT_CHROMIUM || "/usr/bin/chromium";
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
export const SKIP_MESSAGE = `browser tests skipped: ${CHROMIUM} is absent (apt-get install chromium; .ci/run does it as root)`;
/** The launch flags of reference/toolchain.md §4: no sandbox (root in a container), no GPU, no background traffic. */
export const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];
export const ARTIFACTS = join(ROOT, "test-artifacts");

export const sha256 = (b: Uint8Array | string) => createHash("sha256").update(b).digest("hex");
export const CORE_WASM = join(ROOT, "build/core.wasm");
export const coreWasmSha256 = () => sha256(readFileSync(CORE_WASM));

export interface WebSession {
  /** Base URL of the served build, ending in "/". */
  url: string;
  outDir: string;
  browser: Browser;
  /** A fresh page that records every request it makes (and its workers make) and every page error. */
  newPage(): Promise<{ page: Page; requests: string[]; errors: string[] }>;
  close(): Promise<void>;
}

export async function startWeb(): Promise<WebSession> {
  const outDir = await mkdtemp(join(tmpdir(), "streamsift-web-"));
  const configFile = join(ROOT, "vite.config.ts");
  let server: PreviewServer | undefined;
  let browser: Browser | undefined;
  try {
    await build({ configFile, build: { outDir, emptyOutDir: true }, logLevel: "warn" });
    server = await preview({ configFile, build: { outDir }, preview: { host: "127.0.0.1", port: 0, strictPort: true, open: false }, logLevel: "warn" });
    const url = server.resolvedUrls?.local[0];
    if (!url) throw new Error("vite preview did not report its address");
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    const b = browser, s = server;
    return {
      url, outDir, browser: b,
      async newPage() {
        const page = await b.newPage({ acceptDownloads: true });
        const requests: string[] = [], errors: string[] = [];
        page.on("request", (r) => requests.push(r.url()));
        page.on("pageerror", (e) => errors.push(e.message));
        return { page, requests, errors };
      },
      async close() {
        await b.close();
        await s.close();
        await rm(outDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await browser?.close();
    await server?.close();
    await rm(outDir, { recursive: true, force: true });
    throw e;
  }
}

/** Every request went to the page's own server (or a blob:/data: URL the page made): no network use. */
export function foreignRequests(requests: string[], base: string): string[] {
  const origin = new URL(base).origin;
  return requests.filter((u) => !u.startsWith("blob:") && !u.startsWith("data:") && new URL(u).origin !== origin);
}
