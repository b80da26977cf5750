import { expect } from "chai";
import { parseUnits } from "viem";
import { marginEngineAbi } from "../../abis/marginEngine.js";
import { localChain } from "../../test/chain.js";
import { market } from "../../test/fixtures.js";
import { fundedClient } from "../../test/accounts.js";

describe("actions/events/decodeOptioEvents (HTTP node)", () => {
  it("decodes a fill receipt's OrderFilled into a typed fill and skips the vault and book logs", async () => {
    const chain = await localChain();
    const m = await market(chain);
    const maker = await fundedClient(chain, "decode maker", parseUnits("20000", 6));
    const taker = await fundedClient(chain, "decode taker", parseUnits("20000", 6));
    const mark = await chain.publicClient.readContract({
      address: chain.deployment.contracts.margin,
      abi: marginEngineAbi,
      functionName: "markOf",
      args: [m.putId],
    });
    const order = await maker.buildOrder({ seriesId: m.putId, isBuy: true, amount: 10n ** 18n, limitPriceE18: mark });
    const { receipt, premium, fee } = await taker.fill(await maker.signOrder({ order }));
    expect(receipt.logs.length > 1).to.equal(true);
    const events = taker.decodeOptioEvents({ logs: receipt.logs });
    expect(events).to.have.length(1);
    expect(events[0]).to.deep.include({
      type: "fill",
      orderHash: maker.hashOrder({ order }),
      maker: maker.address,
      taker: taker.address,
      seriesId: m.putId,
      makerIsBuy: true,
      amount: 10n ** 18n,
      priceE18: mark,
      premium,
      fee,
      blockNumber: receipt.blockNumber,
    });
  });
});
