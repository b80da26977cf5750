/**
 * An account's liquidation health from state read once per block (`MarketState`: what every account shares) and
 * once per account change (`AccountState`: positions, balances, debt, auction start): `LiquidationEngine
 * .liquidationStatus` to the wei, computed locally. Keepers check a whole index of accounts per block with it and
 * confirm on chain only the few it flags; `getMarketState` and `getAccountStates` read the inputs.
 *
 * The composition mirrors `LiquidationEngine._compute`: `Vault.collateralValue` (quote exactly, each other
 * collateral at its router's spot less its haircut, 0 while Down), `MarginEngine.marginOf` over it (zeros where an
 * underlying the account holds is unhealthy and the engine's strict pass reverts), `Vault.collateralMarketValue`,
 * the risk controller's `allowsLiquidation` per held underlying (each router's spot being Ok without one), then
 * `liquidationStatus` (`./liquidation.ts`).
 */
import type { Address } from "viem";
import { toInt256 } from "./solidity.js";
import { liquidationStatus, type AuctionParams, type LiquidationContext } from "./liquidation.js";
import { accountMargin, type AccountMargin, type MarginPosition, type UnderlyingMarket } from "./marginEngine.js";
import { collateralMarketValue, quoteValueWad, tokenValueWad, type CollateralHolding } from "./vault.js";

/** A router's health (`IOracleRouter.Health`): 0 Ok, 1 Degraded, 2 Down. */
export const HEALTH_OK = 0;
export const HEALTH_DOWN = 2;

/** A listed collateral token with its vault configuration and what its router reports at the block. */
export interface CollateralMarket {
  token: Address;
  decimals: number;
  haircutWad: bigint;
  listed: boolean;
  /** The router's spot (0 when its health is Down or the router reverts, as the vault reads it). */
  priceE18: bigint;
  /** 0 Ok, 1 Degraded, 2 Down. */
  health: number;
}

/** A listed series' terms, as the margin engine reads them. */
export interface SeriesMarket {
  seriesId: bigint;
  underlyingId: bigint;
  expiry: bigint;
  strikeE18: bigint;
  isCall: boolean;
}

/** One underlying at the block: the margin engine's inputs and whether liquidations may act on it. */
export interface UnderlyingHealth {
  market: UnderlyingMarket;
  /** `RiskController.allowsLiquidation(id)` (the engine always has one). */
  allowsLiquidation: boolean;
}

/** What every account's health shares at one block. */
export interface MarketState {
  blockNumber: bigint;
  timestamp: bigint;
  quoteAsset: Address;
  quoteDecimals: number;
  /** The vault's collaterals in its order (the quote asset first). */
  collaterals: readonly CollateralMarket[];
  underlyings: ReadonlyMap<bigint, UnderlyingHealth>;
  series: ReadonlyMap<bigint, SeriesMarket>;
  auctionParams: AuctionParams;
}

/** What one account's health reads about it. */
export interface AccountState {
  account: Address;
  /** Open positions (`PositionBook.positionsOf`), signed sizes (long > 0). */
  positions: readonly { seriesId: bigint; sizeE18: bigint }[];
  /** Vault balance per collateral token, token units (`Vault.balanceOf`; the quote balance after the loss index). */
  balances: ReadonlyMap<Address, bigint>;
  /** `Settlement.debtOf`, quote token units. */
  debt: bigint;
  /** `LiquidationEngine.auctionStart`: 0 when no auction runs. */
  auctionStart: bigint;
}

/** `liquidationStatus` with the margin it was computed from. */
export interface AccountHealth extends LiquidationContext {
  margin: AccountMargin;
  /** `Vault.collateralValue`: haircut collateral value, WAD. */
  collateralValueWad: bigint;
  /** An underlying the account holds on which liquidations may not act now (undefined when none). */
  unhealthyUnderlying: bigint | undefined;
}

