/**
 * The liquidation engine's view math, bit-exact with the merged issue 8 engine (haircuts are a margin buffer, not a
 * transfer price: what changes hands and whether an account is insolvent are valued at market).
 *
 * Mirrors `contracts/liquidation/LiquidationMath.sol` (`discountDown`, `fundPaymentDown`, `solventMaxFractionDown`,
 * `bidPaymentUp`, `takenDown`) and of `contracts/liquidation/LiquidationEngine.sol` the calculation `_compute` and
 * `_auctionTerms` (behind `liquidationStatus`; the dust rule `UNHEALTHY_COLLATERAL_SHARE_WAD`), the flag reward of
 * `startAuction`, the fraction clamp and payments of `bid` (`_solventBid`, the insolvent branch) and what `_take`
 * leaves the account. Whether a partial bid ends the auction is measured by the engine after the bid
 * (`marginOf` >= maintenance): `accountMargin` on what `positionsLeft` / `collateralLeft` leave predicts it.
 * Rounding favours the liquidated account and the protocol: discounts, fractions and fund payments down, bidder
 * payments up.
 */
import { WAD } from "./constants.js";
import type { AccountMargin } from "./marginEngine.js";
import { ceilDiv, mulDivDown, mulDivUp, toInt256 } from "./solidity.js";
import type { CollateralMarketValue } from "./vault.js";

/** `ILiquidationEngine.AuctionParams`. */
export interface AuctionParams {
  startDiscountWad: bigint;
  maxDiscountWad: bigint;
  discountRampSeconds: bigint;
  bufferWad: bigint;
  flagRewardWad: bigint;
  maxFlagRewardWad: bigint;
  insolventRampSeconds: bigint;
  smallAccountWad: bigint;
  fundShareWad: bigint;
}

/**
 * `ILiquidationEngine.auctionParams()` as viem decodes it (its two ramps are `uint32`, read as numbers) in the
 * mirror's shape: every field a bigint.
 */
export function toAuctionParams(
  raw: Omit<AuctionParams, "discountRampSeconds" | "insolventRampSeconds"> & {
    discountRampSeconds: bigint | number;
    insolventRampSeconds: bigint | number;
  },
): AuctionParams {
  return {
    startDiscountWad: raw.startDiscountWad,
    maxDiscountWad: raw.maxDiscountWad,
    discountRampSeconds: BigInt(raw.discountRampSeconds),
    bufferWad: raw.bufferWad,
    flagRewardWad: raw.flagRewardWad,
    maxFlagRewardWad: raw.maxFlagRewardWad,
    insolventRampSeconds: BigInt(raw.insolventRampSeconds),
    smallAccountWad: raw.smallAccountWad,
    fundShareWad: raw.fundShareWad,
  };
}

/** `ILiquidationEngine.LiquidationStatus`. */
export interface LiquidationStatus {
  equityWad: bigint;
  maintenanceWad: bigint;
  grossValueWad: bigint;
  canStart: boolean;
  inAuction: boolean;
  insolvent: boolean;
  discountWad: bigint;
  maxFractionWad: bigint;
  fundPaymentWad: bigint;
  /** The prices the account depends on let a solvent auction act now (what the engine may not price is dust). */
  pricesOk: boolean;
  /** `pricesOk`, and no position on an unhealthy underlying nor Down collateral is held: fund decisions may act. */
  fundPricesOk: boolean;
}

/** `LiquidationMath.discountDown`: start + (max − start) × min(elapsed, ramp) / ramp, rounded down. */
export function discountDown(startWad: bigint, maxWad: bigint, elapsed: bigint, ramp: bigint): bigint {
  if (elapsed >= ramp) return maxWad;
  return startWad + mulDivDown(maxWad - startWad, elapsed, ramp);
}

/**
 * `LiquidationMath.fundPaymentDown`: what the fund pays the bidder taking over an insolvent account, its deficit at
 * market plus discount × base, the product rounded down.
 */
export function fundPaymentDown(deficitWad: bigint, baseWad: bigint, discountWad: bigint): bigint {
  return deficitWad + mulDivDown(baseWad, discountWad, WAD);
}

