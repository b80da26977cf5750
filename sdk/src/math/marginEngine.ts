/**
 * `MarginEngine.marginOf` in bigint: equity, initial and maintenance margin of one account, bit-exact.
 *
 * Mirrors `contracts/margin/MarginEngine.sol`: `_margin` (one pass over positions sorted by underlying, expiry,
 * strike, put before call), `_addGroup`, `_addLeg` (one evaluation per strike prices a put and the call of its
 * strike), `_model`, `_groupPricing` (expired groups at intrinsic value against the expiry price, spot while it
 * is unset; prices and a·P from 2^120 are out of range), `_loadUnderlying` (ratios times the risk controller's
 * shock multiplier, rounded up) and `_sortedTerms`;
 * the formulas are `StandardMarginLib`'s (`./standardMargin.ts`) and the marks `BlackScholes`' (`./blackScholes.ts`).
 * What the engine reads from other contracts is an input here: collateral value (`Vault.collateralValue`), settlement
 * debt (`Settlement.debtOf` × 10^(18 − quote decimals)), positions with their series terms, each underlying's spot
 * and volatility (`OracleRouter.spot` / `volatility`, undefined when Down), expiry prices, ratios, multiplier.
 * This is the engine's strict pass (`marginOf`, `marginsOf`). Its exit pass (`exitMarginOf`, and `_check` behind the
 * trade and withdrawal checks) values a Down price on its outage range (`spotBounds` / `volatilityBounds`,
 * `Vault.exitCollateralValue`) and is not mirrored: while every price the account needs is not Down it equals the
 * strict pass, and where the strict pass is unavailable (a Down price) this mirror throws instead.
 */
import { priceErrorBound, prices, price as bsPrice } from "./blackScholes.js";
import { WAD } from "./constants.js";
import { ceilDiv, mulDivUp, toInt256 } from "./solidity.js";
import { fractionOfSpotUp, groupRequirement, maxLoss, nakedInitialPerUnit, type Leg } from "./standardMargin.js";

/** One position with its series' terms (`ISeriesRegistry.Series`) and its signed size (long > 0). */
export interface MarginPosition {
  underlyingId: bigint;
  expiry: bigint;
  strikeE18: bigint;
  isCall: boolean;
  sizeE18: bigint;
}

/** `IMarginEngine.MarginParams`: a >= b >= c, fractions of spot. */
export interface MarginParams {
  initialRatioWad: bigint;
  minInitialRatioWad: bigint;
  maintenanceRatioWad: bigint;
}

/** What the engine reads about one underlying in a pass. */
export interface UnderlyingMarket {
  /** The router's spot; undefined when its health is Down (the engine then reverts if it needs it). */
  spotE18: bigint | undefined;
  /** The router's implied volatility; undefined when Down. */
  volE18: bigint | undefined;
  /** The governance ratios (`marginParams(id)`); an all-zero set means the underlying is unknown. */
  params: MarginParams;
  /** `RiskController.shockMultiplier(id)` (the engine always has a risk controller); undefined is read as 1. */
  shockMultiplierWad?: bigint;
  /** Proven expiry prices by expiry (`OracleRouter.expiryPrice`); a missing entry is unset. */
  expiryPrices?: ReadonlyMap<bigint, bigint>;
}

/** The account and market state `marginOf` reads. */
export interface AccountMarginInput {
  /** `Vault.collateralValue(account)`: haircut collateral value in WAD. */
  collateralValueWad: bigint;
  /** Settlement debt in WAD (`Settlement.debtOf(account)` × 10^(18 − quote decimals)); 0 without settlement. */
  debtWad?: bigint;
  positions: readonly MarginPosition[];
  /** Markets by underlying id. */
  markets: ReadonlyMap<bigint, UnderlyingMarket>;
  /** `block.timestamp` of the evaluation. */
  timestamp: bigint;
}

/** `IMarginEngine.AccountMargin`. */
export interface AccountMargin {
  equityWad: bigint;
  initialWad: bigint;
  maintenanceWad: bigint;
}

/** `Margin_PriceUnavailable(underlyingId)`: a needed spot or vol is Down. */
export class MarginPriceUnavailableError extends Error {
  override name = "MarginPriceUnavailableError";
  constructor(readonly underlyingId: bigint) {
    super(`Margin: price unavailable for underlying ${underlyingId}`);
  }
}

