import type { OptioClientConfig } from "../../client.js";
import type { FillEvent } from "./decodeOptioEvents.js";
import { type Unwatch, watchOptio, type WatchParameters } from "./watch.js";

export type WatchFillsParameters = WatchParameters<FillEvent>;

export type WatchFillsReturnType = Unwatch;

export type WatchFillsErrorType = Error;

/** Watches the exchange's fills (`OrderFilled`). Returns the function that stops it. */
export function watchFills(client: OptioClientConfig, params: WatchFillsParameters): WatchFillsReturnType {
  return watchOptio(client, client.deployment.contracts.exchange, ["fill"], params);
}
