import { network } from "hardhat";
import { type Contract, encodeBytes32String, formatUnits, parseUnits, type Signer } from "ethers";
import { deployLocal, listThroughTimelock, type Listing } from "../lib/local.js";
import { decodeOptioError, feedId, loadDeployment, OptioContractError } from "@optio/sdk";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { writeDeployment } from "../lib/deployment.js";
import { gridExpiries } from "../lib/expiries.js";
import { submitReport } from "../lib/quorum.js";
import { signOrder, type Order } from "../lib/orders.js";

const TIMELOCK_DELAY = 1_800;
/** Where the demo writes its deployment, in the SDK's format (`loadDeployment`). */
const DEPLOYMENT_FILE = path.resolve(".demo/deployment.json");

function log(step: string, detail = ""): void {
  console.log(`${new Date().toISOString().slice(11, 19)}  ${step.padEnd(28)} ${detail}`);
}

const fmtWad = (x: bigint, digits = 2) =>
  Number(formatUnits(x, 18)).toLocaleString("en-US", { maximumFractionDigits: digits });

/** A revert as `ErrorName(arg=value, …)`, decoded by the SDK's one error decoder. */
function describeRevert(err: unknown): string {
  const decoded = decodeOptioError(err);
  return decoded instanceof OptioContractError ? decoded.formatted : decoded.shortMessage;
}

/** What the live phase (`live.ts`) continues from: the same chain, deployment and role accounts. */
export interface SessionContext {
  connection: Awaited<ReturnType<typeof network.create>>;
  contracts: Record<string, Contract>;
  deployment: Awaited<ReturnType<typeof deployLocal>>["deployment"];
  deploymentFile: string;
  proposer: Signer;
  timelockDelay: number;
}

