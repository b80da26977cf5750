import { type Address, type Hex, hexToBigInt, recoverAddress, size, slice, zeroAddress } from "viem";
import type { OptioClientConfig } from "../../client.js";
import { exchangeAbi } from "../../abis/exchange.js";
import { pauseGuardAbi } from "../../abis/pauseGuard.js";
import { positionBookAbi } from "../../abis/positionBook.js";
import { riskControllerAbi } from "../../abis/riskController.js";
import type { OptioContractError } from "../../errors/base.js";
import type { DecodedOptioError } from "../../errors/decode.js";
import { feeOf, feeSplit, premiumOf } from "../../math/fee.js";
import { accountMargin, type AccountMargin, MarginPriceUnavailableError } from "../../math/marginEngine.js";
import { quoteValueWad } from "../../math/vault.js";
import type { Order } from "../../types/order.js";
import { optioError } from "../internal/localError.js";
import { multicall, ok } from "../internal/multicall.js";
import { marginInput, readSnapshot, type Snapshot } from "../internal/snapshot.js";
import { walletOf } from "../internal/write.js";
import { hashOrder } from "./hashOrder.js";

export type PreviewTradeParameters = {
  /** The order a taker would `fill`. */
  order: Order;
  /** WAD options; the whole order by default. */
  amount?: bigint;
  /** The maker's signature: when given, checked as `SignatureChecker` does (ECDSA, then ERC-1271). */
  signature?: Hex;
  /** The taker's vault account; the wallet client's account by default. */
  takerAccount?: Address;
  /** Decide as of this block timestamp (default: the latest block's, as a simulation would). */
  timestamp?: bigint;
  blockNumber?: bigint;
};

/** One side's margin around the trade (`MarginEngine.marginOf` by the math mirror). */
export type SideMargin = {
  account: Address;
  /** Whether its side only reduces its position (then only maintenance is checked, and only if it worsens). */
  reduces: boolean;
  /** Undefined when a needed price is Down. */
  before: AccountMargin | undefined;
  after: AccountMargin | undefined;
};

export type PreviewTradeReturnType = {
  orderHash: `0x${string}`;
  blockNumber: bigint;
  timestamp: bigint;
  buyer: SideMargin;
  seller: SideMargin;
  /** Paid by the buyer to the seller, quote token units (rounded up). */
  premium: bigint;
  /** Paid by the taker, quote token units, and its split. */
  fee: bigint;
  feeSplit: { toInsurance: bigint; toRecipient: bigint };
  /** Whether the exchange would accept the fill. */
  accepted: boolean;
  /** When refused: the typed error the chain would revert with, with the arguments it would carry. */
  refusal: OptioContractError | undefined;
};

export type PreviewTradeErrorType = DecodedOptioError;

/**
 * What `fill` would do, decided locally by the math mirror on one block's state (five RPC requests: the block, the
 * snapshot's three multicalls, one exchange multicall): the premium, the fee, both sides' margin before and after,
 * and whether the exchange accepts the fill. The checks run in `Exchange.fill`'s order, so the first refusal is the
 * chain's, with its error and arguments: amount, taker, deadline, cancellation, the signature (only when
 * `signature` is given: ECDSA as OpenZeppelin's `SignatureChecker` recovers it, then the maker's ERC-1271
 * `isValidSignature`), overfill, the order's minimum fill, series expiry, zero premium, the maker's dust floor,
 * reduce-only, the premium and fee balances, the position book (self-trade, each side's live-series limit, buyer
 * first), the series' open-interest cap, then `MarginEngine.checkTradeMargin` for the buyer and the seller.
 * Not covered: a vault quote loss index below 1 (the vault then moves balances in rounded shares, which it does not
 * expose; a balance or margin at the edge may be off by a wei), and a price that is Down (the engine values a
 * reducing side by `exitMarginOf` over the outage range; the mirror has only the strict `marginOf` and reports
 * `Margin_PriceUnavailable`).
 */
