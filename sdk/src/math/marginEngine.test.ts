/**
 * Equality property test of the math mirror against the deployed protocol: a set of accounts holding up to 16
 * positions over two underlyings and four expiries, re-marked under many random market states pushed through the
 * oracles (Chainlink mock and quorum reports, spot and implied vol), with time passing across an expiry. Every state
 * compares, to the wei, `MarginEngine.marginsOf` with `accountMargin`, `LiquidationEngine.liquidationStatus` with
 * `liquidationStatus` (auctions are started and bid on along the way: each bid's payment, the slices it leaves and
 * whether it ended the auction are predicted), `Exchange.feeFor` with `premiumOf` + `feeOf`, and
 * `Vault.collateralValue` / `collateralMarketValue` of WETH holders with `quoteValueWad` + `tokenValueWad` /
 * `collateralMarketValue`.
 * Seeded: the seed is printed, `OPTIO_SEED` replays it.
 */
import { expect } from "chai";
import { network } from "hardhat";
import type { Contract } from "ethers";
import { deployLocal, FIRST_FREE_SIGNER } from "../../../deploy/lib/local.js";
import { createPricePusher } from "../../../deploy/lib/quorum.js";
import { gridExpiries } from "../../../deploy/lib/expiries.js";
import { runSeed, rng } from "../test/math/random.js";
import { WAD } from "./constants.js";
import { feeOf, premiumOf, type FeeConfig } from "./fee.js";
import { bidPayment, collateralLeft, liquidationStatus, positionsLeft } from "./liquidation.js";
import { accountMargin, markOf, type MarginPosition, type UnderlyingMarket } from "./marginEngine.js";
import { collateralMarketValue, quoteValueWad, tokenValueWad, type CollateralMarketValue } from "./vault.js";
import { statusTuple, auctionParamsOf } from "../test/math/liquidation.js";
import { type Address, createPublicClient, custom } from "viem";
import type { OptioClientConfig } from "../client.js";
import { getAccountStates } from "../actions/risk/getAccountStates.js";
import { getMarketState } from "../actions/risk/getMarketState.js";
import { accountHealth } from "./health.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const ACCOUNTS = 40;
const SINKS = 8;
const STATES = 52;
const DOWN = 2n;
const QUOTE_DECIMALS = 6;

/** A fixed vault account (no key needed: positions are moved and collateral deposited on its behalf). */
const addressOf = (name: string): string => ethers.getAddress(ethers.id(`optio sdk math ${name}`).slice(0, 42));

interface SeriesInfo extends Omit<MarginPosition, "sizeE18"> {
  id: bigint;
}

