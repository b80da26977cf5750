import { type Hash, hashTypedData } from "viem";
import type { OptioClientConfig } from "../../client.js";
import { exchangeDomain, type Order, orderTypes } from "../../types/order.js";

export type HashOrderParameters = { order: Order };

export type HashOrderReturnType = Hash;

export type HashOrderErrorType = Error;

/** The EIP-712 hash of `order` on this deployment's exchange, computed locally (equal to `Exchange.hashOrder`). */
export function hashOrder(client: OptioClientConfig, { order }: HashOrderParameters): HashOrderReturnType {
  return hashTypedData({
    domain: exchangeDomain(client.deployment.chainId, client.deployment.contracts.exchange),
    types: orderTypes,
    primaryType: "Order",
    message: order,
  });
}