export async function previewTrade(
  client: OptioClientConfig,
  params: PreviewTradeParameters,
): Promise<PreviewTradeReturnType> {
  const { order } = params;
  const amount = params.amount ?? order.amount;
  const taker = params.takerAccount ?? walletOf(client).account.address;
  const [buyer, seller] = order.isBuy ? [order.maker, taker] : [taker, order.maker];
  const c = client.deployment.contracts;
  const orderHash = hashOrder(client, { order });
  const snap = await readSnapshot(client, {
    accounts: [buyer, seller],
    seriesIds: [order.seriesId],
    blockNumber: params.blockNumber,
  });
  const terms = snap.series.get(order.seriesId)!;
  const u = terms.underlyingId;
  const x = await multicall(
    client,
    [
      { address: c.exchange, abi: exchangeAbi, functionName: "feeConfig" },
      { address: c.exchange, abi: exchangeAbi, functionName: "filled", args: [orderHash] },
      { address: c.exchange, abi: exchangeAbi, functionName: "cancelled", args: [orderHash] },
      { address: c.exchange, abi: exchangeAbi, functionName: "nonceFloor", args: [order.maker] },
      { address: c.pauseGuard, abi: pauseGuardAbi, functionName: "isPaused", args: [u] },
      { address: snap.riskController, abi: riskControllerAbi, functionName: "allowsNewRisk", args: [u] },
      { address: c.book, abi: positionBookAbi, functionName: "maxLiveSeries" },
      // ERC-1271: an EOA (no code) returns nothing, which fails to decode, as `SignatureChecker` reads it invalid.
      {
        address: order.maker,
        abi: erc1271Abi,
        functionName: "isValidSignature",
        args: [orderHash, params.signature ?? "0x"],
      },
    ],
    snap.blockNumber,
  );
  const feeConfig = ok(x[0]);
  const done = ok(x[1]);
  const cancelled = ok(x[2]);
  const nonceFloor = ok(x[3]);
  const paused = ok(x[4]);
  const allowsNewRisk = ok(x[5]);
  const maxLiveSeries = ok(x[6]);
  const erc1271Valid = x[7].status === "success" && x[7].result === ERC1271_MAGIC;
  const signer = params.signature === undefined ? undefined : await ecdsaSigner(orderHash, params.signature);
  const timestamp = params.timestamp ?? snap.timestamp;

  const quote = snap.quoteAsset;
  const premium = premiumOf(amount, order.limitPriceE18, snap.quoteDecimals);
  const fee = feeOf(feeConfig, amount, premium, snap.underlyings.get(u)!.market.spotE18, snap.quoteDecimals);
  const split = feeSplit(feeConfig, fee);

  const positionOf = (a: Address) =>
    snap.accounts.get(a)!.positions.find((p) => p.seriesId === order.seriesId)?.sizeE18 ?? 0n;
  const buyerBefore = positionOf(buyer);
  const sellerBefore = positionOf(seller);
  const liveLimit = (account: Address, before: bigint) =>
    before === 0n && snap.accounts.get(account)!.positions.filter((p) => p.sizeE18 !== 0n).length >= maxLiveSeries
      ? optioError("Positions_TooManyLiveSeries", [account, maxLiveSeries])
      : undefined;
  const buyerReduces = buyerBefore < 0n && amount <= -buyerBefore;
  const sellerReduces = sellerBefore > 0n && amount <= sellerBefore;

  // Quote balances as the fill moves them: premium buyer → seller, then the fee from the taker in two transfers.
  const quoteBal = new Map<Address, bigint>([
    [buyer, snap.accounts.get(buyer)!.balances.get(quote) ?? 0n],
    [seller, snap.accounts.get(seller)!.balances.get(quote) ?? 0n],
  ]);
  const refusals: (() => OptioContractError | undefined)[] = [
    () => (amount === 0n ? optioError("Exchange_ZeroAmount", []) : undefined),
    () =>
      order.taker !== zeroAddress && order.taker !== taker
        ? optioError("Exchange_WrongTaker", [orderHash, order.taker, taker])
        : undefined,
    () => (timestamp > order.deadline ? optioError("Exchange_OrderExpired", [orderHash, order.deadline]) : undefined),
    () => (cancelled || order.nonce < nonceFloor ? optioError("Exchange_OrderCancelled", [orderHash]) : undefined),
    () =>
      params.signature === undefined ||
      (signer ?? zeroAddress).toLowerCase() === order.maker.toLowerCase() ||
      erc1271Valid
        ? undefined
        : optioError("Exchange_InvalidSignature", [order.maker, orderHash]),
    () =>
      amount > order.amount || done > order.amount - amount
        ? optioError("Exchange_Overfill", [orderHash, done, amount, order.amount])
        : undefined,
    () =>
      amount !== order.amount - done &&
      (amount < order.minFillAmount || order.amount - done - amount < order.minFillAmount)
        ? optioError("Exchange_FillBelowMinimum", [orderHash, amount, order.minFillAmount, order.amount - done])
        : undefined,
    () =>
      timestamp >= terms.expiry ? optioError("Exchange_SeriesExpired", [order.seriesId, terms.expiry]) : undefined,
    () => (premium === 0n ? optioError("Exchange_ZeroAmount", []) : undefined),
    // A `fill` taker signed no minimum: only the maker's side has a dust floor.
    () => (order.isBuy ? dust(buyer, order.seriesId, buyerBefore, amount, order.minFillAmount) : undefined),
    () => (order.isBuy ? undefined : dust(seller, order.seriesId, -sellerBefore, amount, order.minFillAmount)),
    () =>
      !(buyerReduces && sellerReduces) && (paused || !allowsNewRisk)
        ? optioError("Exchange_ReduceOnly", [order.seriesId, buyerReduces ? seller : buyer])
        : undefined,
    () => debit(quoteBal, buyer, quote, premium) ?? credit(quoteBal, seller, premium),
    () => (split.toInsurance === 0n ? undefined : debit(quoteBal, taker, quote, split.toInsurance)),
    () => (split.toRecipient === 0n ? undefined : debit(quoteBal, taker, quote, split.toRecipient)),
    // `PositionBook.transferPosition`: distinct accounts, a new entry for each side within its live-series limit
    // (buyer first), then the open-interest increase against the series' cap.
    () => (buyer.toLowerCase() === seller.toLowerCase() ? optioError("Positions_SelfTrade", [buyer]) : undefined),
    () => liveLimit(buyer, buyerBefore),
    () => liveLimit(seller, sellerBefore),
    () => {
      const oiDelta =
        longOf(buyerBefore + amount) - longOf(buyerBefore) + longOf(sellerBefore - amount) - longOf(sellerBefore);
      const { openInterest, openInterestCap: cap } = terms;
      return oiDelta > 0n && (openInterest > cap || oiDelta > cap - openInterest)
        ? optioError("Series_OpenInterestCapExceeded", [order.seriesId, openInterest, oiDelta, cap])
        : undefined;
    },
  ];
  let refusal: OptioContractError | undefined;
  for (const check of refusals) {
    refusal = check();
    if (refusal !== undefined) break;
  }

  const side = (account: Address, delta: bigint, reduces: boolean): SideMargin & { check?: OptioContractError } => {
    const state = snap.accounts.get(account)!;
    const before = mirror(snap, state.positions, state.collateralValueWad, state.debt, timestamp);
    const after = mirror(
      snap,
      moved(state.positions, order.seriesId, delta),
      state.collateralValueWad === undefined
        ? undefined
        : state.collateralValueWad -
            quoteValueWad(state.balances.get(quote) ?? 0n, snap.quoteDecimals) +
            quoteValueWad(quoteBal.get(account) ?? 0n, snap.quoteDecimals),
      state.debt,
      timestamp,
    );
    const result: SideMargin & { check?: OptioContractError } = {
      account,
      reduces,
      before: before.margin,
      after: after.margin,
    };
    const holds = moved(state.positions, order.seriesId, delta).some((p) => p.sizeE18 !== 0n) || state.debt !== 0n;
    if (!holds) return result;
    if (after.error !== undefined) return { ...result, check: after.error };
    const m = after.margin!;
    if (!reduces) {
      if (m.equityWad < m.initialWad) {
        result.check = optioError("Margin_InsufficientInitialMargin", [account, m.equityWad, m.initialWad]);
      }
      return result;
    }
    if (before.error !== undefined) return { ...result, check: before.error };
    const surplusBefore = before.margin!.equityWad - before.margin!.maintenanceWad;
    if (m.equityWad < m.maintenanceWad && m.equityWad - m.maintenanceWad < surplusBefore) {
      result.check = optioError("Margin_InsufficientMaintenanceMargin", [account, m.equityWad, m.maintenanceWad]);
    }
    return result;
  };
  const b = side(buyer, amount, buyerReduces);
  const s = side(seller, -amount, sellerReduces);
  refusal ??= b.check ?? s.check;
  delete b.check;
  delete s.check;
  return {
    orderHash,
    blockNumber: snap.blockNumber,
    timestamp,
    buyer: b,
    seller: s,
    premium,
    fee,
    feeSplit: split,
    accepted: refusal === undefined,
    refusal,
  };
}

