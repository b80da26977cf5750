/**
 * Runs pricing cases through `BlackScholesHarness` in batches (one `eth_call` per batch) and measures the errors
 * against the 60-digit reference. Shared by the mocha tests and the benchmark.
 */
import { blackScholes, fromWad, ONE, WAD } from "./blackScholes.js";
import type { PricingCase } from "./grid.js";

/** The harness functions used here, as ethers returns them. */
export interface BlackScholesHarnessLike {
  pricesBatch(inputs: PricingCase[]): Promise<[bigint[], bigint[]]>;
  greeksBatch(inputs: PricingCase[]): Promise<[bigint[], bigint[], bigint[], bigint[]]>;
}

export interface CaseError {
  input: PricingCase;
  /** |on-chain - reference| / spot, for the call and the put. */
  callOverSpot: number;
  putOverSpot: number;
  /** |on-chain - reference| in wei (WAD units of spot), for the call and the put. */
  callWei: number;
  putWei: number;
}

export interface GreeksError {
  input: PricingCase;
  /** |delta - N(d1)| in WAD. */
  deltaWei: number;
  /** |vega - reference| relative to spot (vega is in the unit of spot). */
  vegaOverSpot: number;
  /** |gamma - reference| relative to the reference gamma, and in WAD. */
  gammaRelative: number;
  gammaWei: number;
  /** |gamma - reference| * spot, dimensionless (gamma's natural scale is 1 / spot). */
  gammaTimesSpot: number;
}

const BATCH = 400;

const absDiff = (a: bigint, b: bigint): bigint => (a > b ? a - b : b - a);
/** num / den as a number, exact to about 1e-30 relative. */
const ratio = (num: bigint, den: bigint): number => Number((num * 10n ** 30n) / den) / 1e30;
/** A reference value (60 digits) as WAD wei, as a number with its fraction. */
const refToWeiNumber = (x: bigint): number => Number(x / 10n ** 30n) / 1e12;

/** Call and put errors of every case. */
export async function priceErrors(harness: BlackScholesHarnessLike, cases: PricingCase[]): Promise<CaseError[]> {
  const out: CaseError[] = [];
  for (let i = 0; i < cases.length; i += BATCH) {
    const batch = cases.slice(i, i + BATCH);
    const [calls, puts] = await harness.pricesBatch(batch);
    batch.forEach((input, j) => {
      const ref = blackScholes(input.spot, input.strike, input.secondsToExpiry, input.vol);
      const spot = fromWad(input.spot);
      const callErr = absDiff(fromWad(calls[j]), ref.call);
      const putErr = absDiff(fromWad(puts[j]), ref.put);
      out.push({
        input,
        callOverSpot: ratio(callErr, spot),
        putOverSpot: ratio(putErr, spot),
        callWei: refToWeiNumber(callErr),
        putWei: refToWeiNumber(putErr),
      });
    });
  }
  return out;
}

/** Greek errors of every case. */
export async function greeksErrors(harness: BlackScholesHarnessLike, cases: PricingCase[]): Promise<GreeksError[]> {
  const out: GreeksError[] = [];
  for (let i = 0; i < cases.length; i += BATCH) {
    const batch = cases.slice(i, i + BATCH);
    const [, deltas, vegas, gammas] = await harness.greeksBatch(batch);
    batch.forEach((input, j) => {
      const ref = blackScholes(input.spot, input.strike, input.secondsToExpiry, input.vol);
      const spot = fromWad(input.spot);
      const gammaErr = absDiff(fromWad(gammas[j]), ref.gamma);
      out.push({
        input,
        deltaWei: refToWeiNumber(absDiff(fromWad(deltas[j]), ref.callDelta)),
        vegaOverSpot: ratio(absDiff(fromWad(vegas[j]), ref.vega), spot),
        gammaRelative: ref.gamma === 0n ? 0 : ratio(gammaErr, ref.gamma),
        gammaWei: refToWeiNumber(gammaErr),
        gammaTimesSpot: ratio((gammaErr * spot) / ONE, ONE),
      });
    });
  }
  return out;
}

/** The largest value of `key` over `rows`, with the row it came from. */
export function worst<T>(rows: T[], key: (row: T) => number): { value: number; row: T } {
  let best = rows[0];
  let value = key(best);
  for (const row of rows) {
    const v = key(row);
    if (v > value) {
      value = v;
      best = row;
    }
  }
  return { value, row: best };
}

export { WAD };
