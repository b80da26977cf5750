import { type Address, BaseError, zeroAddress } from "viem";
import type { OptioClientConfig } from "../../client.js";
import type { Order } from "../../types/order.js";
import { walletOf } from "../internal/write.js";

export type BuildOrderParameters = {
  seriesId: bigint;
  isBuy: boolean;
  /** WAD options. */
  amount: bigint;
  /** Quote WAD per option: the highest premium a buy pays, the lowest a sell takes. */
  limitPriceE18: bigint;
  /**
   * Smallest fill, smallest remainder and smallest nonzero position the order may leave the maker (WAD options);
   * default 0n (no minimum). Makers quoting many series set it so dust fills cannot take their live-series slots.
   */
  minFillAmount?: bigint;
  /** The maker; the wallet client's account by default. */
  maker?: Address;
  /** Last second the order may fill; default `ttl` seconds after the latest block. */
  deadline?: bigint;
  /** Seconds from the latest block when `deadline` is not given (default 1 day). */
  ttl?: bigint;
  /** Default: a random 64-bit nonce (pass increasing nonces to cancel old orders with `raiseNonceFloor`). */
  nonce?: bigint;
  /** The only account allowed to fill it; anyone by default. */
  taker?: Address;
};

export type BuildOrderReturnType = Order;

export type BuildOrderErrorType = BaseError;

/** Builds an `Order` with defaults: the wallet's account as maker, a deadline a day ahead, a fresh nonce. */
export async function buildOrder(
  client: OptioClientConfig,
  params: BuildOrderParameters,
): Promise<BuildOrderReturnType> {
  if (params.amount <= 0n) throw new BaseError("An order's amount must be positive.");
  const maker = params.maker ?? walletOf(client).account.address;
  const deadline = params.deadline ?? (await client.publicClient.getBlock()).timestamp + (params.ttl ?? 86_400n);
  return {
    maker,
    seriesId: params.seriesId,
    isBuy: params.isBuy,
    amount: params.amount,
    minFillAmount: params.minFillAmount ?? 0n,
    limitPriceE18: params.limitPriceE18,
    deadline,
    nonce: params.nonce ?? randomNonce(),
    taker: params.taker ?? zeroAddress,
  };
}

function randomNonce(): bigint {
  const words = crypto.getRandomValues(new Uint32Array(2));
  return (BigInt(words[0]) << 32n) | BigInt(words[1]);
}
