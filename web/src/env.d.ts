// Vite's module kinds (`?url`) and the build-time module of vite.config.ts.
/// <reference types="vite/client" />

declare module "virtual:overlap-vectors" {
  export const HAVE_REFERENCE: boolean;
  export const VECTORS: Array<{ name: string; policy: string; isn?: number; steps: Array<[number, string, string]> }>;
  export const ISNS: number[];
}
