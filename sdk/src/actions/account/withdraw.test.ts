import { expect } from "chai";
import { erc20Abi, parseUnits } from "viem";
import { vaultAbi } from "../../abis/vault.js";
import { Vault_InsufficientBalanceError, Vault_UnauthorizedError } from "../../errors/generated.js";
import { localChain } from "../../test/chain.js";
import { clientAt, fund, rejection } from "../../test/fixtures.js";

describe("actions/account/withdraw (HTTP node)", () => {
  it("moves tokens from the vault account to the wallet", async () => {
    const chain = await localChain();
    const client = await clientAt(chain, 13);
    const user = chain.accounts[13];
    const usdc = chain.deployment.extra.usdc;
    await fund(chain, user, parseUnits("500", 6));
    const walletBefore = await chain.publicClient.readContract({
      address: usdc,
      abi: erc20Abi,
      functionName: "balanceOf",
      args: [user],
    });
    const { receipt } = await client.withdraw({ token: usdc, amount: parseUnits("200", 6) });
    expect(receipt.status).to.equal("success");
    const walletAfter = await chain.publicClient.readContract({
      address: usdc,
      abi: erc20Abi,
      functionName: "balanceOf",
      args: [user],
    });
    expect(walletAfter - walletBefore).to.equal(parseUnits("200", 6));
    const inVault = await chain.publicClient.readContract({
      address: chain.deployment.contracts.vault,
      abi: vaultAbi,
      functionName: "balanceOf",
      args: [user, usdc],
    });
    expect(inVault).to.equal(parseUnits("300", 6));
  });

  it("throws Vault_InsufficientBalance with the balance and the amount asked", async () => {
    const chain = await localChain();
    const client = await clientAt(chain, 13);
    const usdc = chain.deployment.extra.usdc;
    const err = await rejection(client.withdraw({ token: usdc, amount: parseUnits("1000", 6) }));
    expect(err).to.be.instanceOf(Vault_InsufficientBalanceError);
    const { args } = err as Vault_InsufficientBalanceError;
    expect(args).to.deep.equal([chain.accounts[13], usdc, parseUnits("300", 6), parseUnits("1000", 6)]);
  });

  it("throws Vault_Unauthorized for another's account", async () => {
    const chain = await localChain();
    const client = await clientAt(chain, 12);
    const err = await rejection(
      client.withdraw({ token: chain.deployment.extra.usdc, amount: 1n, account: chain.accounts[13] }),
    );
    expect(err).to.be.instanceOf(Vault_UnauthorizedError);
    expect((err as Vault_UnauthorizedError).args).to.deep.equal([chain.accounts[13], chain.accounts[12]]);
  });
});
