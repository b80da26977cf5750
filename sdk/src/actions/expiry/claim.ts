import { type Address, type Hash, type TransactionReceipt } from "viem";
import type { OptioClientConfig } from "../../client.js";
import { settlementAbi } from "../../abis/settlement.js";
import type { DecodedOptioError } from "../../errors/decode.js";
import { simulateAndWrite, walletOf } from "../internal/write.js";

export type ClaimParameters = {
  seriesId: bigint;
  /** The long whose claim is paid; the sender's own by default (claiming is permissionless). */
  account?: Address;
};

export type ClaimReturnType = { hash: Hash; receipt: TransactionReceipt; paid: bigint };

export type ClaimErrorType = DecodedOptioError;

/** Pays as much of a settled long's unpaid claim as the series' pool now holds. */
export async function claim(client: OptioClientConfig, params: ClaimParameters): Promise<ClaimReturnType> {
  const account = params.account ?? walletOf(client).account.address;
  const { hash, receipt, result } = await simulateAndWrite(client, {
    address: client.deployment.contracts.settlement,
    abi: settlementAbi,
    functionName: "claim",
    args: [account, params.seriesId],
  });
  return { hash, receipt, paid: result };
}
