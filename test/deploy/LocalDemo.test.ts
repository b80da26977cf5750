import { expect } from "chai";
import { network } from "hardhat";
import { encodeBytes32String, ZeroHash, type Contract } from "ethers";
import { deployLocal as deployLocalModule, FIRST_FREE_SIGNER, listThroughTimelock } from "../../deploy/lib/local.js";
import CoreModule from "../../deploy/modules/Core.js";
import { ROLES } from "@optio/sdk";
import { submitReport } from "../../deploy/lib/quorum.js";
import { gridExpiries } from "../../deploy/lib/expiries.js";
import { rolesHeldByEoas } from "./roleAudit.js";

const connection = await network.create();
const { ethers, ignition, networkHelpers } = connection;
const DELAY = 3_600;

describe("deploy: Ignition modules and governance wiring", () => {
  async function deployLocal() {
    const signers = await ethers.getSigners();
    const { contracts: d, guardian, proposer, quorumSigners } = await deployLocalModule(connection, DELAY);
    const [s1, s2] = quorumSigners;
    return { d, deployer: signers[0], guardian, proposer, stranger: signers[FIRST_FREE_SIGNER], s1, s2 };
  }

  it("hands every admin role to the timelock and none stays with the deployer", async () => {
    const { d, deployer } = await networkHelpers.loadFixture(deployLocal);
    const timelock = await d.timelock.getAddress();
    for (const c of [
      d.vault,
      d.registry,
      d.riskController,
      d.quorumFeed,
      d.pauseGuard,
      d.book,
      d.margin,
      d.exchange,
      d.settlement,
      d.insuranceFund,
      d.liquidationEngine,
    ]) {
      expect(await c.hasRole(ROLES.DEFAULT_ADMIN, timelock)).to.equal(true);
      expect(await c.hasRole(ROLES.DEFAULT_ADMIN, deployer.address)).to.equal(false);
    }
    // The timelock administers itself: the deployer holds no role on it either.
    expect(await d.timelock.hasRole(ROLES.DEFAULT_ADMIN, deployer.address)).to.equal(false);
    expect(await d.timelock.hasRole(ROLES.DEFAULT_ADMIN, timelock)).to.equal(true);
  });

  it("wires the trading core: hook, clearing, trader and settler roles, margin ratios, fees", async () => {
    const { d } = await networkHelpers.loadFixture(deployLocal);
    const [exchange, settlement, book, margin] = await Promise.all(
      [d.exchange, d.settlement, d.book, d.margin].map((c) => c.getAddress()),
    );
    expect(await d.vault.marginHook()).to.equal(margin);
    for (const clearer of [exchange, settlement]) expect(await d.vault.hasRole(ROLES.CLEARING, clearer)).to.equal(true);
    expect(await d.book.hasRole(ROLES.TRADER, exchange)).to.equal(true);
    expect(await d.book.hasRole(ROLES.SETTLER, settlement)).to.equal(true);
    expect(await d.registry.hasRole(ROLES.POSITION_MANAGER, book)).to.equal(true);
    const eth = await d.margin.marginParams(1n);
    expect([eth.initialRatioWad, eth.minInitialRatioWad, eth.maintenanceRatioWad]).to.deep.equal([
      15n * 10n ** 16n,
      10n ** 17n,
      75n * 10n ** 15n,
    ]);
    expect((await d.exchange.feeConfig()).notionalFeeWad).to.equal(3n * 10n ** 14n);
  });

  it("wires liquidation: engine roles, insurance fund as fee account and payer, settlement debt resolver", async () => {
    const { d } = await networkHelpers.loadFixture(deployLocal);
    const [engine, fund, margin, settlement] = await Promise.all(
      [d.liquidationEngine, d.insuranceFund, d.margin, d.settlement].map((c) => c.getAddress()),
    );
    expect(await d.book.hasRole(ROLES.TRADER, engine)).to.equal(true);
    expect(await d.vault.hasRole(ROLES.CLEARING, engine)).to.equal(true);
    expect(await d.vault.hasRole(ROLES.SOCIALISER, engine)).to.equal(true);
    expect(await d.settlement.hasRole(ROLES.DEBT_RESOLVER, engine)).to.equal(true);
    expect(await d.insuranceFund.liquidationEngine()).to.equal(engine);
    expect(await d.exchange.insuranceFund()).to.equal(fund);
    expect(await d.liquidationEngine.fund()).to.equal(fund);
    expect(await d.liquidationEngine.margin()).to.equal(margin);
    expect(await d.liquidationEngine.settlement()).to.equal(settlement);
    expect(await d.liquidationEngine.riskController()).to.equal(await d.riskController.getAddress());
    expect(await d.vault.quoteLossIndex()).to.equal(10n ** 18n);
    // Nobody else may socialise a loss or resolve debts.
    expect(await d.vault.hasRole(ROLES.SOCIALISER, await d.exchange.getAddress())).to.equal(false);
  });

  it("wires the risk controller into registry, margin and exchange with bounds per underlying", async () => {
    const { d, s1, s2 } = await networkHelpers.loadFixture(deployLocal);
    const risk = await d.riskController.getAddress();
    for (const c of [d.registry, d.margin, d.exchange]) expect(await c.riskController()).to.equal(risk);
    expect(await d.riskController.registry()).to.equal(await d.registry.getAddress());
    const eth = await d.riskController.riskParams(1n);
    const btc = await d.riskController.riskParams(2n);
    expect([eth.halfLifeSeconds, eth.targetVolWad, eth.maxMultiplierWad, eth.minUpdateInterval]).to.deep.equal([
      86_400n,
      10n ** 18n,
      3n * 10n ** 18n,
      600n,
    ]);
    expect(btc.targetVolWad).to.equal(8n * 10n ** 17n);
    // No quorum report yet: the cross-check source is missing, the router Degraded, the underlying reduce-only.
    expect(await d.riskController.allowsNewRisk(1n)).to.equal(false);
    expect(await d.riskController.allowsLiquidation(1n)).to.equal(false);
    // Once the quorum signers report a price that agrees with Chainlink's, new risk is allowed; the multiplier
    // stays 1 until observations arrive.
    const now = BigInt(await networkHelpers.time.latest());
    await submitReport(d.quorumFeed, [s1, s2], "ETH/USD", [3000n * 10n ** 18n, 3000n * 10n ** 18n], now);
    expect(await d.riskController.allowsNewRisk(1n)).to.equal(true);
    expect(await d.riskController.allowsLiquidation(1n)).to.equal(true);
    expect(await d.riskController.shockMultiplier(1n)).to.equal(10n ** 18n);
    await d.riskController.poke(1n);
    expect((await d.riskController.riskState(1n)).lastPriceE18).to.equal(3000n * 10n ** 18n);
  });

  it("deploys the automation driver pointed at the engine, settlement and risk controller", async () => {
    const { d } = await networkHelpers.loadFixture(deployLocal);
    expect(await d.automation.engine()).to.equal(await d.liquidationEngine.getAddress());
    expect(await d.automation.settlement()).to.equal(await d.settlement.getAddress());
    expect(await d.automation.riskController()).to.equal(await d.riskController.getAddress());
    expect((await d.liquidationEngine.auctionParams()).fundShareWad).to.equal(2n * 10n ** 17n);
    const [needed] = (await d.automation.checkUpkeep("0x")) as [boolean, string];
    expect(needed).to.equal(false);
  });

  it("ends with no role held by an externally owned account but the guardian's pause role", async () => {
    const { d, guardian, proposer } = await networkHelpers.loadFixture(deployLocal);
    const {
      usdc: _u,
      weth: _w,
      wbtc: _b,
      ethAggregator: _ea,
      btcAggregator: _ba,
      ethRouter: _er,
      btcRouter: _br,
      automation: _a,
      ...governed
    } = d;
    expect(await rolesHeldByEoas(ethers, governed)).to.deep.equal(
      [
        // The timelock's proposer is its governance parameter (a multisig in production): it proposes and cancels.
        { contract: "timelock", role: ROLES.TIMELOCK_CANCELLER, account: proposer.address },
        { contract: "timelock", role: ROLES.TIMELOCK_PROPOSER, account: proposer.address },
        { contract: "pauseGuard", role: ROLES.GUARDIAN, account: guardian.address },
      ].sort((a, b) => `${a.contract}${a.role}${a.account}`.localeCompare(`${b.contract}${b.role}${b.account}`)),
    );
  });

  it("lists series only through the timelock", async () => {
    const { d, deployer, proposer, stranger, s1, s2 } = await networkHelpers.loadFixture(deployLocal);
    for (const who of [deployer, stranger, proposer]) {
      await expect((d.registry.connect(who) as Contract).listSeries(1n, 3000n * 10n ** 18n, 4_102_444_800n, true))
        .to.be.revertedWithCustomError(d.registry, "AccessControlUnauthorizedAccount")
        .withArgs(who.address, ROLES.LISTER);
    }
    const [expiry] = gridExpiries(await networkHelpers.time.latest(), 1, 7 * 86_400);
    await listThroughTimelock(
      connection,
      d,
      proposer,
      [{ underlyingId: 1n, strikeE18: 3000n * 10n ** 18n, expiry, isCall: true }],
      async () => {
        const now = BigInt(await networkHelpers.time.latest());
        await submitReport(d.quorumFeed, [s1, s2], "ETH/USD", [3000n * 10n ** 18n, 3000n * 10n ** 18n], now);
      },
    );
    expect(await d.registry.seriesCount()).to.equal(1n);
  });

  it("lists the default grid's expiries through the timelock at any time of day, even just before 08:00 UTC", async () => {
    // The demo and the benchmarks list `gridExpiries(now, n)` through the timelock; a lead shorter than the delay plus
    // the registry's minimum once made every run started between 06:00 and 08:00 UTC fail.
    const { d, proposer, s1, s2 } = await networkHelpers.loadFixture(deployLocal);
    const day = 86_400;
    const nextDay = Math.floor((await networkHelpers.time.latest()) / day + 1) * day;
    for (const secondsOfDay of [6 * 3_600, 7 * 3_600 - 1, 7 * 3_600 + 1_800, 8 * 3_600 - 5, 8 * 3_600 + 1]) {
      const clock = await networkHelpers.takeSnapshot();
      await networkHelpers.time.increaseTo(nextDay + secondsOfDay);
      const expiries = gridExpiries(await networkHelpers.time.latest(), 2);
      await listThroughTimelock(
        connection,
        d,
        proposer,
        expiries.map((expiry) => ({ underlyingId: 1n, strikeE18: 3000n * 10n ** 18n, expiry, isCall: true })),
        async () => {
          const now = BigInt(await networkHelpers.time.latest());
          await submitReport(d.quorumFeed, [s1, s2], "ETH/USD", [3000n * 10n ** 18n, 3000n * 10n ** 18n], now);
          await submitReport(d.quorumFeed, [s1, s2], "ETH/USD-IV", [65n * 10n ** 16n, 65n * 10n ** 16n], now);
          await (await d.ethAggregator.updateAnswer(3000n * 10n ** 8n)).wait();
        },
      );
      expect(await d.registry.seriesCount(), `clock at ${secondsOfDay} s past midnight`).to.equal(2n);
      await clock.restore();
    }
  });

  it("configures collateral, underlyings, lister and quorum feeds", async () => {
    const { d } = await networkHelpers.loadFixture(deployLocal);
    expect(await d.vault.quoteAsset()).to.equal(await d.usdc.getAddress());
    // The quote asset is listed by the constructor; the module chains the rest so the order is deterministic.
    expect(await d.vault.collaterals()).to.deep.equal([
      await d.usdc.getAddress(),
      await d.weth.getAddress(),
      await d.wbtc.getAddress(),
    ]);
    expect(await d.registry.underlyingCount()).to.equal(2n);
    expect((await d.registry.underlyingConfig(1n)).router).to.equal(await d.ethRouter.getAddress());
    expect((await d.registry.underlyingConfig(2n)).router).to.equal(await d.btcRouter.getAddress());
    expect(await d.registry.hasRole(ROLES.LISTER, await d.timelock.getAddress())).to.equal(true);
    expect(await d.quorumFeed.threshold()).to.equal(2n);
  });

  it("lets the guardian pause at once but only the timelock unpause, after its delay", async () => {
    const { d, guardian, proposer, stranger } = await networkHelpers.loadFixture(deployLocal);
    const guard = d.pauseGuard as Contract;
    await expect((guard.connect(stranger) as Contract).pauseAll())
      .to.be.revertedWithCustomError(guard, "AccessControlUnauthorizedAccount")
      .withArgs(stranger.address, ROLES.GUARDIAN);
    await (guard.connect(guardian) as Contract).pauseAll();
    expect(await guard.globallyPaused()).to.equal(true);

    // Neither the guardian nor a proposer can unpause directly.
    for (const who of [guardian, proposer]) {
      await expect((guard.connect(who) as Contract).unpauseAll())
        .to.be.revertedWithCustomError(guard, "AccessControlUnauthorizedAccount")
        .withArgs(who.address, ROLES.DEFAULT_ADMIN);
    }

    const timelock = d.timelock.connect(proposer) as Contract;
    const data = guard.interface.encodeFunctionData("unpauseAll");
    const salt = encodeBytes32String("unpause");
    const target = await guard.getAddress();
    await timelock.schedule(target, 0n, data, ZeroHash, salt, DELAY);
    const opId = await timelock.hashOperation(target, 0n, data, ZeroHash, salt);
    await expect(timelock.execute(target, 0n, data, ZeroHash, salt))
      .to.be.revertedWithCustomError(timelock, "TimelockUnexpectedOperationState")
      .withArgs(opId, "0x0000000000000000000000000000000000000000000000000000000000000004");
    await networkHelpers.time.increase(DELAY);
    // Executors are open (zero address role): anyone may execute a ready operation.
    await (d.timelock.connect(stranger) as Contract).execute(target, 0n, data, ZeroHash, salt);
    expect(await guard.globallyPaused()).to.equal(false);
  });

  it("changes a risk parameter only through the timelock", async () => {
    const { d, proposer, deployer } = await networkHelpers.loadFixture(deployLocal);
    const weth = await d.weth.getAddress();
    const router = await d.ethRouter.getAddress();
    await expect((d.vault.connect(deployer) as Contract).updateCollateral(weth, true, 3n * 10n ** 17n, router))
      .to.be.revertedWithCustomError(d.vault, "AccessControlUnauthorizedAccount")
      .withArgs(deployer.address, ROLES.DEFAULT_ADMIN);

    const timelock = d.timelock.connect(proposer) as Contract;
    const data = d.vault.interface.encodeFunctionData("updateCollateral", [weth, true, 3n * 10n ** 17n, router]);
    const target = await d.vault.getAddress();
    await timelock.schedule(target, 0n, data, ZeroHash, ZeroHash, DELAY);
    await networkHelpers.time.increase(DELAY);
    await timelock.execute(target, 0n, data, ZeroHash, ZeroHash);
    expect((await d.vault.collateralConfig(weth)).haircutWad).to.equal(3n * 10n ** 17n);
  });

  it("deploys the chain-agnostic core module on its own and hands every role to the timelock", async () => {
    const [deployer, guardian, proposer, s1, s2, s3, s4] = await ethers.getSigners();
    const quote = await ethers.deployContract("MockERC20", ["USD", "USD", 6]);
    const core = await ignition.deploy(CoreModule, {
      parameters: {
        OptioCore: {
          quoteAsset: await quote.getAddress(),
          guardian: guardian.address,
          proposers: [proposer.address],
          signers: [s1.address, s2.address, s3.address, s4.address],
          threshold: 3,
        },
      },
    });
    const timelock = await core.timelock.getAddress();
    const { automation: _a, ...governed } = core;
    for (const [name, c] of Object.entries(governed)) {
      expect(await c.hasRole(ROLES.DEFAULT_ADMIN, deployer.address), `${name}: deployer`).to.equal(false);
      expect(await c.hasRole(ROLES.DEFAULT_ADMIN, timelock), `${name}: timelock`).to.equal(true);
    }
    expect(await core.registry.hasRole(ROLES.LISTER, timelock)).to.equal(true);
    expect(await rolesHeldByEoas(ethers, governed)).to.deep.equal(
      [
        { contract: "timelock", role: ROLES.TIMELOCK_CANCELLER, account: proposer.address },
        { contract: "timelock", role: ROLES.TIMELOCK_PROPOSER, account: proposer.address },
        { contract: "pauseGuard", role: ROLES.GUARDIAN, account: guardian.address },
      ].sort((a, b) => `${a.contract}${a.role}${a.account}`.localeCompare(`${b.contract}${b.role}${b.account}`)),
    );
    expect(await core.timelock.getMinDelay()).to.equal(2n * 24n * 3600n);
    expect(await core.quorumFeed.threshold()).to.equal(3n);
    // The wiring ran before the handover.
    expect(await core.vault.marginHook()).to.equal(await core.margin.getAddress());
  });
});
