// vite.config.ts: the browser viewer (web/) as static files in build/web/ (gitignored with build/).
//   npm run build:web   -> build/web/index.html (viewer) and build/web/selftest.html (policy vectors)
//   npm run web         -> the same build, served by `vite preview` on 127.0.0.1
// The core is the same build/core.wasm that Node loads: web/src/wasm.ts imports it with `?url`, so the
// build copies it byte for byte into build/web/assets/ (test/browser/ checks the bytes).
// The selftest page gets the overlap vectors through the virtual module "virtual:overlap-vectors",
// filled here at build time from test/policy/overlap.vectors.ts (that file reads the reference with
// node:fs, which a page cannot do).

import { defineConfig, type Plugin } from "vite";
import { resolve } from "node:path";
import { HAVE_REFERENCE, SURICATA_ISNS, suricataVectors } from "./test/policy/overlap.vectors.js";
import { ISN_SWEEP } from "./test/support/packets.js";

const VECTORS_ID = "virtual:overlap-vectors";

function overlapVectors(): Plugin {
  return {
    name: "streamsift-overlap-vectors",
    resolveId: (id) => (id === VECTORS_ID ? `\0${VECTORS_ID}` : undefined),
    load(id) {
      if (id !== `\0${VECTORS_ID}`) return undefined;
      const vectors = HAVE_REFERENCE ? suricataVectors() : [];
      return `export const HAVE_REFERENCE = ${JSON.stringify(HAVE_REFERENCE)};\n` +
        `export const VECTORS = ${JSON.stringify(vectors)};\n` +
        `export const ISNS = ${JSON.stringify([...new Set([...SURICATA_ISNS, ...ISN_SWEEP])])};\n`;
    },
  };
}

const root = resolve(import.meta.dirname, "web");

export default defineConfig({
  root,
  base: "./",
  publicDir: false,
  plugins: [overlapVectors()],
  worker: { format: "es" },
  build: {
    outDir: resolve(import.meta.dirname, "build/web"),
    emptyOutDir: true,
    target: "es2022",
    assetsInlineLimit: 0,            // the core stays a .wasm file, never a data: URL
    cssCodeSplit: false,             // one stylesheet for both pages
    rolldownOptions: { input: { index: resolve(root, "index.html"), selftest: resolve(root, "selftest.html") } },
  },
  server: { host: "127.0.0.1", fs: { allow: [import.meta.dirname] } },
  preview: { host: "127.0.0.1", port: 5173, strictPort: false },
});