/** `Margin_PriceOutOfRange(underlyingId, priceE18)`: a group's price, or a·P, is 2^120 or more. */
export class MarginPriceOutOfRangeError extends Error {
  override name = "MarginPriceOutOfRangeError";
  constructor(
    readonly underlyingId: bigint,
    readonly priceE18: bigint,
  ) {
    super(`Margin: price ${priceE18} out of range for underlying ${underlyingId}`);
  }
}

/** `Margin_UnknownUnderlying(underlyingId)`: no ratios are set (or no market was given). */
export class MarginUnknownUnderlyingError extends Error {
  override name = "MarginUnknownUnderlyingError";
  constructor(readonly underlyingId: bigint) {
    super(`Margin: unknown underlying ${underlyingId}`);
  }
}

/** `_loadUnderlying`'s result: the market with its ratios scaled by the multiplier. */
interface LoadedUnderlying {
  id: bigint;
  market: UnderlyingMarket;
  a: bigint;
  b: bigint;
  c: bigint;
}

/** `MarginEngine.Group`: pricing inputs and the running sums of one expiry group. */
interface Group {
  priceE18: bigint;
  volE18: bigint;
  secondsToExpiry: bigint;
  expired: boolean;
  aSpotE18: bigint;
  bSpotE18: bigint;
  cSpotE18: bigint;
  longE36: bigint;
  shortE36: bigint;
  nakedInitialE36: bigint;
  nakedMaintenanceE36: bigint;
  /** The strike of the last Black–Scholes evaluation (`PRICED_NONE` for none), with its call, put and error. */
  pricedStrikeE18: bigint;
  callE18: bigint;
  putE18: bigint;
  errorE18: bigint;
}

/** `type(uint256).max`: above every strike, so no evaluation is cached yet. */
const PRICED_NONE = (1n << 256n) - 1n;
/** The bound of `_groupPricing`'s range check: 2^120. */
const PRICE_LIMIT = 1n << 120n;

/** `MarginEngine._loadUnderlying`. */
export function loadRatios(params: MarginParams, shockMultiplierWad?: bigint): { a: bigint; b: bigint; c: bigint } {
  if (shockMultiplierWad === undefined) {
    return { a: params.initialRatioWad, b: params.minInitialRatioWad, c: params.maintenanceRatioWad };
  }
  return {
    a: mulDivUp(params.initialRatioWad, shockMultiplierWad, WAD),
    b: mulDivUp(params.minInitialRatioWad, shockMultiplierWad, WAD),
    c: mulDivUp(params.maintenanceRatioWad, shockMultiplierWad, WAD),
  };
}

function loadUnderlying(id: bigint, markets: ReadonlyMap<bigint, UnderlyingMarket>): LoadedUnderlying {
  const market = markets.get(id);
  if (market === undefined || market.params.initialRatioWad === 0n) throw new MarginUnknownUnderlyingError(id);
  return { id, market, ...loadRatios(market.params, market.shockMultiplierWad) };
}

function spotOf(u: LoadedUnderlying): bigint {
  if (u.market.spotE18 === undefined) throw new MarginPriceUnavailableError(u.id);
  return u.market.spotE18;
}

/** `MarginEngine._groupPricing`. */
function groupPricing(u: LoadedUnderlying, expiry: bigint, timestamp: bigint): Group {
  let priceE18: bigint;
  let volE18 = 0n;
  let secondsToExpiry = 0n;
  const expired = timestamp >= expiry;
  if (expired) {
    const proven = u.market.expiryPrices?.get(expiry);
    priceE18 = proven !== undefined ? proven : spotOf(u);
  } else {
    priceE18 = spotOf(u);
    if (u.market.volE18 === undefined) throw new MarginPriceUnavailableError(u.id);
    volE18 = u.market.volE18;
    secondsToExpiry = expiry - timestamp;
  }
  const g = newGroup(priceE18, volE18, secondsToExpiry, expired, u);
  if (priceE18 >= PRICE_LIMIT || g.aSpotE18 >= PRICE_LIMIT) throw new MarginPriceOutOfRangeError(u.id, priceE18);
  return g;
}

