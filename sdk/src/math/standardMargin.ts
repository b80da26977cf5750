/**
 * Standard margin's pure formulas, bit-exact with the contracts.
 *
 * Mirrors `contracts/margin/StandardMarginLib.sol`: `fractionOfSpotUp`, `nakedInitialPerUnit`, `groupRequirement`
 * and `maxLoss` (with its domain errors). WAD in the quote asset; sizes signed WAD (long > 0, short < 0); every
 * requirement and loss rounds up.
 */
import { WAD } from "./constants.js";
import { ceilDiv, mulDivUp } from "./solidity.js";

/** One position of an expiry group (`StandardMarginLib.Leg`). */
export interface Leg {
  strikeE18: bigint;
  sizeE18: bigint;
  isCall: boolean;
}

/** `maxLoss` got legs out of strike order (`StandardMargin_UnsortedLegs(index)`). */
export class StandardMarginUnsortedLegsError extends Error {
  override name = "StandardMarginUnsortedLegsError";
  constructor(readonly index: bigint) {
    super(`StandardMargin: legs not sorted by strike at index ${index}`);
  }
}

/** A leg (or, for 2^8 legs or more, their count) outside `maxLoss`'s domain (`StandardMargin_LegOutOfRange`). */
export class StandardMarginLegOutOfRangeError extends Error {
  override name = "StandardMarginLegOutOfRangeError";
  constructor(readonly index: bigint) {
    super(`StandardMargin: leg ${index} out of range`);
  }
}

const INT128_MIN = -(1n << 127n);
const INT128_MAX = (1n << 127n) - 1n;

/** `StandardMarginLib.fractionOfSpotUp`: ceil(ratio · S). */
export function fractionOfSpotUp(ratioWad: bigint, spotE18: bigint): bigint {
  return mulDivUp(ratioWad, spotE18, WAD);
}

/** `StandardMarginLib.nakedInitialPerUnit`: max(aS − OTM, bS) + mark, OTM = max(K − S, 0) (call), max(S − K, 0). */
export function nakedInitialPerUnit(
  aSpotE18: bigint,
  bSpotE18: bigint,
  spotE18: bigint,
  strikeE18: bigint,
  isCall: boolean,
  shortMarkE18: bigint,
): bigint {
  const otm = isCall
    ? strikeE18 > spotE18
      ? strikeE18 - spotE18
      : 0n
    : spotE18 > strikeE18
      ? spotE18 - strikeE18
      : 0n;
  const reduced = aSpotE18 > otm ? aSpotE18 - otm : 0n;
  return (reduced > bSpotE18 ? reduced : bSpotE18) + shortMarkE18;
}

/** `StandardMarginLib.groupRequirement`: min(naked, maxLoss) when the loss is bounded, else naked. */
export function groupRequirement(nakedE18: bigint, maxLossE18: bigint, bounded: boolean): bigint {
  return bounded && maxLossE18 < nakedE18 ? maxLossE18 : nakedE18;
}

/**
 * `StandardMarginLib.maxLoss`: the exact maximum loss of the legs' payoff at expiry, rounded up, and whether it is
 * bounded (Σ call sizes >= 0). Legs sorted by strike, ascending; fewer than 2^8, strikes below 2^120, sizes int128.
 */
export function maxLoss(legs: readonly Leg[]): { lossE18: bigint; bounded: boolean } {
  const n = legs.length;
  if (n >> 8 !== 0) throw new StandardMarginLegOutOfRangeError(BigInt(n));
  let value = 0n;
  let slope = 0n;
  for (let i = 0; i < n; i++) {
    const leg = legs[i];
    if (leg.strikeE18 >> 120n !== 0n || leg.strikeE18 < 0n || leg.sizeE18 < INT128_MIN || leg.sizeE18 > INT128_MAX) {
      throw new StandardMarginLegOutOfRangeError(BigInt(i));
    }
    if (!leg.isCall) {
      value += leg.sizeE18 * leg.strikeE18;
      slope -= leg.sizeE18;
    }
  }
  let minimum = value;
  let previous = 0n;
  for (let i = 0; i < n; i++) {
    const leg = legs[i];
    if (leg.strikeE18 < previous) throw new StandardMarginUnsortedLegsError(BigInt(i));
    value += slope * (leg.strikeE18 - previous);
    if (value < minimum) minimum = value;
    slope += leg.sizeE18;
    previous = leg.strikeE18;
  }
  return { lossE18: minimum < 0n ? ceilDiv(-minimum, WAD) : 0n, bounded: slope >= 0n };
}
