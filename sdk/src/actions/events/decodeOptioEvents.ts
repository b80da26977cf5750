import { type Address, getAddress, type Hash, type Log, parseEventLogs } from "viem";
import type { OptioClientConfig } from "../../client.js";
import { exchangeAbi } from "../../abis/exchange.js";
import { liquidationEngineAbi } from "../../abis/liquidationEngine.js";
import { settlementAbi } from "../../abis/settlement.js";
import { vaultAbi } from "../../abis/vault.js";

/** Where a decoded event was emitted. */
export type EventPosition = { blockNumber: bigint; transactionHash: Hash; logIndex: number };

/** `Exchange.OrderFilled`: one order's fill (a match emits one per order; only the taker order's carries the fee). */
export type FillEvent = EventPosition & {
  type: "fill";
  orderHash: Hash;
  maker: Address;
  taker: Address;
  seriesId: bigint;
  makerIsBuy: boolean;
  amount: bigint;
  priceE18: bigint;
  premium: bigint;
  fee: bigint;
};

/** `LiquidationEngine.AuctionStarted`. */
export type AuctionStartedEvent = EventPosition & {
  type: "auctionStarted";
  account: Address;
  flagger: Address;
  insolvent: boolean;
  reward: bigint;
};

/** `LiquidationEngine.AuctionEnded`. */
export type AuctionEndedEvent = EventPosition & { type: "auctionEnded"; account: Address; emptied: boolean };

/** `LiquidationEngine.AuctionBid`. */
export type BidEvent = EventPosition & {
  type: "bid";
  account: Address;
  bidder: Address;
  fractionWad: bigint;
  payment: bigint;
  discountWad: bigint;
  socialised: bigint;
};

/** `Settlement.PositionSettled`. */
export type SettlementEvent = EventPosition & {
  type: "settlement";
  account: Address;
  seriesId: bigint;
  position: bigint;
  expiryPriceE18: bigint;
  paid: bigint;
  outstanding: bigint;
};

/** `Vault.LossSocialized`: `amount` of quote spread over every quote balance, the loss index now `index`. */
export type LossSocialisedEvent = EventPosition & {
  type: "lossSocialised";
  to: Address;
  amount: bigint;
  index: bigint;
};

export type OptioEvent =
  | FillEvent
  | AuctionStartedEvent
  | AuctionEndedEvent
  | BidEvent
  | SettlementEvent
  | LossSocialisedEvent;

export type DecodeOptioEventsParameters = { logs: readonly Log[] };

export type DecodeOptioEventsReturnType = OptioEvent[];

export type DecodeOptioEventsErrorType = never;

/**
 * Decodes the fills, auctions, bids, settlements and loss socialisations among `logs` (a receipt's, a `getLogs`
 * answer) into typed events, in log order; logs of other contracts, or other events, are skipped. Only logs emitted
 * by the deployment's own exchange, liquidation engine, settlement and vault count.
 */
export function decodeOptioEvents(
  client: OptioClientConfig,
  { logs }: DecodeOptioEventsParameters,
): DecodeOptioEventsReturnType {
  const c = client.deployment.contracts;
  const from = (address: Address) => logs.filter((l) => getAddress(l.address) === getAddress(address)) as Log[];
  const out: OptioEvent[] = [];
  for (const l of parseEventLogs({ abi: exchangeAbi, eventName: "OrderFilled", logs: from(c.exchange) })) {
    out.push({ type: "fill", ...position(l), ...l.args });
  }
  for (const l of parseEventLogs({ abi: liquidationEngineAbi, logs: from(c.liquidationEngine) })) {
    if (l.eventName === "AuctionStarted") out.push({ type: "auctionStarted", ...position(l), ...l.args });
    else if (l.eventName === "AuctionEnded") out.push({ type: "auctionEnded", ...position(l), ...l.args });
    else if (l.eventName === "AuctionBid") out.push({ type: "bid", ...position(l), ...l.args });
  }
  for (const l of parseEventLogs({ abi: settlementAbi, eventName: "PositionSettled", logs: from(c.settlement) })) {
    out.push({ type: "settlement", ...position(l), ...l.args });
  }
  for (const l of parseEventLogs({ abi: vaultAbi, eventName: "LossSocialized", logs: from(c.vault) })) {
    out.push({ type: "lossSocialised", ...position(l), ...l.args });
  }
  return out.sort((a, b) =>
    a.blockNumber !== b.blockNumber ? (a.blockNumber < b.blockNumber ? -1 : 1) : a.logIndex - b.logIndex,
  );
}

function position(l: Log): EventPosition {
  return { blockNumber: l.blockNumber!, transactionHash: l.transactionHash!, logIndex: l.logIndex! };
}
