import { type Hash, type TransactionReceipt } from "viem";
import type { OptioClientConfig } from "../../client.js";
import { oracleRouterAbi } from "../../abis/oracleRouter.js";
import type { DecodedOptioError } from "../../errors/decode.js";
import { simulateAndWrite } from "../internal/write.js";
import { prepareExpiryPriceProof, type PrepareExpiryPriceProofParameters } from "./prepareExpiryPriceProof.js";

export type ProveExpiryPriceParameters = PrepareExpiryPriceProofParameters;

export type ProveExpiryPriceReturnType = {
  hash: Hash;
  receipt: TransactionReceipt;
  /** The stored expiry price (WAD). */
  priceE18: bigint;
  source: "primary" | "secondary";
  /** The round proven (the first at or after expiry) and, for the secondary, the primary's no-observation hint. */
  roundHint: bigint;
  primaryRoundHint?: bigint;
};

export type ProveExpiryPriceErrorType = DecodedOptioError;

/**
 * Proves and stores an underlying's expiry price, finding the round hint itself (see `prepareExpiryPriceProof`),
 * and sends the router call from the wallet client's account.
 */
export async function proveExpiryPrice(
  client: OptioClientConfig,
  params: ProveExpiryPriceParameters,
): Promise<ProveExpiryPriceReturnType> {
  const proof = await prepareExpiryPriceProof(client, params);
  if (proof.functionName === "setExpiryPrice") {
    const { hash, receipt, result } = await simulateAndWrite(client, {
      address: proof.address,
      abi: oracleRouterAbi,
      functionName: "setExpiryPrice",
      args: proof.args,
    });
    return { hash, receipt, priceE18: result, source: "primary", roundHint: proof.roundHint };
  }
  const { hash, receipt, result } = await simulateAndWrite(client, {
    address: proof.address,
    abi: oracleRouterAbi,
    functionName: "setExpiryPriceFromSecondary",
    args: proof.args,
  });
  return {
    hash,
    receipt,
    priceE18: result,
    source: "secondary",
    roundHint: proof.roundHint,
    primaryRoundHint: proof.primaryRoundHint,
  };
}
