/**
 * The liquidation mirror with settlement debt, against the engine on the local HTTP node: a short settled into debt
 * (no positions, no collateral) is under water and insolvent at market; its status before and during its auction,
 * the fund payment (deficit at market, the debt, plus discount × max(gross, maintenance)) included, equals the
 * engine's to the wei. The margin and collateral inputs are the chain's reads (`getAccount`).
 */
import { expect } from "chai";
import { liquidationStatus } from "./liquidation.js";
import { collateralMarketValue } from "./vault.js";
import { localChain } from "../test/chain.js";
import { isolated } from "../test/accounts.js";
import { expiredCall } from "../test/expiry.js";
import { statusTuple } from "../test/math/liquidation.js";

describe("sdk/math/liquidation: settlement debt bit-exact with the deployed LiquidationEngine (HTTP node)", () => {
  it("an account settled into debt: status before and during its auction, fund payment to the wei", async () => {
    const chain = await localChain();
    await isolated(chain, async () => {
      const { m, long, short, expiry } = await expiredCall(chain, "mirror debt");
      await long.proveExpiryPrice({ underlyingId: 1n, expiry });
      const { outstanding } = await short.settle({ seriesId: m.callId });
      expect(outstanding > 0n).to.equal(true);

      const compare = async (what: string) => {
        const a = await short.getAccount();
        const s = await long.getLiquidationStatus({ account: short.address, blockNumber: a.blockNumber });
        // The short holds the quote asset only (the vault's first collateral).
        expect(a.collaterals.slice(1).every((c) => c.balance === 0n)).to.equal(true);
        const status = liquidationStatus({
          margin: a.margin!,
          debtWad: a.debt.total * 10n ** 12n,
          collateral: collateralMarketValue(a.collaterals[0].balance, 6, []),
          auctionStart: s.auctionStart,
          timestamp: s.timestamp,
          underlyingsHealthy: true,
          params: s.params,
        });
        expect(statusTuple(status), what).to.deep.equal(statusTuple(s));
        return status;
      };

      const before = await compare("settled into debt");
      expect([before.insolvent, before.canStart]).to.deep.equal([true, true]);
      await long.startAuction({ account: short.address });
      await chain.testClient.increaseTime({ seconds: 37 });
      await chain.testClient.mine({ blocks: 1 });
      const during = await compare("in auction");
      expect(during.inAuction).to.equal(true);
      expect(during.fundPaymentWad >= outstanding * 10n ** 12n).to.equal(true);

      // A clock behind the auction's start (a node simulating with a clock that lags its latest block) reads as the
      // start, as the engine does: the starting discount, not a negative age.
      const a = await short.getAccount();
      const s = await long.getLiquidationStatus({ account: short.address, blockNumber: a.blockNumber });
      const at = (timestamp: bigint) =>
        liquidationStatus({
          margin: a.margin!,
          debtWad: a.debt.total * 10n ** 12n,
          collateral: collateralMarketValue(a.collaterals[0].balance, 6, []),
          auctionStart: s.auctionStart,
          timestamp,
          underlyingsHealthy: true,
          params: s.params,
        });
      const early = at(s.auctionStart - 5n);
      expect(early.discountWad).to.equal(s.params.startDiscountWad);
      expect(statusTuple(early)).to.deep.equal(statusTuple(at(s.auctionStart)));
      expect(early.discountWad < during.discountWad).to.equal(true);
    });
  });
});
