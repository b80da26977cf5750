import type { OptioClientConfig } from "../../client.js";
import type { SettlementEvent } from "./decodeOptioEvents.js";
import { type Unwatch, watchOptio, type WatchParameters } from "./watch.js";

export type WatchSettlementsParameters = WatchParameters<SettlementEvent>;

export type WatchSettlementsReturnType = Unwatch;

export type WatchSettlementsErrorType = Error;

/** Watches positions settling at expiry (`PositionSettled`). Returns the function that stops it. */
export function watchSettlements(
  client: OptioClientConfig,
  params: WatchSettlementsParameters,
): WatchSettlementsReturnType {
  return watchOptio(client, client.deployment.contracts.settlement, ["settlement"], params);
}