/** A position's series is not in the market state (listed after it was read): read the market again. */
export class HealthUnknownSeriesError extends Error {
  override name = "HealthUnknownSeriesError";
  constructor(readonly seriesId: bigint) {
    super(`series ${seriesId} is not in the market state; read the market state again`);
  }
}

/** `Vault.collateralValue(account)`: the quote balance exactly plus each other collateral's haircut value. */
export function collateralValueOf(market: MarketState, account: AccountState): bigint {
  let valueWad = 0n;
  for (const c of market.collaterals) {
    const amount = account.balances.get(c.token) ?? 0n;
    if (amount === 0n) continue;
    if (c.token === market.quoteAsset) valueWad += quoteValueWad(amount, market.quoteDecimals);
    else if (c.listed) valueWad += tokenValueWad(amount, c.decimals, c.priceE18, c.haircutWad);
  }
  return valueWad;
}

/** The margin engine's input positions (series terms attached, zero sizes dropped). */
export function marginPositionsOf(market: MarketState, account: AccountState): MarginPosition[] {
  const out: MarginPosition[] = [];
  for (const p of account.positions) {
    if (p.sizeE18 === 0n) continue;
    const s = market.series.get(p.seriesId);
    if (s === undefined) throw new HealthUnknownSeriesError(p.seriesId);
    out.push({
      underlyingId: s.underlyingId,
      expiry: s.expiry,
      strikeE18: s.strikeE18,
      isCall: s.isCall,
      sizeE18: p.sizeE18,
    });
  }
  return out;
}

/**
 * `LiquidationEngine.liquidationStatus(account)` at the market state's block, to the wei, with the margin behind
 * it. Throws what the chain's view would revert with (a Down price the strict margin pass needs on an underlying
 * that is otherwise healthy) and `HealthUnknownSeriesError` when the market state predates a position's series.
 */
export function accountHealth(market: MarketState, account: AccountState): AccountHealth {
  const positions = marginPositionsOf(market, account);
  let unhealthyUnderlying: bigint | undefined;
  for (const p of positions) {
    const u = market.underlyings.get(p.underlyingId);
    if (u === undefined || !u.allowsLiquidation) {
      unhealthyUnderlying = p.underlyingId;
      break;
    }
  }
  const collateralValueWad = collateralValueOf(market, account);
  const debtWad = account.debt * 10n ** BigInt(18 - market.quoteDecimals);
  const markets = new Map<bigint, UnderlyingMarket>();
  for (const [id, u] of market.underlyings) markets.set(id, u.market);
  const input = { collateralValueWad, debtWad, positions, markets, timestamp: market.timestamp };
  let margin: AccountMargin;
  if (unhealthyUnderlying === undefined) margin = accountMargin(input);
  else {
    // The engine reads the margin under a try when a held underlying is unhealthy: a revert reads as zeros.
    try {
      margin = accountMargin(input);
    } catch {
      margin = { equityWad: 0n, initialWad: 0n, maintenanceWad: 0n };
    }
  }
  const holdings: CollateralHolding[] = [];
  let quoteBalance = 0n;
  for (const c of market.collaterals) {
    const amount = account.balances.get(c.token) ?? 0n;
    if (c.token === market.quoteAsset) quoteBalance = amount;
    else
      holdings.push({ amount, decimals: c.decimals, priceE18: c.priceE18, health: c.health, haircutWad: c.haircutWad });
  }
  const status = liquidationStatus({
    margin,
    debtWad,
    collateral: collateralMarketValue(quoteBalance, market.quoteDecimals, holdings),
    auctionStart: account.auctionStart,
    timestamp: market.timestamp,
    underlyingsHealthy: unhealthyUnderlying === undefined,
    params: market.auctionParams,
  });
  return { ...status, margin, collateralValueWad, unhealthyUnderlying };
}

/** Equity below maintenance margin: the account may be auctioned once its prices allow it. */
export function isUnderwater(health: Pick<AccountHealth, "equityWad" | "maintenanceWad">): boolean {
  return health.equityWad < toInt256(health.maintenanceWad);
}