describe("sdk/math/marginEngine: bit-exact with the deployed MarginEngine, LiquidationEngine and Exchange", function () {
  this.timeout(600_000);
  const r = rng(runSeed("marginEngine"));
  let d: Record<string, Contract>;
  const series: SeriesInfo[] = [];
  const expiries: bigint[] = [];
  const accounts: string[] = [];
  const holdings = new Map<string, MarginPosition[]>();
  const wethHolders = new Set<string>();
  const auctionStarts = new Map<string, bigint>();
  const collateralValues = new Map<string, bigint>();
  const bidders: Awaited<ReturnType<typeof ethers.getSigners>> = [];
  let bids = 0;
  let maxMultiplier = 0n;
  let pushers: ReturnType<typeof createPricePusher>[];
  const spots = [3_000n * WAD, 60_000n * WAD];
  const vols = [(WAD * 8n) / 10n, (WAD * 6n) / 10n];
  let marginCases = 0;
  let healthCases = 0;
  let sdkClient: OptioClientConfig;
  let liquidationCases = 0;
  let auctionsStarted = 0;
  let expiredGroups = 0;

  before(async () => {
    const deployment = await deployLocal(connection);
    d = deployment.contracts as unknown as Record<string, Contract>;
    sdkClient = {
      publicClient: createPublicClient({ transport: custom(connection.provider) }),
      deployment: deployment.deployment,
    };
    const [deployer] = await ethers.getSigners();
    const latest = async () => networkHelpers.time.latest();
    pushers = [
      createPricePusher(d.ethAggregator, d.quorumFeed, deployment.quorumSigners, "ETH", latest),
      createPricePusher(d.btcAggregator, d.quorumFeed, deployment.quorumSigners, "BTC", latest),
    ];
    for (let i = 0; i < 2; i++) await pushers[i].push(spots[i], vols[i]);

    // Governance acts through the timelock: impersonated here to let the test move positions directly.
    const timelock = await d.timelock.getAddress();
    await connection.provider.request({ method: "hardhat_impersonateAccount", params: [timelock] });
    await connection.provider.request({ method: "hardhat_setBalance", params: [timelock, "0x56BC75E2D63100000"] });
    const asTimelock = await ethers.getSigner(timelock);
    await (
      await (d.book.connect(asTimelock) as Contract).grantRole(await d.book.TRADER_ROLE(), deployer.address)
    ).wait();

    // Four expiries on the 08:00 grid, five strikes around each spot, calls and puts: 80 series.
    expiries.push(...gridExpiries(await latest(), 4).map(BigInt));
    const asLister = d.registry.connect(asTimelock) as Contract;
    for (const underlyingId of [1n, 2n]) {
      const spot = spots[Number(underlyingId) - 1];
      for (const expiry of expiries) {
        for (const m of [80n, 90n, 100n, 110n, 125n]) {
          // Odd wei in the strike, so a spread's maximum loss rarely divides by 1e18.
          const strikeE18 = (spot * m) / 100n + r.bits(40);
          for (const isCall of [false, true]) {
            await (await asLister.listSeries(underlyingId, strikeE18, expiry, isCall)).wait();
            series.push({ id: BigInt(series.length + 1), underlyingId, expiry, strikeE18, isCall });
          }
        }
      }
    }
    for (const s of series) {
      const onChain = await d.registry.getSeries(s.id);
      expect([onChain.underlyingId, onChain.expiry, onChain.strikeE18, onChain.isCall]).to.deep.equal([
        s.underlyingId,
        s.expiry,
        s.strikeE18,
        s.isCall,
      ]);
    }

    // Traders with 0-16 positions (a put often beside the call of its strike), against sinks that each take the
    // other side of 10 series (and are margined like everyone else).
    const sinks = Array.from({ length: SINKS }, (_, i) => addressOf(`sink ${i}`));
    const traders = Array.from({ length: ACCOUNTS - SINKS }, (_, i) => addressOf(`trader ${i}`));
    const book = d.book;
    for (const [i, account] of traders.entries()) {
      const count = i === 0 ? 0 : i < 4 ? 16 : r.int(1, 16);
      // Signed sizes by series index (series come as ((underlying, expiry) x 5 strikes) x (put, call)).
      const chosen = new Map<number, bigint>();
      const spreads = r.chance(0.5);
      while (chosen.size < count) {
        const k = r.int(0, series.length - 1);
        if (chosen.has(k)) continue;
        // Odd low bits, so sums in E36 rarely divide by 1e18 and every rounding shows.
        const amount = r.logUniformWad(0.01, 50) + r.bits(24);
        chosen.set(k, r.chance(0.45) ? amount : -amount);
        if (chosen.size === count) break;
        if (spreads) {
          // A vertical spread: the same type at another strike of the group, the other side, same size.
          const partner = k - (k % 10) + (((k % 10 >> 1) + r.int(1, 4)) % 5) * 2 + (k & 1);
          if (!chosen.has(partner)) chosen.set(partner, -chosen.get(k)!);
        } else if (r.chance(0.4) && !chosen.has(k ^ 1)) {
          // The put or call of the same strike and expiry.
          chosen.set(k ^ 1, r.chance(0.45) ? amount : -amount);
        }
      }
      for (const [k, size] of chosen) {
        const long = size > 0n;
        const sink = sinks[k % SINKS];
        const amount = long ? size : -size;
        await (await book.transferPosition(series[k].id, long ? account : sink, long ? sink : account, amount)).wait();
      }
    }
    // Collateral: USDC for most, WETH (haircut, priced by the ETH router) for some.
    for (const account of traders) {
      if (r.chance(0.85))
        await deposit(d.usdc, account, BigInt(r.int(0, 2_000_000)) * 10n ** 6n + BigInt(r.int(0, 999_999)));
      if (r.chance(0.3)) {
        await deposit(d.weth, account, r.logUniformWad(0.01, 300));
        wethHolders.add(account);
      }
    }
    for (const account of sinks) await deposit(d.usdc, account, BigInt(r.int(0, 5_000_000)) * 10n ** 6n);
    accounts.push(...traders, ...sinks);
    for (const account of accounts) await refreshHoldings(account);
    // Bidders: free signers with deep pockets.
    for (const signer of (await ethers.getSigners()).slice(FIRST_FREE_SIGNER)) {
      await deposit(d.usdc, signer.address, 100_000_000n * 10n ** 6n);
      bidders.push(signer);
    }
    expect(Math.max(...accounts.map((a) => holdings.get(a)!.length))).to.equal(16);
    // The first expiry passes about halfway through the states (they advance 15 minutes on average).
    const halfway = Number(expiries[0]) - (STATES / 2) * 900;
    if (halfway > (await latest())) await networkHelpers.time.increaseTo(halfway);

    async function deposit(token: Contract, account: string, amount: bigint) {
      if (amount === 0n) return;
      await (await token.mint(deployer.address, amount)).wait();
      await (await token.approve(await d.vault.getAddress(), amount)).wait();
      await (await d.vault.deposit(account, await token.getAddress(), amount)).wait();
    }
  });

  async function refreshHoldings(account: string) {
    const [ids, sizes] = (await d.book.positionsOf(account)) as [bigint[], bigint[]];
    holdings.set(
      account,
      ids.map((id, j) => {
        const s = series[Number(id) - 1];
        return {
          underlyingId: s.underlyingId,
          expiry: s.expiry,
          strikeE18: s.strikeE18,
          isCall: s.isCall,
          sizeE18: sizes[j],
        };
      }),
    );
  }

  /** Everything `marginOf` reads about the markets at block `tag`. */
  async function readMarkets(tag: number, timestamp: bigint): Promise<Map<bigint, UnderlyingMarket>> {
    const markets = new Map<bigint, UnderlyingMarket>();
    for (const [id, router] of [
      [1n, d.ethRouter],
      [2n, d.btcRouter],
    ] as const) {
      const [spot, spotHealth] = (await router.spot({ blockTag: tag })) as [bigint, bigint];
      const [vol, volHealth] = (await router.volatility({ blockTag: tag })) as [bigint, bigint];
      const p = await d.margin.marginParams(id, { blockTag: tag });
      const expiryPrices = new Map<bigint, bigint>();
      for (const e of expiries) {
        if (e > timestamp) continue;
        const [price, isSet] = (await router.expiryPrice(e, { blockTag: tag })) as [bigint, boolean];
        if (isSet) expiryPrices.set(e, price);
      }
      markets.set(id, {
        spotE18: spotHealth === DOWN ? undefined : spot,
        volE18: volHealth === DOWN ? undefined : vol,
        params: { initialRatioWad: p[0], minInitialRatioWad: p[1], maintenanceRatioWad: p[2] },
        shockMultiplierWad: (await d.riskController.shockMultiplier(id, { blockTag: tag })) as bigint,
        expiryPrices,
      });
    }
    return markets;
  }

  it(`marks ${ACCOUNTS} accounts under ${STATES} random market states to the wei (marginOf, liquidationStatus, feeFor)`, async () => {
    const auction = auctionParamsOf(await d.liquidationEngine.auctionParams());
    const fc = await d.exchange.feeConfig();
    const feeConfig: FeeConfig = { notionalFeeWad: fc[0], premiumCapWad: fc[1], insuranceShareWad: fc[2] };
    const [keeper] = await ethers.getSigners();
    const usdcAddress = await d.usdc.getAddress();
    const wethAddress = await d.weth.getAddress();
    const wethHaircut = (await d.vault.collateralConfig(wethAddress)).haircutWad as bigint;
    let collateralChecks = 0;
    let marketValueChecks = 0;
    let insolventBids = 0;
    let partialBids = 0;
    let clampedBids = 0;

    for (let state = 0; state < STATES; state++) {
      // Time passes (now and then hours, crossing expiries), then both underlyings move and are re-reported.
      await networkHelpers.time.increase(r.chance(0.05) ? r.int(1_800, 3 * 3_600) : r.int(1, 1_800));
      for (let i = 0; i < 2; i++) {
        const base = i === 0 ? 3_000 : 60_000;
        const next = Number(spots[i] / WAD) * Math.exp((r.next() - 0.5) * 0.3);
        spots[i] = BigInt(Math.round(Math.min(2 * base, Math.max(base / 2, next)) * 1e4)) * 10n ** 14n + r.bits(40);
        // Moves within the quorum feed's per-round bounds, so one report round each.
        const nextVol = Number(vols[i] / 10n ** 12n) * Math.exp((r.next() - 0.5) * 0.3);
        vols[i] = BigInt(Math.round(Math.min(3e6, Math.max(1.5e5, nextVol)))) * 10n ** 12n + r.bits(30);
        await pushers[i].push(spots[i], vols[i]);
        await (await d.riskController.poke(BigInt(i + 1))).wait();
      }

      const block = (await ethers.provider.getBlock("latest"))!;
      const tag = block.number;
      const timestamp = BigInt(block.timestamp);
      const markets = await readMarkets(tag, timestamp);
      for (const m of markets.values())
        if (m.shockMultiplierWad! > maxMultiplier) maxMultiplier = m.shockMultiplierWad!;
      const chain = (await d.margin.marginsOf(accounts, { blockTag: tag })) as [bigint, bigint, bigint][];
      const allowsLiquidation = [
        await d.riskController.allowsLiquidation(1n, { blockTag: tag }),
        await d.riskController.allowsLiquidation(2n, { blockTag: tag }),
      ];
      const [ethSpot, ethHealth] = (await d.ethRouter.spot({ blockTag: tag })) as [bigint, bigint];
      // `Vault.collateralMarketValue` by the mirror, from the account's balances at this block.
      const marketValueOf = async (account: string, at: number | "latest" = tag): Promise<CollateralMarketValue> => {
        const usdcBalance = (await d.vault.balanceOf(account, usdcAddress, { blockTag: at })) as bigint;
        const wethBalance = (await d.vault.balanceOf(account, wethAddress, { blockTag: at })) as bigint;
        return collateralMarketValue(usdcBalance, QUOTE_DECIMALS, [
          { amount: wethBalance, decimals: 18, priceE18: ethSpot, health: Number(ethHealth), haircutWad: wethHaircut },
        ]);
      };
      const marketValues = new Map<string, CollateralMarketValue>();
      const toStart: string[] = [];
      const biddable: string[] = [];
      for (const [j, account] of accounts.entries()) {
        const positions = holdings.get(account)!;
        // Collateral value moves only with the WETH price and the flag rewards auctions pay: read it then.
        if (!collateralValues.has(account) || wethHolders.has(account) || auctionStarts.has(account)) {
          collateralValues.set(account, (await d.vault.collateralValue(account, { blockTag: tag })) as bigint);
        }
        const collateralValueWad = collateralValues.get(account)!;
        const what = `state ${state}, account ${j}`;
        if (wethHolders.has(account)) {
          // The vault's valuation: quote exactly, WETH at the ETH router's spot less its haircut, rounded down.
          const usdcBalance = (await d.vault.balanceOf(account, usdcAddress, { blockTag: tag })) as bigint;
          const wethBalance = (await d.vault.balanceOf(account, wethAddress, { blockTag: tag })) as bigint;
          const wethSpot = ethHealth === DOWN ? undefined : markets.get(1n)!.spotE18;
          expect(
            quoteValueWad(usdcBalance, QUOTE_DECIMALS) + tokenValueWad(wethBalance, 18, wethSpot, wethHaircut),
            `collateral value, ${what}`,
          ).to.equal(collateralValueWad);
          collateralChecks++;
        }
        const sdk = accountMargin({ collateralValueWad, debtWad: 0n, positions, markets, timestamp });
        expect([sdk.equityWad, sdk.initialWad, sdk.maintenanceWad], what).to.deep.equal([...chain[j]]);
        marginCases++;
        if (positions.some((x) => x.expiry <= timestamp)) expiredGroups++;

        // The liquidation engine's view over the same margin, for a quarter of the accounts (and every auction).
        if (!auctionStarts.has(account) && !r.chance(0.25)) continue;
        const held = new Set(positions.map((x) => x.underlyingId));
        const underlyingsHealthy = [...held].every((id) => allowsLiquidation[Number(id) - 1]);
        const collateral = await marketValueOf(account);
        marketValues.set(account, collateral);
        if (wethHolders.has(account)) {
          const v = await d.vault.collateralMarketValue(account, { blockTag: tag });
          expect(
            [collateral.okWad, collateral.okHaircutWad, collateral.unhealthyWad, collateral.unhealthyHaircutWad],
            `collateral market value, ${what}`,
          ).to.deep.equal([v.okWad, v.okHaircutWad, v.unhealthyWad, v.unhealthyHaircutWad]);
          expect(collateral.downHeld, `collateral Down, ${what}`).to.equal(v.downHeld);
          marketValueChecks++;
        }
        const status = liquidationStatus({
          margin: sdk,
          debtWad: 0n,
          collateral,
          auctionStart: auctionStarts.get(account) ?? 0n,
          timestamp,
          underlyingsHealthy,
          params: auction,
        });
        const onChain = await d.liquidationEngine.liquidationStatus(account, { blockTag: tag });
        expect(statusTuple(status), `liquidation ${what}`).to.deep.equal([...onChain]);
        liquidationCases++;
        if (status.canStart && r.chance(0.5)) toStart.push(account);
        if (status.inAuction && status.maxFractionWad > 0n) biddable.push(account);
      }

      // The keepers' path: the market read once, every account's state in one batch, each status by local math
      // (`accountHealth`), for every account, against the engine's view; a view that reverts must throw locally.
      const market = await getMarketState(sdkClient, { blockNumber: BigInt(tag) });
      const states = await getAccountStates(sdkClient, {
        accounts: accounts as Address[],
        blockNumber: BigInt(tag),
        collaterals: market.collaterals.map((c) => c.token),
      });
      for (const [j, account] of accounts.entries()) {
        const onChain = await d.liquidationEngine.liquidationStatus(account, { blockTag: tag }).then(
          (x: unknown[]) => [...x],
          (error: unknown) => error as Error,
        );
        const local = (() => {
          try {
            return statusTuple(accountHealth(market, states.get(account as Address)!));
          } catch (error) {
            return error as Error;
          }
        })();
        if (onChain instanceof Error)
          expect(local, `health reverts too, state ${state}, account ${j}`).to.be.instanceOf(Error);
        else expect(local, `health, state ${state}, account ${j}`).to.deep.equal(onChain);
        healthCases++;
      }

      // Fees of random fills at this state.
      for (let k = 0; k < 4; k++) {
        const s = r.pick(series);
        const amount = r.logUniformWad(0.001, 500);
        const priceE18 = r.chance(0.1) ? 0n : markOf(s, markets.get(s.underlyingId)!, timestamp) + r.bits(20);
        const premium = premiumOf(amount, priceE18, QUOTE_DECIMALS);
        const spot = markets.get(s.underlyingId)!.spotE18;
        const fee = feeOf(feeConfig, amount, premium, spot, QUOTE_DECIMALS);
        expect(fee, `fee, state ${state}`).to.equal(await d.exchange.feeFor(s.id, amount, priceE18, { blockTag: tag }));
      }

      // One bid per state, in the next block (one second later), predicted from the same reads at that time.
      if (biddable.length > 0 && bidders.length > 0) {
        const account = r.pick(biddable);
        const bidder = bidders.pop()!;
        const at = timestamp + 1n;
        const margin = accountMargin({
          collateralValueWad: collateralValues.get(account)!,
          debtWad: 0n,
          positions: holdings.get(account)!,
          markets,
          timestamp: at,
        });
        const status = liquidationStatus({
          margin,
          debtWad: 0n,
          collateral: marketValues.get(account)!,
          auctionStart: auctionStarts.get(account)!,
          timestamp: at,
          underlyingsHealthy: true,
          params: auction,
        });
        // Now and then more than the maximum: the bid takes "up to" the fraction asked, clamped.
        const asked = status.allOrNothing ? WAD : r.chance(0.2) ? WAD : r.range(1n, status.maxFractionWad);
        const predicted = bidPayment(status, asked, auction, QUOTE_DECIMALS);
        const fractionWad = predicted.fractionWad;
        if (fractionWad !== asked) clampedBids++;
        const usdcBefore = (await d.vault.balanceOf(account, usdcAddress)) as bigint;
        const wethBefore = (await d.vault.balanceOf(account, wethAddress)) as bigint;
        const [idsBefore, sizesBefore] = (await d.book.positionsOf(account)) as [bigint[], bigint[]];
        await networkHelpers.time.setNextBlockTimestamp(at);
        const engine = d.liquidationEngine.connect(bidder) as Contract;
        const receipt = await (await engine.bid(account, bidder.address, asked, (1n << 255n) - 1n)).wait();
        const event = receipt.logs
          .map((log: { topics: string[]; data: string }) => d.liquidationEngine.interface.parseLog(log))
          .find((e: { name: string } | null) => e?.name === "AuctionBid");
        expect(
          [event.args.fractionWad, event.args.payment, event.args.discountWad],
          `bid, state ${state}`,
        ).to.deep.equal([fractionWad, predicted.payment, status.discountWad]);
        // What the bid left the account: floor(|size| × f) of each position taken, and of each Ok-price collateral
        // (the quote asset netted against the payment received).
        await refreshHoldings(account);
        const left = positionsLeft(sizesBefore, fractionWad);
        const [idsAfter, sizesAfter] = (await d.book.positionsOf(account)) as [bigint[], bigint[]];
        const bySeries = (ids: readonly bigint[], sizes: readonly bigint[]) =>
          new Map(ids.map((id, k) => [id, sizes[k]] as const).filter(([, size]) => size !== 0n));
        expect(bySeries(idsAfter, sizesAfter), `positions left, state ${state}`).to.deep.equal(
          bySeries(idsBefore, left),
        );
        if (!status.insolvent && ((await d.vault.quoteLossIndex()) as bigint) === WAD) {
          expect(
            [await d.vault.balanceOf(account, usdcAddress), await d.vault.balanceOf(account, wethAddress)],
            `collateral left, state ${state}`,
          ).to.deep.equal([
            collateralLeft(usdcBefore, fractionWad, predicted.bidderPays),
            ethHealth === 0n ? collateralLeft(wethBefore, fractionWad) : wethBefore,
          ]);
        }
        // The end is measured: the whole account taken, or the margin engine's view of what is left at maintenance.
        let ends = fractionWad === WAD;
        if (!ends) {
          const after = accountMargin({
            collateralValueWad: (await d.vault.collateralValue(account)) as bigint,
            debtWad: 0n,
            positions: holdings.get(account)!,
            markets,
            timestamp: at,
          });
          ends = after.equityWad >= after.maintenanceWad;
          partialBids++;
        }
        if (status.insolvent) insolventBids++;
        expect((await d.liquidationEngine.auctionStart(account)) === 0n, `auction ended, state ${state}`).to.equal(
          ends,
        );
        if (ends) auctionStarts.delete(account);
        // A bid moves collateral, and an insolvent one may socialise a loss (every quote balance changes).
        collateralValues.clear();
        bids++;
      }

      for (const account of toStart) {
        const receipt = await (await (d.liquidationEngine.connect(keeper) as Contract).startAuction(account)).wait();
        auctionStarts.set(account, BigInt((await receipt.getBlock()).timestamp));
        auctionsStarted++;
      }
    }
    console.log(
      `      ${marginCases} margin cases (${expiredGroups} with an expired group), ${liquidationCases} liquidation ` +
        `statuses, ${auctionsStarted} auctions started, ${bids} bids (${partialBids} partial, ${clampedBids} clamped, ` +
        `${insolventBids} insolvent), ${marketValueChecks} market values, ${healthCases} account healths; largest ` +
        `shock multiplier ${maxMultiplier}`,
    );
    expect(marginCases).to.be.at.least(2_000);
    expect(healthCases).to.equal(STATES * ACCOUNTS);
    expect(expiredGroups).to.be.greaterThan(0);
    expect(auctionsStarted).to.be.greaterThan(0);
    expect(bids).to.be.greaterThan(0);
    expect(collateralChecks).to.be.greaterThan(0);
    expect(marketValueChecks).to.be.greaterThan(0);
    expect(maxMultiplier).to.be.greaterThan(WAD);
  });
});