/**
 * `LiquidationMath.solventMaxFractionDown`: the largest fraction a bid may take of a solvent account below
 * maintenance, and whether it must take everything. `lostWad` (signed): the margin equity a bid costs the account
 * per unit of fraction, haircut value of what is taken less what the bidder pays for it.
 */
export function solventMaxFractionDown(
  equityWad: bigint,
  maintenanceWad: bigint,
  grossWad: bigint,
  lostWad: bigint,
  bufferWad: bigint,
  smallAccountWad: bigint,
): { maxFractionWad: bigint; allOrNothing: boolean } {
  if (equityWad < lostWad) return { maxFractionWad: WAD, allOrNothing: true };
  if (grossWad < smallAccountWad) return { maxFractionWad: WAD, allOrNothing: false };
  const bufferMarginWad = toInt256(mulDivDown(maintenanceWad, WAD + bufferWad, WAD));
  if (bufferMarginWad <= equityWad) return { maxFractionWad: 0n, allOrNothing: false };
  // BM > E >= L: both differences are positive.
  let maxFractionWad = mulDivDown(bufferMarginWad - equityWad, WAD, bufferMarginWad - lostWad);
  if (maxFractionWad > WAD) maxFractionWad = WAD;
  return { maxFractionWad, allOrNothing: false };
}

/** `LiquidationMath.bidPaymentUp`: gross × f × (1 − discount), each step rounded up. */
export function bidPaymentUp(grossWad: bigint, fractionWad: bigint, discountWad: bigint): bigint {
  return mulDivUp(mulDivUp(grossWad, fractionWad, WAD), WAD - discountWad, WAD);
}

/** `LiquidationMath.takenDown`: amount × f rounded down, exactly `amount` for f = 1. */
export function takenDown(amount: bigint, fractionWad: bigint): bigint {
  return fractionWad === WAD ? amount : mulDivDown(amount, fractionWad, WAD);
}

/**
 * `LiquidationEngine.UNHEALTHY_COLLATERAL_SHARE_WAD`: the dust share of the account's size that what the engine may
 * not price (unhealthy-price collateral, positions on unhealthy underlyings) may contribute and be left out.
 */
export const UNHEALTHY_COLLATERAL_SHARE_WAD = WAD / 100n;

/** What `LiquidationEngine._compute` reads besides the margin: the account's state and the clock. */
export interface LiquidationInput {
  /**
   * The account's margin as the engine values it: `MarginEngine.marginOf(account)` while every underlying it holds
   * is healthy; otherwise collateral − debt + its other positions on the `marginOf` valuation + `frozenPositions`
   * (margin is additive across underlyings). Zeros when those could not be valued.
   */
  margin: AccountMargin;
  /** Settlement debt in WAD (`debtOf` × 10^(18 − quote decimals)). */
  debtWad: bigint;
  /** `Vault.collateralMarketValue(account)` (see `collateralMarketValue` in `vault.ts`). */
  collateral: CollateralMarketValue;
  /** `auctionStart(account)`: 0 when no auction runs. */
  auctionStart: bigint;
  /** `block.timestamp`. */
  timestamp: bigint;
  /**
   * No underlying the account holds is unhealthy: the risk controller allows liquidations on each (or, without
   * one, each router's spot is Ok). Collateral health is read from `collateral`.
   */
  underlyingsHealthy: boolean;
  /**
   * When `underlyingsHealthy` is false: `MarginEngine.positionsMarginOf(ids, sizes, true)` of the account's positions
   * on the unhealthy underlyings (their conservative value, positions only; while no such price is Down it equals
   * `accountMargin` of those positions alone with no collateral and no debt). Absent or null: the margin engine
   * could not value them, and the engine refuses to act.
   */
  frozenPositions?: AccountMargin | null;
  params: AuctionParams;
}

/** `LiquidationEngine._compute` (`liquidationStatus`) with what the executes need besides it. */
export interface LiquidationContext extends LiquidationStatus {
  /** Market value of what a bidder takes, signed. */
  grossWad: bigint;
  /** Per unit of fraction, the margin equity a solvent bid costs the account (0 unless a solvent bid is possible). */
  lostWad: bigint;
  allOrNothing: boolean;
  /**
   * What the engine may not price (unhealthy-price collateral, positions on unhealthy underlyings) is worth more than
   * the dust share, or could not be valued: liquidation waits (`!pricesOk`).
   */
  collateralVeto: boolean;
  /** Collateral whose price is Down is held: fund decisions wait. */
  downHeld: boolean;
}

