/**
 * The liquidation engine's view math, bit-exact with main's contracts (as of commit 0afc85f; the liquidation math
 * is being reworked on another branch, so this file is kept apart to be updated with it).
 *
 * Mirrors `contracts/liquidation/LiquidationMath.sol` (`discountDown`, `fundPaymentDown`, `solventMaxFractionDown`,
 * `bidPaymentUp`, `takenDown`) and of `contracts/liquidation/LiquidationEngine.sol` the calculation `_compute`
 * (behind `liquidationStatus`), the flag reward of `startAuction`, the payments of `bid` (`_solventBid`, the
 * insolvent branch) and `_reachesMaintenance`. Rounding favours the liquidated account and the protocol: discounts,
 * fractions and fund payments down, bidder payments up.
 */
import { WAD } from "./constants.js";
import type { AccountMargin } from "./marginEngine.js";
import { ceilDiv, mulDivDown, mulDivUp, toInt256, toUint256 } from "./solidity.js";

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
}

/** `LiquidationMath.discountDown`: start + (max − start) × min(elapsed, ramp) / ramp, rounded down. */
export function discountDown(startWad: bigint, maxWad: bigint, elapsed: bigint, ramp: bigint): bigint {
  if (elapsed >= ramp) return maxWad;
  return startWad + mulDivDown(maxWad - startWad, elapsed, ramp);
}

/** `LiquidationMath.fundPaymentDown`: (|equity| + maxDiscount × gross) × min(elapsed, ramp) / ramp, rounded down. */
export function fundPaymentDown(
  equityWad: bigint,
  grossWad: bigint,
  maxDiscountWad: bigint,
  elapsed: bigint,
  ramp: bigint,
): bigint {
  const full = -equityWad + mulDivDown(grossWad, maxDiscountWad, WAD);
  if (elapsed >= ramp) return full;
  return mulDivDown(full, elapsed, ramp);
}

/**
 * `LiquidationMath.solventMaxFractionDown`: the largest fraction a bid may take of a solvent account below
 * maintenance, and whether it must take everything.
 */
export function solventMaxFractionDown(
  equityWad: bigint,
  maintenanceWad: bigint,
  grossWad: bigint,
  discountWad: bigint,
  bufferWad: bigint,
  smallAccountWad: bigint,
): { maxFractionWad: bigint; allOrNothing: boolean } {
  if (equityWad * WAD < grossWad * discountWad) return { maxFractionWad: WAD, allOrNothing: true };
  if (grossWad < smallAccountWad) return { maxFractionWad: WAD, allOrNothing: false };
  const bufferMarginWad = mulDivDown(maintenanceWad, WAD + bufferWad, WAD);
  const lostWad = mulDivDown(grossWad, discountWad, WAD);
  if (bufferMarginWad <= equityWad) return { maxFractionWad: 0n, allOrNothing: false };
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

/** What `LiquidationEngine._compute` reads besides the margin: the account's state and the clock. */
export interface LiquidationInput {
  /** `MarginEngine.marginOf(account)` (zeros when prices are unhealthy and the engine reverts). */
  margin: AccountMargin;
  /** Settlement debt in WAD (`debtOf` × 10^(18 − quote decimals)). */
  debtWad: bigint;
  /** `auctionStart(account)`: 0 when no auction runs. */
  auctionStart: bigint;
  /** `block.timestamp`. */
  timestamp: bigint;
  /** Every underlying held and every non-quote collateral held has an Ok price (and the risk controller allows). */
  pricesHealthy: boolean;
  params: AuctionParams;
}

/** `LiquidationEngine._compute` (`liquidationStatus`) with what `bid` needs besides it. */
export function liquidationStatus(input: LiquidationInput): LiquidationStatus & {
  grossWad: bigint;
  allOrNothing: boolean;
} {
  const { margin: m, params: p } = input;
  const grossWad = m.equityWad + toInt256(input.debtWad);
  const inAuction = input.auctionStart !== 0n;
  const underwater = m.equityWad < toInt256(m.maintenanceWad);
  const elapsed = inAuction ? input.timestamp - input.auctionStart : 0n;
  const s = {
    equityWad: m.equityWad,
    maintenanceWad: m.maintenanceWad,
    grossValueWad: grossWad > 0n ? grossWad : 0n,
    canStart: !inAuction && underwater && input.pricesHealthy,
    inAuction,
    insolvent: m.equityWad < 0n,
    discountWad: discountDown(p.startDiscountWad, p.maxDiscountWad, elapsed, p.discountRampSeconds),
    maxFractionWad: 0n,
    fundPaymentWad: 0n,
    grossWad,
    allOrNothing: false,
  };
  if (!inAuction || !underwater || !input.pricesHealthy) return s;
  if (s.insolvent) {
    s.maxFractionWad = WAD;
    s.allOrNothing = true;
    s.fundPaymentWad = fundPaymentDown(s.equityWad, s.grossValueWad, p.maxDiscountWad, elapsed, p.insolventRampSeconds);
  } else {
    const f = solventMaxFractionDown(
      s.equityWad,
      s.maintenanceWad,
      s.grossValueWad,
      s.discountWad,
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

/**
 * `bid`'s payment in quote units for `fractionWad` of the account in `status`: for an insolvent account the fund
 * pays (negative payment); for a solvent one the account receives `bidderPays` = gross × f × (1 − d) rounded up
 * and the fund `fundCut` = floor(gross × f) × d × fundShare rounded down, both from the bidder.
 */
export function bidPayment(
  status: LiquidationStatus & { grossWad: bigint },
  fractionWad: bigint,
  params: AuctionParams,
  quoteDecimals: number,
): { payment: bigint; bidderPays: bigint; fundCut: bigint } {
  const quoteToWad = 10n ** BigInt(18 - quoteDecimals);
  if (status.insolvent) {
    return { payment: -toInt256(status.fundPaymentWad / quoteToWad), bidderPays: 0n, fundCut: 0n };
  }
  const bidderPays = ceilDiv(bidPaymentUp(status.grossValueWad, fractionWad, status.discountWad), quoteToWad);
  const fundCut = mulDivDown(
    mulDivDown(toUint256(status.grossWad), fractionWad, WAD),
    status.discountWad * params.fundShareWad,
    WAD * WAD * quoteToWad,
  );
  return { payment: toInt256(bidderPays + fundCut), bidderPays, fundCut };
}

/** `LiquidationEngine._reachesMaintenance`: whether a partial solvent bid ends the auction. */
export function reachesMaintenance(status: LiquidationStatus, fractionWad: bigint, paymentWad: bigint): boolean {
  const equityAfter =
    status.equityWad + toInt256(paymentWad) - toInt256(mulDivUp(status.grossValueWad, fractionWad, WAD));
  const maintenanceAfter = status.maintenanceWad - mulDivDown(status.maintenanceWad, fractionWad, WAD);
  return equityAfter >= toInt256(maintenanceAfter);
}
