import type { BaseContract, Signer } from "ethers";
import { feedId } from "@optio/sdk";

const REPORT_TYPES = {
  Report: [
    { name: "feedId", type: "bytes32" },
    { name: "value", type: "uint256" },
    { name: "timestamp", type: "uint64" },
  ],
};

/**
 * Signs `(feed, value_i, timestamp)` with each signer (EIP-712, domain "Optio QuorumFeed" v1) and returns the feed id
 * and the observations ordered by signer address, as `QuorumFeed.submit` requires.
 */
export async function signReport(
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
  return { id, observations };
}

/** Signs a report (`signReport`) and submits it; returns the transaction receipt. */
export async function submitReport(
  quorumFeed: BaseContract,
  signers: Signer[],
  feedName: string,
  values: bigint[],
  timestamp: bigint,
) {
  const { id, observations } = await signReport(quorumFeed, signers, feedName, values, timestamp);
  const submit = quorumFeed.getFunction("submit");
  return await (await submit(id, timestamp, observations)).wait();
}

/**
 * Moves an underlying's price on both local sources: the Chainlink mock aggregator jumps in one round, and the quorum
 * signers report spot and implied volatility. The quorum feed bounds each round's move (25% spot, 50% vol), so a
 * larger move is reported as consecutive rounds one second apart, each within 20%, as honest signers would.
 * `push(spot, vol)` takes WAD values; `last()` is the latest reported pair.
 */
export function createPricePusher(
  aggregator: BaseContract,
  quorumFeed: BaseContract,
  signers: Signer[],
  symbol: string,
  latestTime: () => Promise<number>,
) {
  let lastSpot = 0n;
  let lastVol = 0n;
  const stepTowards = (from: bigint, to: bigint) => {
    if (from === 0n) return to;
    const low = (from * 80n) / 100n;
    const high = (from * 120n) / 100n;
    return to < low ? low : to > high ? high : to;
  };
  const push = async (spot: bigint, vol: bigint) => {
    // Chainlink mocks here answer with 8 decimals.
    await (await aggregator.getFunction("updateAnswer")(spot / 10n ** 10n)).wait();
    do {
      const now = BigInt(await latestTime());
      lastSpot = stepTowards(lastSpot, spot);
      lastVol = stepTowards(lastVol, vol);
      await submitReport(quorumFeed, signers, `${symbol}/USD`, [lastSpot, lastSpot, lastSpot], now + 1n);
      await submitReport(quorumFeed, signers, `${symbol}/USD-IV`, [lastVol, lastVol, lastVol], now + 1n);
    } while (lastSpot !== spot || lastVol !== vol);
  };
  return { push, last: () => [lastSpot, lastVol] as const };
}
