import { expect } from "chai";
import { localChain } from "../../test/chain.js";
import { isolated } from "../../test/accounts.js";
import { underwater } from "../../test/underwater.js";

describe("actions/risk/getLiquidationStatus (HTTP node)", () => {
  it("reports a healthy account, then the same account under maintenance after a rally", async () => {
    const chain = await localChain();
    await isolated(chain, async () => {
      const { victim, liquidator } = await underwater(chain, "status", 3_000n * 10n ** 18n);
      const healthy = await liquidator.getLiquidationStatus({ account: victim.address });
      expect([healthy.canStart, healthy.inAuction, healthy.auctionStart]).to.deep.equal([false, false, 0n]);
      expect(healthy.equityWad >= BigInt(healthy.maintenanceWad)).to.equal(true);
      const { pushPrice } = await import("../../test/accounts.js");
      await pushPrice(chain, "ETH", 4_000n * 10n ** 18n, (65n * 10n ** 18n) / 100n);
      const s = await victim.getLiquidationStatus();
      expect([s.account, s.canStart, s.insolvent]).to.deep.equal([victim.address, true, false]);
      expect(s.equityWad < BigInt(s.maintenanceWad)).to.equal(true);
      expect(s.params.maxDiscountWad >= s.params.startDiscountWad).to.equal(true);
    });
  });
});
