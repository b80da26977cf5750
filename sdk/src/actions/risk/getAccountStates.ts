import type { Address, ContractFunctionParameters } from "viem";
import type { OptioClientConfig } from "../../client.js";
import { liquidationEngineAbi } from "../../abis/liquidationEngine.js";
import { positionBookAbi } from "../../abis/positionBook.js";
import { settlementAbi } from "../../abis/settlement.js";
import { vaultAbi } from "../../abis/vault.js";
import type { DecodedOptioError } from "../../errors/decode.js";
import type { AccountState } from "../../math/health.js";
import { multicall, ok } from "../internal/multicall.js";

export type GetAccountStatesParameters = {
  accounts: readonly Address[];
  /** Pin the read to this block (default: the latest). Pass the market state's block to pair the two. */
  blockNumber?: bigint;
  /** The vault's collateral tokens (`MarketState.collaterals`); read from the vault when absent. */
  collaterals?: readonly Address[];
  /** Accounts per multicall (default 250): each costs 3 + one call per collateral. */
  chunkSize?: number;
};

export type GetAccountStatesReturnType = Map<Address, AccountState>;

export type GetAccountStatesErrorType = DecodedOptioError;

/**
 * What each account's liquidation health reads about it at one block: positions, vault balances, settlement debt
 * and auction start, in one multicall per `chunkSize` accounts (all pinned to the same block).
 */
export async function getAccountStates(
  client: OptioClientConfig,
  params: GetAccountStatesParameters,
): Promise<GetAccountStatesReturnType> {
  const c = client.deployment.contracts;
  const blockNumber = params.blockNumber ?? (await client.publicClient.getBlockNumber({ cacheTime: 0 }));
  const tokens =
    params.collaterals ??
    ((await client.publicClient.readContract({
      address: c.vault,
      abi: vaultAbi,
      functionName: "collaterals",
      blockNumber,
    })) as readonly Address[]);
  const accounts = [...new Set(params.accounts)];
  const chunk = Math.max(1, params.chunkSize ?? 250);
  const out = new Map<Address, AccountState>();
  const per = 3 + tokens.length;
  const chunks: Address[][] = [];
  for (let i = 0; i < accounts.length; i += chunk) chunks.push(accounts.slice(i, i + chunk));
  const results = await Promise.all(
    chunks.map((group) =>
      multicall(
        client,
        group.flatMap((account) => [
          { address: c.book, abi: positionBookAbi, functionName: "positionsOf", args: [account] },
          { address: c.settlement, abi: settlementAbi, functionName: "debtOf", args: [account] },
          { address: c.liquidationEngine, abi: liquidationEngineAbi, functionName: "auctionStart", args: [account] },
          ...tokens.map((t) => ({ address: c.vault, abi: vaultAbi, functionName: "balanceOf", args: [account, t] })),
        ]) as ContractFunctionParameters[],
        blockNumber,
      ),
    ),
  );
  chunks.forEach((group, g) => {
    const r = results[g];
    group.forEach((account, i) => {
      const base = i * per;
      const [ids, sizes] = ok(r[base] as never) as readonly [readonly bigint[], readonly bigint[]];
      const balances = new Map<Address, bigint>();
      tokens.forEach((t, k) => balances.set(t, ok(r[base + 3 + k] as never) as bigint));
      out.set(account, {
        account,
        positions: ids.map((seriesId, k) => ({ seriesId, sizeE18: sizes[k] })),
        debt: ok(r[base + 1] as never) as bigint,
        auctionStart: ok(r[base + 2] as never) as bigint,
        balances,
      });
    });
  });
  return out;
}
