import { greeks as bsGreeks } from "../../math/blackScholes.js";
import { markOf } from "../../math/marginEngine.js";
import type { UnderlyingState } from "../internal/snapshot.js";
import { optioError } from "../internal/localError.js";

/** A series' value and sensitivities: the engine's mark and, before expiry, Black–Scholes greeks. */
export type SeriesQuote = {
  /** `MarginEngine.markOf`: Black–Scholes before expiry, intrinsic at the expiry price (spot while unset) after. */
  markE18: bigint;
  /** Signed WAD delta, vega per 1.00 of vol and gamma (WAD); undefined at or after expiry. */
  greeks: { delta: bigint; vega: bigint; gamma: bigint } | undefined;
};

/** Marks one series' terms in `u`'s market at `timestamp`; throws `Margin_PriceUnavailable` when a price is Down. */
export function seriesQuote(
  terms: { underlyingId: bigint; expiry: bigint; strikeE18: bigint; isCall: boolean },
  u: UnderlyingState,
  timestamp: bigint,
): SeriesQuote {
  const { spotE18, volE18 } = u.market;
  const expired = terms.expiry <= timestamp;
  if (spotE18 === undefined || (!expired && volE18 === undefined)) {
    throw optioError("Margin_PriceUnavailable", [terms.underlyingId]);
  }
  const markE18 = markOf(terms, u.market, timestamp);
  if (expired) return { markE18, greeks: undefined };
  const g = bsGreeks(spotE18, terms.strikeE18, terms.expiry - timestamp, volE18!, terms.isCall);
  return { markE18, greeks: { delta: g.delta, vega: g.vega, gamma: g.gamma } };
}
