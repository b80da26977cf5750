import { expect } from "chai";
import { exchangeAbi } from "../../abis/exchange.js";
import { Exchange_NonceFloorNotIncreasingError, Exchange_OrderCancelledError } from "../../errors/generated.js";
import { localChain } from "../../test/chain.js";
import { clientAt, market, rejection } from "../../test/fixtures.js";

describe("actions/orders/raiseNonceFloor (HTTP node)", () => {
  it("cancels every order below the floor, which only rises", async () => {
    const chain = await localChain();
    const m = await market(chain);
    const [maker, taker] = [await clientAt(chain, 9), await clientAt(chain, 17)];
    const old = await maker.signOrder({
      order: await maker.buildOrder({
        seriesId: m.callId,
        isBuy: true,
        amount: 10n ** 18n,
        limitPriceE18: 1n,
        nonce: 5n,
      }),
    });
    await maker.raiseNonceFloor({ nonceFloor: 6n });
    const floor = await chain.publicClient.readContract({
      address: chain.deployment.contracts.exchange,
      abi: exchangeAbi,
      functionName: "nonceFloor",
      args: [chain.accounts[9]],
    });
    expect(floor).to.equal(6n);
    expect(await rejection(taker.fill(old))).to.be.instanceOf(Exchange_OrderCancelledError);

    const err = await rejection(maker.raiseNonceFloor({ nonceFloor: 6n }));
    expect(err).to.be.instanceOf(Exchange_NonceFloorNotIncreasingError);
    expect((err as Exchange_NonceFloorNotIncreasingError).args).to.deep.equal([chain.accounts[9], 6n, 6n]);
  });
});
