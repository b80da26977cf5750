import type { Hash, TransactionReceipt } from "viem";
import type { OptioClientConfig } from "../../client.js";
import { exchangeAbi } from "../../abis/exchange.js";
import type { DecodedOptioError } from "../../errors/decode.js";
import type { Order } from "../../types/order.js";
import { simulateAndWrite } from "../internal/write.js";
import { hashOrder } from "./hashOrder.js";

export type CancelParameters = { order: Order };

export type CancelReturnType = { hash: Hash; receipt: TransactionReceipt; orderHash: Hash };

export type CancelErrorType = DecodedOptioError;

/** Cancels one order (its maker or the maker's vault operator only). */
export async function cancel(client: OptioClientConfig, { order }: CancelParameters): Promise<CancelReturnType> {
  const { hash, receipt } = await simulateAndWrite(client, {
    address: client.deployment.contracts.exchange,
    abi: exchangeAbi,
    functionName: "cancel",
    args: [order],
  });
  return { hash, receipt, orderHash: hashOrder(client, { order }) };
}
