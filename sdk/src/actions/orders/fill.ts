import { type Address, type Hash, parseEventLogs, type TransactionReceipt } from "viem";
import type { OptioClientConfig } from "../../client.js";
import { exchangeAbi } from "../../abis/exchange.js";
import type { DecodedOptioError } from "../../errors/decode.js";
import type { SignedOrder } from "../../types/order.js";
import { simulateAndWrite, walletOf } from "../internal/write.js";

export type FillParameters = SignedOrder & {
  /** WAD options to fill; the whole order by default. */
  amount?: bigint;
  /** The taker's vault account; the sender's own by default (else the sender must be its operator). */
  takerAccount?: Address;
};

export type FillReturnType = {
  hash: Hash;
  receipt: TransactionReceipt;
  /** The premium paid by the buyer to the seller (quote token units), from the `OrderFilled` event. */
  premium: bigint;
  /** The fee the taker paid (quote token units), from the `OrderFilled` event. */
  fee: bigint;
};

export type FillErrorType = DecodedOptioError;

/** Fills a signed order against the taker's account at the order's limit price. */
export async function fill(client: OptioClientConfig, params: FillParameters): Promise<FillReturnType> {
  const { account } = walletOf(client);
  const { hash, receipt } = await simulateAndWrite(client, {
    address: client.deployment.contracts.exchange,
    abi: exchangeAbi,
    functionName: "fill",
    args: [
      params.order,
      params.signature,
      params.amount ?? params.order.amount,
      params.takerAccount ?? account.address,
    ],
  });
  const [filled] = parseEventLogs({ abi: exchangeAbi, eventName: "OrderFilled", logs: receipt.logs });
  return { hash, receipt, premium: filled.args.premium, fee: filled.args.fee };
}
