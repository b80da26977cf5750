/**
 * Crash simulation for `npm run bench`: `crash.badDebtOverOI`.
 *
 * On the full local deployment (in-process chain), 200 trader accounts with random collateral open random option
 * portfolios against five market makers. Then ETH falls 40% over `steps` oracle updates (both the Chainlink feed
 * and the quorum feed, so prices stay healthy) while implied volatility spikes from 65% to 150%. After every
 * update a keeper starts auctions on every liquidatable account and bids whenever it is profitable: solvent
 * auctions at once for the largest allowed fraction, insolvent ones once the insurance fund's payment covers the
 * deficit at market. `benchCrash(10)` is the headline (`crash.*`); `benchCrash(1, "crash.gap1")` falls 40% in one
 * update. Bad debt is the sum of insolvent deficits (at market) met by the fund or socialised, plus the haircut
 * deficit of accounts still under water at the end, over the open-interest notional before the crash.
 * `lastInsolventTakeoverMinutes` is the time from the last price update of the fall to the last insolvent takeover;
 * `fundPremium` what the fund paid insolvent bidders above the deficits (quote units). Every refused action is
 * counted by its error's name (`refused.<name>`, setup fills under `setupRefused.<name>`); a bid refused because the
 * bidder's account holds the most live series it may is retried from a fresh bidder account. Deterministic by seed:
 * accounts come from the seed and the chain clock is pinned (`pinClock`), so every figure is exact run to run.
 */
import { network } from "hardhat";
import { Interface, Wallet, id, parseUnits, type Contract, type Signer } from "ethers";
import { mintAndDeposit } from "../../deploy/lib/accounts.js";
import { deployLocal, listThroughTimelock, type Listing } from "../../deploy/lib/local.js";
import { gridExpiries } from "../../deploy/lib/expiries.js";
import { signOrder, type Order } from "../../deploy/lib/orders.js";
import { createPricePusher } from "../../deploy/lib/quorum.js";
import type { BenchResult } from "./blackScholes.js";

const WAD = 10n ** 18n;
const TRADERS = 200;
const MAKERS = 5;

/** The name of the custom error a refused call reverted with, decoded with the protocol's ABIs. */
function errorName(error: unknown, interfaces: Interface[]): string {
  const e = error as { revert?: { name?: string }; data?: unknown; info?: { error?: { data?: unknown } } };
  if (e.revert?.name) return e.revert.name;
  const data = typeof e.data === "string" ? e.data : e.info?.error?.data;
  if (typeof data === "string" && data.length >= 10) {
    const selector = data.slice(0, 10);
    for (const iface of interfaces) {
      const fragment = iface.getError(selector);
      if (fragment) return fragment.name;
    }
    return selector;
  }
  return "unknown";
}

/** The chain's first block time (2033-05-18), later than any wall clock a run starts at. */
const START_TIMESTAMP = 2_000_000_000;
/** Requests that mine a block or run on the pending one (whose timestamp a call or an estimate sees). */
const CLOCKED = new Set([
  "eth_sendTransaction",
  "eth_sendRawTransaction",
  "eth_call",
  "eth_estimateGas",
  "evm_mine",
  "hardhat_mine",
]);

type Eip1193 = { request(args: { method: string; params?: unknown[] | object }): Promise<unknown> };

/**
 * Pins the chain clock so that block times never depend on how fast the machine runs: the first block is at
 * `START_TIMESTAMP`, every later block one second after the previous one, and an explicit move
 * (`evm_setNextBlockTimestamp`, as `time.increase` and `time.increaseTo` send) sets the next block's time. Calls
 * and gas estimates run on the pending block at that same time.
 */
function pinClock(provider: Eip1193): void {
  const request = provider.request.bind(provider);
  let next = START_TIMESTAMP;
  provider.request = async (args) => {
    if (args.method === "evm_setNextBlockTimestamp") {
      next = Number(BigInt((args.params as [string | number])[0]));
      return null;
    }
    if (!CLOCKED.has(args.method)) return request(args);
    await request({ method: "evm_setNextBlockTimestamp", params: [`0x${next.toString(16)}`] });
    const result = await request(args);
    if (args.method !== "eth_call" && args.method !== "eth_estimateGas") {
      const block = (await request({ method: "eth_getBlockByNumber", params: ["latest", false] })) as {
        timestamp: string;
      };
      next = Number(BigInt(block.timestamp)) + 1;
    }
    return result;
  };
}

