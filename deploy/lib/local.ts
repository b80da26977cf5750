import type { NetworkConnection } from "hardhat/types/network";
import LocalModule from "../modules/LocalDemo.js";
import { deploymentOf } from "./deployment.js";

/**
 * Signers 0–6 of a local node play the deployment's roles: 0 deploys, 1 is the guardian, 2 the lister, 3 the
 * timelock proposer, 4–6 the quorum signers (k = 2 of 3). Signers from `FIRST_FREE_SIGNER` on are free for traders
 * and keepers.
 */
export const FIRST_FREE_SIGNER = 7;

/**
 * Deploys the OptioLocal Ignition module with the standard local role accounts; also returns the SDK's
 * `Deployment` of it (chain id, first block, addresses).
 */
export async function deployLocal(connection: NetworkConnection, timelockDelay = 3_600) {
  const { ethers, ignition } = connection;
  const [, guardian, lister, proposer, s1, s2, s3] = await ethers.getSigners();
  const firstBlock = (await ethers.provider.getBlockNumber()) + 1;
  const quorumSigners = [s1, s2, s3];
  const contracts = await ignition.deploy(LocalModule, {
    parameters: {
      OptioLocal: {
        guardian: guardian.address,
        lister: lister.address,
        proposers: [proposer.address],
        timelockDelay,
        signers: quorumSigners.map((s) => s.address),
        threshold: 2,
      },
    },
  });
  const { chainId } = await ethers.provider.getNetwork();
  const deployment = await deploymentOf(chainId, firstBlock, contracts);
  return { contracts, deployment, guardian, lister, proposer, quorumSigners };
}