function newGroup(
  priceE18: bigint,
  volE18: bigint,
  secondsToExpiry: bigint,
  expired: boolean,
  ratios: { a: bigint; b: bigint; c: bigint },
): Group {
  return {
    priceE18,
    volE18,
    secondsToExpiry,
    expired,
    aSpotE18: fractionOfSpotUp(ratios.a, priceE18),
    bSpotE18: fractionOfSpotUp(ratios.b, priceE18),
    cSpotE18: fractionOfSpotUp(ratios.c, priceE18),
    longE36: 0n,
    shortE36: 0n,
    nakedInitialE36: 0n,
    nakedMaintenanceE36: 0n,
    pricedStrikeE18: PRICED_NONE,
    callE18: 0n,
    putE18: 0n,
    errorE18: 0n,
  };
}

/** `MarginEngine._model`: Black–Scholes before expiry, intrinsic value (no error) after. */
function model(g: Group, strikeE18: bigint, isCall: boolean): [bigint, bigint] {
  const p = g.priceE18;
  if (g.expired) {
    if (isCall) return [p > strikeE18 ? p - strikeE18 : 0n, 0n];
    return [strikeE18 > p ? strikeE18 - p : 0n, 0n];
  }
  return [bsPrice(p, strikeE18, g.secondsToExpiry, g.volE18, isCall), priceErrorBound(p, strikeE18)];
}

/** `MarginEngine._addLeg`'s model: intrinsic after expiry, else one Black–Scholes evaluation per strike. */
function legModel(g: Group, leg: Leg): [bigint, bigint] {
  if (g.expired) return model(g, leg.strikeE18, leg.isCall);
  if (leg.strikeE18 !== g.pricedStrikeE18) {
    g.pricedStrikeE18 = leg.strikeE18;
    const both = prices(g.priceE18, leg.strikeE18, g.secondsToExpiry, g.volE18);
    g.callE18 = both.call;
    g.putE18 = both.put;
    g.errorE18 = priceErrorBound(g.priceE18, leg.strikeE18);
  }
  return [leg.isCall ? g.callE18 : g.putE18, g.errorE18];
}

/** `MarginEngine._addLeg`. */
function addLeg(g: Group, leg: Leg): void {
  const [modelE18, errorE18] = legModel(g, leg);
  const size = leg.sizeE18;
  if (size > 0n) {
    g.longE36 += size * (modelE18 > errorE18 ? modelE18 - errorE18 : 0n);
    return;
  }
  const shortE18 = -size;
  const shortMarkE18 = modelE18 + errorE18;
  g.shortE36 += shortE18 * shortMarkE18;
  g.nakedInitialE36 +=
    shortE18 * nakedInitialPerUnit(g.aSpotE18, g.bSpotE18, g.priceE18, leg.strikeE18, leg.isCall, shortMarkE18);
  g.nakedMaintenanceE36 += shortE18 * (g.cSpotE18 + shortMarkE18);
}

/** A position with its packed terms (`ISeriesRegistry.seriesTerms`, tagged with its index). */
interface Keyed {
  key: bigint;
  /** key >> 160: underlying and expiry. */
  group: bigint;
  position: MarginPosition;
}

const KEY_CALL_BIT = 1n << 31n;

/** `MarginEngine._sortedTerms`: ascending by (underlying, expiry, strike, put before call, index). */
function sortedKeys(positions: readonly MarginPosition[]): Keyed[] {
  const keyed = positions.map((p, i): Keyed => {
    const key =
      (p.underlyingId << 224n) | (p.expiry << 160n) | (p.strikeE18 << 32n) | (p.isCall ? KEY_CALL_BIT : 0n) | BigInt(i);
    return { key, group: key >> 160n, position: p };
  });
  keyed.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  return keyed;
}

/** One expiry group's legs and pricing inputs, for `standardMargin`. */
export interface ExpiryGroupInput {
  /** Legs in `marginOf`'s order: by strike ascending, a put before the call of its strike. */
  legs: readonly Leg[];
  /** Spot before expiry; after it the expiry price (spot while unset). */
  priceE18: bigint;
  /** Implied vol (unused once expired). */
  volE18: bigint;
  /** Seconds left; `expired` when the evaluation time is at or after expiry. */
  secondsToExpiry: bigint;
  expired: boolean;
  /** The ratios after the shock multiplier (`loadRatios`). */
  ratios: { a: bigint; b: bigint; c: bigint };
}

