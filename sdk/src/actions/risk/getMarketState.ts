import type { ContractFunctionParameters } from "viem";
import type { OptioClientConfig } from "../../client.js";
import { liquidationEngineAbi } from "../../abis/liquidationEngine.js";
import { oracleRouterAbi } from "../../abis/oracleRouter.js";
import { riskControllerAbi } from "../../abis/riskController.js";
import type { DecodedOptioError } from "../../errors/decode.js";
import { HEALTH_DOWN, HEALTH_OK, type MarketState, type UnderlyingHealth } from "../../math/health.js";
import { toAuctionParams } from "../../math/liquidation.js";
import { multicall, ok, okOr } from "../internal/multicall.js";
import { readSnapshot } from "../internal/snapshot.js";

export type GetMarketStateParameters = {
  /** Pin the read to this block (default: the latest). */
  blockNumber?: bigint;
};

export type GetMarketStateReturnType = MarketState;

export type GetMarketStateErrorType = DecodedOptioError;

/**
 * Everything every account's liquidation health shares at one block: every listed series' terms, each
 * underlying's spot, volatility, ratios, shock multiplier, expiry prices and whether liquidations may act on it,
 * each collateral's configuration and price, and the auction parameters. Five RPC requests whatever the number of
 * series; pass the result with `getAccountStates`' to `accountHealth`.
 */
export async function getMarketState(
  client: OptioClientConfig,
  params: GetMarketStateParameters = {},
): Promise<GetMarketStateReturnType> {
  const snap = await readSnapshot(client, { seriesIds: "all", blockNumber: params.blockNumber });
  const engine = client.deployment.contracts.liquidationEngine;
  const underlyingIds = [...snap.underlyings.keys()];
  const nonQuote = snap.collaterals.filter((c) => c.token !== snap.quoteAsset);
  const reads = await multicall(
    client,
    [
      { address: engine, abi: liquidationEngineAbi, functionName: "auctionParams" },
      ...nonQuote.map((c) => ({ address: c.router, abi: oracleRouterAbi, functionName: "spot" })),
      ...underlyingIds.map((id) => ({
        address: snap.riskController,
        abi: riskControllerAbi,
        functionName: "allowsLiquidation",
        args: [id],
      })),
    ] as ContractFunctionParameters[],
    snap.blockNumber,
  );
  const auctionParams = toAuctionParams(ok(reads[0] as never) as Parameters<typeof toAuctionParams>[0]);
  const prices = new Map<string, { priceE18: bigint; health: number }>();
  nonQuote.forEach((c, i) => {
    // The vault reads a router that reverts, or reports Down, as price 0 and Down.
    const [spot, health] = okOr(reads[1 + i] as never, [0n, HEALTH_DOWN] as const) as readonly [bigint, number];
    prices.set(c.token, { priceE18: health === HEALTH_DOWN ? 0n : spot, health });
  });
  const underlyings = new Map<bigint, UnderlyingHealth>();
  underlyingIds.forEach((id, i) => {
    const u = snap.underlyings.get(id)!;
    const allowsLiquidation = ok(reads[1 + nonQuote.length + i] as never) as boolean;
    underlyings.set(id, { market: u.market, allowsLiquidation });
  });
  return {
    blockNumber: snap.blockNumber,
    timestamp: snap.timestamp,
    quoteAsset: snap.quoteAsset,
    quoteDecimals: snap.quoteDecimals,
    collaterals: snap.collaterals.map((c) => ({
      token: c.token,
      decimals: c.decimals,
      haircutWad: c.haircutWad,
      listed: c.listed,
      ...(c.token === snap.quoteAsset ? { priceE18: 10n ** 18n, health: HEALTH_OK } : prices.get(c.token)!),
    })),
    underlyings,
    series: new Map(
      [...snap.series.values()].map((s) => [
        s.seriesId,
        {
          seriesId: s.seriesId,
          underlyingId: s.underlyingId,
          expiry: s.expiry,
          strikeE18: s.strikeE18,
          isCall: s.isCall,
        },
      ]),
    ),
    auctionParams,
  };
}
