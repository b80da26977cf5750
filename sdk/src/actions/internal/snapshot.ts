/**
 * One consistent read of what the margin engine reads, in four round trips whatever the number of accounts, series
 * and underlyings: the latest block, then three multicalls pinned to it (accounts and lists; series terms, routers,
 * ratios and collateral configs; spot, volatility and expiry prices). `getAccount`, `previewTrade`, `listSeries`,
 * `listUnderlyings` and `quote` build on it, and the math mirror turns it into margins and marks.
 */
import type { Address, ContractFunctionParameters } from "viem";
import type { OptioClientConfig } from "../../client.js";
import { marginEngineAbi } from "../../abis/marginEngine.js";
import { oracleRouterAbi } from "../../abis/oracleRouter.js";
import { positionBookAbi } from "../../abis/positionBook.js";
import { riskControllerAbi } from "../../abis/riskController.js";
import { seriesRegistryAbi } from "../../abis/seriesRegistry.js";
import { settlementAbi } from "../../abis/settlement.js";
import { vaultAbi } from "../../abis/vault.js";
import type { AccountMarginInput, MarginPosition, UnderlyingMarket } from "../../math/marginEngine.js";
import { multicall, ok, okOr } from "./multicall.js";

/** An oracle router's health (`IOracleRouter.Health`). */
export type Health = "ok" | "degraded" | "down";
const HEALTH: readonly Health[] = ["ok", "degraded", "down"];

/** A listed series' terms (`ISeriesRegistry.Series`) with its id. */
export type SeriesTerms = {
  seriesId: bigint;
  underlyingId: bigint;
  expiry: bigint;
  isCall: boolean;
  strikeE18: bigint;
  openInterestCap: bigint;
  openInterest: bigint;
};

/** One underlying: its symbol, router, ratios and what its router reports. */
export type UnderlyingState = {
  underlyingId: bigint;
  /** The registry's `bytes32` symbol decoded as text, e.g. `"ETH"`. */
  symbol: string;
  router: Address;
  spotHealth: Health;
  volHealth: Health;
  /** What the margin mirror reads (spot and vol undefined when Down). */
  market: UnderlyingMarket;
};

/** A collateral token's vault configuration. */
export type CollateralState = {
  token: Address;
  listed: boolean;
  depositsEnabled: boolean;
  decimals: number;
  haircutWad: bigint;
  router: Address;
};

/** One account as the margin engine sees it. */
export type AccountState = {
  positions: { seriesId: bigint; sizeE18: bigint }[];
  /** `Vault.collateralValue`, undefined when it reverts (a collateral's price is unavailable). */
  collateralValueWad: bigint | undefined;
  /** `Settlement.debtOf`, quote token units. */
  debt: bigint;
  /** Vault balance per collateral token (token units). */
  balances: Map<Address, bigint>;
};

export type Snapshot = {
  blockNumber: bigint;
  timestamp: bigint;
  quoteAsset: Address;
  quoteDecimals: number;
  collaterals: CollateralState[];
  underlyings: Map<bigint, UnderlyingState>;
  series: Map<bigint, SeriesTerms>;
  accounts: Map<Address, AccountState>;
  /** The margin engine's risk controller (required by its constructor, never zero). */
  riskController: Address;
};

export type SnapshotRequest = {
  accounts?: readonly Address[];
  /** Series to read besides those the accounts hold; `"all"` reads every listed series. */
  seriesIds?: readonly bigint[] | "all";
  /** Pin the read to this block (default: the latest). */
  blockNumber?: bigint;
};

