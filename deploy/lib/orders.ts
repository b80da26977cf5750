import type { BaseContract, Signer } from "ethers";
import { EXCHANGE_EIP712, orderTypes, type Order as SdkOrder } from "@optio/sdk";

/** The SDK's `Order` with addresses as ethers' plain strings. */
export type Order = { [K in keyof SdkOrder]: SdkOrder[K] extends `0x${string}` ? string : SdkOrder[K] };

/** Signs `order` for `exchange` with an ethers signer, using the SDK's EIP-712 domain and `Order` type. */
export async function signOrder(signer: Signer, exchange: BaseContract, order: Order): Promise<string> {
  const { chainId } = await signer.provider!.getNetwork();
  const domain = { ...EXCHANGE_EIP712, chainId, verifyingContract: await exchange.getAddress() };
  return await signer.signTypedData(domain, { Order: [...orderTypes.Order] }, order);
}
