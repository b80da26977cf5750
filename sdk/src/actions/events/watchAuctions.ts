import type { OptioClientConfig } from "../../client.js";
import type { AuctionStartedEvent, AuctionEndedEvent } from "./decodeOptioEvents.js";
import { type Unwatch, watchOptio, type WatchParameters } from "./watch.js";

export type WatchAuctionsParameters = WatchParameters<AuctionStartedEvent | AuctionEndedEvent>;

export type WatchAuctionsReturnType = Unwatch;

export type WatchAuctionsErrorType = Error;

/** Watches auctions starting and ending. Returns the function that stops it. */
export function watchAuctions(client: OptioClientConfig, params: WatchAuctionsParameters): WatchAuctionsReturnType {
  return watchOptio(client, client.deployment.contracts.liquidationEngine, ["auctionStarted", "auctionEnded"], params);
}