/** Mulberry32: a small deterministic PRNG. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function benchCrash(steps = 10, prefix = "crash", seed = 7): Promise<BenchResult[]> {
  const random = rng(seed);
  const connection = await network.create();
  pinClock(connection.provider as unknown as Eip1193);
  const { ethers, networkHelpers } = connection;
  const signers = await ethers.getSigners();
  const [, guardian, , proposer, s1, s2, s3, keeper] = signers;
  const { contracts: d } = await deployLocal(connection, 0);
  const {
    vault,
    registry,
    quorumFeed,
    exchange,
    margin,
    usdc,
    ethAggregator,
    liquidationEngine,
    insuranceFund,
    riskController,
    book,
    settlement,
  } = d;
  const interfaces = [liquidationEngine, margin, exchange, vault, book, settlement, registry, insuranceFund].map(
    (c) => (c as Contract).interface,
  );
  const refused = new Map<string, number>();
  const refuse = (scope: string, error: unknown) => {
    const key = `${scope}.${errorName(error, interfaces)}`;
    refused.set(key, (refused.get(key) ?? 0) + 1);
  };
  const liquidation = liquidationEngine;
  const quorumSigners = [s1, s2, s3];

  const prices = createPricePusher(ethAggregator, quorumFeed, quorumSigners, "ETH", () => networkHelpers.time.latest());
  const pushPrice = prices.push;
  await pushPrice(3_000n * WAD, (65n * WAD) / 100n);

  const expiries = gridExpiries(await networkHelpers.time.latest(), 2, 2 * 86_400);
  const series: bigint[] = [];
  const listings: Listing[] = [];
  for (const expiry of expiries)
    for (let k = 2_400n; k <= 3_600n; k += 200n)
      for (const isCall of [true, false]) {
        listings.push({ underlyingId: 1n, strikeE18: k * WAD, expiry, isCall });
        series.push(BigInt(series.length + 1));
      }
  await listThroughTimelock(connection, d, proposer, listings);

  // Fresh accounts (keys from the seed) for traders and makers, funded with gas from the keeper.
  let accountsMade = 0;
  const makeAccount = async () => {
    const w = new Wallet(id(`optio crash ${seed} ${accountsMade++}`), ethers.provider);
    await (await keeper.sendTransaction({ to: w.address, value: parseUnits("10", 18) })).wait();
    return w;
  };
  const fund = (who: Signer, amount: bigint) => mintAndDeposit(vault, usdc, who, amount);
  const makers: Awaited<ReturnType<typeof makeAccount>>[] = [];
  for (let i = 0; i < MAKERS; i++) {
    const m = await makeAccount();
    await fund(m, parseUnits("10000000", 6));
    makers.push(m);
  }
  await fund(keeper, parseUnits("50000000", 6));
  // Seed the insurance fund's vault account (fees add to it as traders trade).
  await (await usdc.mint(keeper.address, parseUnits("100000", 6))).wait();
  await (await (usdc.connect(keeper) as Contract).approve(await vault.getAddress(), parseUnits("100000", 6))).wait();
  await (
    await (vault.connect(keeper) as Contract).deposit(
      await insuranceFund.getAddress(),
      await usdc.getAddress(),
      parseUnits("100000", 6),
    )
  ).wait();

  let nonce = 0n;
  const traders: string[] = [];
  for (let i = 0; i < TRADERS; i++) {
    const t = await makeAccount();
    await fund(t, BigInt(Math.floor(2_000 + random() * 18_000)) * 10n ** 6n);
    traders.push(t.address);
    const legs = 1 + Math.floor(random() * 4);
    for (let l = 0; l < legs; l++) {
      const id = series[Math.floor(random() * series.length)];
      const maker = makers[Math.floor(random() * makers.length)];
      const makerBuys = random() < 0.5;
      const mark = (await margin.markOf(id)) as bigint;
      const amount = BigInt(Math.floor((0.5 + random() * 4.5) * 100)) * 10n ** 16n;
      const o: Order = {
        maker: maker.address,
        seriesId: id,
        isBuy: makerBuys,
        amount,
        minFillAmount: 0n,
        limitPriceE18: makerBuys ? (mark * 97n) / 100n : (mark * 103n) / 100n + 10n ** 16n,
        deadline: BigInt(await networkHelpers.time.latest()) + 86_400n,
        nonce: ++nonce,
        taker: ethers.ZeroAddress,
      };
      try {
        await (
          await (exchange.connect(t) as Contract).fill(o, await signOrder(maker, exchange, o), amount, t.address)
        ).wait();
      } catch (error) {
        // Not enough margin for this leg (or too many live series): the trader keeps what it has.
        refuse("setupRefused", error);
      }
    }
  }

  let oiNotional = 0n;
  for (const id of series) oiNotional += ((await registry.getSeries(id)).openInterest as bigint) * 3_000n;

  let badDebt = 0n;
  let fundPremium = 0n;
  let auctions = 0;
  let bids = 0;
  let lastInsolventTakeover = 0;
  let fallEnded = 0;
  // Bidders: the keeper and, once its account holds the most live series a book account may, fresh accounts.
  const bidders: Signer[] = [keeper];
  const withBidder = async (act: (bidder: Signer) => Promise<void>) => {
    for (let i = 0; ; i++) {
      if (i === bidders.length) {
        const fresh = await makeAccount();
        await fund(fresh, parseUnits("20000000", 6));
        bidders.push(fresh);
      }
      try {
        await act(bidders[i]);
        return true;
      } catch (error) {
        refuse("refused", error);
        if (errorName(error, interfaces) !== "Positions_TooManyLiveSeries" || i >= 8) return false;
      }
    }
  };
  const asKeeper = liquidation.connect(keeper) as Contract;
  const keeperRound = async () => {
    for (const account of [...traders, ...makers.map((m) => m.address)]) {
      let status = await liquidation.liquidationStatus(account);
      if (status.canStart) {
        try {
          await (await asKeeper.startAuction(account)).wait();
          auctions++;
        } catch (error) {
          refuse("refused", error);
        }
        status = await liquidation.liquidationStatus(account);
      }
      if (!status.inAuction) continue;
      if (status.insolvent) {
        // The fund pays the deficit at market plus the discount on the account's size: the premium.
        const gross = status.grossValueWad as bigint;
        const maintenance = status.maintenanceWad as bigint;
        const base = gross > maintenance ? gross : maintenance;
        const premium = (base * (status.discountWad as bigint)) / WAD;
        const deficit = (status.fundPaymentWad as bigint) - premium;
        if (status.fundPaymentWad === 0n || premium === 0n) continue;
        const took = await withBidder(async (bidder) => {
          const address = await bidder.getAddress();
          await (await (liquidation.connect(bidder) as Contract).bid(account, address, WAD, 0n)).wait();
        });
        if (took) {
          badDebt += deficit;
          fundPremium += premium;
          bids++;
          lastInsolventTakeover = await networkHelpers.time.latest();
        }
      } else if (status.maxFractionWad > 0n && status.discountWad > 0n) {
        const took = await withBidder(async (bidder) => {
          const address = await bidder.getAddress();
          const asBidder = liquidation.connect(bidder) as Contract;
          await (await asBidder.bid(account, address, status.maxFractionWad, ethers.MaxInt256)).wait();
        });
        if (took) bids++;
      }
    }
  };
  for (let step = 1; step <= steps; step++) {
    // Ten minutes per step: the risk controller's minimum interval, poked after each update as keepers do.
    await networkHelpers.time.increase(600);
    const spot = 3_000n * WAD - (1_200n * WAD * BigInt(step)) / BigInt(steps);
    const vol = (65n * WAD) / 100n + (((85n * WAD) / 100n) * BigInt(step)) / BigInt(steps);
    await pushPrice(spot, vol);
    await (await riskController.poke(1n)).wait();
    fallEnded = await networkHelpers.time.latest();
    await keeperRound();
  }
  // The keeper keeps working after the fall, past the insolvent-auction ramp, with prices refreshed (same values).
  for (let extra = 0; extra < 8; extra++) {
    await networkHelpers.time.increase(600);
    await pushPrice(...prices.last());
    await keeperRound();
  }
  // Whatever is still under water counts as bad debt too.
  for (const account of [...traders, ...makers.map((m) => m.address)]) {
    const status = await liquidation.liquidationStatus(account);
    if (status.equityWad < 0n) badDebt += BigInt(-status.equityWad);
  }
  const ratio = oiNotional === 0n ? 0 : Number((badDebt * 10n ** 12n) / (oiNotional / WAD)) / 1e12 / 1e18;
  const results: BenchResult[] = [
    { name: `${prefix}.badDebtOverOI`, value: ratio, unit: "ratio" },
    { name: `${prefix}.auctions`, value: auctions, unit: "count" },
    { name: `${prefix}.bids`, value: bids, unit: "count" },
    {
      name: `${prefix}.lastInsolventTakeoverMinutes`,
      value: lastInsolventTakeover === 0 ? 0 : Math.max(0, lastInsolventTakeover - fallEnded) / 60,
      unit: "minutes",
    },
    { name: `${prefix}.fundPremium`, value: Number(fundPremium / 10n ** 12n) / 1e6, unit: "quote" },
  ];
  for (const [key, count] of [...refused.entries()].sort()) {
    results.push({ name: `${prefix}.${key}`, value: count, unit: "count" });
  }
  return results;
}
