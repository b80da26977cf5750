import { expect } from "chai";
import { parseUnits } from "viem";
import { exchangeAbi } from "../../abis/exchange.js";
import { marginEngineAbi } from "../../abis/marginEngine.js";
import { positionBookAbi } from "../../abis/positionBook.js";
import {
  Exchange_InvalidSignatureError,
  Exchange_OrderExpiredError,
  Exchange_OverfillError,
  Exchange_UnauthorizedError,
  Exchange_WrongTakerError,
  Exchange_ZeroAmountError,
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
});
