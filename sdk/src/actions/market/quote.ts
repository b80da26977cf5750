import type { OptioClientConfig } from "../../client.js";
import type { DecodedOptioError } from "../../errors/decode.js";
import { readSnapshot } from "../internal/snapshot.js";
import { optioError } from "../internal/localError.js";
import { type SeriesQuote, seriesQuote } from "./seriesQuote.js";

export type QuoteParameters = {
  underlyingId: bigint;
  /** Strike in quote WAD. */
  strikeE18: bigint;
  /** Unix expiry; any time, listed or not. */
  expiry: bigint;
  isCall: boolean;
  /** Evaluate at this time instead of the block's (e.g. the next block's). */
  timestamp?: bigint;
  blockNumber?: bigint;
};

export type QuoteReturnType = SeriesQuote & { spotE18: bigint; volE18: bigint; timestamp: bigint };

export type QuoteErrorType = DecodedOptioError;

/**
 * Price and greeks of any strike and expiry, listed or not: the math mirror's Black–Scholes on the router's spot and
 * implied vol (the same model value `MarginEngine.markOf` gives a listed series). Throws `Series_UnknownUnderlying`
 * or `Margin_PriceUnavailable` as the chain would.
 */
export async function quote(client: OptioClientConfig, params: QuoteParameters): Promise<QuoteReturnType> {
  const snap = await readSnapshot(client, { blockNumber: params.blockNumber });
  const u = snap.underlyings.get(params.underlyingId);
  if (u === undefined) throw optioError("Series_UnknownUnderlying", [params.underlyingId]);
  const timestamp = params.timestamp ?? snap.timestamp;
  return {
    ...seriesQuote(params, u, timestamp),
    spotE18: u.market.spotE18 ?? 0n,
    volE18: u.market.volE18 ?? 0n,
    timestamp,
  };
}
