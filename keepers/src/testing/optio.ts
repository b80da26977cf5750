/**
 * Optio deployed on a real node process (Hardhat's node or anvil) for the keepers' end-to-end tests: the local
 * Ignition module through a Hardhat connection to the node's URL, the deployment file the keeper's config names,
 * price pushers for both underlyings and listing through the timelock. Test setup only; the keepers themselves
 * never import this.
 */
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Contract, Signer } from "ethers";
import type { Deployment } from "@optio/sdk";
import { REPO_ROOT } from "./nodes.js";

export interface OptioOnNode {
  url: string;
  /** The Hardhat connection (ethers) to the node, for setup: minting, trading, listing. */
  connection: Awaited<ReturnType<typeof connect>>;
  deployment: Deployment;
  /** The deployment file to name in a keeper config. */
  deploymentPath: string;
  /** The deployed contracts, core and mocks, by their Ignition names. */
  contracts: Record<string, Contract>;
  proposer: Signer;
  quorumSigners: Signer[];
  /** Sets spot and implied volatility (WAD) on both price sources of `symbol` (Chainlink mock and quorum feed). */
  pushPrice(symbol: "ETH" | "BTC", spotWad: bigint, volWad: bigint): Promise<void>;
  /** Lists series through the timelock (whose delay is 0 here, so no clock jump). */
  list(
    listings: { underlyingId: bigint; strikeE18: bigint; expiry: bigint | number; isCall: boolean }[],
  ): Promise<void>;
  /** Replaces the quorum feed's signer set and threshold through the timelock (delay 0 here). */
  setQuorumSigners(signers: string[], threshold: number): Promise<void>;
}

async function connect(url: string) {
  const { network } = await import("hardhat");
  return await network.create({ network: "localhost", override: { url } });
}

/**
 * Deploys the local module on the node at `url` with a zero timelock delay and writes the deployment file under
 * `dir`. Both node kinds report chain id 31337, so Ignition's journal for it is dropped first.
 */
export async function deployOptio(url: string, dir: string): Promise<OptioOnNode> {
  const connection = await connect(url);
  await rm(join(REPO_ROOT, "deploy/deployments/chain-31337"), { recursive: true, force: true });
  const { deployLocal, listThroughTimelock } = await import("../../../deploy/lib/local.js");
  const { writeDeployment } = await import("../../../deploy/lib/deployment.js");
  const { createPricePusher } = await import("../../../deploy/lib/quorum.js");
  const deployed = await deployLocal(connection, 0);
  await mkdir(dir, { recursive: true });
  const deploymentPath = join(dir, "deployment.json");
  await writeDeployment(deploymentPath, deployed.deployment);
  const contracts = deployed.contracts as unknown as Record<string, Contract>;
  const latest = async () => Number((await connection.ethers.provider.getBlock("latest"))!.timestamp);
  const pushers = {
    ETH: createPricePusher(contracts.ethAggregator, contracts.quorumFeed, deployed.quorumSigners, "ETH", latest),
    BTC: createPricePusher(contracts.btcAggregator, contracts.quorumFeed, deployed.quorumSigners, "BTC", latest),
  };
  return {
    url,
    connection,
    deployment: deployed.deployment,
    deploymentPath,
    contracts,
    proposer: deployed.proposer,
    quorumSigners: deployed.quorumSigners,
    pushPrice: (symbol, spotWad, volWad) => pushers[symbol].push(spotWad, volWad),
    list: (listings) =>
      listThroughTimelock(
        connection,
        { registry: contracts.registry, timelock: contracts.timelock },
        deployed.proposer,
        listings,
      ),
    setQuorumSigners: async (signers, threshold) => {
      const { ZeroHash, id } = await import("ethers");
      const timelock = contracts.timelock.connect(deployed.proposer) as Contract;
      const target = await contracts.quorumFeed.getAddress();
      const data = contracts.quorumFeed.interface.encodeFunctionData("setSigners", [signers, threshold]);
      const salt = id(`setSigners:${signers.join(",")}:${threshold}:${Date.now()}`);
      await (await timelock.getFunction("schedule")(target, 0n, data, ZeroHash, salt, 0n)).wait();
      await (await timelock.getFunction("execute")(target, 0n, data, ZeroHash, salt)).wait();
    },
  };
}
