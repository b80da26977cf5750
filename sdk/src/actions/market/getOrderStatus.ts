import type { Hash } from "viem";
import type { OptioClientConfig } from "../../client.js";
import { exchangeAbi } from "../../abis/exchange.js";
import type { DecodedOptioError } from "../../errors/decode.js";
import type { Order } from "../../types/order.js";
import { hashOrder } from "../orders/hashOrder.js";
import { multicall, ok } from "../internal/multicall.js";

export type GetOrderStatusParameters = { order: Order; blockNumber?: bigint };

export type GetOrderStatusReturnType = {
  orderHash: Hash;
  /** WAD options filled so far, and what remains. */
  filled: bigint;
  remaining: bigint;
  /** Cancelled one by one (`cancel`). */
  cancelled: boolean;
  /** The maker's nonce floor; an order below it is cancelled too. */
  nonceFloor: bigint;
  belowNonceFloor: boolean;
  /** Past its deadline at the block read. */
  expired: boolean;
  /** Whether any amount can still fill (not cancelled, not below the floor, not expired, something remains). */
  fillable: boolean;
};

export type GetOrderStatusErrorType = DecodedOptioError;

/** An order's fill state, cancellation and its maker's nonce floor, in two RPC requests. */
export async function getOrderStatus(
  client: OptioClientConfig,
  { order, blockNumber }: GetOrderStatusParameters,
): Promise<GetOrderStatusReturnType> {
  const block = await client.publicClient.getBlock(blockNumber === undefined ? {} : { blockNumber });
  const orderHash = hashOrder(client, { order });
  const exchange = client.deployment.contracts.exchange;
  const [f, c, n] = await multicall(
    client,
    [
      { address: exchange, abi: exchangeAbi, functionName: "filled", args: [orderHash] },
      { address: exchange, abi: exchangeAbi, functionName: "cancelled", args: [orderHash] },
      { address: exchange, abi: exchangeAbi, functionName: "nonceFloor", args: [order.maker] },
    ],
    block.number,
  );
  const filled = ok(f);
  const cancelled = ok(c);
  const nonceFloor = ok(n);
  const remaining = order.amount > filled ? order.amount - filled : 0n;
  const belowNonceFloor = order.nonce < nonceFloor;
  const expired = block.timestamp > order.deadline;
  return {
    orderHash,
    filled,
    remaining,
    cancelled,
    nonceFloor,
    belowNonceFloor,
    expired,
    fillable: !cancelled && !belowNonceFloor && !expired && remaining > 0n,
  };
}
