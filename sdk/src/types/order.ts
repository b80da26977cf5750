import type { Address, Hex } from "viem";

/** An exchange order, field for field as `IExchange.Order` (amounts WAD options, prices quote WAD per option). */
export type Order = {
  /** The account whose position and premium move. */
  maker: Address;
  /** The series traded. */
  seriesId: bigint;
  /** True to buy (go longer), false to sell. */
  isBuy: boolean;
  /** Largest total amount (WAD options) the order may fill. */
  amount: bigint;
  /**
   * Smallest fill, smallest remainder left and smallest nonzero position left to the maker (WAD options; 0n for
   * none): protects the maker's live-series slots from dust fills. A remainder below it fills only in full.
   */
  minFillAmount: bigint;
  /** Buy: highest premium per option; sell: lowest (quote WAD). */
  limitPriceE18: bigint;
  /** Last second (unix) the order may fill. */
  deadline: bigint;
  /** Uniqueness salt; orders with a nonce below the maker's floor are cancelled. */
  nonce: bigint;
  /** The only account allowed to fill it, or the zero address for anyone. */
  taker: Address;
};

/** An order with its maker's signature. */
export type SignedOrder = { order: Order; signature: Hex };

/**
 * The EIP-712 types of `Order`: the one source of the struct's typed-data layout. `Exchange.ORDER_TYPEHASH` is
 * checked against it by a test (`orders/typehash.test.ts`).
 */
export const orderTypes = {
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
} as const;

/** The exchange's EIP-712 domain name and version (its chain id and address complete the domain). */
export const EXCHANGE_EIP712 = { name: "Optio Exchange", version: "1" } as const;

/** The EIP-712 domain of the exchange at `verifyingContract` on `chainId`. */
export function exchangeDomain(chainId: number | bigint, verifyingContract: Address) {
  return { ...EXCHANGE_EIP712, chainId: Number(chainId), verifyingContract } as const;
}

/** `Order(address maker,uint256 seriesId,…)`: the EIP-712 type string whose keccak256 is `ORDER_TYPEHASH`. */
export const ORDER_TYPE_STRING = `Order(${orderTypes.Order.map((f) => `${f.type} ${f.name}`).join(",")})`;
