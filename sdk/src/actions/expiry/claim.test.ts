import { expect } from "chai";
import { Settlement_NothingToClaimError } from "../../errors/generated.js";
import { localChain } from "../../test/chain.js";
import { rejection } from "../../test/fixtures.js";
import { isolated } from "../../test/accounts.js";
import { expiredCall } from "../../test/expiry.js";

describe("actions/expiry/claim (HTTP node)", () => {
  it("pays a long's claim from what the short later paid into the pool", async () => {
    const chain = await localChain();
    await isolated(chain, async () => {
      const { m, long, short, expiry } = await expiredCall(chain, "claim");
      await long.proveExpiryPrice({ underlyingId: 1n, expiry });
      const l = await long.settle({ seriesId: m.callId });
      const none = await rejection(short.claim({ seriesId: m.callId }));
      expect(none).to.be.instanceOf(Settlement_NothingToClaimError);
      expect((none as Settlement_NothingToClaimError).args).to.deep.equal([short.address, m.callId]);
      const s = await short.settle({ seriesId: m.callId });
      const c = await short.claim({ seriesId: m.callId, account: long.address });
      expect(c.paid).to.equal(s.paid);
      expect((await long.getAccount()).claims).to.deep.equal([{ seriesId: m.callId, amount: l.outstanding - s.paid }]);
    });
  });
});