/** Reads a `Snapshot`: one `eth_getBlockByNumber` and three multicalls. */
export async function readSnapshot(client: OptioClientConfig, request: SnapshotRequest): Promise<Snapshot> {
  const c = client.deployment.contracts;
  const block = await client.publicClient.getBlock(
    request.blockNumber === undefined ? { blockTag: "latest" } : { blockNumber: request.blockNumber },
  );
  const blockNumber = block.number;
  const accounts = [...new Set(request.accounts ?? [])];

  // Round 1: lists and per-account state.
  const r1 = await multicall(
    client,
    [
      { address: c.vault, abi: vaultAbi, functionName: "quoteAsset" },
      { address: c.vault, abi: vaultAbi, functionName: "collaterals" },
      { address: c.registry, abi: seriesRegistryAbi, functionName: "underlyingCount" },
      { address: c.registry, abi: seriesRegistryAbi, functionName: "seriesCount" },
      { address: c.margin, abi: marginEngineAbi, functionName: "riskController" },
      ...accounts.flatMap(
        (a) =>
          [
            { address: c.book, abi: positionBookAbi, functionName: "positionsOf", args: [a] },
            { address: c.vault, abi: vaultAbi, functionName: "collateralValue", args: [a] },
            { address: c.settlement, abi: settlementAbi, functionName: "debtOf", args: [a] },
          ] as const,
      ),
    ] as ContractFunctionParameters[],
    blockNumber,
  );
  const quoteAsset = ok(r1[0]) as Address;
  const collateralTokens = ok(r1[1]) as readonly Address[];
  const underlyingCount = ok(r1[2]) as bigint;
  const seriesCount = ok(r1[3]) as bigint;
  const riskController = ok(r1[4]) as Address;
  const accountStates = new Map<Address, AccountState>();
  accounts.forEach((a, i) => {
    const [ids, sizes] = ok(r1[5 + 3 * i]) as readonly [readonly bigint[], readonly bigint[]];
    accountStates.set(a, {
      positions: ids.map((seriesId, k) => ({ seriesId, sizeE18: sizes[k] })),
      collateralValueWad: okOr(r1[6 + 3 * i], undefined) as bigint | undefined,
      debt: ok(r1[7 + 3 * i]) as bigint,
      balances: new Map(),
    });
  });
  const wanted = new Set<bigint>();
  if (request.seriesIds === "all") for (let id = 1n; id <= seriesCount; id++) wanted.add(id);
  else for (const id of request.seriesIds ?? []) wanted.add(id);
  for (const s of accountStates.values()) for (const p of s.positions) wanted.add(p.seriesId);
  const seriesIds = [...wanted];
  const underlyingIds = Array.from({ length: Number(underlyingCount) }, (_, i) => BigInt(i + 1));

  // Round 2: terms, configs, balances.
  const r2 = await multicall(
    client,
    [
      ...collateralTokens.map((t) => ({
        address: c.vault,
        abi: vaultAbi,
        functionName: "collateralConfig",
        args: [t],
      })),
      ...accounts.flatMap((a) =>
        collateralTokens.map((t) => ({ address: c.vault, abi: vaultAbi, functionName: "balanceOf", args: [a, t] })),
      ),
      ...seriesIds.map((id) => ({
        address: c.registry,
        abi: seriesRegistryAbi,
        functionName: "getSeries",
        args: [id],
      })),
      ...underlyingIds.flatMap((u) => [
        { address: c.registry, abi: seriesRegistryAbi, functionName: "routerOf", args: [u] },
        { address: c.registry, abi: seriesRegistryAbi, functionName: "underlyingSymbol", args: [u] },
        { address: c.margin, abi: marginEngineAbi, functionName: "marginParams", args: [u] },
        { address: riskController, abi: riskControllerAbi, functionName: "shockMultiplier", args: [u] },
      ]),
    ] as ContractFunctionParameters[],
    blockNumber,
  );
  let k = 0;
  const collaterals: CollateralState[] = collateralTokens.map((token) => {
    const cfg = ok(r2[k++]) as {
      listed: boolean;
      depositsEnabled: boolean;
      decimals: number;
      haircutWad: bigint;
      router: Address;
    };
    return { token, ...cfg };
  });
  for (const a of accounts) {
    const balances = accountStates.get(a)!.balances;
    for (const t of collateralTokens) balances.set(t, ok(r2[k++]) as bigint);
  }
  const series = new Map<bigint, SeriesTerms>();
  for (const id of seriesIds) {
    const s = ok(r2[k++]) as Omit<SeriesTerms, "seriesId" | "underlyingId" | "expiry"> & {
      underlyingId: number;
      expiry: bigint;
    };
    series.set(id, {
      seriesId: id,
      underlyingId: BigInt(s.underlyingId),
      expiry: BigInt(s.expiry),
      isCall: s.isCall,
      strikeE18: s.strikeE18,
      openInterestCap: s.openInterestCap,
      openInterest: s.openInterest,
    });
  }
  const partial = underlyingIds.map((underlyingId) => {
    const router = ok(r2[k++]) as Address;
    const symbol = ok(r2[k++]) as `0x${string}`;
    const params = ok(r2[k++]) as { initialRatioWad: bigint; minInitialRatioWad: bigint; maintenanceRatioWad: bigint };
    const shock = r2[k++];
    return {
      underlyingId,
      router,
      symbol: bytes32ToText(symbol),
      params,
      shockMultiplierWad: ok(shock) as bigint,
    };
  });
  const collateralFor = new Map(collaterals.map((x) => [x.token, x]));
  const quoteDecimals = collateralFor.get(quoteAsset)?.decimals ?? 6;

  // Round 3: what the routers report, and the expiry prices of expired series.
  const expiriesOf = new Map<bigint, bigint[]>();
  for (const s of series.values()) {
    if (s.expiry > block.timestamp) continue;
    const list = expiriesOf.get(s.underlyingId) ?? [];
    if (!list.includes(s.expiry)) list.push(s.expiry);
    expiriesOf.set(s.underlyingId, list);
  }
  const r3 = await multicall(
    client,
    partial.flatMap((u) => [
      { address: u.router, abi: oracleRouterAbi, functionName: "spot" },
      { address: u.router, abi: oracleRouterAbi, functionName: "volatility" },
      ...(expiriesOf.get(u.underlyingId) ?? []).map((e) => ({
        address: u.router,
        abi: oracleRouterAbi,
        functionName: "expiryPrice",
        args: [e],
      })),
    ]) as ContractFunctionParameters[],
    blockNumber,
  );
  k = 0;
  const underlyings = new Map<bigint, UnderlyingState>();
  for (const u of partial) {
    const [spot, spotHealth] = ok(r3[k++]) as readonly [bigint, number];
    const [vol, volHealth] = ok(r3[k++]) as readonly [bigint, number];
    const expiryPrices = new Map<bigint, bigint>();
    for (const e of expiriesOf.get(u.underlyingId) ?? []) {
      const [price, isSet] = ok(r3[k++]) as readonly [bigint, boolean];
      if (isSet) expiryPrices.set(e, price);
    }
    underlyings.set(u.underlyingId, {
      underlyingId: u.underlyingId,
      symbol: u.symbol,
      router: u.router,
      spotHealth: HEALTH[spotHealth],
      volHealth: HEALTH[volHealth],
      market: {
        spotE18: HEALTH[spotHealth] === "down" ? undefined : spot,
        volE18: HEALTH[volHealth] === "down" ? undefined : vol,
        params: u.params,
        shockMultiplierWad: u.shockMultiplierWad,
        expiryPrices,
      },
    });
  }
  return {
    blockNumber,
    timestamp: block.timestamp,
    quoteAsset,
    quoteDecimals,
    collaterals,
    underlyings,
    series,
    accounts: accountStates,
    riskController,
  };
}