export async function runDemo(): Promise<SessionContext> {
  const connection = await network.create({ network: "localhost" });
  const { ethers, networkHelpers } = connection;
  const [deployer, guardian, , proposer, s1, s2, s3, alice, bob] = await ethers.getSigners();
  const signers = [s1, s2, s3];

  log("deploying", "Ignition module OptioLocal (core, mocks, oracles, timelock handover)");
  const { contracts: d, deployment } = await deployLocal(connection, TIMELOCK_DELAY);
  for (const [name, c] of Object.entries(d)) log("  deployed", `${name.padEnd(14)} ${await c.getAddress()}`);
  await writeDeployment(DEPLOYMENT_FILE, deployment);
  const reloaded = loadDeployment(JSON.parse(await readFile(DEPLOYMENT_FILE, "utf8")), deployment.chainId);
  log(
    "deployment file",
    `${path.relative(process.cwd(), DEPLOYMENT_FILE)}: chain ${reloaded.chainId}, from block ${reloaded.blockNumber}`,
  );

  const { vault, registry, quorumFeed, pauseGuard, timelock, usdc, weth, wbtc, ethRouter, btcRouter } = d;
  const ADMIN = ethers.ZeroHash;
  const adminIsTimelock = (await vault.hasRole(ADMIN, await timelock.getAddress())) as boolean;
  const deployerIsAdmin = (await vault.hasRole(ADMIN, deployer.address)) as boolean;
  log("governance", `vault admin is timelock: ${adminIsTimelock}; deployer still admin: ${deployerIsAdmin}`);
  if (!adminIsTimelock || deployerIsAdmin) throw new Error("admin handover to the timelock did not happen");

  // --- quorum oracle reports (k = 2 of 3 signers) ---------------------------------------------------------
  async function report(name: string, values: bigint[]): Promise<void> {
    const timestamp = BigInt(await networkHelpers.time.latest());
    const receipt = await submitReport(quorumFeed, signers, name, values, timestamp);
    const [, value] = (await quorumFeed.latestRound(feedId(name))) as [bigint, bigint, bigint];
    log(
      "  quorum report",
      `${name.padEnd(12)} median ${fmtWad(value)} from ${values.map((v) => fmtWad(v)).join(" / ")} (gas ${receipt?.gasUsed})`,
    );
  }
  async function reportPrices(): Promise<void> {
    log("oracle", "3 signers sign EIP-712 reports; any k = 2 agreeing signatures make a round");
    await report("ETH/USD", [parseUnits("2999", 18), parseUnits("3000", 18), parseUnits("3002", 18)]);
    await report("ETH/USD-IV", [parseUnits("0.64", 18), parseUnits("0.65", 18), parseUnits("0.66", 18)]);
    await report("BTC/USD", [parseUnits("59990", 18), parseUnits("60000", 18), parseUnits("60010", 18)]);
    await report("BTC/USD-IV", [parseUnits("0.54", 18), parseUnits("0.55", 18), parseUnits("0.56", 18)]);
    for (const [sym, router] of [
      ["ETH", ethRouter],
      ["BTC", btcRouter],
    ] as const) {
      const [spot, health] = (await router.spot()) as [bigint, bigint];
      const [vol] = (await router.volatility()) as [bigint, bigint];
      log(
        "  router",
        `${sym} spot ${fmtWad(spot)} health ${["Ok", "Degraded", "Down"][Number(health)]}, IV ${fmtWad(vol * 100n)}%`,
      );
    }
  }

  // --- series listing -------------------------------------------------------------------------------------
  const now = await networkHelpers.time.latest();
  const expiries = gridExpiries(now, 2);
  const chain = [
    { underlyingId: 1n, strikes: ["2700", "3000", "3300"] },
    { underlyingId: 2n, strikes: ["55000", "60000", "65000"] },
  ];
  // The timelock holds the lister role: one batch, scheduled by the proposer and executed after the delay.
  const listings: Listing[] = [];
  for (const { underlyingId, strikes } of chain) {
    for (const expiry of expiries) {
      for (const strike of strikes) {
        for (const isCall of [true, false])
          listings.push({ underlyingId, strikeE18: parseUnits(strike, 18), expiry, isCall });
      }
    }
  }
  // Listing needs Ok prices when the batch executes: the signers report once the delay has passed.
  log("listing", `the proposer schedules ${listings.length} listings; the timelock executes them after its delay`);
  await listThroughTimelock(connection, d, proposer, listings, reportPrices);
  const asLister = { from: await timelock.getAddress() };
  const readRegistry = registry.connect(ethers.provider) as Contract;
  log(
    "listing",
    `${await registry.seriesCount()} series on 2 underlyings, expiries ${expiries.map((e) => new Date(e * 1000).toISOString().slice(0, 16)).join(", ")}`,
  );
  try {
    await readRegistry.listSeries.staticCall(1n, parseUnits("3000", 18), expiries[0], true, asLister);
  } catch (err) {
    log("  duplicate rejected", describeRevert(err));
  }
  try {
    await readRegistry.listSeries.staticCall(1n, parseUnits("9000", 18), expiries[0], true, asLister);
  } catch (err) {
    log("  far strike rejected", describeRevert(err));
  }

  // --- deposits and withdrawals -----------------------------------------------------------------------------
  const vaultAddress = await vault.getAddress();
  const funding = [
    { who: alice, token: usdc, amount: parseUnits("50000", 6) },
    { who: alice, token: weth, amount: parseUnits("10", 18) },
    { who: bob, token: usdc, amount: parseUnits("20000", 6) },
    { who: bob, token: wbtc, amount: parseUnits("0.5", 8) },
  ];
  for (const { who, token, amount } of funding) {
    await (await token.mint(who.address, amount)).wait();
    await (await (token.connect(who) as Contract).approve(vaultAddress, amount)).wait();
    const receipt = await (
      await (vault.connect(who) as Contract).deposit(who.address, await token.getAddress(), amount)
    ).wait();
    log(
      "deposit",
      `${who === alice ? "alice" : "bob  "} ${formatUnits(amount, await token.decimals())} ${await token.symbol()} (gas ${receipt?.gasUsed})`,
    );
  }
  for (const [name, who] of [
    ["alice", alice],
    ["bob", bob],
  ] as const) {
    log("  collateral value", `${name} ${fmtWad(await vault.collateralValue(who.address))} USD after haircuts`);
  }
  const wReceipt = await (
    await (vault.connect(alice) as Contract).withdraw(
      alice.address,
      await usdc.getAddress(),
      parseUnits("5000", 6),
      alice.address,
    )
  ).wait();
  log("withdraw", `alice 5,000 USDC back to her wallet (gas ${wReceipt?.gasUsed})`);
  try {
    await (vault.connect(bob) as Contract).withdraw.staticCall(alice.address, await usdc.getAddress(), 1n, bob.address);
  } catch (err) {
    log("  foreign withdraw rejected", describeRevert(err));
  }

  // --- emergency pause and timelocked unpause ---------------------------------------------------------------
  await (await (pauseGuard.connect(guardian) as Contract).pauseUnderlying(1n)).wait();
  log("guardian", "paused new risk on ETH at once");
  try {
    await readRegistry.listSeries.staticCall(1n, parseUnits("3100", 18), expiries[1], true, asLister);
  } catch (err) {
    log("  listing while paused", describeRevert(err));
  }
  await (
    await (vault.connect(alice) as Contract).withdraw(
      alice.address,
      await weth.getAddress(),
      parseUnits("1", 18),
      alice.address,
    )
  ).wait();
  log("  withdraw while paused", "alice took 1 WETH out: pausing never traps free collateral");
  const call = pauseGuard.interface.encodeFunctionData("unpauseUnderlying", [1n]);
  const salt = encodeBytes32String("demo-unpause-eth");
  const asProposer = timelock.connect(proposer) as Contract;
  await (
    await asProposer.schedule(await pauseGuard.getAddress(), 0n, call, ethers.ZeroHash, salt, TIMELOCK_DELAY)
  ).wait();
  try {
    await asProposer.execute.staticCall(await pauseGuard.getAddress(), 0n, call, ethers.ZeroHash, salt);
  } catch (err) {
    log("  early execute rejected", describeRevert(err));
  }
  await networkHelpers.time.increase(TIMELOCK_DELAY);
  await (await asProposer.execute(await pauseGuard.getAddress(), 0n, call, ethers.ZeroHash, salt)).wait();
  log(
    "timelock",
    `unpause of ETH executed after the ${TIMELOCK_DELAY / 60}-minute delay; paused now: ${await pauseGuard.isPaused(1n)}`,
  );

  // --- trading: signed orders, margin, a rejection -------------------------------------------------------------
  const { exchange, margin, settlement, ethAggregator } = d;
  let nonce = 0n;
  const deadline = BigInt(await networkHelpers.time.latest()) + 86_400n;
  const markOf = async (id: bigint) => (await margin.markOf(id)) as bigint;
  const showMargin = async (name: string, who: string) => {
    const m = (await margin.marginOf(who)) as { equityWad: bigint; initialWad: bigint; maintenanceWad: bigint };
    log(
      "  margin",
      `${name.padEnd(5)} equity ${fmtWad(m.equityWad)}, initial ${fmtWad(m.initialWad)}, maintenance ${fmtWad(m.maintenanceWad)}`,
    );
  };
  const callId = (await registry.seriesIdOf(1n, parseUnits("3000", 18), expiries[0], true)) as bigint;
  const putId = (await registry.seriesIdOf(1n, parseUnits("3000", 18), expiries[0], false)) as bigint;
  const trades = [
    { what: "ETH 3000 call", id: callId, makerBuys: false, amount: parseUnits("2", 18), edge: 102n },
    { what: "ETH 3000 put", id: putId, makerBuys: true, amount: parseUnits("3", 18), edge: 98n },
  ];
  for (const t of trades) {
    const o: Order = {
      maker: alice.address,
      seriesId: t.id,
      isBuy: t.makerBuys,
      amount: t.amount,
      minFillAmount: 0n,
      limitPriceE18: ((await markOf(t.id)) * t.edge) / 100n,
      deadline,
      nonce: ++nonce,
      taker: ethers.ZeroAddress,
    };
    const signature = await signOrder(alice, exchange, o);
    const receipt = await (await (exchange.connect(bob) as Contract).fill(o, signature, o.amount, bob.address)).wait();
    log(
      "trade",
      `alice ${t.makerBuys ? "buys" : "sells"} ${formatUnits(t.amount, 18)} ${t.what} at ${fmtWad(o.limitPriceE18)} (model ${fmtWad(await markOf(t.id))}), bob takes it (gas ${receipt?.gasUsed})`,
    );
  }
  await showMargin("alice", alice.address);
  await showMargin("bob", bob.address);
  const tooBig: Order = {
    maker: alice.address,
    seriesId: putId,
    isBuy: true,
    amount: parseUnits("400", 18),
    minFillAmount: 0n,
    limitPriceE18: await markOf(putId),
    deadline,
    nonce: ++nonce,
    taker: ethers.ZeroAddress,
  };
  try {
    const signature = await signOrder(alice, exchange, tooBig);
    await (exchange.connect(bob) as Contract).fill.staticCall(tooBig, signature, tooBig.amount, bob.address);
  } catch (err) {
    log("  oversized sale refused", describeRevert(err));
  }

  // --- expiry and cash settlement -----------------------------------------------------------------------------
  await (await ethAggregator.updateAnswer(parseUnits("3150", 8))).wait();
  await networkHelpers.time.increaseTo(expiries[0] + 60);
  await (await ethAggregator.updateAnswer(parseUnits("3150", 8))).wait();
  await (await ethRouter.setExpiryPrice(expiries[0], await ethAggregator.latestRound())).wait();
  log(
    "expiry",
    `${new Date(expiries[0] * 1000).toISOString().slice(0, 16)} price proven from the Chainlink round after it: 3,150`,
  );
  for (const t of trades) {
    for (const [name, who] of [
      ["alice", alice],
      ["bob", bob],
    ] as const) {
      const position = (await d.book.positionOf(who.address, t.id)) as bigint;
      if (position === 0n) continue;
      const [paid, outstanding] = (await settlement.settle.staticCall(who.address, t.id)) as [bigint, bigint];
      await (await settlement.settle(who.address, t.id)).wait();
      log(
        "  settled",
        `${name.padEnd(5)} ${position > 0n ? "long " : "short"} ${formatUnits(position < 0n ? -position : position, 18)} ${t.what}: ${position > 0n ? "received" : "paid"} ${formatUnits(paid, 6)} USDC${outstanding > 0n ? `, outstanding ${formatUnits(outstanding, 6)}` : ""}`,
      );
    }
  }

  // --- conservation check ------------------------------------------------------------------------------------
  let conserved = true;
  for (const token of [usdc, weth, wbtc]) {
    const held = (await token.balanceOf(vaultAddress)) as bigint;
    const owed = (await vault.totalBalance(await token.getAddress())) as bigint;
    const decimals = Number(await token.decimals());
    log(
      "conservation",
      `${(await token.symbol()).padEnd(5)} vault holds ${formatUnits(held, decimals)}, accounts own ${formatUnits(owed, decimals)}`,
    );
    // Nothing in this session donates tokens or uses fee-on-transfer tokens, so the two agree to the wei.
    conserved &&= held === owed;
  }
  if (!conserved) throw new Error("conservation check failed: vault holdings differ from what its accounts own");
  log("conservation check", "passed: vault holdings equal account balances, to the wei, in every asset");
  return {
    connection,
    contracts: d as unknown as Record<string, Contract>,
    deployment,
    deploymentFile: DEPLOYMENT_FILE,
    proposer,
    timelockDelay: TIMELOCK_DELAY,
  };
}
