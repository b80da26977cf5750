/** Test setup shared by the risk actions' tests: an account pushed under maintenance margin by an ETH rally. */
import { parseUnits } from "viem";
import { marginEngineAbi } from "../abis/marginEngine.js";
import type { LocalChain } from "./chain.js";
import { market } from "./fixtures.js";
import { fundedClient, pushPrice, trade } from "./accounts.js";

export const WAD = 10n ** 18n;

/** `victim` sold 1 ETH 3,000 call with 1,000 USDC behind it; ETH then rallies to `spot` (default 4,000). */
export async function underwater(chain: LocalChain, name: string, spotE18 = 4_000n * WAD) {
  const m = await market(chain);
  const victim = await fundedClient(chain, `${name} victim`, parseUnits("1000", 6));
  const buyer = await fundedClient(chain, `${name} buyer`, parseUnits("100000", 6));
  const liquidator = await fundedClient(chain, `${name} liquidator`, parseUnits("100000", 6));
  await pushPrice(chain, "ETH", 3_000n * WAD, (65n * WAD) / 100n);
  const mark = await chain.publicClient.readContract({
    address: chain.deployment.contracts.margin,
    abi: marginEngineAbi,
    functionName: "markOf",
    args: [m.callId],
  });
  await trade(buyer, victim, { seriesId: m.callId, isBuy: true, amount: WAD, limitPriceE18: mark });
  await pushPrice(chain, "ETH", spotE18, (65n * WAD) / 100n);
  return { m, victim, buyer, liquidator };
}
