import type { BaseContract, Signer } from "ethers";
import { feedId } from "../roles.js";

const REPORT_TYPES = {
  Report: [
    { name: "feedId", type: "bytes32" },
    { name: "value", type: "uint256" },
    { name: "timestamp", type: "uint64" },
  ],
};

/**
 * Signs `(feed, value_i, timestamp)` with each signer (EIP-712, domain "Optio QuorumFeed" v1) and submits the
 * observations ordered by signer address, as the quorum feed requires. Returns the transaction receipt.
 */
export async function submitReport(
  quorumFeed: BaseContract,
  signers: Signer[],
  feedName: string,
  values: bigint[],
  timestamp: bigint,
) {
  const { chainId } = await signers[0].provider!.getNetwork();
  const domain = { name: "Optio QuorumFeed", version: "1", chainId, verifyingContract: await quorumFeed.getAddress() };
  const id = feedId(feedName);
  const withAddress = await Promise.all(
    signers.map(async (s, i) => ({ s, value: values[i], a: await s.getAddress() })),
  );
  withAddress.sort((x, y) => (BigInt(x.a) < BigInt(y.a) ? -1 : 1));
  const observations = await Promise.all(
    withAddress.map(async ({ s, value }) => ({
      value,
      signature: await s.signTypedData(domain, REPORT_TYPES, { feedId: id, value, timestamp }),
    })),
  );
  const submit = quorumFeed.getFunction("submit");
  return await (await submit(id, timestamp, observations)).wait();
}
