import type { ContractFunctionParameters, MulticallReturnType } from "viem";
import type { OptioClientConfig } from "../../client.js";
import { decodeOptioError } from "../../errors/decode.js";

/**
 * Runs `contracts` as one `eth_call` at `blockNumber`: through the chain's Multicall3 when the public client's chain
 * declares one, else viem's deployless multicall (the aggregator's code sent with the call, so a chain without
 * Multicall3, such as a local Hardhat node, still answers in one round trip). Calls that revert come back as
 * `{ status: "failure" }`; anything else that fails throws as a decoded Optio error.
 */
export async function multicall<const contracts extends readonly ContractFunctionParameters[]>(
  client: OptioClientConfig,
  contracts: contracts,
  blockNumber: bigint,
): Promise<MulticallReturnType<contracts, true>> {
  if (contracts.length === 0) return [] as never;
  try {
    return (await client.publicClient.multicall({
      contracts: contracts as never,
      allowFailure: true,
      blockNumber,
      batchSize: 0,
      deployless: client.publicClient.chain?.contracts?.multicall3 === undefined,
    })) as never;
  } catch (err) {
    throw decodeOptioError(err);
  }
}

/** The value of a successful multicall result, or `fallback` for a reverted call. */
export function okOr<T, F>(
  r: { status: "success"; result: T } | { status: "failure"; error: Error },
  fallback: F,
): T | F {
  return r.status === "success" ? r.result : fallback;
}

/** The value of a successful multicall result; a reverted call throws its decoded Optio error. */
export function ok<T>(r: { status: "success"; result: T } | { status: "failure"; error: Error }): T {
  if (r.status === "success") return r.result;
  throw decodeOptioError(r.error);
}
