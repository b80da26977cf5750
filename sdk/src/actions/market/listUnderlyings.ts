import type { Address } from "viem";
import type { OptioClientConfig } from "../../client.js";
import type { DecodedOptioError } from "../../errors/decode.js";
import type { MarginParams } from "../../math/marginEngine.js";
import { type Health, readSnapshot } from "../internal/snapshot.js";

export type ListUnderlyingsParameters = { blockNumber?: bigint };

export type UnderlyingInfo = {
  underlyingId: bigint;
  symbol: string;
  router: Address;
  /** The router's spot and implied vol with their health (values 0 when Down). */
  spotE18: bigint;
  spotHealth: Health;
  volE18: bigint;
  volHealth: Health;
  /** The margin ratios before the risk controller's shock multiplier. */
  marginParams: MarginParams;
  /** The risk controller's shock multiplier (WAD); always read, since the margin engine requires a controller. */
  shockMultiplierWad: bigint | undefined;
};

export type ListUnderlyingsReturnType = UnderlyingInfo[];

export type ListUnderlyingsErrorType = DecodedOptioError;

/** Every underlying the registry knows, with its oracle readings and margin ratios, in four RPC requests. */
export async function listUnderlyings(
  client: OptioClientConfig,
  params: ListUnderlyingsParameters = {},
): Promise<ListUnderlyingsReturnType> {
  const snap = await readSnapshot(client, { blockNumber: params.blockNumber });
  return [...snap.underlyings.values()].map((u) => ({
    underlyingId: u.underlyingId,
    symbol: u.symbol,
    router: u.router,
    spotE18: u.market.spotE18 ?? 0n,
    spotHealth: u.spotHealth,
    volE18: u.market.volE18 ?? 0n,
    volHealth: u.volHealth,
    marginParams: u.market.params,
    shockMultiplierWad: u.market.shockMultiplierWad,
  }));
}