/** The margin mirror's input for a set of positions and a collateral value, from a snapshot. */
export function marginInput(
  snap: Snapshot,
  positions: readonly { seriesId: bigint; sizeE18: bigint }[],
  collateralValueWad: bigint,
  debt: bigint,
): AccountMarginInput {
  const markets = new Map<bigint, UnderlyingMarket>();
  for (const [id, u] of snap.underlyings) markets.set(id, u.market);
  return {
    collateralValueWad,
    debtWad: debt * 10n ** BigInt(18 - snap.quoteDecimals),
    positions: positions
      .filter((p) => p.sizeE18 !== 0n)
      .map((p): MarginPosition => {
        const s = snap.series.get(p.seriesId)!;
        return {
          underlyingId: s.underlyingId,
          expiry: s.expiry,
          strikeE18: s.strikeE18,
          isCall: s.isCall,
          sizeE18: p.sizeE18,
        };
      }),
    markets,
    timestamp: snap.timestamp,
  };
}

/** A `bytes32` symbol as text (trailing zero bytes dropped). */
export function bytes32ToText(b: `0x${string}`): string {
  const hex = b.slice(2).replace(/(00)+$/, "");
  let out = "";
  for (let i = 0; i < hex.length; i += 2) out += String.fromCharCode(parseInt(hex.slice(i, i + 2), 16));
  return out;
}