/**
 * `LiquidationEngine._compute` and `_auctionTerms`: margin equity and maintenance from the margin engine, the
 * market value of what a bidder takes (marks plus Ok-price collateral at market), insolvency at market (that value
 * below the settlement debt), the discount of the moment (the insolvent ramp when insolvent) and, in a running
 * auction on an account under water with healthy prices, the fund payment or the largest fraction.
 */
export function liquidationStatus(input: LiquidationInput): LiquidationContext {
  const { collateral: v, params: p, debtWad } = input;
  const zero: AccountMargin = { equityWad: 0n, initialWad: 0n, maintenanceWad: 0n };
  const frozen = input.underlyingsHealthy ? zero : (input.frozenPositions ?? zero);
  const valued = input.underlyingsHealthy || (input.frozenPositions !== undefined && input.frozenPositions !== null);
  const m = valued ? input.margin : zero;
  const debtSigned = toInt256(debtWad);
  // Marks of what a bidder takes: margin equity with the debt added back and the haircut collateral value and the
  // frozen positions taken out.
  const marksWad = m.equityWad + debtSigned - toInt256(v.okHaircutWad + v.unhealthyHaircutWad) - frozen.equityWad;
  const grossWad = marksWad + toInt256(v.okWad);
  const frozenMarksWad = frozen.equityWad < 0n ? -frozen.equityWad : frozen.equityWad;
  const pricesOk =
    valued &&
    (v.unhealthyWad + frozenMarksWad + frozen.maintenanceWad) * WAD <=
      UNHEALTHY_COLLATERAL_SHARE_WAD * (v.okWad + v.unhealthyWad + frozenMarksWad + m.maintenanceWad + debtWad);
  const fundPricesOk = pricesOk && !v.downHeld && input.underlyingsHealthy;
  const collateralVeto = !pricesOk;
  const healthy = pricesOk;
  const inAuction = input.auctionStart !== 0n;
  const underwater = m.equityWad < toInt256(m.maintenanceWad);
  const insolvent = grossWad + frozen.equityWad < debtSigned;
  const s: LiquidationContext = {
    equityWad: m.equityWad,
    maintenanceWad: m.maintenanceWad,
    grossValueWad: grossWad > 0n ? grossWad : 0n,
    canStart: !inAuction && underwater && healthy,
    inAuction,
    insolvent,
    discountWad: 0n,
    maxFractionWad: 0n,
    fundPaymentWad: 0n,
    pricesOk,
    fundPricesOk,
    grossWad,
    lostWad: 0n,
    allOrNothing: false,
    collateralVeto,
    downHeld: v.downHeld,
  };
  // `_auctionTerms`.
  // 0 when the clock reads earlier than the start (a node's simulation clock may lag its latest block).
  const elapsed = inAuction && input.timestamp > input.auctionStart ? input.timestamp - input.auctionStart : 0n;
  s.discountWad = discountDown(
    p.startDiscountWad,
    p.maxDiscountWad,
    elapsed,
    insolvent ? p.insolventRampSeconds : p.discountRampSeconds,
  );
  if (!inAuction || !(underwater && healthy)) return s;
  if (insolvent) {
    // A fund decision waits while any price the account depends on is not Ok.
    if (!fundPricesOk) return s;
    s.maxFractionWad = WAD;
    s.allOrNothing = true;
    s.fundPaymentWad = fundPaymentDown(
      debtSigned - grossWad,
      s.grossValueWad > s.maintenanceWad ? s.grossValueWad : s.maintenanceWad,
      s.discountWad,
    );
  } else {
    const haircutGrossWad = marksWad + toInt256(v.okHaircutWad);
    s.lostWad = haircutGrossWad - toInt256(mulDivDown(s.grossValueWad, WAD - s.discountWad, WAD));
    // Frozen positions are not taken: their buffer margin is set against equity (see the engine).
    const frozenBufferWad =
      mulDivDown(s.maintenanceWad, WAD + p.bufferWad, WAD) -
      mulDivDown(s.maintenanceWad - frozen.maintenanceWad, WAD + p.bufferWad, WAD);
    const f = solventMaxFractionDown(
      s.equityWad - frozenBufferWad,
      s.maintenanceWad - frozen.maintenanceWad,
      s.grossValueWad,
      s.lostWad,
      p.bufferWad,
      p.smallAccountWad,
    );
    s.maxFractionWad = f.maxFractionWad;
    s.allOrNothing = f.allOrNothing;
  }
  return s;
}

