import { expect } from "chai";
import { exchangeAbi } from "../../abis/exchange.js";
import { Exchange_OrderCancelledError, Exchange_UnauthorizedError } from "../../errors/generated.js";
import { localChain } from "../../test/chain.js";
import { clientAt, market, rejection } from "../../test/fixtures.js";

describe("actions/orders/cancel (HTTP node)", () => {
  it("cancels an order by hash so that it no longer fills; only its maker may cancel", async () => {
    const chain = await localChain();
    const m = await market(chain);
    const [maker, other] = [await clientAt(chain, 16), await clientAt(chain, 17)];
    const order = await maker.buildOrder({
      seriesId: m.callId,
      isBuy: false,
      amount: 10n ** 18n,
      limitPriceE18: 10n ** 20n,
    });
    const signed = await maker.signOrder({ order });

    const e1 = await rejection(other.cancel({ order }));
    expect(e1).to.be.instanceOf(Exchange_UnauthorizedError);

    const { orderHash } = await maker.cancel({ order });
    expect(orderHash).to.equal(maker.hashOrder({ order }));
    const cancelled = await chain.publicClient.readContract({
      address: chain.deployment.contracts.exchange,
      abi: exchangeAbi,
      functionName: "cancelled",
      args: [orderHash],
    });
    expect(cancelled).to.equal(true);
    const e2 = await rejection(other.fill(signed));
    expect(e2).to.be.instanceOf(Exchange_OrderCancelledError);
    expect((e2 as Exchange_OrderCancelledError).args).to.deep.equal([orderHash]);
  });
});
