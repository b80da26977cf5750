/**
 * Trading-core benchmark on the full local deployment (Ignition module OptioLocal, in-process chain): gas of a fill
 * that opens new positions for both sides (each already holding 4), of a fill that closes, of the standard-margin
 * view for accounts holding 1, 8 and 16 positions, and of settling one position after expiry.
 *
 * Every figure is the execution gas of one call measured by `GasProbe` through `eth_call` (cold storage, as in a
 * fresh transaction; without the transaction's intrinsic 21,000 gas and calldata, and before storage refunds), so
 * it compares with the Solidity gas snapshots. `gas.settle.position` settles the long of an account holding one
 * position; `gas.settle.position.p16` the same long in an account holding 16 over two expiries: settlement nets an
 * account's positions of one expiry, so that call settles its 8 positions of the first expiry together.
 */
import { network } from "hardhat";
import { parseUnits, type Contract, type Signer } from "ethers";
import { mintAndDeposit } from "../../deploy/lib/accounts.js";
import { deployLocal, listThroughTimelock, type Listing } from "../../deploy/lib/local.js";
import { gridExpiries } from "../../deploy/lib/expiries.js";
import { signOrder, type Order } from "../../deploy/lib/orders.js";
import { submitReport } from "../../deploy/lib/quorum.js";
import type { BenchResult } from "./blackScholes.js";

const WAD = 10n ** 18n;

export async function benchTrading(): Promise<BenchResult[]> {
  const connection = await network.create();
  const { ethers, networkHelpers } = connection;
  const [, guardian, , proposer, s1, s2, s3, m1, m8, m16, mDE, a1, a8, a16, d, e] = await ethers.getSigners();
  const { contracts: d_ } = await deployLocal(connection, 0);
  const { vault, registry, quorumFeed, exchange, margin, settlement, usdc, ethAggregator, ethRouter } = d_;
  const probe = (await ethers.deployContract("GasProbe")) as unknown as Contract;

  const now = BigInt(await networkHelpers.time.latest());
  await submitReport(quorumFeed, [s1, s2, s3], "ETH/USD", [3_000n * WAD, 3_000n * WAD, 3_000n * WAD], now);
  await submitReport(
    quorumFeed,
    [s1, s2, s3],
    "ETH/USD-IV",
    [(WAD * 65n) / 100n, (WAD * 65n) / 100n, (WAD * 65n) / 100n],
    now,
  );

  // An ETH chain: two expiries, strikes 2,400 .. 3,600 every 200, calls and puts (28 series).
  const expiries = gridExpiries(Number(now), 2);
  const series: bigint[] = [];
  const listings: Listing[] = [];
  for (const expiry of expiries) {
    for (let k = 2_400n; k <= 3_600n; k += 200n) {
      for (const isCall of [true, false]) {
        listings.push({ underlyingId: 1n, strikeE18: k * WAD, expiry, isCall });
        series.push(BigInt(series.length + 1));
      }
    }
  }
  await listThroughTimelock(connection, d_, proposer, listings);

  const fund = (who: Signer, amount: bigint) => mintAndDeposit(vault, usdc, who, amount);
  for (const who of [m1, m8, m16, mDE, a1, a8, a16, d, e]) await fund(who, parseUnits("1000000", 6));

  let nonce = 0n;
  const deadline = now + 30n * 86_400n;
  const order = (m: Signer & { address: string }, seriesId: bigint, isBuy: boolean, amount: bigint): Order => ({
    maker: m.address,
    seriesId,
    isBuy,
    amount,
    minFillAmount: 0n,
    limitPriceE18: 50n * WAD,
    deadline,
    nonce: ++nonce,
    taker: ethers.ZeroAddress,
  });
  /** `taker` fills `m`'s order in full (the taker sends the transaction). */
  const trade = async (m: Signer & { address: string }, taker: Signer & { address: string }, o: Order) => {
    const signature = await signOrder(m, exchange, o);
    await (await (exchange.connect(taker) as Contract).fill(o, signature, o.amount, taker.address)).wait();
    void m;
  };
  // Accounts with 1, 8 and 16 positions: alternating long calls and short puts across both expiries.
  type Account = Signer & { address: string };
  // Each holder trades against its own market maker (an account holds at most 16 live series).
  const holders: [string, Account, Account, number][] = [
    ["p1", a1, m1, 1],
    ["p8", a8, m8, 8],
    ["p16", a16, m16, 16],
  ];
  for (const [, holder, maker, n] of holders) {
    for (let i = 0; i < n; i++) {
      const id = series[(i * 3) % series.length];
      await trade(maker, holder, order(maker, id, i % 2 === 1, WAD));
    }
  }
  // d and e each hold 4 positions (against their maker) before the measured fills.
  for (const who of [d, e]) for (let i = 0; i < 4; i++) await trade(mDE, who, order(mDE, series[10 + i], false, WAD));

  const results: BenchResult[] = [];
  const measure = async (target: Contract, data: string) =>
    Number(await (probe.measure.staticCall(await target.getAddress(), data) as Promise<bigint>));
  for (const [name, holder] of holders) {
    const gas = await measure(margin, margin.interface.encodeFunctionData("marginOf", [holder.address]));
    results.push({ name: `gas.margin.standard.${name}`, value: gas, unit: "gas" });
  }

  // The probe fills for d as its vault operator.
  await (await (vault.connect(d) as Contract).setOperator(await probe.getAddress(), true)).wait();
  const openOrder = order(e, series[20], false, WAD);
  const openData = exchange.interface.encodeFunctionData("fill", [
    openOrder,
    await signOrder(e, exchange, openOrder),
    WAD,
    d.address,
  ]);
  results.push({ name: "gas.fill.open", value: await measure(exchange, openData), unit: "gas" });
  // Now open it for real, then measure the fill that closes both sides of it.
  await trade(e, d, openOrder);
  const closeOrder = order(e, series[20], true, WAD);
  const closeData = exchange.interface.encodeFunctionData("fill", [
    closeOrder,
    await signOrder(e, exchange, closeOrder),
    WAD,
    d.address,
  ]);
  results.push({ name: "gas.fill.close", value: await measure(exchange, closeData), unit: "gas" });

  // Expiry of the first expiry: a round before it, one after it, proven; then settle a short after a first settle.
  await (await ethAggregator.updateAnswer(3_100n * 10n ** 8n)).wait();
  await networkHelpers.time.increaseTo(expiries[0] + 1);
  await (await ethAggregator.updateAnswer(3_100n * 10n ** 8n)).wait();
  await (await ethRouter.setExpiryPrice(expiries[0], await ethAggregator.latestRound())).wait();
  // The strike-2,400 call of the first expiry: every holder bought it from its maker. Settle one maker's short
  // first (which caches the series outcome), then measure settling a long.
  const itmCall = series[0];
  await (await settlement.settle(m16.address, itmCall)).wait();
  for (const [name, holder] of [
    ["gas.settle.position", a1],
    ["gas.settle.position.p16", a16],
  ] as const) {
    const data = settlement.interface.encodeFunctionData("settle", [holder.address, itmCall]);
    results.push({ name, value: await measure(settlement, data), unit: "gas" });
  }
  return results;
}
