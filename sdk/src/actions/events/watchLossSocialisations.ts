import type { OptioClientConfig } from "../../client.js";
import type { LossSocialisedEvent } from "./decodeOptioEvents.js";
import { type Unwatch, watchOptio, type WatchParameters } from "./watch.js";

export type WatchLossSocialisationsParameters = WatchParameters<LossSocialisedEvent>;

export type WatchLossSocialisationsReturnType = Unwatch;

export type WatchLossSocialisationsErrorType = Error;

/** Watches the vault socialising a loss over every quote balance (`LossSocialized`). Returns the function that stops it. */
export function watchLossSocialisations(
  client: OptioClientConfig,
  params: WatchLossSocialisationsParameters,
): WatchLossSocialisationsReturnType {
  return watchOptio(client, client.deployment.contracts.vault, ["lossSocialised"], params);
}
