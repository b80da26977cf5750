import type { OptioClientConfig } from "../../client.js";
import type { BidEvent } from "./decodeOptioEvents.js";
import { type Unwatch, watchOptio, type WatchParameters } from "./watch.js";

export type WatchBidsParameters = WatchParameters<BidEvent>;

export type WatchBidsReturnType = Unwatch;

export type WatchBidsErrorType = Error;

/** Watches bids on auctions (`AuctionBid`), with any loss they socialised. Returns the function that stops it. */
export function watchBids(client: OptioClientConfig, params: WatchBidsParameters): WatchBidsReturnType {
  return watchOptio(client, client.deployment.contracts.liquidationEngine, ["bid"], params);
}
