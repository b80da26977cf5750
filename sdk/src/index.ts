/**
 * @optio/sdk: a typed client for the Optio clearinghouse on viem.
 *
 * Two layers, as Morpho splits `blue-sdk` / `blue-sdk-viem`: `math/` and the types are pure (no I/O); everything
 * that talks to a chain lives in `actions/`.
 */
export * from "./math/index.js";

export * from "./abis/index.js";
export { createOptioClient, type OptioClient, type OptioClientConfig } from "./client.js";
export {
  DEPLOYMENT_CONTRACTS,
  type Deployment,
  type DeploymentContractName,
  type DeploymentJson,
  InvalidDeploymentError,
  loadDeployment,
  serializeDeployment,
} from "./deployment.js";
export { ROLES, feedId } from "./roles.js";
export {
  EXCHANGE_EIP712,
  exchangeDomain,
  type Order,
  ORDER_TYPE_STRING,
  orderTypes,
  type SignedOrder,
} from "./types/order.js";
export {
  orderObservations,
  QUORUM_FEED_EIP712,
  quorumFeedDomain,
  type Report,
  REPORT_TYPE_STRING,
  reportTypedData,
  reportTypes,
  type SignedReport,
} from "./types/observation.js";
export {
  OptioContractError,
  type OptioErrorArgs,
  type OptioErrorName,
  OptioUnknownRevertError,
} from "./errors/base.js";
export { decodeOptioError, decodeOptioRevertData, type DecodedOptioError } from "./errors/decode.js";
export * from "./errors/generated.js";
export { OptioAccountNotFoundError } from "./actions/internal/write.js";
export * from "./actions/account/deposit.js";
export * from "./actions/account/withdraw.js";
export * from "./actions/account/setOperator.js";
export * from "./actions/account/getAccount.js";
export * from "./actions/orders/buildOrder.js";
export * from "./actions/orders/hashOrder.js";
export * from "./actions/orders/signOrder.js";
export * from "./actions/orders/fill.js";
export * from "./actions/orders/matchOrders.js";
export * from "./actions/orders/cancel.js";
export * from "./actions/orders/raiseNonceFloor.js";
export * from "./actions/market/listUnderlyings.js";
export * from "./actions/market/listSeries.js";
export * from "./actions/market/quote.js";
export * from "./actions/market/getOrderStatus.js";
export * from "./actions/orders/previewTrade.js";
export * from "./actions/risk/getLiquidationStatus.js";
export * from "./actions/risk/getMarketState.js";
export * from "./actions/risk/getAccountStates.js";
export * from "./actions/risk/startAuction.js";
export * from "./actions/risk/bid.js";
export * from "./actions/risk/endAuction.js";
export * from "./actions/expiry/prepareExpiryPriceProof.js";
export * from "./actions/expiry/proveExpiryPrice.js";
export * from "./actions/expiry/settle.js";
export * from "./actions/expiry/claim.js";
export * from "./actions/expiry/repayDebt.js";
export * from "./actions/events/decodeOptioEvents.js";
export * from "./actions/events/watchFills.js";
export * from "./actions/events/watchAuctions.js";
export * from "./actions/events/watchBids.js";
export * from "./actions/events/watchSettlements.js";
export * from "./actions/events/watchLossSocialisations.js";
export type { Unwatch, WatchParameters } from "./actions/events/watch.js";
