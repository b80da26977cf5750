import { type Address, type Hash, parseEventLogs, type TransactionReceipt } from "viem";
import type { OptioClientConfig } from "../../client.js";
import { liquidationEngineAbi } from "../../abis/liquidationEngine.js";
import type { DecodedOptioError } from "../../errors/decode.js";
import { simulateAndWrite, walletOf } from "../internal/write.js";

export type BidParameters = {
  /** The account in auction. */
  account: Address;
  /** WAD fraction of the account's positions and collateral taken (1e18 in an insolvent auction). */
  fractionWad: bigint;
  /**
   * The price limit: the largest signed payment accepted (quote units; > 0 the bidder pays, < 0 the fund pays the
   * bidder). The bid reverts with `Liquidation_PriceLimitExceeded` above it.
   */
  paymentLimit: bigint;
  /** The vault account that takes the positions and pays; the sender's own by default. */
  bidderAccount?: Address;
};

export type BidReturnType = {
  hash: Hash;
  receipt: TransactionReceipt;
  /** The signed payment (quote units) of the mined bid, from `AuctionBid` (the simulation's may differ by a second's discount). */
  payment: bigint;
  /** The discount applied and any loss socialised because the fund could not pay, from `AuctionBid`. */
  discountWad: bigint;
  socialised: bigint;
  /** Whether the bid ended the auction. */
  ended: boolean;
};

export type BidErrorType = DecodedOptioError;

/** Bids on an account in auction for a fraction of it, within a payment limit. */
export async function bid(client: OptioClientConfig, params: BidParameters): Promise<BidReturnType> {
  const { account } = walletOf(client);
  const { hash, receipt } = await simulateAndWrite(client, {
    address: client.deployment.contracts.liquidationEngine,
    abi: liquidationEngineAbi,
    functionName: "bid",
    args: [params.account, params.bidderAccount ?? account.address, params.fractionWad, params.paymentLimit],
  });
  const logs = parseEventLogs({ abi: liquidationEngineAbi, logs: receipt.logs });
  const bidLog = logs.find((l) => l.eventName === "AuctionBid");
  const ended = logs.some((l) => l.eventName === "AuctionEnded");
  const args = bidLog?.eventName === "AuctionBid" ? bidLog.args : undefined;
  return {
    hash,
    receipt,
    payment: args?.payment ?? 0n,
    discountWad: args?.discountWad ?? 0n,
    socialised: args?.socialised ?? 0n,
    ended,
  };
}
