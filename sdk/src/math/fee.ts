/**
 * The exchange's premium and fee, bit-exact.
 *
 * Mirrors `contracts/exchange/Exchange.sol`: `_premiumOf` (amount × price in quote units, rounded up), `_feeOf`
 * (min(notionalFee × amount × spot, premiumCap × premium), each rounded up; the premium cap alone when the
 * underlying's spot is Down; zero when either rate is zero) and `_collectFee`'s split (the insurance share rounded
 * down, the rest to the fee recipient). Amounts in quote token units; `amount`, prices and rates in WAD.
 */
import { WAD } from "./constants.js";
import { mulDivDown, mulDivUp } from "./solidity.js";

/** `IExchange.FeeConfig`. */
export interface FeeConfig {
  notionalFeeWad: bigint;
  premiumCapWad: bigint;
  insuranceShareWad: bigint;
}

/** `Exchange._premiumOf`: amount × price / 10^(36 − quote decimals), rounded up (the buyer pays it whole). */
export function premiumOf(amountE18: bigint, priceE18: bigint, quoteDecimals: number): bigint {
  return mulDivUp(amountE18, priceE18, 10n ** BigInt(36 - quoteDecimals));
}

/**
 * `Exchange._feeOf` (and `feeFor` with the premium from `premiumOf`): the taker's fee in quote units. `spotE18` is
 * the underlying router's spot, undefined when its health is Down (then only the premium cap applies).
 */
export function feeOf(
  config: FeeConfig,
  amountE18: bigint,
  premium: bigint,
  spotE18: bigint | undefined,
  quoteDecimals: number,
): bigint {
  if (config.notionalFeeWad === 0n || config.premiumCapWad === 0n) return 0n;
  const fee = mulDivUp(premium, config.premiumCapWad, WAD);
  if (spotE18 === undefined) return fee;
  const notionalFee = mulDivUp(amountE18, spotE18 * config.notionalFeeWad, 10n ** BigInt(54 - quoteDecimals));
  return fee < notionalFee ? fee : notionalFee;
}

/** `Exchange._collectFee`'s split: the insurance fund's share rounded down, the recipient the rest. */
export function feeSplit(config: FeeConfig, fee: bigint): { toInsurance: bigint; toRecipient: bigint } {
  const toInsurance = mulDivDown(fee, config.insuranceShareWad, WAD);
  return { toInsurance, toRecipient: fee - toInsurance };
}
