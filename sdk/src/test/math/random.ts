/**
 * Seeded randomness for the math mirror's equality tests: one seed per run, printed, overridable with
 * `OPTIO_SEED` (decimal or 0x-hex) to replay a failure.
 */

/** The run's seed: `OPTIO_SEED` when set, else a fresh one. Printed once per test file that asks for it. */
export function runSeed(label: string): number {
  const env = process.env.OPTIO_SEED;
  const seed = env !== undefined && env !== "" ? Number(env) >>> 0 : (Math.random() * 2 ** 32) >>> 0;
  console.log(`      ${label}: seed ${seed} (replay with OPTIO_SEED=${seed})`);
  return seed;
}

/** A small deterministic generator (mulberry32) with the draws the tests need. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  /** A uniform bigint in [0, 2^bits). */
  const bits = (n: number): bigint => {
    let x = 0n;
    for (let i = 0; i < n; i += 32) x = (x << 32n) | BigInt(Math.floor(next() * 4_294_967_296));
    return x & ((1n << BigInt(n)) - 1n);
  };
  return {
    next,
    bits,
    /** An integer in [lo, hi]. */
    int: (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1)),
    /** A bigint in [lo, hi]. */
    range: (lo: bigint, hi: bigint): bigint => {
      const span = hi - lo + 1n;
      return lo + (bits(span.toString(2).length + 32) % span);
    },
    /** lo · (hi/lo)^u, as a WAD bigint (lo, hi > 0, as numbers). */
    logUniformWad: (lo: number, hi: number): bigint => BigInt(Math.round(lo * (hi / lo) ** next() * 1e12)) * 10n ** 6n,
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
    chance: (p: number): boolean => next() < p,
  };
}

export type Rng = ReturnType<typeof rng>;
