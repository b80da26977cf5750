import { expect } from "chai";
import { parseUnits } from "viem";
import { exchangeAbi } from "../../abis/exchange.js";
import { marginEngineAbi } from "../../abis/marginEngine.js";
import { positionBookAbi } from "../../abis/positionBook.js";
import {
  Exchange_InvalidSignatureError,
  Exchange_OrderExpiredError,
  Exchange_OverfillError,
  Exchange_ReduceOnlyError,
  Exchange_UnauthorizedError,
  Exchange_WrongTakerError,
  Exchange_ZeroAmountError,
  Margin_InsufficientInitialMarginError,
} from "../../errors/generated.js";
import { localChain, type LocalChain } from "../../test/chain.js";
import { clientAt, fund, market, rejection } from "../../test/fixtures.js";

const MAKER = 16;
const TAKER = 17;

async function setUp(chain: LocalChain) {
  const m = await market(chain);
  if (!chain.fixtures.has("fill")) {
    chain.fixtures.set(
      "fill",
      (async () => {
        await fund(chain, chain.accounts[MAKER], parseUnits("100000", 6));
        await fund(chain, chain.accounts[TAKER], parseUnits("100000", 6));
      })(),
    );
  }
  await chain.fixtures.get("fill");
  const mark = await chain.publicClient.readContract({
    address: chain.deployment.contracts.margin,
    abi: marginEngineAbi,
    functionName: "markOf",
    args: [m.callId],
  });
  return { m, mark, maker: await clientAt(chain, MAKER), taker: await clientAt(chain, TAKER) };
}

