// bench/rng.mjs: the seeded PRNG of the benchmark generators (bench/gen.mjs, bench/prefilter/corpus.mjs):
// sfc32, its state spread from the user's seed by splitmix32 with a per-generator salt, so each
// generator's output is a pure function of its options and seed.

/** sfc32 seeded from (seed, salt); rnd() in [0, 1), randInt(n) in [0, n), gauss() standard normal. */
export function seededRng(seed, salt) {
  let ra = 0, rb = 0, rc = 0, rd = 0;
  function u32() {
    const t = (((ra + rb) | 0) + rd) | 0;
    rd = (rd + 1) | 0;
    ra = rb ^ (rb >>> 9);
    rb = (rc + (rc << 3)) | 0;
    rc = (rc << 21) | (rc >>> 11);
    rc = (rc + t) | 0;
    return t >>> 0;
  }
  function rnd() { return u32() / 4294967296; }
  function randInt(n) { return Math.floor(rnd() * n); }
  function gauss() {
    const u = 1 - rnd();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd());
  }
  // splitmix32 to spread the user seed over the state
  let s = (Math.floor(seed) ^ salt) >>> 0;
  const sm = () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  ra = sm(); rb = sm(); rc = sm(); rd = sm();
  for (let i = 0; i < 16; i++) u32();
  return { u32, rnd, randInt, gauss };
}
