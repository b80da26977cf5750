import type { Address, Hash, TransactionReceipt } from "viem";
import type { OptioClientConfig } from "../../client.js";
import { vaultAbi } from "../../abis/vault.js";
import type { DecodedOptioError } from "../../errors/decode.js";
import { simulateAndWrite } from "../internal/write.js";

export type SetOperatorParameters = {
  /** The account allowed (or no longer allowed) to act for the sender's vault account. */
  operator: Address;
  approved: boolean;
};

export type SetOperatorReturnType = { hash: Hash; receipt: TransactionReceipt };

export type SetOperatorErrorType = DecodedOptioError;

/** Approves or revokes a vault operator for the sender's account (it may withdraw, trade and cancel for it). */
export async function setOperator(
  client: OptioClientConfig,
  params: SetOperatorParameters,
): Promise<SetOperatorReturnType> {
  const { hash, receipt } = await simulateAndWrite(client, {
    address: client.deployment.contracts.vault,
    abi: vaultAbi,
    functionName: "setOperator",
    args: [params.operator, params.approved],
  });
  return { hash, receipt };
}
