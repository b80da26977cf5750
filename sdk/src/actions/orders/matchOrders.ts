import { type Hash, parseEventLogs, type TransactionReceipt } from "viem";
import type { OptioClientConfig } from "../../client.js";
import { exchangeAbi } from "../../abis/exchange.js";
import type { DecodedOptioError } from "../../errors/decode.js";
import type { SignedOrder } from "../../types/order.js";
import { simulateAndWrite } from "../internal/write.js";

export type MatchOrdersParameters = {
  /** The resting order; the match happens at its limit price. */
  maker: SignedOrder;
  /** The crossing order; its account pays the fee. */
  taker: SignedOrder;
  /** WAD options. */
  amount: bigint;
};

export type MatchOrdersReturnType = {
  hash: Hash;
  receipt: TransactionReceipt;
  /** The premium paid by the buyer to the seller (quote token units), from the receipt. */
  premium: bigint;
  /** The fee the taker order's account paid (quote token units), from the receipt. */
  fee: bigint;
};

export type MatchOrdersErrorType = DecodedOptioError;

/** Crosses two signed orders (matcher role only). */
export async function matchOrders(
  client: OptioClientConfig,
  params: MatchOrdersParameters,
): Promise<MatchOrdersReturnType> {
  const { hash, receipt } = await simulateAndWrite(client, {
    address: client.deployment.contracts.exchange,
    abi: exchangeAbi,
    functionName: "matchOrders",
    args: [params.maker.order, params.maker.signature, params.taker.order, params.taker.signature, params.amount],
  });
  // One OrderFilled per order; the fee is reported on the maker order's (the first).
  const [makerFill] = parseEventLogs({ abi: exchangeAbi, eventName: "OrderFilled", logs: receipt.logs });
  return { hash, receipt, premium: makerFill.args.premium, fee: makerFill.args.fee };
}