/**
 * `startAuction`'s flag reward in quote units: min(flagReward × MM rounded down, cap) / 10^(18 − decimals), as far
 * as the account's quote balance goes.
 */
export function flagReward(params: AuctionParams, maintenanceWad: bigint, quoteBalance: bigint, quoteDecimals: number) {
  const rewardWad = mulDivDown(params.flagRewardWad, maintenanceWad, WAD);
  const capped = rewardWad < params.maxFlagRewardWad ? rewardWad : params.maxFlagRewardWad;
  const reward = capped / 10n ** BigInt(18 - quoteDecimals);
  return reward < quoteBalance ? reward : quoteBalance;
}

/** `Liquidation_InvalidFraction(fractionWad, maxFractionWad)`: the clamped fraction is 0 or not the whole account. */
export class LiquidationInvalidFractionError extends Error {
  override name = "LiquidationInvalidFractionError";
  constructor(
    readonly fractionWad: bigint,
    readonly maxFractionWad: bigint,
  ) {
    super(`Liquidation: invalid fraction ${fractionWad} (maximum ${maxFractionWad})`);
  }
}

/**
 * `bid`'s fraction and payment in quote units. The bid takes up to `fractionWad`: clamped to the maximum of the
 * moment (throws `LiquidationInvalidFractionError` where the engine reverts: 0 after the clamp, or not the whole of
 * an all-or-nothing account). For an insolvent account the fund pays (negative payment, rounded down to quote
 * units); for a solvent one the account receives `bidderPays` = gross × f × (1 − d) rounded up and the fund
 * `fundCut` = floor(gross × f) × d × fundShare rounded down, both from the bidder.
 */
export function bidPayment(
  status: LiquidationContext,
  fractionWad: bigint,
  params: AuctionParams,
  quoteDecimals: number,
): { fractionWad: bigint; payment: bigint; bidderPays: bigint; fundCut: bigint } {
  if (fractionWad > status.maxFractionWad) fractionWad = status.maxFractionWad;
  if (fractionWad === 0n || (status.allOrNothing && fractionWad !== WAD)) {
    throw new LiquidationInvalidFractionError(fractionWad, status.maxFractionWad);
  }
  const quoteToWad = 10n ** BigInt(18 - quoteDecimals);
  if (status.insolvent) {
    return { fractionWad, payment: -toInt256(status.fundPaymentWad / quoteToWad), bidderPays: 0n, fundCut: 0n };
  }
  const bidderPays = ceilDiv(bidPaymentUp(status.grossValueWad, fractionWad, status.discountWad), quoteToWad);
  const fundCut = mulDivDown(
    mulDivDown(status.grossValueWad, fractionWad, WAD),
    status.discountWad * params.fundShareWad,
    WAD * WAD * quoteToWad,
  );
  return { fractionWad, payment: toInt256(bidderPays + fundCut), bidderPays, fundCut };
}

/**
 * `LiquidationEngine._take` on positions: what a bid of `fractionWad` leaves the account of each signed size
 * (floor(|size| × f) taken, the account keeping the rounding; nothing left for f = 1).
 */
export function positionsLeft(sizes: readonly bigint[], fractionWad: bigint): bigint[] {
  return sizes.map((size) => {
    const amount = takenDown(size > 0n ? size : -size, fractionWad);
    return size > 0n ? size - amount : size + amount;
  });
}

/**
 * `LiquidationEngine._takeCollateral` for an Ok-price collateral balance: the amount the account keeps (the quote
 * asset nets the taken part against `bidderPays`, paid in). Token units; with a quote loss index other than 1e18 the
 * vault's share rounding applies on top (see `vault.ts`).
 */
export function collateralLeft(balance: bigint, fractionWad: bigint, bidderPays = 0n): bigint {
  return balance - takenDown(balance, fractionWad) + bidderPays;
}
