/**
 * Keeper benchmark, the liquidator's health check: `keeper.accountsCheckedPerSecond` is how many accounts of an
 * index of 10,000 the SDK's `accountHealth` (the chain's `liquidationStatus` to the wei: vault valuation, the full
 * `marginOf` mirror, the auction terms) checks per second of one core's CPU time, against one market state, as the
 * liquidator does for its whole index after each block. Accounts hold 1-16 positions (uniform) over two underlyings,
 * four expiries and 13 strikes each, calls and puts, long and short, with USDC and, for a third of them, WETH;
 * some are in an auction.
 */
import type { Address } from "viem";
import { accountHealth, type AccountState, type MarketState, type SeriesMarket } from "../../sdk/src/math/index.js";
import { checkAccounts } from "../../keepers/src/roles/liquidator/check.js";
import { mulberry32 } from "../../test/utils/reference/grid.js";
import type { BenchResult } from "./blackScholes.js";
import { throughput } from "./sdk.js";

const WAD = 10n ** 18n;
const toWad = (x: number): bigint => BigInt(Math.round(x * 1e6)) * 10n ** 12n;
const USDC = "0x00000000000000000000000000000000000000a1" as Address;
const WETH = "0x00000000000000000000000000000000000000a2" as Address;
const INDEX_SIZE = 10_000;

export async function benchKeeper(): Promise<BenchResult[]> {
  const rand = mulberry32(0x6b1);
  const logUniform = (lo: number, hi: number) => lo * (hi / lo) ** rand();
  const now = 1_800_000_000n;
  const expiries = [1n, 3n, 7n, 30n].map((days) => now + days * 86_400n);
  const spots = [3_000n * WAD, 60_000n * WAD];
  const series = new Map<bigint, SeriesMarket>();
  for (const [u, spot] of spots.entries())
    for (const expiry of expiries)
      for (let k = 0; k < 13; k++)
        for (const isCall of [false, true]) {
          const seriesId = BigInt(series.size + 1);
          series.set(seriesId, {
            seriesId,
            underlyingId: BigInt(u + 1),
            expiry,
            strikeE18: (spot * BigInt(70 + 5 * k)) / 100n,
            isCall,
          });
        }
  const market: MarketState = {
    blockNumber: 1n,
    timestamp: now,
    quoteAsset: USDC,
    quoteDecimals: 6,
    collaterals: [
      { token: USDC, decimals: 6, haircutWad: 0n, listed: true, priceE18: WAD, health: 0 },
      { token: WETH, decimals: 18, haircutWad: WAD / 5n, listed: true, priceE18: spots[0], health: 0 },
    ],
    underlyings: new Map(
      spots.map((spot, i) => [
        BigInt(i + 1),
        {
          allowsLiquidation: true,
          market: {
            spotE18: spot,
            volE18: toWad(0.6 + 0.2 * i),
            params: {
              initialRatioWad: (WAD * 15n) / 100n,
              minInitialRatioWad: WAD / 10n,
              maintenanceRatioWad: (WAD * 75n) / 1000n,
            },
            shockMultiplierWad: (WAD * 13n) / 10n,
          },
        },
      ]),
    ),
    series,
    auctionParams: {
      startDiscountWad: WAD / 20n,
      maxDiscountWad: WAD / 5n,
      discountRampSeconds: 1_800n,
      bufferWad: WAD / 20n,
      flagRewardWad: WAD / 100n,
      maxFlagRewardWad: 500n * WAD,
      insolventRampSeconds: 600n,
      smallAccountWad: 100n * WAD,
      fundShareWad: WAD / 2n,
    },
  };
  const ids = [...series.keys()];
  const index: AccountState[] = Array.from({ length: INDEX_SIZE }, (_, i) => {
    const count = 1 + Math.floor(rand() * 16);
    const held = new Set<bigint>();
    while (held.size < count) held.add(ids[Math.floor(rand() * ids.length)]);
    const balances = new Map<Address, bigint>([[USDC, BigInt(Math.round(logUniform(100, 1_000_000) * 1e6))]]);
    if (rand() < 1 / 3) balances.set(WETH, toWad(logUniform(0.01, 100)));
    return {
      account: `0x${(i + 1).toString(16).padStart(40, "0")}` as Address,
      positions: [...held].map((seriesId) => {
        const size = toWad(logUniform(0.01, 50));
        return { seriesId, sizeE18: rand() < 0.5 ? size : -size };
      }),
      balances,
      debt: 0n,
      auctionStart: rand() < 0.02 ? now - 300n : 0n,
    };
  });

  // The liquidator's own per-block check (keepers/src/roles/liquidator/check.ts) over the index.
  const states = new Map(index.map((s) => [s.account, s]));
  let candidates = 0;
  const accountsPerSecond = throughput(() => {
    candidates = checkAccounts({ health: accountHealth }, market, states, states.keys()).candidates.length;
  }, index.length);
  if (candidates === INDEX_SIZE) throw new Error("every account a candidate: the benchmark's index is wrong");
  return [{ name: "keeper.accountsCheckedPerSecond", value: accountsPerSecond, unit: "accounts/s" }];
}
