import { expect } from "chai";
import type { AuctionEndedEvent, AuctionStartedEvent, BidEvent } from "./decodeOptioEvents.js";
import { localChain } from "../../test/chain.js";
import { collector, isolated, pushPrice } from "../../test/accounts.js";
import { underwater, WAD } from "../../test/underwater.js";

describe("actions/events/watchAuctions and watchBids (HTTP node)", () => {
  it("delivers an auction's start, its bid and its end", async () => {
    const chain = await localChain();
    await isolated(chain, async () => {
      const { victim, liquidator } = await underwater(chain, "watchAuctions");
      const auctions = collector<AuctionStartedEvent | AuctionEndedEvent>();
      const bids = collector<BidEvent>();
      const stop = [
        liquidator.watchAuctions({ onEvents: auctions.onEvents, pollingInterval: 50 }),
        liquidator.watchBids({ onEvents: bids.onEvents, pollingInterval: 50 }),
      ];
      try {
        const started = await liquidator.startAuction({ account: victim.address });
        const s = await liquidator.getLiquidationStatus({ account: victim.address });
        const bid = await liquidator.bid({
          account: victim.address,
          fractionWad: s.maxFractionWad / 2n,
          paymentLimit: 10n ** 30n,
        });
        await pushPrice(chain, "ETH", 2_800n * WAD, (65n * WAD) / 100n);
        const status = await victim.getLiquidationStatus();
        if (status.inAuction) await liquidator.endAuction({ account: victim.address });
        const a = await auctions.next(2);
        expect(a[0]).to.deep.include({
          type: "auctionStarted",
          account: victim.address,
          flagger: liquidator.address,
          reward: started.reward,
        });
        expect(a[1]).to.deep.include({ type: "auctionEnded", account: victim.address, emptied: false });
        const [b] = await bids.next(1);
        expect(b).to.deep.include({
          type: "bid",
          account: victim.address,
          bidder: liquidator.address,
          fractionWad: s.maxFractionWad / 2n,
          payment: bid.payment,
        });
      } finally {
        for (const f of stop) f();
      }
    });
  });
});
