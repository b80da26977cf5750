import { type Address, type Hash, parseEventLogs, type TransactionReceipt } from "viem";
import type { OptioClientConfig } from "../../client.js";
import { liquidationEngineAbi } from "../../abis/liquidationEngine.js";
import type { DecodedOptioError } from "../../errors/decode.js";
import { simulateAndWrite } from "../internal/write.js";

export type StartAuctionParameters = {
  /** The account under maintenance margin. */
  account: Address;
};

export type StartAuctionReturnType = {
  hash: Hash;
  receipt: TransactionReceipt;
  /** The flag reward paid to the sender's vault account (quote units), from `AuctionStarted`. */
  reward: bigint;
  /** Whether the account was insolvent (equity < 0) when flagged. */
  insolvent: boolean;
};

export type StartAuctionErrorType = DecodedOptioError;

/** Flags an account under maintenance margin and starts its auction (permissionless; the sender earns the reward). */
export async function startAuction(
  client: OptioClientConfig,
  params: StartAuctionParameters,
): Promise<StartAuctionReturnType> {
  const { hash, receipt } = await simulateAndWrite(client, {
    address: client.deployment.contracts.liquidationEngine,
    abi: liquidationEngineAbi,
    functionName: "startAuction",
    args: [params.account],
  });
  const [started] = parseEventLogs({ abi: liquidationEngineAbi, eventName: "AuctionStarted", logs: receipt.logs });
  return { hash, receipt, reward: started?.args.reward ?? 0n, insolvent: started?.args.insolvent ?? false };
}
