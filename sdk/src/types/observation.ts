import type { Address, Hex } from "viem";

/**
 * One quorum signer's observation, field for field as the quorum feed's EIP-712 `Report(feedId, value, timestamp)`
 * (see `IQuorumFeed`): the feed (`feedId(name)`), the signer's value in WAD and the report's timestamp (unix
 * seconds), which every signature of one submission shares.
 */
export type Report = {
  feedId: Hex;
  /** The signer's value, WAD. */
  value: bigint;
  /** Unix seconds; strictly after the feed's latest round and not after the block that stores it. */
  timestamp: bigint;
};

/** A report with its signer's 65-byte signature: an element of `QuorumFeed.submit`'s observations. */
export type SignedReport = Report & { signer: Address; signature: Hex };

/**
 * The EIP-712 types of `Report`: the one source of its typed-data layout. A test checks that signing with it gives
 * the digest `QuorumFeed.reportDigest` computes.
 */
export const reportTypes = {
  Report: [
    { name: "feedId", type: "bytes32" },
    { name: "value", type: "uint256" },
    { name: "timestamp", type: "uint64" },
  ],
} as const;

/** The quorum feed's EIP-712 domain name and version (its chain id and address complete the domain). */
export const QUORUM_FEED_EIP712 = { name: "Optio QuorumFeed", version: "1" } as const;

/** `Report(bytes32 feedId,uint256 value,uint64 timestamp)`: the type string whose keccak256 is the feed's typehash. */
export const REPORT_TYPE_STRING = `Report(${reportTypes.Report.map((f) => `${f.type} ${f.name}`).join(",")})`;

/** The EIP-712 domain of the quorum feed at `verifyingContract` on `chainId`. */
export function quorumFeedDomain(chainId: number | bigint, verifyingContract: Address) {
  return { ...QUORUM_FEED_EIP712, chainId: Number(chainId), verifyingContract } as const;
}

/**
 * The typed data a signer signs for `report` (pass it to viem's `signTypedData`, `hashTypedData` or
 * `recoverTypedDataAddress`).
 */
export function reportTypedData(chainId: number | bigint, quorumFeed: Address, report: Report) {
  return {
    domain: quorumFeedDomain(chainId, quorumFeed),
    types: reportTypes,
    primaryType: "Report" as const,
    message: { feedId: report.feedId, value: report.value, timestamp: report.timestamp },
  };
}

/**
 * Orders signed reports as `QuorumFeed.submit` requires (strictly ascending signer address) and returns its
 * `observations` argument. Throws when a signer repeats, which the feed would refuse.
 */
export function orderObservations(reports: readonly Pick<SignedReport, "signer" | "value" | "signature">[]) {
  const sorted = [...reports].sort((a, b) => (BigInt(a.signer) < BigInt(b.signer) ? -1 : 1));
  for (let i = 1; i < sorted.length; i++) {
    if (BigInt(sorted[i].signer) === BigInt(sorted[i - 1].signer))
      throw new Error(`orderObservations: signer ${sorted[i].signer} appears twice`);
  }
  return sorted.map((r) => ({ value: r.value, signature: r.signature }));
}
