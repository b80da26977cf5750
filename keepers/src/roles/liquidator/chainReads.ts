import type { Address, ContractFunctionParameters, PublicClient } from "viem";
import { liquidationEngineAbi, positionBookAbi, vaultAbi, type Deployment, type LiquidationStatus } from "@optio/sdk";

/**
 * Calls per `eth_call` in a batched read. A node caps one `eth_call`'s gas (anvil: the block gas limit, 30M; geth:
 * 50M), and a status of a 16-position account prices 16 options: 20 statuses stay well under any cap.
 */
export const STATUS_BATCH = 20;
export const CHEAP_BATCH = 200;

/**
 * Runs `contracts` as batched `eth_call`s at `blockNumber` through viem's deployless multicall (no Multicall3 needed
 * on the chain), `batch` calls per request. A reverted call comes back as `undefined`.
 */
export async function batchRead<T>(
  read: PublicClient,
  contracts: readonly ContractFunctionParameters[],
  blockNumber: bigint,
  batch = CHEAP_BATCH,
): Promise<(T | undefined)[]> {
  const out: (T | undefined)[] = [];
  for (let i = 0; i < contracts.length; i += batch) {
    const results = await read.multicall({
      contracts: contracts.slice(i, i + batch) as ContractFunctionParameters[],
      allowFailure: true,
      blockNumber,
      batchSize: 0,
      deployless: read.chain?.contracts?.multicall3 === undefined,
    });
    for (const r of results) out.push(r.status === "success" ? (r.result as T) : undefined);
  }
  return out;
}

/** The chain's own `liquidationStatus` of each account at `blockNumber` (one batched read): what acting relies on. */
export async function chainStatuses(
  read: PublicClient,
  deployment: Deployment,
  accounts: readonly Address[],
  blockNumber: bigint,
): Promise<Map<Address, LiquidationStatus>> {
  const engine = deployment.contracts.liquidationEngine;
  const results = await batchRead<LiquidationStatus>(
    read,
    accounts.map((account) => ({
      address: engine,
      abi: liquidationEngineAbi,
      functionName: "liquidationStatus",
      args: [account],
    })),
    blockNumber,
    STATUS_BATCH,
  );
  const out = new Map<Address, LiquidationStatus>();
  accounts.forEach((account, i) => {
    const s = results[i];
    if (s !== undefined) out.set(account, s);
  });
  return out;
}

/** Each account's live series (ids with a nonzero position), one batched read. */
export async function liveSeries(
  read: PublicClient,
  deployment: Deployment,
  accounts: readonly Address[],
  blockNumber: bigint,
): Promise<Map<Address, Set<bigint>>> {
  const results = await batchRead<readonly [readonly bigint[], readonly bigint[]]>(
    read,
    accounts.map((account) => ({
      address: deployment.contracts.book,
      abi: positionBookAbi,
      functionName: "positionsOf",
      args: [account],
    })),
    blockNumber,
  );
  const out = new Map<Address, Set<bigint>>();
  accounts.forEach((account, i) => {
    const [ids, sizes] = results[i] ?? [[], []];
    out.set(account, new Set(ids.filter((_, k) => sizes[k] !== 0n)));
  });
  return out;
}

/** Whether `operator` may act for each of `owners` in the vault (one batched read). */
export async function operatorOf(
  read: PublicClient,
  deployment: Deployment,
  owners: readonly Address[],
  operator: Address,
): Promise<boolean[]> {
  const block = await read.getBlockNumber({ cacheTime: 0 });
  const results = await batchRead<boolean>(
    read,
    owners.map((owner) => ({
      address: deployment.contracts.vault,
      abi: vaultAbi,
      functionName: "isOperator",
      args: [owner, operator],
    })),
    block,
  );
  return results.map((r) => r === true);
}
