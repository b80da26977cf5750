import type { Address } from "viem";
import type { OptioClientConfig } from "../../client.js";
import { liquidationEngineAbi } from "../../abis/liquidationEngine.js";
import type { DecodedOptioError } from "../../errors/decode.js";
import { type AuctionParams, type LiquidationStatus, toAuctionParams } from "../../math/liquidation.js";
import { multicall, ok } from "../internal/multicall.js";
import { walletOf } from "../internal/write.js";

export type GetLiquidationStatusParameters = {
  /** The account; the wallet client's account by default. */
  account?: Address;
  blockNumber?: bigint;
};

export type GetLiquidationStatusReturnType = LiquidationStatus & {
  account: Address;
  blockNumber: bigint;
  timestamp: bigint;
  /** When its auction started (0 when none runs). */
  auctionStart: bigint;
  /** The engine's auction parameters (discount curve, buffer, flag reward, fund share). */
  params: AuctionParams;
};

export type GetLiquidationStatusErrorType = DecodedOptioError;

/**
 * `LiquidationEngine.liquidationStatus` (the calculation `startAuction` and `bid` share: whether an auction can
 * start, its discount, the largest fraction a bid may take, the fund's payment when insolvent) with the auction's
 * start and the engine's parameters, in two RPC requests.
 */
export async function getLiquidationStatus(
  client: OptioClientConfig,
  params: GetLiquidationStatusParameters = {},
): Promise<GetLiquidationStatusReturnType> {
  const account = params.account ?? walletOf(client).account.address;
  const engine = client.deployment.contracts.liquidationEngine;
  const block = await client.publicClient.getBlock(
    params.blockNumber === undefined ? {} : { blockNumber: params.blockNumber },
  );
  const [status, start, p] = await multicall(
    client,
    [
      { address: engine, abi: liquidationEngineAbi, functionName: "liquidationStatus", args: [account] },
      { address: engine, abi: liquidationEngineAbi, functionName: "auctionStart", args: [account] },
      { address: engine, abi: liquidationEngineAbi, functionName: "auctionParams" },
    ],
    block.number,
  );
  const a = ok(p);
  return {
    ...ok(status),
    account,
    blockNumber: block.number,
    timestamp: block.timestamp,
    auctionStart: ok(start),
    params: toAuctionParams(a),
  };
}
