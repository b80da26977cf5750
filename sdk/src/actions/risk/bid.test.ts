import { expect } from "chai";
import {
  Liquidation_NotInAuctionError,
  Liquidation_PriceLimitExceededError,
  Liquidation_SelfBidError,
} from "../../errors/generated.js";
import { bidPayment, liquidationStatus } from "../../math/liquidation.js";
import { collateralMarketValue } from "../../math/vault.js";
import { localChain } from "../../test/chain.js";
import { rejection } from "../../test/fixtures.js";
import { isolated } from "../../test/accounts.js";
import { underwater } from "../../test/underwater.js";

describe("actions/risk/bid (HTTP node)", () => {
  it("takes the largest fraction at the payment the mirror predicts; a limit one wei lower is refused", async () => {
    const chain = await localChain();
    await isolated(chain, async () => {
      const { victim, liquidator } = await underwater(chain, "bid");
      const notYet = await rejection(liquidator.bid({ account: victim.address, fractionWad: 1n, paymentLimit: 0n }));
      expect(notYet).to.be.instanceOf(Liquidation_NotInAuctionError);
      const { receipt } = await liquidator.startAuction({ account: victim.address });

      // The status the bid's block will see: mined 5 s after the auction started.
      const at = (await chain.publicClient.getBlock({ blockNumber: receipt.blockNumber })).timestamp + 5n;
      const status = await liquidator.getLiquidationStatus({ account: victim.address });
      const a = await victim.getAccount();
      // The victim holds the quote asset only (the vault's first collateral): its market value is its balance.
      expect(a.collaterals.slice(1).every((c) => c.balance === 0n)).to.equal(true);
      const predictedInput = {
        margin: a.margin!,
        debtWad: 0n,
        collateral: collateralMarketValue(a.collaterals[0].balance, 6, []),
        auctionStart: status.auctionStart,
        timestamp: at,
        underlyingsHealthy: true,
        params: status.params,
      };
      const predicted = liquidationStatus(predictedInput);
      const fraction = predicted.maxFractionWad;
      expect(fraction > 0n).to.equal(true);
      const { payment } = bidPayment(predicted, fraction, status.params, 6);

      await chain.testClient.setNextBlockTimestamp({ timestamp: at });
      await chain.testClient.mine({ blocks: 1 });
      const self = await rejection(
        victim.bid({ account: victim.address, fractionWad: fraction, paymentLimit: payment }),
      );
      expect(self).to.be.instanceOf(Liquidation_SelfBidError);
      const low = await rejection(
        liquidator.bid({ account: victim.address, fractionWad: fraction, paymentLimit: payment - 1n }),
      );
      expect(low).to.be.instanceOf(Liquidation_PriceLimitExceededError);
      expect((low as Liquidation_PriceLimitExceededError).args).to.deep.equal([payment, payment - 1n]);

      // Mined one second later, the discount has grown: the bidder pays what the mirror says for that second.
      const later = liquidationStatus({ ...predictedInput, timestamp: at + 1n });
      const expected = bidPayment(later, fraction, status.params, 6).payment;
      await chain.testClient.setNextBlockTimestamp({ timestamp: at + 1n });
      const done = await liquidator.bid({ account: victim.address, fractionWad: fraction, paymentLimit: payment });
      expect(done.payment).to.equal(expected);
      expect(done.discountWad).to.equal(later.discountWad);
      expect(done.socialised).to.equal(0n);
    });
  });
});
