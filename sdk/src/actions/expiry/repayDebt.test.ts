import { expect } from "chai";
import { parseUnits } from "viem";
import { Settlement_NoDebtError, Vault_InsufficientBalanceError } from "../../errors/generated.js";
import { localChain } from "../../test/chain.js";
import { mint, rejection } from "../../test/fixtures.js";
import { isolated } from "../../test/accounts.js";
import { expiredCall } from "../../test/expiry.js";

describe("actions/expiry/repayDebt (HTTP node)", () => {
  it("repays a short's settlement debt from a fresh deposit; refuses without balance or without debt", async () => {
    const chain = await localChain();
    await isolated(chain, async () => {
      const { m, long, short, expiry } = await expiredCall(chain, "repay");
      await long.proveExpiryPrice({ underlyingId: 1n, expiry });
      const { outstanding } = await short.settle({ seriesId: m.callId });
      expect(outstanding > 0n).to.equal(true);
      const broke = await rejection(short.repayDebt({ seriesId: m.callId, amount: outstanding }));
      expect(broke).to.be.instanceOf(Vault_InsufficientBalanceError);
      const usdc = chain.deployment.extra.usdc;
      await mint(chain, usdc, short.address, parseUnits("1000", 6));
      await short.deposit({ token: usdc, amount: parseUnits("1000", 6) });
      const { repaid } = await short.repayDebt({ seriesId: m.callId, amount: parseUnits("1000", 6) });
      expect(repaid).to.equal(outstanding);
      expect((await short.getAccount()).debt.total).to.equal(0n);
      const none = await rejection(short.repayDebt({ seriesId: m.callId, amount: 1n }));
      expect(none).to.be.instanceOf(Settlement_NoDebtError);
    });
  });
});
