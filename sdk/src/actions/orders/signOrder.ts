import { BaseError } from "viem";
import type { OptioClientConfig } from "../../client.js";
import { exchangeDomain, type Order, orderTypes, type SignedOrder } from "../../types/order.js";
import { walletOf } from "../internal/write.js";

export type SignOrderParameters = { order: Order };

export type SignOrderReturnType = SignedOrder;

export type SignOrderErrorType = BaseError;

/** Signs `order` (EIP-712) with the wallet client's account, which must be the order's maker. */
export async function signOrder(
  client: OptioClientConfig,
  { order }: SignOrderParameters,
): Promise<SignOrderReturnType> {
  const { wallet, account } = walletOf(client);
  if (account.address.toLowerCase() !== order.maker.toLowerCase()) {
    throw new BaseError(`The order's maker is ${order.maker}, the wallet's account ${account.address}.`);
  }
  const signature = await wallet.signTypedData({
    account,
    domain: exchangeDomain(client.deployment.chainId, client.deployment.contracts.exchange),
    types: orderTypes,
    primaryType: "Order",
    message: order,
  });
  return { order, signature };
}
