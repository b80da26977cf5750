import type { BaseContract, Signer } from "ethers";

/** An exchange order, field for field as `IExchange.Order`. */
export interface Order {
  maker: string;
  seriesId: bigint;
  isBuy: boolean;
  amount: bigint;
  /** Smallest fill, smallest remainder left and smallest nonzero position left to the maker (0n for none). */
  minFillAmount: bigint;
  limitPriceE18: bigint;
  deadline: bigint;
  nonce: bigint;
  taker: string;
}

/** EIP-712 types of `IExchange.Order` (domain "Optio Exchange", version "1"). */
export const ORDER_TYPES = {
  Order: [
    { name: "maker", type: "address" },
    { name: "seriesId", type: "uint256" },
    { name: "isBuy", type: "bool" },
    { name: "amount", type: "uint256" },
    { name: "minFillAmount", type: "uint256" },
    { name: "limitPriceE18", type: "uint256" },
    { name: "deadline", type: "uint64" },
    { name: "nonce", type: "uint256" },
    { name: "taker", type: "address" },
  ],
};

/** Signs `order` for `exchange` with the maker's key. */
export async function signOrder(signer: Signer, exchange: BaseContract, order: Order): Promise<string> {
  const { chainId } = await signer.provider!.getNetwork();
  const domain = { name: "Optio Exchange", version: "1", chainId, verifyingContract: await exchange.getAddress() };
  return await signer.signTypedData(domain, ORDER_TYPES, order);
}
