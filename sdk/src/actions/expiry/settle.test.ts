import { expect } from "chai";
import { settlementAbi } from "../../abis/settlement.js";
import { Settlement_NoPositionError, Settlement_PriceNotSetError } from "../../errors/generated.js";
import { localChain } from "../../test/chain.js";
import { rejection } from "../../test/fixtures.js";
import { isolated } from "../../test/accounts.js";
import { expiredCall } from "../../test/expiry.js";

describe("actions/expiry/settle (HTTP node)", () => {
  it("settles the long (a claim, the pool being empty) and the short (paid, the rest a debt)", async () => {
    const chain = await localChain();
    await isolated(chain, async () => {
      const { m, long, short, expiry } = await expiredCall(chain, "settle");
      const early = await rejection(long.settle({ seriesId: m.callId }));
      expect(early).to.be.instanceOf(Settlement_PriceNotSetError);
      expect((early as Settlement_PriceNotSetError).args).to.deep.equal([m.callId, expiry]);
      await long.proveExpiryPrice({ underlyingId: 1n, expiry });

      const owed = await chain.publicClient.readContract({
        address: chain.deployment.contracts.settlement,
        abi: settlementAbi,
        functionName: "settlementAmount",
        args: [m.callId, 10n ** 18n],
      });
      expect(owed).to.equal(1_500n * 10n ** 6n);
      const l = await long.settle({ seriesId: m.callId });
      expect([l.paid, l.outstanding]).to.deep.equal([0n, owed]);
      const before = (await short.getAccount()).collaterals.find((c) => c.token === chain.deployment.extra.usdc)!;
      // Anyone may settle anyone: the long settles the short.
      const s = await long.settle({ seriesId: m.callId, account: short.address });
      expect(s.paid).to.equal(before.balance);
      expect(s.outstanding).to.equal(owed - before.balance);
      const again = await rejection(short.settle({ seriesId: m.callId }));
      expect(again).to.be.instanceOf(Settlement_NoPositionError);

      const a = await short.getAccount();
      expect(a.debt).to.deep.equal({ total: s.outstanding, bySeries: [{ seriesId: m.callId, amount: s.outstanding }] });
      expect((await long.getAccount()).claims).to.deep.equal([{ seriesId: m.callId, amount: owed }]);
    });
  });
});
