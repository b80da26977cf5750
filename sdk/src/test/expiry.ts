/** Test setup shared by the expiry actions' tests: a call sold by a thin account, ETH at 4,500 past expiry. */
import { parseUnits } from "viem";
import { marginEngineAbi } from "../abis/marginEngine.js";
import { seriesRegistryAbi } from "../abis/seriesRegistry.js";
import type { LocalChain } from "./chain.js";
import { market } from "./fixtures.js";
import { fundedClient, pushPrice, trade } from "./accounts.js";

export const WAD = 10n ** 18n;
export const VOL = (65n * WAD) / 100n;

/**
 * `short` (1,000 USDC) sells `long` one ETH 3,000 call at its mark; ETH rallies to 4,500 and time passes the
 * expiry; `afterExpiry` decides which sources report after it (both by default).
 */
export async function expiredCall(chain: LocalChain, name: string, afterExpiry: "both" | "none" = "both") {
  const m = await market(chain);
  const long = await fundedClient(chain, `${name} long`, parseUnits("100000", 6));
  const short = await fundedClient(chain, `${name} short`, parseUnits("1000", 6));
  await pushPrice(chain, "ETH", 3_000n * WAD, VOL);
  const mark = await chain.publicClient.readContract({
    address: chain.deployment.contracts.margin,
    abi: marginEngineAbi,
    functionName: "markOf",
    args: [m.callId],
  });
  await trade(long, short, { seriesId: m.callId, isBuy: true, amount: WAD, limitPriceE18: mark });
  await pushPrice(chain, "ETH", 4_500n * WAD, VOL);
  const { expiry } = await chain.publicClient.readContract({
    address: chain.deployment.contracts.registry,
    abi: seriesRegistryAbi,
    functionName: "getSeries",
    args: [m.callId],
  });
  const now = (await chain.publicClient.getBlock()).timestamp;
  await chain.testClient.increaseTime({ seconds: Number(expiry - now + 5n) });
  await chain.testClient.mine({ blocks: 1 });
  if (afterExpiry === "both") await pushPrice(chain, "ETH", 4_500n * WAD, VOL);
  return { m, long, short, expiry, mark };
}
