import { type Address, type Hash, parseEventLogs, type TransactionReceipt } from "viem";
import type { OptioClientConfig } from "../../client.js";
import { liquidationEngineAbi } from "../../abis/liquidationEngine.js";
import type { DecodedOptioError } from "../../errors/decode.js";
import { simulateAndWrite } from "../internal/write.js";

export type EndAuctionParameters = { account: Address };

export type EndAuctionReturnType = {
  hash: Hash;
  receipt: TransactionReceipt;
  /** True when the account was emptied (its remaining debts resolved), false when it is healthy again. */
  emptied: boolean;
};

export type EndAuctionErrorType = DecodedOptioError;

/** Ends the auction of an account that is healthy again or empty (permissionless). */
export async function endAuction(
  client: OptioClientConfig,
  params: EndAuctionParameters,
): Promise<EndAuctionReturnType> {
  const { hash, receipt } = await simulateAndWrite(client, {
    address: client.deployment.contracts.liquidationEngine,
    abi: liquidationEngineAbi,
    functionName: "endAuction",
    args: [params.account],
  });
  const [ended] = parseEventLogs({ abi: liquidationEngineAbi, eventName: "AuctionEnded", logs: receipt.logs });
  return { hash, receipt, emptied: ended?.args.emptied ?? false };
}