const ERC1271_MAGIC = "0x1626ba7e";
const erc1271Abi = [
  {
    type: "function",
    name: "isValidSignature",
    stateMutability: "view",
    inputs: [
      { name: "hash", type: "bytes32" },
      { name: "signature", type: "bytes" },
    ],
    outputs: [{ name: "", type: "bytes4" }],
  },
] as const;

/** Half the secp256k1 order: OpenZeppelin's `ECDSA` refuses a larger `s` (malleable signatures). */
const HALF_ORDER = 0x7fffffffffffffffffffffffffffffff5d576e73_57a4501ddfe92f46681b20a0n;

/**
 * `ECDSA.tryRecover(hash, signature)`: the signer of a 65-byte `r ‖ s ‖ v` signature with a low `s` and `v` of 27
 * or 28, or undefined where the library reports an error (its `ecrecover` of zero included).
 */
async function ecdsaSigner(hash: Hex, signature: Hex): Promise<Address | undefined> {
  if (size(signature) !== 65) return undefined;
  const s = hexToBigInt(slice(signature, 32, 64));
  const v = Number(hexToBigInt(slice(signature, 64, 65)));
  if (s > HALF_ORDER || (v !== 27 && v !== 28)) return undefined;
  try {
    return await recoverAddress({ hash, signature });
  } catch {
    return undefined;
  }
}

