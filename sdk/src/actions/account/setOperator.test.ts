import { expect } from "chai";
import { parseUnits } from "viem";
import { vaultAbi } from "../../abis/vault.js";
import { Vault_UnauthorizedError } from "../../errors/generated.js";
import { localChain } from "../../test/chain.js";
import { clientAt, fund, rejection } from "../../test/fixtures.js";

describe("actions/account/setOperator (HTTP node)", () => {
  it("lets an approved operator withdraw for the owner, and no longer once revoked", async () => {
    const chain = await localChain();
    const owner = await clientAt(chain, 14);
    const operator = await clientAt(chain, 15);
    const [ownerAddress, operatorAddress] = [chain.accounts[14], chain.accounts[15]];
    const usdc = chain.deployment.extra.usdc;
    await fund(chain, ownerAddress, parseUnits("100", 6));

    await owner.setOperator({ operator: operatorAddress, approved: true });
    const approved = await chain.publicClient.readContract({
      address: chain.deployment.contracts.vault,
      abi: vaultAbi,
      functionName: "isOperator",
      args: [ownerAddress, operatorAddress],
    });
    expect(approved).to.equal(true);
    await operator.withdraw({ token: usdc, amount: parseUnits("10", 6), account: ownerAddress });

    await owner.setOperator({ operator: operatorAddress, approved: false });
    const err = await rejection(operator.withdraw({ token: usdc, amount: 1n, account: ownerAddress }));
    expect(err).to.be.instanceOf(Vault_UnauthorizedError);
    expect((err as Vault_UnauthorizedError).args).to.deep.equal([ownerAddress, operatorAddress]);
  });
});
