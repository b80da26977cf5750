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
  const deployless = client.publicClient.chain?.contracts?.multicall3 === undefined;
  try {
    return (await aggregate(client, contracts, blockNumber, deployless)) as never;
  } catch (err) {
    throw decodeOptioError(err);
  }
}

/**
 * One `aggregate3` call; a deployless one that outgrows a node's limits on contract creation (its calls are the
 * creation code, its results come back as the created code) is split in halves, sent together, until each fits.
 */
async function aggregate(
  client: OptioClientConfig,
  contracts: readonly ContractFunctionParameters[],
  blockNumber: bigint,
  deployless: boolean,
): Promise<unknown[]> {
  let results: { status: "success" | "failure"; error?: unknown }[];
  let failure: unknown;
  try {
    results = (await client.publicClient.multicall({
      contracts: contracts as never,
      allowFailure: true,
      blockNumber,
      batchSize: 0,
      deployless,
    })) as typeof results;
    // viem reports a failed aggregate call as every one of its calls failing with the same error.
    if (results.every((r) => r.status === "failure")) failure = results[0].error;
  } catch (err) {
    results = [];
    failure = err;
  }
  const tooLarge = deployless && contracts.length > 1 && failure !== undefined && TOO_LARGE.test(messageOf(failure));
  if (!tooLarge) {
    if (results.length === 0) throw failure;
    return results;
  }
  const half = Math.ceil(contracts.length / 2);
  const [a, b] = await Promise.all([
    aggregate(client, contracts.slice(0, half), blockNumber, deployless),
    aggregate(client, contracts.slice(half), blockNumber, deployless),
  ]);
  return [...a, ...b];
}

/**
 * How Hardhat's EDR, anvil and geth word a deployless call over a size limit: its creation code (the calls, EIP-3860's
 * 48 KB) or the code it returns (the results, EIP-170's 24 KB).
 */
const TOO_LARGE =
  /code is too large|initcode size limit|CreateContractSizeLimit|CreateInitCodeSizeLimit|max code size exceeded|max initcode size exceeded|contract size limit/i;

function messageOf(err: unknown): string {
  const parts: string[] = [];
  for (let e = err as { message?: string; details?: string; cause?: unknown } | undefined; e; e = e.cause as never) {
    parts.push(String(e.message ?? ""), String(e.details ?? ""));
    if (parts.length > 20) break;
  }
  return parts.join("\n");
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