/** `Exchange._requireNoDust`: `before` and the result signed in the fill's direction for the side. */
function dust(account: Address, seriesId: bigint, before: bigint, amount: bigint, minSize: bigint) {
  if (minSize === 0n) return undefined;
  const after = before + amount;
  const sizeAfter = after < 0n ? -after : after;
  if (sizeAfter === 0n || sizeAfter >= minSize) return undefined;
  return optioError("Exchange_DustPosition", [account, seriesId, sizeAfter, minSize]);
}

function longOf(size: bigint): bigint {
  return size > 0n ? size : 0n;
}

/** `Vault._debit` on the preview's quote balances: `Vault_InsufficientBalance` when short. */
function debit(balances: Map<Address, bigint>, account: Address, token: Address, amount: bigint) {
  const balance = balances.get(account) ?? 0n;
  if (balance < amount) return optioError("Vault_InsufficientBalance", [account, token, balance, amount]);
  balances.set(account, balance - amount);
  return undefined;
}

function credit(balances: Map<Address, bigint>, account: Address, amount: bigint): undefined {
  balances.set(account, (balances.get(account) ?? 0n) + amount);
  return undefined;
}

function moved(positions: readonly { seriesId: bigint; sizeE18: bigint }[], seriesId: bigint, delta: bigint) {
  const out = positions.map((p) => ({ ...p }));
  const held = out.find((p) => p.seriesId === seriesId);
  if (held === undefined) out.push({ seriesId, sizeE18: delta });
  else held.sizeE18 += delta;
  return out.filter((p) => p.sizeE18 !== 0n);
}

/** The margin mirror on a snapshot, its price failure turned into the engine's typed error. */
function mirror(
  snap: Snapshot,
  positions: readonly { seriesId: bigint; sizeE18: bigint }[],
  collateralValueWad: bigint | undefined,
  debt: bigint,
  timestamp: bigint,
): { margin: AccountMargin | undefined; error: OptioContractError | undefined } {
  if (collateralValueWad === undefined) return { margin: undefined, error: undefined };
  try {
    const input = { ...marginInput(snap, positions, collateralValueWad, debt), timestamp };
    return { margin: accountMargin(input), error: undefined };
  } catch (err) {
    if (err instanceof MarginPriceUnavailableError) {
      return { margin: undefined, error: optioError("Margin_PriceUnavailable", [err.underlyingId]) };
    }
    throw err;
  }
}
