import { expect } from "chai";
import { Liquidation_NotInAuctionError, Liquidation_StillUnderwaterError } from "../../errors/generated.js";
import { localChain } from "../../test/chain.js";
import { rejection } from "../../test/fixtures.js";
import { isolated, pushPrice } from "../../test/accounts.js";
import { underwater, WAD } from "../../test/underwater.js";

describe("actions/risk/endAuction (HTTP node)", () => {
  it("refuses while the account is underwater, ends the auction once the price falls back", async () => {
    const chain = await localChain();
    await isolated(chain, async () => {
      const { victim, liquidator } = await underwater(chain, "end");
      const none = await rejection(liquidator.endAuction({ account: victim.address }));
      expect(none).to.be.instanceOf(Liquidation_NotInAuctionError);
      await liquidator.startAuction({ account: victim.address });
      const still = await rejection(liquidator.endAuction({ account: victim.address }));
      expect(still).to.be.instanceOf(Liquidation_StillUnderwaterError);
      expect((still as Liquidation_StillUnderwaterError).args[0]).to.equal(victim.address);
      await pushPrice(chain, "ETH", 2_800n * WAD, (65n * WAD) / 100n);
      const ended = await liquidator.endAuction({ account: victim.address });
      expect(ended.emptied).to.equal(false);
      expect((await victim.getLiquidationStatus()).inAuction).to.equal(false);
    });
  });
});