describe("actions/orders/fill (HTTP node)", () => {
  it("fills part of a signed sell at its limit price and returns the premium and the fee", async () => {
    const chain = await localChain();
    const { m, mark, maker, taker } = await setUp(chain);
    const order = await maker.buildOrder({
      seriesId: m.callId,
      isBuy: false,
      amount: 2n * 10n ** 18n,
      limitPriceE18: mark,
    });
    const signed = await maker.signOrder({ order });
    const amount = 10n ** 18n;
    const fee = await chain.publicClient.readContract({
      address: chain.deployment.contracts.exchange,
      abi: exchangeAbi,
      functionName: "feeFor",
      args: [m.callId, amount, mark],
    });
    const result = await taker.fill({ ...signed, amount });
    // premium = amount × price in USDC units (6 decimals), rounded up.
    expect(result.premium).to.equal((amount * mark + 10n ** 30n - 1n) / 10n ** 30n);
    expect(result.fee).to.equal(fee);
    expect(fee > 0n).to.equal(true);
    const position = await chain.publicClient.readContract({
      address: chain.deployment.contracts.book,
      abi: positionBookAbi,
      functionName: "positionOf",
      args: [chain.accounts[TAKER], m.callId],
    });
    expect(position).to.equal(amount);
    const filled = await chain.publicClient.readContract({
      address: chain.deployment.contracts.exchange,
      abi: exchangeAbi,
      functionName: "filled",
      args: [maker.hashOrder({ order })],
    });
    expect(filled).to.equal(amount);

    // The rest of the order is 1; 2 more overfill it.
    const err = await rejection(taker.fill({ ...signed, amount: 2n * 10n ** 18n }));
    expect(err).to.be.instanceOf(Exchange_OverfillError);
    expect((err as Exchange_OverfillError).args).to.deep.equal([
      maker.hashOrder({ order }),
      amount,
      2n * amount,
      2n * amount,
    ]);
  });

  it("turns each order-validation revert into its typed error", async () => {
    const chain = await localChain();
    const { m, mark, maker, taker } = await setUp(chain);
    const base = { seriesId: m.callId, isBuy: false, amount: 10n ** 18n, limitPriceE18: mark };

    const expired = await maker.signOrder({ order: await maker.buildOrder({ ...base, deadline: 1n }) });
    const e1 = await rejection(taker.fill(expired));
    expect(e1).to.be.instanceOf(Exchange_OrderExpiredError);
    expect((e1 as Exchange_OrderExpiredError).args[1]).to.equal(1n);

    const order = await maker.buildOrder(base);
    const { signature } = await taker.signOrder({ order: { ...order, maker: chain.accounts[TAKER] } });
    const e2 = await rejection(taker.fill({ order, signature }));
    expect(e2).to.be.instanceOf(Exchange_InvalidSignatureError);
    expect((e2 as Exchange_InvalidSignatureError).args).to.deep.equal([
      chain.accounts[MAKER],
      maker.hashOrder({ order }),
    ]);

    const rfq = await maker.signOrder({ order: await maker.buildOrder({ ...base, taker: chain.accounts[18] }) });
    const e3 = await rejection(taker.fill(rfq));
    expect(e3).to.be.instanceOf(Exchange_WrongTakerError);
    expect((e3 as Exchange_WrongTakerError).args.slice(1)).to.deep.equal([chain.accounts[18], chain.accounts[TAKER]]);

    const signed = await maker.signOrder({ order });
    expect(await rejection(taker.fill({ ...signed, amount: 0n }))).to.be.instanceOf(Exchange_ZeroAmountError);
    const e5 = await rejection(taker.fill({ ...signed, takerAccount: chain.accounts[18] }));
    expect(e5).to.be.instanceOf(Exchange_UnauthorizedError);
    expect((e5 as Exchange_UnauthorizedError).args).to.deep.equal([chain.accounts[18], chain.accounts[TAKER]]);
  });

  it("refuses a fill that leaves the seller short of initial margin (Margin_InsufficientInitialMargin)", async () => {
    const chain = await localChain();
    const { m, mark, maker, taker } = await setUp(chain);
    // The maker can pay the premium (60,000 of its 100,000 USDC, whatever the time left to expiry), but the taker's
    // 100,000 USDC cannot margin a sale of that many calls (over 1,000: about 0.15 × 3,000 each).
    const amount = (60_000n * 10n ** 18n * 10n ** 18n) / mark;
    expect(amount > 1_000n * 10n ** 18n, "the call is cheap enough for a large sale").to.equal(true);
    const order = await maker.buildOrder({ seriesId: m.callId, isBuy: true, amount, limitPriceE18: mark });
    const err = await rejection(taker.fill(await maker.signOrder({ order })));
    expect(err).to.be.instanceOf(Margin_InsufficientInitialMarginError);
    const [account, equityWad, initialWad] = (err as Margin_InsufficientInitialMarginError).args;
    expect(account).to.equal(chain.accounts[TAKER]);
    expect(equityWad < BigInt(initialWad)).to.equal(true);
  });

  it("refuses new risk on a paused underlying (Exchange_ReduceOnly)", async () => {
    const chain = await localChain();
    const { maker, taker } = await setUp(chain);
    // BTC (underlying 2) is used by no other test: list a series, pause it for good.
    const { ethers } = chain.connection;
    const signers = await ethers.getSigners();
    const registry = await ethers.getContractAt("SeriesRegistry", chain.deployment.contracts.registry, signers[2]);
    const { timestamp } = await chain.publicClient.getBlock();
    const expiry = (timestamp / 86_400n + 2n) * 86_400n + 8n * 3_600n;
    await (await registry.listSeries(2n, 60_000n * 10n ** 18n, expiry, true)).wait();
    const seriesId = (await registry.seriesIdOf(2n, 60_000n * 10n ** 18n, expiry, true)) as bigint;
    const guard = await ethers.getContractAt("PauseGuard", chain.deployment.contracts.pauseGuard, signers[1]);
    await (await guard.pauseUnderlying(2n)).wait();
    const order = await maker.buildOrder({ seriesId, isBuy: false, amount: 10n ** 18n, limitPriceE18: 10n ** 20n });
    const err = await rejection(taker.fill(await maker.signOrder({ order })));
    expect(err).to.be.instanceOf(Exchange_ReduceOnlyError);
    expect((err as Exchange_ReduceOnlyError).args[0]).to.equal(seriesId);
  });
});
