import { expect } from "chai";
import { parseEventLogs, parseUnits } from "viem";
import { exchangeAbi } from "../../abis/exchange.js";
import { marginEngineAbi } from "../../abis/marginEngine.js";
import { ROLES } from "../../roles.js";
import { AccessControlUnauthorizedAccountError, Exchange_OrdersDoNotCrossError } from "../../errors/generated.js";
import { localChain } from "../../test/chain.js";
import { clientAt, fund, market, rejection } from "../../test/fixtures.js";

describe("actions/orders/matchOrders (HTTP node)", () => {
  it("crosses two signed orders at the maker's price; the taker order's account pays the fee", async () => {
    const chain = await localChain();
    const m = await market(chain);
    const [seller, buyer] = [await clientAt(chain, 18), await clientAt(chain, 19)];
    await fund(chain, chain.accounts[18], parseUnits("100000", 6));
    await fund(chain, chain.accounts[19], parseUnits("100000", 6));
    const matcher = await clientAt(chain, chain.accounts.indexOf(m.matcher));
    const mark = await chain.publicClient.readContract({
      address: chain.deployment.contracts.margin,
      abi: marginEngineAbi,
      functionName: "markOf",
      args: [m.putId],
    });
    const ask = await seller.signOrder({
      order: await seller.buildOrder({ seriesId: m.putId, isBuy: false, amount: 10n ** 18n, limitPriceE18: mark }),
    });
    const bid = await buyer.signOrder({
      order: await buyer.buildOrder({
        seriesId: m.putId,
        isBuy: true,
        amount: 10n ** 18n,
        limitPriceE18: mark + 10n ** 18n,
      }),
    });
    const result = await matcher.matchOrders({ maker: ask, taker: bid, amount: 10n ** 18n });
    expect(result.premium).to.equal((10n ** 18n * mark + 10n ** 30n - 1n) / 10n ** 30n);
    const fills = parseEventLogs({ abi: exchangeAbi, eventName: "OrderFilled", logs: result.receipt.logs });
    expect(fills.map((f) => f.args.maker)).to.deep.equal([chain.accounts[18], chain.accounts[19]]);
    expect(result.fee).to.equal(fills[0].args.fee);
    expect(result.fee > 0n).to.equal(true);

    // Same side twice: no cross.
    const bid2 = await seller.signOrder({
      order: await seller.buildOrder({ seriesId: m.putId, isBuy: true, amount: 10n ** 18n, limitPriceE18: mark }),
    });
    const e1 = await rejection(matcher.matchOrders({ maker: bid, taker: bid2, amount: 1n }));
    expect(e1).to.be.instanceOf(Exchange_OrdersDoNotCrossError);

    // Only the matcher role may match.
    const e2 = await rejection(seller.matchOrders({ maker: ask, taker: bid, amount: 1n }));
    expect(e2).to.be.instanceOf(AccessControlUnauthorizedAccountError);
    expect((e2 as AccessControlUnauthorizedAccountError).args).to.deep.equal([chain.accounts[18], ROLES.MATCHER]);
  });
});
