/**
 * Liquidation gas on the full local deployment: `gas.liquidation.start` (flagging an account below maintenance
 * margin), `gas.liquidation.bid.p4` and `gas.liquidation.bid.p16` (a solvent bid for the largest allowed fraction of
 * an account holding 4 / 16 short positions). The bidder is a market maker already holding a small position in each
 * of those series (a bidder without them pays ~44k more per series for new position entries).
 *
 * Execution gas of one call through `GasProbe` (cold storage, no intrinsic gas), as in `trading.ts`.
 */
import { network } from "hardhat";
import { parseUnits, type Contract, type Signer } from "ethers";
import { mintAndDeposit } from "../../deploy/lib/accounts.js";
import { deployLocal, listThroughTimelock, type Listing } from "../../deploy/lib/local.js";
import { gridExpiries } from "../../deploy/lib/expiries.js";
import { signOrder, type Order } from "../../deploy/lib/orders.js";
import { createPricePusher } from "../../deploy/lib/quorum.js";
import type { BenchResult } from "./blackScholes.js";

const WAD = 10n ** 18n;
type Account = Signer & { address: string };

export async function benchLiquidation(): Promise<BenchResult[]> {
  const connection = await network.create();
  const { ethers, networkHelpers } = connection;
  const [, guardian, , proposer, s1, s2, s3, mm, mm2, keeper, v4, v16] = await ethers.getSigners();
  const { contracts: d } = await deployLocal(connection, 0);
  const { vault, registry, quorumFeed, exchange, margin, usdc, ethAggregator, liquidationEngine, riskController } = d;
  const probe = (await ethers.deployContract("GasProbe")) as unknown as Contract;
  const pushPrice = createPricePusher(ethAggregator, quorumFeed, [s1, s2, s3], "ETH", () =>
    networkHelpers.time.latest(),
  ).push;
  await pushPrice(3_000n * WAD, (65n * WAD) / 100n);

  // Puts on two expiries, strikes 2,500 .. 3,300 every 100: 18 series.
  const expiries = gridExpiries(await networkHelpers.time.latest(), 2, 2 * 86_400);
  const puts: bigint[] = [];
  const listings: Listing[] = [];
  for (const expiry of expiries)
    for (let k = 2_500n; k <= 3_300n; k += 100n) {
      listings.push({ underlyingId: 1n, strikeE18: k * WAD, expiry, isCall: false });
      puts.push(BigInt(listings.length));
    }
  await listThroughTimelock(connection, d, proposer, listings);

  const fund = (who: Signer, amount: bigint) => mintAndDeposit(vault, usdc, who, amount);
  for (const who of [mm, mm2, keeper, v4, v16]) await fund(who, parseUnits("10000000", 6));

  let nonce = 0n;
  const trade = async (maker: Account, makerBuys: boolean, taker: Account, seriesId: bigint, amount: bigint) => {
    const mark = (await margin.markOf(seriesId)) as bigint;
    const o: Order = {
      maker: maker.address,
      seriesId,
      isBuy: makerBuys,
      amount,
      minFillAmount: 0n,
      limitPriceE18: mark + 10n ** 16n,
      deadline: BigInt(await networkHelpers.time.latest()) + 86_400n,
      nonce: ++nonce,
      taker: ethers.ZeroAddress,
    };
    const signature = await signOrder(maker, exchange, o);
    await (await (exchange.connect(taker) as Contract).fill(o, signature, amount, taker.address)).wait();
  };
  // Victims sell puts to the market maker; the keeper holds a small long in each of the first 16.
  for (const [victim, n] of [
    [v4, 4],
    [v16, 16],
  ] as const)
    for (let i = 0; i < n; i++) await trade(mm, true, victim, puts[i], WAD);
  for (let i = 0; i < 16; i++) await trade(mm2, false, keeper, puts[i], WAD / 100n);
  // Victims withdraw everything above initial margin.
  for (const victim of [v4, v16]) {
    const m = (await margin.marginOf(victim.address)) as { equityWad: bigint; initialWad: bigint };
    const excess = (m.equityWad - m.initialWad) / 10n ** 12n;
    await (
      await (vault.connect(victim) as Contract).withdraw(
        victim.address,
        await usdc.getAddress(),
        excess,
        victim.address,
      )
    ).wait();
  }

  // Spot falls step by step until both victims are below maintenance but still solvent.
  let spot = 3_000n * WAD;
  for (let i = 0; i < 20; i++) {
    await networkHelpers.time.increase(600);
    spot = (spot * 98n) / 100n;
    await pushPrice(spot, (75n * WAD) / 100n);
    await (await riskController.poke(1n)).wait();
    const a = await liquidationEngine.liquidationStatus(v4.address);
    const b = await liquidationEngine.liquidationStatus(v16.address);
    if (a.canStart && b.canStart) break;
  }
  const measure = async (target: Contract, data: string) =>
    Number(await (probe.measure.staticCall(await target.getAddress(), data) as Promise<bigint>));
  const results: BenchResult[] = [];
  const startData = liquidationEngine.interface.encodeFunctionData("startAuction", [v16.address]);
  results.push({ name: "gas.liquidation.start", value: await measure(liquidationEngine, startData), unit: "gas" });
  for (const victim of [v4, v16])
    await (await (liquidationEngine.connect(keeper) as Contract).startAuction(victim.address)).wait();
  await (await (vault.connect(keeper) as Contract).setOperator(await probe.getAddress(), true)).wait();
  for (const [name, victim] of [
    ["p4", v4],
    ["p16", v16],
  ] as const) {
    const status = await liquidationEngine.liquidationStatus(victim.address);
    if (status.insolvent) throw new Error(`bench scenario: ${name} victim became insolvent`);
    const data = liquidationEngine.interface.encodeFunctionData("bid", [
      victim.address,
      keeper.address,
      status.maxFractionWad,
      ethers.MaxInt256,
    ]);
    results.push({ name: `gas.liquidation.bid.${name}`, value: await measure(liquidationEngine, data), unit: "gas" });
  }
  return results;
}
