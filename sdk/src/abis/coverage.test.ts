import { expect } from "chai";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Abi } from "viem";
import * as abis from "./index.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** Each deployed implementation and the SDK ABI (its interface) every call goes through. */
const DEPLOYED: [string, Abi][] = [
  ["vault/Vault.sol/Vault", abis.vaultAbi],
  ["series/SeriesRegistry.sol/SeriesRegistry", abis.seriesRegistryAbi],
  ["risk/RiskController.sol/RiskController", abis.riskControllerAbi],
  ["oracles/QuorumFeed.sol/QuorumFeed", abis.quorumFeedAbi],
  ["oracles/OracleRouter.sol/OracleRouter", abis.oracleRouterAbi],
  ["oracles/ChainlinkAdapter.sol/ChainlinkAdapter", abis.priceSourceAbi],
  ["oracles/QuorumFeedAdapter.sol/QuorumFeedAdapter", abis.priceSourceAbi],
  ["governance/PauseGuard.sol/PauseGuard", abis.pauseGuardAbi],
  ["positions/PositionBook.sol/PositionBook", abis.positionBookAbi],
  ["margin/MarginEngine.sol/MarginEngine", abis.marginEngineAbi],
  ["vault/OpenPositionsMarginHook.sol/OpenPositionsMarginHook", abis.marginHookAbi],
  ["exchange/Exchange.sol/Exchange", abis.exchangeAbi],
  ["settlement/Settlement.sol/Settlement", abis.settlementAbi],
  ["liquidation/InsuranceFund.sol/InsuranceFund", abis.insuranceFundAbi],
  ["liquidation/LiquidationEngine.sol/LiquidationEngine", abis.liquidationEngineAbi],
  ["automation/LiquidationAutomation.sol/LiquidationAutomation", abis.liquidationAutomationAbi],
];

type Fn = { type: string; name?: string; stateMutability?: string; inputs?: readonly { type: string }[] };
const signature = (f: Fn) => `${f.name}(${(f.inputs ?? []).map((i) => i.type).join(",")})`;

describe("abis: every deployed contract is reachable through its interface", () => {
  it("declares every state-changing function and every view with arguments in the interface (or AccessControl)", async () => {
    const common = new Set(
      (abis.accessControlAbi as readonly Fn[]).filter((f) => f.type === "function").map(signature),
    );
    const gaps: string[] = [];
    for (const [artifact, iface] of DEPLOYED) {
      const json = JSON.parse(await readFile(path.join(ROOT, "artifacts/contracts", `${artifact}.json`), "utf8"));
      const declared = new Set((iface as readonly Fn[]).filter((f) => f.type === "function").map(signature));
      for (const f of json.abi as Fn[]) {
        if (f.type !== "function" || declared.has(signature(f)) || common.has(signature(f))) continue;
        // Parameterless views are constants, immutables and wiring getters, read through the implementation.
        const getter = (f.stateMutability === "view" || f.stateMutability === "pure") && (f.inputs ?? []).length === 0;
        if (!getter) gaps.push(`${path.basename(artifact)}.${signature(f)}`);
      }
    }
    expect(gaps).to.deep.equal([]);
  });

  it("lists the four functions this issue added to the interfaces", () => {
    const names = (abi: Abi) => abi.filter((f) => f.type === "function").map((f) => (f as Fn).name);
    expect(names(abis.exchangeAbi)).to.include.members(["feeConfig", "DOMAIN_SEPARATOR", "ORDER_TYPEHASH"]);
    expect(names(abis.liquidationEngineAbi)).to.include("auctionStart");
    expect(names(abis.insuranceFundAbi)).to.include.members(["setLiquidationEngine", "liquidationEngine"]);
    expect(names(abis.liquidationAutomationAbi)).to.include.members(["watch", "prune", "checkUpkeep", "performUpkeep"]);
  });
});
