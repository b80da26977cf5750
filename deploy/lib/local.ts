import { ZeroHash, zeroPadValue, toBeHex, type Contract, type Signer } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";
import LocalModule from "../modules/LocalDemo.js";
import { deploymentOf } from "./deployment.js";

/**
 * Signers 0–6 of a local node play the deployment's roles: 0 deploys, 1 is the guardian, 2 is unused (it was the
 * lister; series are now listed through the timelock), 3 the timelock proposer, 4–6 the quorum signers (k = 2 of
 * 3). Signers from `FIRST_FREE_SIGNER` on are free for traders and keepers.
 */
export const FIRST_FREE_SIGNER = 7;

/**
 * Deploys the OptioLocal Ignition module with the standard local role accounts; also returns the SDK's
 * `Deployment` of it (chain id, first block, addresses).
 */
export async function deployLocal(connection: NetworkConnection, timelockDelay = 3_600) {
  const { ethers, ignition } = connection;
  const [, guardian, , proposer, s1, s2, s3] = await ethers.getSigners();
  const firstBlock = (await ethers.provider.getBlockNumber()) + 1;
  const quorumSigners = [s1, s2, s3];
  const contracts = await ignition.deploy(LocalModule, {
    parameters: {
      OptioLocal: {
        guardian: guardian.address,
        proposers: [proposer.address],
        timelockDelay,
        signers: quorumSigners.map((s) => s.address),
        threshold: 2,
      },
    },
  });
  const { chainId } = await ethers.provider.getNetwork();
  const deployment = await deploymentOf(chainId, firstBlock, contracts);
  return { contracts, deployment, guardian, proposer, quorumSigners };
}

/** One series to list: `SeriesRegistry.listSeries` arguments. */
export interface Listing {
  underlyingId: bigint;
  strikeE18: bigint;
  expiry: bigint | number;
  isCall: boolean;
}

/** One call governance makes through the timelock. */
export interface TimelockCall {
  target: string;
  data: string;
}

/**
 * Executes `calls` through the timelock as one batch: `proposer` schedules it, the local chain's clock moves on by
 * the timelock's delay, `beforeExecute` runs (for fresh prices when the delay made them stale) and the batch
 * executes.
 */
export async function governThroughTimelock(
  connection: NetworkConnection,
  timelockContract: Contract,
  proposer: Signer,
  calls: TimelockCall[],
  beforeExecute?: () => Promise<void>,
): Promise<void> {
  const { networkHelpers } = connection;
  const timelock = timelockContract.connect(proposer) as Contract;
  const targets = calls.map((c) => c.target);
  const values = calls.map(() => 0n);
  const payloads = calls.map((c) => c.data);
  // The block time makes the salt unique per batch and the run deterministic.
  const salt = zeroPadValue(toBeHex(await networkHelpers.time.latest()), 32);
  const delay = (await timelock.getMinDelay()) as bigint;
  await (await timelock.scheduleBatch(targets, values, payloads, ZeroHash, salt, delay)).wait();
  if (delay > 0n) await networkHelpers.time.increase(delay);
  if (beforeExecute) await beforeExecute();
  await (await timelock.executeBatch(targets, values, payloads, ZeroHash, salt)).wait();
}

/**
 * Lists series through the timelock, which holds the lister role (no externally owned account does): one batch
 * (`governThroughTimelock`); `beforeExecute` typically refreshes prices, as listing needs an Ok router.
 */
export async function listThroughTimelock(
  connection: NetworkConnection,
  contracts: { registry: Contract; timelock: Contract },
  proposer: Signer,
  listings: Listing[],
  beforeExecute?: () => Promise<void>,
): Promise<void> {
  const target = await contracts.registry.getAddress();
  const calls = listings.map((l) => ({
    target,
    data: contracts.registry.interface.encodeFunctionData("listSeries", [
      l.underlyingId,
      l.strikeE18,
      l.expiry,
      l.isCall,
    ]),
  }));
  await governThroughTimelock(connection, contracts.timelock, proposer, calls, beforeExecute);
}
