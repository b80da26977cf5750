import type { OptioClientConfig } from "../../client.js";
import type { DecodedOptioError } from "../../errors/decode.js";
import { readSnapshot, type SeriesTerms } from "../internal/snapshot.js";
import { type SeriesQuote, seriesQuote } from "./seriesQuote.js";

export type ListSeriesParameters = {
  /** Only this underlying's series. */
  underlyingId?: bigint;
  /** Leave out series at or past expiry (default false). */
  liveOnly?: boolean;
  blockNumber?: bigint;
};

export type SeriesInfo = SeriesTerms &
  Partial<SeriesQuote> & {
    /** Why the mark is missing (a needed price is Down), as the engine's typed error. */
    markError?: DecodedOptioError;
  };

export type ListSeriesReturnType = { blockNumber: bigint; timestamp: bigint; series: SeriesInfo[] };

export type ListSeriesErrorType = DecodedOptioError;

/**
 * Every listed series with its terms, open interest, mark (the engine's, computed by the math mirror from the same
 * block's spot and vol) and greeks, in four RPC requests whatever their number.
 */
export async function listSeries(
  client: OptioClientConfig,
  params: ListSeriesParameters = {},
): Promise<ListSeriesReturnType> {
  const snap = await readSnapshot(client, { seriesIds: "all", blockNumber: params.blockNumber });
  const series: SeriesInfo[] = [];
  for (const s of snap.series.values()) {
    if (params.underlyingId !== undefined && s.underlyingId !== params.underlyingId) continue;
    if (params.liveOnly === true && s.expiry <= snap.timestamp) continue;
    try {
      series.push({ ...s, ...seriesQuote(s, snap.underlyings.get(s.underlyingId)!, snap.timestamp) });
    } catch (err) {
      series.push({ ...s, markError: err as DecodedOptioError });
    }
  }
  return { blockNumber: snap.blockNumber, timestamp: snap.timestamp, series };
}
