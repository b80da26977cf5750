import { expect } from "chai";
import { Settlement_NothingToClaimError } from "../../errors/generated.js";
import { settlementAbi } from "../../abis/settlement.js";
import { localChain } from "../../test/chain.js";
import { rejection } from "../../test/fixtures.js";
import { isolated } from "../../test/accounts.js";
import { expiredCall } from "../../test/expiry.js";

describe("actions/expiry/claim (HTTP node)", () => {
  it("pays a long its pro rata share of what the short later paid into the pool", async () => {
    const chain = await localChain();
    await isolated(chain, async () => {
      const { m, long, short, expiry } = await expiredCall(chain, "claim");
      await long.proveExpiryPrice({ underlyingId: 1n, expiry });
      const l = await long.settle({ seriesId: m.callId });
      const none = await rejection(short.claim({ seriesId: m.callId }));
      expect(none).to.be.instanceOf(Settlement_NothingToClaimError);
      expect((none as Settlement_NothingToClaimError).args).to.deep.equal([short.address, m.callId]);
      const s = await short.settle({ seriesId: m.callId });
      // Longs of the series share what its pool collected pro rata (other tests' longs of this call included).
      const claimable = await chain.publicClient.readContract({
        address: chain.deployment.contracts.settlement,
        abi: settlementAbi,
        functionName: "claimable",
        args: [long.address, m.callId],
      });
      expect(claimable > 0n && claimable <= s.paid).to.equal(true);
      const c = await short.claim({ seriesId: m.callId, account: long.address });
      expect(c.paid).to.equal(claimable);
      expect((await long.getAccount()).claims).to.deep.equal([{ seriesId: m.callId, amount: l.outstanding - c.paid }]);
    });
  });
});
