import { expect } from "chai";
import { erc20Abi, parseUnits, toFunctionSelector } from "viem";
import { createOptioClient } from "../../client.js";
import { vaultAbi } from "../../abis/vault.js";
import {
  ERC20InsufficientBalanceError,
  optioErrorMessages,
  Vault_CollateralNotAcceptedError,
  Vault_ZeroAmountError,
} from "../../errors/generated.js";
import { localChain } from "../../test/chain.js";
import { market, mint, rejection, unlistedToken } from "../../test/fixtures.js";

describe("actions/account/deposit (HTTP node)", () => {
  it("approves the vault when the allowance is short, deposits, and credits the account", async () => {
    const chain = await localChain();
    const user = chain.accounts[10];
    const client = createOptioClient({
      publicClient: chain.publicClient,
      walletClient: chain.wallet(user),
      deployment: chain.deployment,
    });
    const usdc = chain.deployment.extra.usdc;
    const amount = parseUnits("1000", 6);
    await mint(chain, usdc, user, amount);
    const before = await chain.publicClient.readContract({
      address: chain.deployment.contracts.vault,
      abi: vaultAbi,
      functionName: "balanceOf",
      args: [user, usdc],
    });
    const result = await client.deposit({ token: usdc, amount });
    expect(result.allowance.kind).to.equal("approve");
    expect(result.receipt.status).to.equal("success");
    expect(result.credited).to.equal(amount);
    const after = await chain.publicClient.readContract({
      address: chain.deployment.contracts.vault,
      abi: vaultAbi,
      functionName: "balanceOf",
      args: [user, usdc],
    });
    expect(after - before).to.equal(amount);
    // The exact approval was used up: a second deposit approves again.
    const allowance = await chain.publicClient.readContract({
      address: usdc,
      abi: erc20Abi,
      functionName: "allowance",
      args: [user, chain.deployment.contracts.vault],
    });
    expect(allowance).to.equal(0n);
  });

  it("throws the typed vault error for a token the vault does not accept, before sending the deposit", async () => {
    const chain = await localChain();
    const user = chain.accounts[10];
    const client = createOptioClient({
      publicClient: chain.publicClient,
      walletClient: chain.wallet(user),
      deployment: chain.deployment,
    });
    const token = await unlistedToken(chain);
    await mint(chain, token, user, 5n);
    const err = await client.deposit({ token, amount: 5n }).then(
      () => expect.fail("deposit of an unlisted token succeeded"),
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(Vault_CollateralNotAcceptedError);
    const typed = err as Vault_CollateralNotAcceptedError;
    expect(typed.errorName).to.equal("Vault_CollateralNotAccepted");
    expect(typed.args).to.deep.equal([token]);
    expect(typed.shortMessage).to.equal(optioErrorMessages.Vault_CollateralNotAccepted);
  });

  it("signs an EIP-2612 permit instead of approving when the token supports one", async () => {
    const chain = await localChain();
    const { permitToken } = await market(chain);
    const user = chain.accounts[11];
    const client = createOptioClient({
      publicClient: chain.publicClient,
      walletClient: chain.wallet(user),
      deployment: chain.deployment,
    });
    await mint(chain, permitToken, user, 10n ** 18n);
    const result = await client.deposit({ token: permitToken, amount: 10n ** 18n });
    expect(result.allowance.kind).to.equal("permit");
    expect(result.credited).to.equal(10n ** 18n);
    const permitTx = await chain.publicClient.getTransaction({
      hash: (result.allowance as { hash: `0x${string}` }).hash,
    });
    expect(permitTx.to?.toLowerCase()).to.equal(permitToken.toLowerCase());
    expect(permitTx.input.slice(0, 10)).to.equal(
      toFunctionSelector("permit(address,address,uint256,uint256,uint8,bytes32,bytes32)"),
    );
    const inVault = await chain.publicClient.readContract({
      address: chain.deployment.contracts.vault,
      abi: vaultAbi,
      functionName: "balanceOf",
      args: [user, permitToken],
    });
    expect(inVault).to.equal(10n ** 18n);
  });

  it('refuses allowance: "permit" for a token without permits', async () => {
    const chain = await localChain();
    const client = createOptioClient({
      publicClient: chain.publicClient,
      walletClient: chain.wallet(chain.accounts[11]),
      deployment: chain.deployment,
    });
    const err = await rejection(
      client.deposit({ token: chain.deployment.extra.usdc, amount: 1n, allowance: "permit" }),
    );
    expect((err as Error).message).to.match(/does not support EIP-2612 permits/);
  });

  it("throws Vault_ZeroAmount for a zero deposit and the token's ERC20InsufficientBalance beyond the wallet", async () => {
    const chain = await localChain();
    const user = chain.accounts[10];
    const client = createOptioClient({
      publicClient: chain.publicClient,
      walletClient: chain.wallet(user),
      deployment: chain.deployment,
    });
    const usdc = chain.deployment.extra.usdc;
    expect(await rejection(client.deposit({ token: usdc, amount: 0n }))).to.be.instanceOf(Vault_ZeroAmountError);
    const balance = await chain.publicClient.readContract({
      address: usdc,
      abi: erc20Abi,
      functionName: "balanceOf",
      args: [user],
    });
    const err = await rejection(client.deposit({ token: usdc, amount: balance + 1n }));
    expect(err).to.be.instanceOf(ERC20InsufficientBalanceError);
    expect((err as ERC20InsufficientBalanceError).args).to.deep.equal([user, balance, balance + 1n]);
  });
});
