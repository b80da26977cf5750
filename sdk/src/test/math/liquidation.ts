/** Shapes shared by the liquidation mirror's equality tests. */
import type { AuctionParams, LiquidationStatus } from "../../math/liquidation.js";

/** `ILiquidationEngine.LiquidationStatus`'s fields in ABI order, the order of the on-chain tuple. */
const STATUS_FIELDS = [
  "equityWad",
  "maintenanceWad",
  "grossValueWad",
  "canStart",
  "inAuction",
  "insolvent",
  "discountWad",
  "maxFractionWad",
  "fundPaymentWad",
  "pricesOk",
  "fundPricesOk",
] as const satisfies readonly (keyof LiquidationStatus)[];

/** A status (the mirror's, or the SDK's decoded read) as the on-chain tuple, for a deep comparison. */
export function statusTuple(status: LiquidationStatus): (bigint | boolean)[] {
  return STATUS_FIELDS.map((field) => status[field]);
}

/** `ILiquidationEngine.auctionParams()` as ethers returns it (a tuple in struct order), as the mirror's params. */
export function auctionParamsOf(p: readonly bigint[]): AuctionParams {
  return {
    startDiscountWad: p[0],
    maxDiscountWad: p[1],
    discountRampSeconds: p[2],
    bufferWad: p[3],
    flagRewardWad: p[4],
    maxFlagRewardWad: p[5],
    insolventRampSeconds: p[6],
    smallAccountWad: p[7],
    fundShareWad: p[8],
  };
}
