import { expect } from "chai";
import { marginEngineAbi } from "../../abis/marginEngine.js";
import { localChain } from "../../test/chain.js";
import { market } from "../../test/fixtures.js";
import { fundedClient } from "../../test/accounts.js";
import { parseUnits } from "viem";

describe("actions/market/getOrderStatus (HTTP node)", () => {
  it("follows an order through a partial fill, a cancel, and a raised nonce floor", async () => {
    const chain = await localChain();
    const m = await market(chain);
    const maker = await fundedClient(chain, "orderStatus maker", parseUnits("20000", 6));
    const taker = await fundedClient(chain, "orderStatus taker", parseUnits("20000", 6));
    const mark = await chain.publicClient.readContract({
      address: chain.deployment.contracts.margin,
      abi: marginEngineAbi,
      functionName: "markOf",
      args: [m.callId],
    });
    const order = await maker.buildOrder({
      seriesId: m.callId,
      isBuy: false,
      amount: 3n * 10n ** 18n,
      limitPriceE18: mark,
      nonce: 10n,
    });
    const fresh = await taker.getOrderStatus({ order });
    expect(fresh).to.deep.include({ filled: 0n, remaining: order.amount, cancelled: false, fillable: true });

    await taker.fill({ ...(await maker.signOrder({ order })), amount: 10n ** 18n });
    const part = await taker.getOrderStatus({ order });
    expect(part).to.deep.include({ filled: 10n ** 18n, remaining: 2n * 10n ** 18n, fillable: true });

    await maker.cancel({ order });
    expect(await taker.getOrderStatus({ order })).to.deep.include({ cancelled: true, fillable: false });

    const other = { ...order, nonce: 11n };
    await maker.raiseNonceFloor({ nonceFloor: 12n });
    expect(await taker.getOrderStatus({ order: other })).to.deep.include({
      cancelled: false,
      nonceFloor: 12n,
      belowNonceFloor: true,
      fillable: false,
    });
    expect(await taker.getOrderStatus({ order: { ...order, deadline: 1n } })).to.deep.include({
      expired: true,
      fillable: false,
    });
  });
});
