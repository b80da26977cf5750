import { expect } from "chai";
import type { Address } from "viem";
import { accountHealth, WAD, type AccountState, type MarketState } from "@optio/sdk";
import { checkAccounts } from "./check.js";

const USDC = "0x00000000000000000000000000000000000000a1" as Address;
const NOW = 1_800_000_000n;

/** One ETH underlying at 3,000 with a put and a call a week out; USDC the only collateral. */
const market: MarketState = {
  blockNumber: 1n,
  timestamp: NOW,
  quoteAsset: USDC,
  quoteDecimals: 6,
  collaterals: [{ token: USDC, decimals: 6, haircutWad: 0n, listed: true, priceE18: WAD, health: 0 }],
  underlyings: new Map([
    [
      1n,
      {
        allowsLiquidation: true,
        market: {
          spotE18: 3_000n * WAD,
          volE18: (6n * WAD) / 10n,
          params: {
            initialRatioWad: (WAD * 15n) / 100n,
            minInitialRatioWad: WAD / 10n,
            maintenanceRatioWad: (WAD * 75n) / 1000n,
          },
          shockMultiplierWad: WAD,
        },
      },
    ],
  ]),
  series: new Map([
    [1n, { seriesId: 1n, underlyingId: 1n, expiry: NOW + 7n * 86_400n, strikeE18: 3_000n * WAD, isCall: false }],
    [2n, { seriesId: 2n, underlyingId: 1n, expiry: NOW + 7n * 86_400n, strikeE18: 3_000n * WAD, isCall: true }],
  ]),
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

function account(n: number, positions: [bigint, bigint][], usdc: bigint, auctionStart = 0n): AccountState {
  return {
    account: `0x${n.toString(16).padStart(40, "0")}` as Address,
    positions: positions.map(([seriesId, sizeE18]) => ({ seriesId, sizeE18 })),
    balances: new Map([[USDC, usdc * 10n ** 6n]]),
    debt: 0n,
    auctionStart,
  };
}

describe("liquidator check (the SDK's accountHealth over the index)", () => {
  it("flags exactly the accounts an auction can start on or runs on, leaves unread ones for later, and lets the chain decide what the math refuses", () => {
    const states = new Map<Address, AccountState>();
    const add = (s: AccountState) => states.set(s.account, s);
    const healthy = account(1, [[1n, -WAD]], 100_000n);
    const under = account(2, [[1n, -10n * WAD]], 10n);
    const inAuction = account(3, [[2n, -10n * WAD]], 10n, NOW - 60n);
    const unknownSeries = account(4, [[99n, WAD]], 1_000n);
    const empty = account(5, [], 0n);
    for (const s of [healthy, under, inAuction, unknownSeries, empty]) add(s);
    const unread = `0x${"6".padStart(40, "0")}` as Address;

    // The fixture is what it claims, by the SDK's own math.
    expect(accountHealth(market, healthy).canStart).to.equal(false);
    expect(accountHealth(market, under).canStart).to.equal(true);
    expect(accountHealth(market, inAuction).inAuction).to.equal(true);

    const result = checkAccounts({ health: accountHealth }, market, states, [...states.keys(), unread]);
    expect(result.checked).to.equal(5);
    expect(result.missing).to.equal(1);
    expect(result.candidates).to.deep.equal([under.account, inAuction.account, unknownSeries.account]);
    expect(result.seconds).to.be.greaterThanOrEqual(0);
  });
});
