import { expect } from "chai";
import { exchangeAbi } from "../../abis/exchange.js";
import { localChain } from "../../test/chain.js";
import { clientAt } from "../../test/fixtures.js";

describe("actions/orders/hashOrder (HTTP node)", () => {
  it("equals Exchange.hashOrder for orders differing in every field", async () => {
    const chain = await localChain();
    const client = await clientAt(chain, 16);
    const base = await client.buildOrder({ seriesId: 3n, isBuy: false, amount: 2n * 10n ** 18n, limitPriceE18: 77n });
    const variants = [
      base,
      { ...base, seriesId: 4n },
      { ...base, isBuy: true },
      { ...base, amount: base.amount + 1n },
      { ...base, limitPriceE18: 78n },
      { ...base, deadline: base.deadline + 1n },
      { ...base, nonce: base.nonce + 1n },
      { ...base, taker: chain.accounts[17] },
    ];
    const hashes = new Set<string>();
    for (const order of variants) {
      const onChain = await chain.publicClient.readContract({
        address: chain.deployment.contracts.exchange,
        abi: exchangeAbi,
        functionName: "hashOrder",
        args: [order],
      });
      expect(client.hashOrder({ order })).to.equal(onChain);
      hashes.add(onChain);
    }
    expect(hashes.size).to.equal(variants.length);
  });
});
