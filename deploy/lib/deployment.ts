import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { BaseContract } from "ethers";
import { DEPLOYMENT_CONTRACTS, loadDeployment, serializeDeployment, type Deployment } from "@optio/sdk";

/**
 * The SDK's `Deployment` of deployed Ignition contracts: the core contracts by their SDK names, every other named
 * contract (mocks, oracles) under `extra`. `blockNumber` is the first block of the deployment.
 */
export async function deploymentOf(
  chainId: bigint | number,
  blockNumber: bigint | number,
  contracts: Record<string, BaseContract>,
): Promise<Deployment> {
  const core: Record<string, string> = {};
  const extra: Record<string, string> = {};
  for (const [name, c] of Object.entries(contracts)) {
    ((DEPLOYMENT_CONTRACTS as readonly string[]).includes(name) ? core : extra)[name] = await c.getAddress();
  }
  return loadDeployment({ chainId: Number(chainId), blockNumber: Number(blockNumber), contracts: core, extra });
}

/** Writes `deployment` as the JSON file the SDK's `loadDeployment` reads. */
export async function writeDeployment(file: string, deployment: Deployment): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(serializeDeployment(deployment), null, 2)}\n`);
}
