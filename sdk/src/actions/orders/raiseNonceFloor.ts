import type { Address, Hash, TransactionReceipt } from "viem";
import type { OptioClientConfig } from "../../client.js";
import { exchangeAbi } from "../../abis/exchange.js";
import type { DecodedOptioError } from "../../errors/decode.js";
import { simulateAndWrite, walletOf } from "../internal/write.js";

export type RaiseNonceFloorParameters = {
  /** Every order of the maker with a nonce below this is cancelled; the floor only rises. */
  nonceFloor: bigint;
  /** The maker; the sender by default (else the sender must be its vault operator). */
  maker?: Address;
};

export type RaiseNonceFloorReturnType = { hash: Hash; receipt: TransactionReceipt };

export type RaiseNonceFloorErrorType = DecodedOptioError;

/** Cancels every order of the maker whose nonce is below `nonceFloor`. */
export async function raiseNonceFloor(
  client: OptioClientConfig,
  params: RaiseNonceFloorParameters,
): Promise<RaiseNonceFloorReturnType> {
  const maker = params.maker ?? walletOf(client).account.address;
  const { hash, receipt } = await simulateAndWrite(client, {
    address: client.deployment.contracts.exchange,
    abi: exchangeAbi,
    functionName: "raiseNonceFloor",
    args: [maker, params.nonceFloor],
  });
  return { hash, receipt };
}
