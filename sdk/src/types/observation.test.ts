import { expect } from "chai";
import { hashTypedData, keccak256, recoverTypedDataAddress, stringToHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { quorumFeedAbi } from "../abis/quorumFeed.js";
import { feedId } from "../roles.js";
import { localChain } from "../test/chain.js";
import { orderObservations, REPORT_TYPE_STRING, reportTypedData } from "./observation.js";

// A throwaway key for signing tests only (never funded, never used on a real chain).
const KEY = "0x1111111111111111111111111111111111111111111111111111111111111111" as const;

describe("types/observation: one source of the quorum feed's EIP-712 Report type", () => {
  it("gives the digest QuorumFeed.reportDigest computes, for several reports", async () => {
    const chain = await localChain();
    const quorumFeed = chain.deployment.contracts.quorumFeed;
    const cases = [
      { feedId: feedId("ETH/USD"), value: 3_000n * 10n ** 18n, timestamp: 1_700_000_000n },
      { feedId: feedId("BTC/USD-IV"), value: 1n, timestamp: 2n ** 64n - 1n },
    ];
    for (const report of cases) {
      const onChain = await chain.publicClient.readContract({
        address: quorumFeed,
        abi: quorumFeedAbi,
        functionName: "reportDigest",
        args: [report.feedId, report.value, report.timestamp],
      });
      expect(hashTypedData(reportTypedData(chain.deployment.chainId, quorumFeed, report))).to.equal(onChain);
    }
    // The type string is the one the contract hashes (a different layout would give a different digest above).
    expect(keccak256(stringToHex(REPORT_TYPE_STRING))).to.equal(
      keccak256(stringToHex("Report(bytes32 feedId,uint256 value,uint64 timestamp)")),
    );
  });

  it("signs and recovers a report, and orders observations by signer address", async () => {
    const account = privateKeyToAccount(KEY);
    const report = { feedId: feedId("ETH/USD"), value: 42n, timestamp: 7n };
    const typed = reportTypedData(31337, "0x0000000000000000000000000000000000000001", report);
    const signature = await account.signTypedData(typed);
    expect(await recoverTypedDataAddress({ ...typed, signature })).to.equal(account.address);
    const low = { signer: "0x00000000000000000000000000000000000000aa" as const, value: 1n, signature };
    const high = { signer: "0x00000000000000000000000000000000000000Bb" as const, value: 2n, signature };
    expect(orderObservations([high, low]).map((o) => o.value)).to.deep.equal([1n, 2n]);
    expect(() => orderObservations([low, { ...low, value: 3n }])).to.throw(/appears twice/);
  });
});
