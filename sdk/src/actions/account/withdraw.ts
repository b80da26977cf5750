import type { Address, Hash, TransactionReceipt } from "viem";
import type { OptioClientConfig } from "../../client.js";
import { vaultAbi } from "../../abis/vault.js";
import type { DecodedOptioError } from "../../errors/decode.js";
import { simulateAndWrite, walletOf } from "../internal/write.js";

export type WithdrawParameters = {
  /** The collateral token. */
  token: Address;
  /** Amount in token units. */
  amount: bigint;
  /** The vault account debited (the sender's own by default; else the sender must be its operator). */
  account?: Address;
  /** Who receives the tokens; the sender by default. */
  to?: Address;
};

export type WithdrawReturnType = { hash: Hash; receipt: TransactionReceipt };

export type WithdrawErrorType = DecodedOptioError;

/** Withdraws `amount` of `token` from a vault account; the margin hook must still pass afterwards. */
export async function withdraw(client: OptioClientConfig, params: WithdrawParameters): Promise<WithdrawReturnType> {
  const { account } = walletOf(client);
  const { hash, receipt } = await simulateAndWrite(client, {
    address: client.deployment.contracts.vault,
    abi: vaultAbi,
    functionName: "withdraw",
    args: [params.account ?? account.address, params.token, params.amount, params.to ?? account.address],
  });
  return { hash, receipt };
}
