/**
 * The vault's quote loss index and collateral value, bit-exact.
 *
 * Mirrors `contracts/vault/Vault.sol`: `socializeLoss` (the index falls to index × (total − amount) / total, rounded
 * down, and the recipient is credited amount / index in shares, rounded down), `_balanceOf` (shares × index,
 * rounded down), `_credit` (amount / index in shares, rounded down), `_debit` (rounded up) and `_valueOf`
 * (amount / 10^decimals × price, then × (1 − haircut), each rounded down) and `collateralMarketValue` (the same
 * market value before the haircut, split by price health). While the index is 1e18 shares are token units and
 * nothing rounds.
 */
import { WAD } from "./constants.js";
import { mulDivDown, mulDivUp } from "./solidity.js";

/** `Vault.MAX_SOCIALISED_LOSS_WAD`: one socialised loss is at most 10% of the quote balances. */
export const MAX_SOCIALISED_LOSS_WAD = WAD / 10n;

/** `Vault_LossTooLarge(amount, maxAmount)`. */
export class VaultLossTooLargeError extends Error {
  override name = "VaultLossTooLargeError";
  constructor(
    readonly amount: bigint,
    readonly maxAmount: bigint,
  ) {
    super(`Vault: loss ${amount} exceeds ${maxAmount}`);
  }
}

/** `Vault_InsufficientBalance(account, token, balance, needed)`, without the addresses. */
export class VaultInsufficientBalanceError extends Error {
  override name = "VaultInsufficientBalanceError";
  constructor(
    readonly balance: bigint,
    readonly needed: bigint,
  ) {
    super(`Vault: balance ${balance} below ${needed}`);
  }
}

/**
 * `Vault.socializeLoss(to, amount)` on the index: the new `quoteLossIndex` and the shares credited to `to`.
 * `totalBalance` is `Vault.totalBalance(quote)` before the loss (token units; unchanged by it).
 */
export function socializeLoss(
  quoteLossIndex: bigint,
  totalBalance: bigint,
  amount: bigint,
): { index: bigint; creditedShares: bigint } {
  const maxAmount = mulDivDown(totalBalance, MAX_SOCIALISED_LOSS_WAD, WAD);
  if (amount > maxAmount) throw new VaultLossTooLargeError(amount, maxAmount);
  const index = mulDivDown(quoteLossIndex, totalBalance - amount, totalBalance);
  return { index, creditedShares: mulDivDown(amount, WAD, index) };
}

/** `Vault._balanceOf` for the quote asset: shares × index / 1e18, rounded down (exact while the index is 1e18). */
export function quoteBalanceOf(shares: bigint, quoteLossIndex: bigint): bigint {
  return quoteLossIndex === WAD ? shares : mulDivDown(shares, quoteLossIndex, WAD);
}

/** `Vault._credit` for the quote asset: the shares `amount` token units add, rounded down. */
export function sharesCredited(amount: bigint, quoteLossIndex: bigint): bigint {
  return quoteLossIndex === WAD ? amount : mulDivDown(amount, WAD, quoteLossIndex);
}

/** `Vault._debit` for the quote asset: the shares `amount` token units remove, rounded up; throws when short. */
export function sharesDebited(shares: bigint, amount: bigint, quoteLossIndex: bigint): bigint {
  const balance = quoteBalanceOf(shares, quoteLossIndex);
  if (balance < amount) throw new VaultInsufficientBalanceError(balance, amount);
  return quoteLossIndex === WAD ? amount : mulDivUp(amount, WAD, quoteLossIndex);
}

/**
 * `Vault._valueOf` for a non-quote collateral: amount / 10^decimals × price, then × (1 − haircut), each rounded
 * down; 0 when the price is Down (undefined) or the amount is 0. For the quote asset the value is amount ×
 * 10^(18 − decimals) exactly (`quoteValueWad`).
 */
export function tokenValueWad(amount: bigint, decimals: number, priceE18: bigint | undefined, haircutWad: bigint) {
  if (amount === 0n || priceE18 === undefined) return 0n;
  return mulDivDown(mulDivDown(amount, priceE18, 10n ** BigInt(decimals)), WAD - haircutWad, WAD);
}

/** `Vault._valueOf` for the quote asset: exact. */
export function quoteValueWad(amount: bigint, quoteDecimals: number): bigint {
  return amount * 10n ** BigInt(18 - quoteDecimals);
}

/** `IVault.MarketValue`: an account's collateral at market and at its haircut value, split by price health. */
export interface CollateralMarketValue {
  okWad: bigint;
  okHaircutWad: bigint;
  unhealthyWad: bigint;
  unhealthyHaircutWad: bigint;
  downHeld: boolean;
}

const HEALTH_OK = 0;
const HEALTH_DOWN = 2;

/** A non-quote collateral balance as `collateralMarketValue` reads it. */
export interface CollateralHolding {
  amount: bigint;
  decimals: number;
  /** The router's spot; ignored when `health` is Down (read as 0). */
  priceE18: bigint;
  /** `Health`: 0 Ok, 1 Degraded, 2 Down (a router that reverts reads Down). */
  health: number;
  haircutWad: bigint;
}

/**
 * `Vault.collateralMarketValue`: the quote balance exactly (at market and haircut alike), then each non-quote
 * balance at market (amount / 10^decimals × price, rounded down) and its haircut value (that × (1 − haircut),
 * rounded down), added to the Ok or the unhealthy side by its price health; a Down price reads 0 and sets
 * `downHeld`.
 */
export function collateralMarketValue(
  quoteBalance: bigint,
  quoteDecimals: number,
  holdings: readonly CollateralHolding[],
): CollateralMarketValue {
  const v: CollateralMarketValue = {
    okWad: quoteValueWad(quoteBalance, quoteDecimals),
    okHaircutWad: 0n,
    unhealthyWad: 0n,
    unhealthyHaircutWad: 0n,
    downHeld: false,
  };
  v.okHaircutWad = v.okWad;
  for (const h of holdings) {
    if (h.amount === 0n) continue;
    const priceE18 = h.health === HEALTH_DOWN ? 0n : h.priceE18;
    const marketWad = mulDivDown(h.amount, priceE18, 10n ** BigInt(h.decimals));
    const haircutWad = mulDivDown(marketWad, WAD - h.haircutWad, WAD);
    if (h.health === HEALTH_OK) {
      v.okWad += marketWad;
      v.okHaircutWad += haircutWad;
    } else {
      v.unhealthyWad += marketWad;
      v.unhealthyHaircutWad += haircutWad;
      if (h.health === HEALTH_DOWN) v.downHeld = true;
    }
  }
  return v;
}
