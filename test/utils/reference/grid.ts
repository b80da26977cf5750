/**
 * Input sets for the Black-Scholes accuracy checks, shared by the tests and the benchmark: a log-spaced grid and a
 * seeded pseudo-random sample over moneyness K/S 0.5-2, T 1 hour-1 year, vol 10%-300%.
 */

export interface PricingCase {
  spot: bigint;
  strike: bigint;
  secondsToExpiry: bigint;
  vol: bigint;
}

export const GRID_BOUNDS = {
  moneyness: [0.5, 2],
  seconds: [3_600, 31_536_000],
  vol: [0.1, 3],
} as const;

/** Spots the grid cycles through, in WAD (the error is reported relative to spot, so the scale barely matters). */
const GRID_SPOTS = [1n, 37n, 1_850n, 63_000n].map((x) => x * 10n ** 18n);

const logSpace = (lo: number, hi: number, n: number): number[] =>
  Array.from({ length: n }, (_, i) => lo * (hi / lo) ** (n === 1 ? 0 : i / (n - 1)));

/** x (a positive number) times a WAD bigint, to 1e-12 relative precision. */
const scaleWad = (wad: bigint, x: number): bigint => (wad * BigInt(Math.round(x * 1e12))) / 10n ** 12n;
const toWad = (x: number): bigint => BigInt(Math.round(x * 1e12)) * 10n ** 6n;

/** The fixed grid: 13 moneyness x 13 maturities x 12 vols = 2,028 cases. */
export function blackScholesGrid(): PricingCase[] {
  const cases: PricingCase[] = [];
  const [m0, m1] = GRID_BOUNDS.moneyness;
  const [t0, t1] = GRID_BOUNDS.seconds;
  const [v0, v1] = GRID_BOUNDS.vol;
  let i = 0;
  for (const m of logSpace(m0, m1, 13))
    for (const t of logSpace(t0, t1, 13))
      for (const v of logSpace(v0, v1, 12)) {
        const spot = GRID_SPOTS[i++ % GRID_SPOTS.length];
        cases.push({ spot, strike: scaleWad(spot, m), secondsToExpiry: BigInt(Math.round(t)), vol: toWad(v) });
      }
  return cases;
}

/** A deterministic PRNG (mulberry32) returning numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** `n` seeded cases, log-uniform over the grid's ranges, with spots log-uniform over 0.01-1e6. */
export function blackScholesRandomCases(n: number, seed = 0x0b7105): PricingCase[] {
  const rand = mulberry32(seed);
  const logUniform = (lo: number, hi: number) => lo * (hi / lo) ** rand();
  const cases: PricingCase[] = [];
  for (let i = 0; i < n; i++) {
    const spot = toWad(logUniform(0.01, 1e6));
    cases.push({
      spot,
      strike: scaleWad(spot, logUniform(...GRID_BOUNDS.moneyness)),
      secondsToExpiry: BigInt(Math.round(logUniform(...GRID_BOUNDS.seconds))),
      vol: toWad(logUniform(...GRID_BOUNDS.vol)),
    });
  }
  return cases;
}
