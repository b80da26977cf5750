import { type Address, BaseError, parseAbi } from "viem";
import type { OptioClientConfig } from "../../client.js";
import { oracleRouterAbi } from "../../abis/oracleRouter.js";
import { priceSourceAbi } from "../../abis/priceSource.js";
import { quorumFeedAbi } from "../../abis/quorumFeed.js";
import { seriesRegistryAbi } from "../../abis/seriesRegistry.js";
import type { DecodedOptioError } from "../../errors/decode.js";
import { optioError } from "../internal/localError.js";
import { multicall, ok } from "../internal/multicall.js";
import { readOptio } from "../internal/write.js";

/** What the adapters read: a Chainlink aggregator's rounds, or a quorum feed id. */
const adapterAbi = parseAbi(["function feedId() view returns (bytes32)"]);
const aggregatorAbi = parseAbi([
  "function latestRoundData() view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)",
  "function getRoundData(uint80 roundId) view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)",
]);

export type PrepareExpiryPriceProofParameters = {
  underlyingId: bigint;
  expiry: bigint;
  /**
   * `"auto"` (default): the primary (Chainlink) source when it has a round within its observation delay after
   * expiry, else the secondary (quorum) with the proof that the primary has none; or force one of them.
   */
  source?: "auto" | "primary" | "secondary";
};

/** The router call that proves an expiry price, as `prepareExpiryPriceProof` finds it (nothing sent). */
export type ExpiryPriceProof =
  | {
      address: Address;
      abi: typeof oracleRouterAbi;
      functionName: "setExpiryPrice";
      args: readonly [bigint, bigint];
      source: "primary";
      roundHint: bigint;
    }
  | {
      address: Address;
      abi: typeof oracleRouterAbi;
      functionName: "setExpiryPriceFromSecondary";
      args: readonly [bigint, bigint, bigint];
      source: "secondary";
      roundHint: bigint;
      primaryRoundHint: bigint;
    };

export type PrepareExpiryPriceProofReturnType = ExpiryPriceProof;

export type PrepareExpiryPriceProofErrorType = DecodedOptioError;

/**
 * Finds the router call that proves an underlying's expiry price, without sending it (for callers that sign and
 * send themselves, such as a keeper with its own transaction manager): the first round at or after the expiry, by
 * binary search over the source's rounds (a Chainlink aggregator's rounds of its current phase, or the quorum feed's
 * rounds). Throws `Router_ExpiryNotReached` before expiry and `Router_ExpiryPriceAlreadySet` once set, as the router
 * would, and a `BaseError` while the chosen source has no round at or after the expiry yet.
 */
export async function prepareExpiryPriceProof(
  client: OptioClientConfig,
  params: PrepareExpiryPriceProofParameters,
): Promise<PrepareExpiryPriceProofReturnType> {
  const { expiry } = params;
  const router = await readOptio(() =>
    client.publicClient.readContract({
      address: client.deployment.contracts.registry,
      abi: seriesRegistryAbi,
      functionName: "routerOf",
      args: [params.underlyingId],
    }),
  );
  const block = await client.publicClient.getBlock();
  if (block.timestamp < expiry) throw optioError("Router_ExpiryNotReached", [expiry, block.timestamp]);
  const [primaryR, secondaryR, priceR] = await multicall(
    client,
    [
      { address: router, abi: oracleRouterAbi, functionName: "primary" },
      { address: router, abi: oracleRouterAbi, functionName: "secondary" },
      { address: router, abi: oracleRouterAbi, functionName: "expiryPrice", args: [expiry] },
    ],
    block.number,
  );
  const [stored, isSet] = ok(priceR);
  if (isSet) throw optioError("Router_ExpiryPriceAlreadySet", [expiry, stored]);
  const primary = ok(primaryR);
  const found = await firstRoundAtOrAfter(client, primary, expiry, block.number);
  const usePrimary =
    params.source === "primary" ||
    (params.source !== "secondary" && found !== undefined && found.observedAt - expiry <= found.maxDelay);
  if (usePrimary) {
    if (found === undefined) throw new BaseError(`The primary source has no round at or after ${expiry} yet.`);
    return {
      address: router,
      abi: oracleRouterAbi,
      functionName: "setExpiryPrice",
      args: [expiry, found.roundId],
      source: "primary",
      roundHint: found.roundId,
    };
  }
  const secondary = ok(secondaryR);
  const onSecondary = await firstRoundAtOrAfter(client, secondary, expiry, block.number);
  if (onSecondary === undefined) throw new BaseError(`The secondary source has no round at or after ${expiry} yet.`);
  const primaryRoundHint = found?.roundId ?? 0n;
  return {
    address: router,
    abi: oracleRouterAbi,
    functionName: "setExpiryPriceFromSecondary",
    args: [expiry, onSecondary.roundId, primaryRoundHint],
    source: "secondary",
    roundHint: onSecondary.roundId,
    primaryRoundHint,
  };
}

/**
 * The first round of `source` observed at or after `timestamp` (undefined when none is yet): binary search over the
 * rounds of a quorum feed (ids 1…latest) or of a Chainlink aggregator's current phase (one request per step).
 */
async function firstRoundAtOrAfter(
  client: OptioClientConfig,
  source: Address,
  timestamp: bigint,
  blockNumber: bigint,
): Promise<{ roundId: bigint; observedAt: bigint; maxDelay: bigint } | undefined> {
  const [feedR, feedIdR, delayR] = await multicall(
    client,
    [
      { address: source, abi: priceSourceAbi, functionName: "feed" },
      { address: source, abi: adapterAbi, functionName: "feedId" },
      { address: source, abi: priceSourceAbi, functionName: "maxObservationDelay" },
    ],
    blockNumber,
  );
  const feed = ok(feedR);
  const maxDelay = ok(delayR);
  const read = (args: Parameters<typeof client.publicClient.readContract>[0]) =>
    readOptio(() => client.publicClient.readContract({ ...args, blockNumber } as never)) as Promise<never>;
  let lo: bigint;
  let hi: bigint;
  let timeOf: (id: bigint) => Promise<bigint>;
  if (feedIdR.status === "success") {
    const feedId = feedIdR.result;
    const [latest, , latestAt] = (await read({
      address: feed,
      abi: quorumFeedAbi,
      functionName: "latestRound",
      args: [feedId],
    })) as readonly [bigint, bigint, bigint];
    if (latest === 0n || latestAt < timestamp) return undefined;
    lo = 1n;
    hi = latest;
    timeOf = async (id) =>
      (
        (await read({ address: feed, abi: quorumFeedAbi, functionName: "getRound", args: [feedId, id] })) as [
          bigint,
          bigint,
        ]
      )[1];
  } else {
    const [latest, , , latestAt] = (await read({
      address: feed,
      abi: aggregatorAbi,
      functionName: "latestRoundData",
    })) as readonly [bigint, bigint, bigint, bigint];
    if (latestAt < timestamp) return undefined;
    const phase = latest >> 64n;
    lo = (phase << 64n) | 1n;
    hi = latest;
    timeOf = async (id) =>
      (
        (await read({ address: feed, abi: aggregatorAbi, functionName: "getRoundData", args: [id] })) as [
          bigint,
          bigint,
          bigint,
          bigint,
        ]
      )[3];
  }
  // Invariant: round `hi` is observed at or after `timestamp`; find the smallest such id.
  while (lo < hi) {
    const mid = (lo + hi) / 2n;
    if ((await timeOf(mid)) >= timestamp) hi = mid;
    else lo = mid + 1n;
  }
  return { roundId: hi, observedAt: await timeOf(hi), maxDelay };
}
