import { type Account, BaseError, type Chain, type PublicClient, type Transport, type WalletClient } from "viem";
import type { Deployment } from "./deployment.js";
import { deposit, type DepositParameters } from "./actions/account/deposit.js";
import { withdraw, type WithdrawParameters } from "./actions/account/withdraw.js";
import { setOperator, type SetOperatorParameters } from "./actions/account/setOperator.js";
import { getAccount, type GetAccountParameters } from "./actions/account/getAccount.js";
import { buildOrder, type BuildOrderParameters } from "./actions/orders/buildOrder.js";
import { hashOrder, type HashOrderParameters } from "./actions/orders/hashOrder.js";
import { signOrder, type SignOrderParameters } from "./actions/orders/signOrder.js";
import { fill, type FillParameters } from "./actions/orders/fill.js";
import { matchOrders, type MatchOrdersParameters } from "./actions/orders/matchOrders.js";
import { cancel, type CancelParameters } from "./actions/orders/cancel.js";
import { raiseNonceFloor, type RaiseNonceFloorParameters } from "./actions/orders/raiseNonceFloor.js";
import { listUnderlyings, type ListUnderlyingsParameters } from "./actions/market/listUnderlyings.js";
import { listSeries, type ListSeriesParameters } from "./actions/market/listSeries.js";
import { quote, type QuoteParameters } from "./actions/market/quote.js";
import { getOrderStatus, type GetOrderStatusParameters } from "./actions/market/getOrderStatus.js";
import { previewTrade, type PreviewTradeParameters } from "./actions/orders/previewTrade.js";
import { getLiquidationStatus, type GetLiquidationStatusParameters } from "./actions/risk/getLiquidationStatus.js";
import { getMarketState, type GetMarketStateParameters } from "./actions/risk/getMarketState.js";
import { getAccountStates, type GetAccountStatesParameters } from "./actions/risk/getAccountStates.js";
import { startAuction, type StartAuctionParameters } from "./actions/risk/startAuction.js";
import { bid, type BidParameters } from "./actions/risk/bid.js";
import { endAuction, type EndAuctionParameters } from "./actions/risk/endAuction.js";
import {
  prepareExpiryPriceProof,
  type PrepareExpiryPriceProofParameters,
} from "./actions/expiry/prepareExpiryPriceProof.js";
import { proveExpiryPrice, type ProveExpiryPriceParameters } from "./actions/expiry/proveExpiryPrice.js";
import { settle, type SettleParameters } from "./actions/expiry/settle.js";
import { claim, type ClaimParameters } from "./actions/expiry/claim.js";
import { repayDebt, type RepayDebtParameters } from "./actions/expiry/repayDebt.js";
import { decodeOptioEvents, type DecodeOptioEventsParameters } from "./actions/events/decodeOptioEvents.js";
import { watchFills, type WatchFillsParameters } from "./actions/events/watchFills.js";
import { watchAuctions, type WatchAuctionsParameters } from "./actions/events/watchAuctions.js";
import { watchBids, type WatchBidsParameters } from "./actions/events/watchBids.js";
import { watchSettlements, type WatchSettlementsParameters } from "./actions/events/watchSettlements.js";
import {
  watchLossSocialisations,
  type WatchLossSocialisationsParameters,
} from "./actions/events/watchLossSocialisations.js";

/** What every action receives: the chain connections and the deployment they act on. */
export type OptioClientConfig = {
  publicClient: PublicClient<Transport, Chain | undefined>;
  walletClient?: WalletClient<Transport, Chain | undefined, Account | undefined> | undefined;
  deployment: Deployment;
};

/** An `OptioClientConfig` with every action bound to it, as viem's clients carry theirs. */
export type OptioClient = OptioClientConfig & ReturnType<typeof optioActions>;

export type CreateOptioClientErrorType = BaseError;

/**
 * Binds Optio's actions to a viem public client (reads, simulation, receipts), an optional wallet client (signing
 * and sending) and a deployment. Throws when the public client's chain is not the deployment's.
 */
export function createOptioClient(config: OptioClientConfig): OptioClient {
  const chainId = config.publicClient.chain?.id;
  if (chainId !== undefined && chainId !== config.deployment.chainId) {
    throw new BaseError(
      `The public client is on chain ${chainId}, the deployment on chain ${config.deployment.chainId}.`,
    );
  }
  const base: OptioClientConfig = { ...config };
  return { ...base, ...optioActions(base) };
}

function optioActions(client: OptioClientConfig) {
  return {
    deposit: (p: DepositParameters) => deposit(client, p),
    withdraw: (p: WithdrawParameters) => withdraw(client, p),
    setOperator: (p: SetOperatorParameters) => setOperator(client, p),
    getAccount: (p?: GetAccountParameters) => getAccount(client, p),
    buildOrder: (p: BuildOrderParameters) => buildOrder(client, p),
    hashOrder: (p: HashOrderParameters) => hashOrder(client, p),
    signOrder: (p: SignOrderParameters) => signOrder(client, p),
    fill: (p: FillParameters) => fill(client, p),
    matchOrders: (p: MatchOrdersParameters) => matchOrders(client, p),
    cancel: (p: CancelParameters) => cancel(client, p),
    raiseNonceFloor: (p: RaiseNonceFloorParameters) => raiseNonceFloor(client, p),
    listUnderlyings: (p?: ListUnderlyingsParameters) => listUnderlyings(client, p),
    listSeries: (p?: ListSeriesParameters) => listSeries(client, p),
    quote: (p: QuoteParameters) => quote(client, p),
    getOrderStatus: (p: GetOrderStatusParameters) => getOrderStatus(client, p),
    previewTrade: (p: PreviewTradeParameters) => previewTrade(client, p),
    getLiquidationStatus: (p?: GetLiquidationStatusParameters) => getLiquidationStatus(client, p),
    getMarketState: (p?: GetMarketStateParameters) => getMarketState(client, p),
    getAccountStates: (p: GetAccountStatesParameters) => getAccountStates(client, p),
    startAuction: (p: StartAuctionParameters) => startAuction(client, p),
    bid: (p: BidParameters) => bid(client, p),
    endAuction: (p: EndAuctionParameters) => endAuction(client, p),
    prepareExpiryPriceProof: (p: PrepareExpiryPriceProofParameters) => prepareExpiryPriceProof(client, p),
    proveExpiryPrice: (p: ProveExpiryPriceParameters) => proveExpiryPrice(client, p),
    settle: (p: SettleParameters) => settle(client, p),
    claim: (p: ClaimParameters) => claim(client, p),
    repayDebt: (p: RepayDebtParameters) => repayDebt(client, p),
    decodeOptioEvents: (p: DecodeOptioEventsParameters) => decodeOptioEvents(client, p),
    watchFills: (p: WatchFillsParameters) => watchFills(client, p),
    watchAuctions: (p: WatchAuctionsParameters) => watchAuctions(client, p),
    watchBids: (p: WatchBidsParameters) => watchBids(client, p),
    watchSettlements: (p: WatchSettlementsParameters) => watchSettlements(client, p),
    watchLossSocialisations: (p: WatchLossSocialisationsParameters) => watchLossSocialisations(client, p),
  };
}