/** One expiry group's contribution to `marginOf` (`MarginEngine._addGroup`). */
export interface ExpiryGroupMargin {
  /** Σ long size × (model − error), rounded down. */
  longValueWad: bigint;
  /** Σ short size × (model + error), rounded up. */
  shortValueWad: bigint;
  initialWad: bigint;
  maintenanceWad: bigint;
}

/**
 * `MarginEngine._addGroup` on one expiry group: its marks (longs at model − error, shorts at model + error) and its
 * initial and maintenance requirements, min(Σ naked, exact maximum loss), each sum exact in E36 and rounded once.
 */
export function standardMargin(input: ExpiryGroupInput): ExpiryGroupMargin {
  const g = newGroup(input.priceE18, input.volE18, input.secondsToExpiry, input.expired, input.ratios);
  const legs = input.legs;
  const n = legs.length;
  if (input.priceE18 >= PRICE_LIMIT || g.aSpotE18 >= PRICE_LIMIT) {
    throw new MarginPriceOutOfRangeError(0n, input.priceE18);
  }
  for (let k = 0; k < n; k++) addLeg(g, legs[k]);
  return closeGroup(g, legs);
}

function closeGroup(g: Group, legs: readonly Leg[]): ExpiryGroupMargin {
  const { lossE18, bounded } = maxLoss(legs);
  return {
    longValueWad: g.longE36 / WAD,
    shortValueWad: ceilDiv(g.shortE36, WAD),
    initialWad: groupRequirement(ceilDiv(g.nakedInitialE36, WAD), lossE18, bounded),
    maintenanceWad: groupRequirement(ceilDiv(g.nakedMaintenanceE36, WAD), lossE18, bounded),
  };
}

/** `MarginEngine._addGroup` over keyed[start:end]. */
function addGroup(margin: AccountMargin, u: LoadedUnderlying, keyed: Keyed[], start: number, end: number, now: bigint) {
  const g = groupPricing(u, keyed[start].position.expiry, now);
  const legs: Leg[] = new Array(end - start);
  for (let k = start; k < end; k++) {
    const p = keyed[k].position;
    const leg: Leg = { strikeE18: p.strikeE18, sizeE18: p.sizeE18, isCall: p.isCall };
    legs[k - start] = leg;
    addLeg(g, leg);
  }
  const r = closeGroup(g, legs);
  margin.equityWad += toInt256(r.longValueWad) - toInt256(r.shortValueWad);
  margin.initialWad += r.initialWad;
  margin.maintenanceWad += r.maintenanceWad;
}

/**
 * `MarginEngine.marginOf`: equity = collateral − debt + Σ marks (longs at model − error rounded down, shorts at
 * model + error rounded up); per expiry group, initial and maintenance = min(Σ naked, exact maximum loss).
 * Throws the engine's errors (`MarginPriceUnavailableError`, `MarginUnknownUnderlyingError`) where it reverts.
 */
export function accountMargin(input: AccountMarginInput): AccountMargin {
  const margin: AccountMargin = {
    equityWad: toInt256(input.collateralValueWad) - toInt256(input.debtWad ?? 0n),
    initialWad: 0n,
    maintenanceWad: 0n,
  };
  const n = input.positions.length;
  if (n === 0) return margin;
  const keyed = sortedKeys(input.positions);
  let u: LoadedUnderlying | undefined;
  let start = 0;
  while (start < n) {
    const group = keyed[start].group;
    const underlyingId = keyed[start].position.underlyingId;
    if (u === undefined || u.id !== underlyingId) u = loadUnderlying(underlyingId, input.markets);
    let end = start + 1;
    while (end < n && keyed[end].group === group) end++;
    addGroup(margin, u, keyed, start, end, input.timestamp);
    start = end;
  }
  return margin;
}

/**
 * `MarginEngine.markOf`: the model value of one series, unrounded (Black–Scholes before expiry, intrinsic value at
 * the expiry price, or spot while unset, after it).
 */
export function markOf(
  series: { underlyingId: bigint; expiry: bigint; strikeE18: bigint; isCall: boolean },
  market: UnderlyingMarket,
  timestamp: bigint,
): bigint {
  const u: LoadedUnderlying = { id: series.underlyingId, market, a: 0n, b: 0n, c: 0n };
  return model(groupPricing(u, series.expiry, timestamp), series.strikeE18, series.isCall)[0];
}
