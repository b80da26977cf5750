/**
 * Black-Scholes benchmark: gas of one price and the worst error against the 60-digit reference on the grid.
 * A module for `npm run bench` (it needs Hardhat's runtime): `benchBlackScholes()` returns the measures.
 *
 * - `gas.bs.price`: gas of one `BlackScholes.price` call, measured inside the harness with `gasleft()` around the
 *   library call (no external-call or ABI overhead), for a 30-day 80%-vol call 5% out of the money.
 * - `gas.bs.priceAndGreeks`: the same for `priceAndGreeks`.
 * - `bs.maxAbsErrorOverSpot`: max over the 2,028-case grid of |on-chain - reference| / spot, calls and puts.
 */
import { network } from "hardhat";
import { blackScholesGrid } from "../../test/utils/reference/grid.js";
import { priceErrors, type BlackScholesHarnessLike } from "../../test/utils/reference/compare.js";

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
}

export async function benchBlackScholes(): Promise<BenchResult[]> {
  const { ethers } = await network.create();
  const harness = await ethers.deployContract("BlackScholesHarness");
  const spot = 3_000n * 10n ** 18n;
  const input = { spot, strike: 3_150n * 10n ** 18n, secondsToExpiry: 30n * 86_400n, vol: 8n * 10n ** 17n };
  const [, priceGas] = (await harness.measurePrice(input, true)) as [bigint, bigint];
  const greeksGas = (await harness.measurePriceAndGreeks(input, true)) as bigint;
  const rows = await priceErrors(harness as unknown as BlackScholesHarnessLike, blackScholesGrid());
  const maxErr = rows.reduce((m, r) => Math.max(m, r.callOverSpot, r.putOverSpot), 0);
  return [
    { name: "gas.bs.price", value: Number(priceGas), unit: "gas" },
    { name: "gas.bs.priceAndGreeks", value: Number(greeksGas), unit: "gas" },
    { name: "bs.maxAbsErrorOverSpot", value: maxErr, unit: "ratio" },
  ];
}
