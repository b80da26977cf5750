import { expect } from "chai";
import { parseUnits } from "viem";
import { marginEngineAbi } from "../../abis/marginEngine.js";
import type { FillEvent } from "./decodeOptioEvents.js";
import { localChain } from "../../test/chain.js";
import { market } from "../../test/fixtures.js";
import { collector, fundedClient, trade } from "../../test/accounts.js";

describe("actions/events/watchFills (HTTP node)", () => {
  it("delivers each new fill once, typed, until unwatched", async () => {
    const chain = await localChain();
    const m = await market(chain);
    const maker = await fundedClient(chain, "watchFills maker", parseUnits("20000", 6));
    const taker = await fundedClient(chain, "watchFills taker", parseUnits("20000", 6));
    const mark = await chain.publicClient.readContract({
      address: chain.deployment.contracts.margin,
      abi: marginEngineAbi,
      functionName: "markOf",
      args: [m.callId],
    });
    const seen = collector<FillEvent>();
    const unwatch = taker.watchFills({ onEvents: seen.onEvents, pollingInterval: 50 });
    try {
      const first = await trade(maker, taker, {
        seriesId: m.callId,
        isBuy: false,
        amount: 10n ** 18n,
        limitPriceE18: mark,
      });
      const second = await trade(maker, taker, {
        seriesId: m.callId,
        isBuy: true,
        amount: 10n ** 18n,
        limitPriceE18: mark,
      });
      const events = (await seen.next(2)).filter((e) => e.maker === maker.address);
      expect(events.map((e) => [e.transactionHash, e.makerIsBuy, e.premium])).to.deep.equal([
        [first.hash, false, first.premium],
        [second.hash, true, second.premium],
      ]);
    } finally {
      unwatch();
    }
  });
});
