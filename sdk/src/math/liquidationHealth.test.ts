/**
 * The liquidation mirror's price-health rules against the deployed engine: accounts short a BTC call, backed by
 * USDC and by no, dust or ample WETH, compared to the wei (`liquidationStatus`, `Vault.collateralMarketValue`) while
 * the ETH router that prices their WETH is Ok, Degraded (its sources disagree) and Down (both stale). Unhealthy
 * collateral is left out of what a bidder takes, vetoes the auction only above the dust share, and a Down price
 * holds back fund decisions. The margin input is the chain's `marginOf` (the margin mirror is compared in
 * `marginEngine.test.ts`).
 */
import { expect } from "chai";
import { network } from "hardhat";
import type { Contract } from "ethers";
import { deployLocal } from "../../../deploy/lib/local.js";
import { createPricePusher } from "../../../deploy/lib/quorum.js";
import { gridExpiries } from "../../../deploy/lib/expiries.js";
import { WAD } from "./constants.js";
import { liquidationStatus } from "./liquidation.js";
import { collateralMarketValue } from "./vault.js";
import { statusTuple, auctionParamsOf } from "../test/math/liquidation.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const QUOTE_DECIMALS = 6;

describe("sdk/math/liquidation: price-health rules bit-exact with the deployed LiquidationEngine", function () {
  this.timeout(300_000);

  it("Ok, Degraded and Down collateral: market value, dust veto, Down-held fund decisions, to the wei", async () => {
    const deployment = await deployLocal(connection);
    const d = deployment.contracts as unknown as Record<string, Contract>;
    const [deployer, keeper] = await ethers.getSigners();
    const latest = async () => networkHelpers.time.latest();
    const eth = createPricePusher(d.ethAggregator, d.quorumFeed, deployment.quorumSigners, "ETH", latest);
    const btc = createPricePusher(d.btcAggregator, d.quorumFeed, deployment.quorumSigners, "BTC", latest);
    await eth.push(3_000n * WAD, (WAD * 8n) / 10n);
    await btc.push(60_000n * WAD, (WAD * 6n) / 10n);

    const timelock = await d.timelock.getAddress();
    await connection.provider.request({ method: "hardhat_impersonateAccount", params: [timelock] });
    await connection.provider.request({ method: "hardhat_setBalance", params: [timelock, "0x56BC75E2D63100000"] });
    const asTimelock = await ethers.getSigner(timelock);
    await (
      await (d.book.connect(asTimelock) as Contract).grantRole(await d.book.TRADER_ROLE(), deployer.address)
    ).wait();
    const expiry = BigInt(gridExpiries(await latest(), 4)[3]);
    await (await (d.registry.connect(asTimelock) as Contract).listSeries(2n, 60_000n * WAD, expiry, true)).wait();
    const seriesId = 1n;

    // Six accounts: two USDC levels x (no, dust, ample) WETH, each short 1.3 BTC calls to a common sink.
    const usdc = await d.usdc.getAddress();
    const weth = await d.weth.getAddress();
    const sink = ethers.getAddress(ethers.id("optio sdk health sink").slice(0, 42));
    const accounts: string[] = [];
    const deposit = async (token: Contract, account: string, amount: bigint) => {
      if (amount === 0n) return;
      await (await token.mint(deployer.address, amount)).wait();
      await (await token.approve(await d.vault.getAddress(), amount)).wait();
      await (await d.vault.deposit(account, await token.getAddress(), amount)).wait();
    };
    await deposit(d.usdc, sink, 10_000_000n * 10n ** 6n);
    for (const usdcAmount of [9_000n * 10n ** 6n + 123_457n, 14_000n * 10n ** 6n + 7n]) {
      for (const wethAmount of [0n, 10n ** 12n + 3n, 2n * WAD + 5n]) {
        const account = ethers.getAddress(ethers.id(`optio sdk health ${accounts.length}`).slice(0, 42));
        await (await d.book.transferPosition(seriesId, sink, account, (13n * WAD) / 10n + 11n)).wait();
        await deposit(d.usdc, account, usdcAmount);
        await deposit(d.weth, account, wethAmount);
        accounts.push(account);
      }
    }

    const params = auctionParamsOf(await d.liquidationEngine.auctionParams());
    const wethHaircut = (await d.vault.collateralConfig(weth)).haircutWad as bigint;
    const seen = {
      health: new Set<number>(),
      veto: 0,
      dustLeftOut: 0,
      downHeld: 0,
      biddable: 0,
      started: 0,
      insolvent: 0,
      fundWaits: 0,
      frozen: 0,
    };

    /** Compares every account's status at the latest block, and flags those that can start. */
    const compare = async (what: string) => {
      await (await d.riskController.poke(2n)).wait();
      const block = (await ethers.provider.getBlock("latest"))!;
      const [ethSpot, ethHealth] = (await d.ethRouter.spot()) as [bigint, bigint];
      seen.health.add(Number(ethHealth));
      const underlyingsHealthy = (await d.riskController.allowsLiquidation(2n)) as boolean;
      for (const [j, account] of accounts.entries()) {
        const collateral = collateralMarketValue((await d.vault.balanceOf(account, usdc)) as bigint, QUOTE_DECIMALS, [
          {
            amount: (await d.vault.balanceOf(account, weth)) as bigint,
            decimals: 18,
            priceE18: ethSpot,
            health: Number(ethHealth),
            haircutWad: wethHaircut,
          },
        ]);
        const v = await d.vault.collateralMarketValue(account);
        expect(
          [collateral.okWad, collateral.okHaircutWad, collateral.unhealthyWad, collateral.unhealthyHaircutWad],
          `market value, ${what}, account ${j}`,
        ).to.deep.equal([v.okWad, v.okHaircutWad, v.unhealthyWad, v.unhealthyHaircutWad]);
        expect(collateral.downHeld, `Down held, ${what}, account ${j}`).to.equal(v.downHeld);
        // The engine's valuation: `marginOf` while BTC is healthy; else collateral + the BTC positions (all the
        // account holds) on the conservative valuation.
        let margin = await d.margin.marginOf(account);
        let frozenPositions;
        if (!underlyingsHealthy) {
          const [ids, sizes] = (await d.book.positionsOf(account)) as [bigint[], bigint[]];
          const f = (await d.margin.positionsMarginOf([...ids], [...sizes], true)) as [bigint, bigint, bigint];
          frozenPositions = { equityWad: f[0], initialWad: f[1], maintenanceWad: f[2] };
          seen.frozen++;
          const collateralValue = (await d.vault.collateralValue(account)) as bigint;
          margin = [collateralValue + f[0], f[1], f[2]];
        }
        const status = liquidationStatus({
          margin: { equityWad: margin[0], initialWad: margin[1], maintenanceWad: margin[2] },
          debtWad: 0n,
          collateral,
          auctionStart: (await d.liquidationEngine.auctionStart(account)) as bigint,
          timestamp: BigInt(block.timestamp),
          underlyingsHealthy,
          frozenPositions,
          params,
        });
        const onChain = await d.liquidationEngine.liquidationStatus(account);
        expect(statusTuple(status), `liquidation, ${what}, account ${j}`).to.deep.equal([...onChain]);
        if (status.collateralVeto) seen.veto++;
        else if (collateral.unhealthyWad > 0n) seen.dustLeftOut++;
        if (status.downHeld) seen.downHeld++;
        if (status.insolvent) seen.insolvent++;
        if (status.insolvent && status.inAuction && status.downHeld && status.fundPaymentWad === 0n) seen.fundWaits++;
        if (status.maxFractionWad > 0n) seen.biddable++;
        if (status.canStart) {
          await (await (d.liquidationEngine.connect(keeper) as Contract).startAuction(account)).wait();
          seen.started++;
        }
      }
    };

    // Ok, with the BTC rally that puts the shorts under water, then a minute into the auctions.
    await btc.push(70_000n * WAD, (WAD * 6n) / 10n);
    await compare("Ok");
    await networkHelpers.time.increase(60);
    await compare("Ok, auctions running");
    // Degraded: the Chainlink source leaves the quorum feed's ETH price (the router reports it, Degraded).
    await (await d.ethAggregator.getFunction("updateAnswer")((3_600n * WAD) / 10n ** 10n)).wait();
    await networkHelpers.time.increase(30);
    await compare("Degraded");
    // Down: both ETH sources go stale while BTC keeps being reported (a deeper rally: insolvent accounts).
    await networkHelpers.time.increase(3 * 86_400);
    await btc.push(84_000n * WAD, (WAD * 6n) / 10n);
    await btc.push(100_000n * WAD, (WAD * 6n) / 10n);
    await compare("Down");
    // BTC, the underlying of every position, Degraded (its Chainlink source leaves the quorum price): the positions
    // are valued conservatively and, worth far more than the dust share, make the engine wait.
    await (await d.btcAggregator.getFunction("updateAnswer")((130_000n * WAD) / 10n ** 10n)).wait();
    await networkHelpers.time.increase(30);
    await compare("BTC Degraded");
    console.log(`      ${JSON.stringify({ ...seen, health: [...seen.health] })}`);
    expect([...seen.health].sort()).to.deep.equal([0, 1, 2]);
    expect(seen.veto).to.be.greaterThan(0);
    expect(seen.dustLeftOut).to.be.greaterThan(0);
    expect(seen.downHeld).to.be.greaterThan(0);
    expect(seen.started).to.be.greaterThan(0);
    expect(seen.biddable).to.be.greaterThan(0);
    expect(seen.insolvent).to.be.greaterThan(0);
    expect(seen.fundWaits).to.be.greaterThan(0);
    expect(seen.frozen).to.be.greaterThan(0);
  });
});
