import { expect } from "chai";
import { Liquidation_AccountHealthyError, Liquidation_AlreadyInAuctionError } from "../../errors/generated.js";
import { flagReward } from "../../math/liquidation.js";
import { localChain } from "../../test/chain.js";
import { rejection } from "../../test/fixtures.js";
import { isolated } from "../../test/accounts.js";
import { underwater } from "../../test/underwater.js";

describe("actions/risk/startAuction (HTTP node)", () => {
  it("flags an account under maintenance for the mirror's reward; refuses healthy and already-flagged accounts", async () => {
    const chain = await localChain();
    await isolated(chain, async () => {
      const { victim, buyer, liquidator } = await underwater(chain, "start");
      const healthy = await rejection(liquidator.startAuction({ account: buyer.address }));
      expect(healthy).to.be.instanceOf(Liquidation_AccountHealthyError);
      expect((healthy as Liquidation_AccountHealthyError).args[0]).to.equal(buyer.address);

      const before = await victim.getAccount();
      const s = await liquidator.getLiquidationStatus({ account: victim.address });
      const usdc = before.collaterals.find((c) => c.token === chain.deployment.extra.usdc)!.balance;
      const started = await liquidator.startAuction({ account: victim.address });
      expect(started.reward).to.equal(flagReward(s.params, s.maintenanceWad, usdc, 6));
      expect(started.insolvent).to.equal(false);
      const again = await rejection(liquidator.startAuction({ account: victim.address }));
      expect(again).to.be.instanceOf(Liquidation_AlreadyInAuctionError);
      expect((await victim.getLiquidationStatus()).inAuction).to.equal(true);
    });
  });
});
