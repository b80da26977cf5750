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

export type MatchOrdersReturnType = { hash: Hash; receipt: TransactionReceipt; premium: bigint; fee: bigint };

export type MatchOrdersErrorType = DecodedOptioError;

/** Crosses two signed orders (matcher role only). */
export async function matchOrders(
  client: OptioClientConfig,
  params: MatchOrdersParameters,
): Promise<MatchOrdersReturnType> {
  const { hash, receipt, result } = await simulateAndWrite(client, {
    address: client.deployment.contracts.exchange,
    abi: exchangeAbi,
    functionName: "matchOrders",
    args: [params.maker.order, params.maker.signature, params.taker.order, params.taker.signature, params.amount],
  });
  const [filled] = parseEventLogs({ abi: exchangeAbi, eventName: "OrderFilled", logs: receipt.logs });
  return { hash, receipt, premium: result, fee: filled?.args.fee ?? 0n };
}
