/**
 * Quorum oracle benchmark: four signers (k = 3) as real `optio-keeper run --roles oracle` processes on loopback
 * against anvil (automine) with the local deployment, each reading its own scripted price file.
 *
 * - `oracle.reportToChain.ms`: median wall time from a source price move past the deviation threshold (a 2% step
 *   appended to every signer's script) to the round accepted on the node (`latestRound` shows it), over 7 moves.
 *   It includes the signers' tick (100 ms), one exchange of observations over HTTP, the submitter's simulation,
 *   gas estimate, signing and mining, and the poll that sees the round.
 * - `oracle.gasPerRound`: median gas used by the accepted rounds' `submit` transactions (k = 3 signatures of 4,
 *   intrinsic gas included).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPublicClient, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { feedId, quorumFeedAbi } from "../../sdk/src/index.js";
import { startAnvil } from "../../keepers/src/testing/nodes.js";
import { deployOptio } from "../../keepers/src/testing/optio.js";
import {
  localKey,
  movePrice,
  prepareSigners,
  startSigner,
  stopSigner,
  type OracleSignerProcess,
} from "../../keepers/src/testing/oracle.js";
import type { BenchResult } from "./blackScholes.js";

const FEED = "ETH/USD";
const MOVES = 7;

function medianOf(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export async function benchOracle(): Promise<BenchResult[]> {
  const root = mkdtempSync(join(tmpdir(), "bench-oracle-"));
  const node = await startAnvil();
  let signers: OracleSignerProcess[] = [];
  try {
    const optio = await deployOptio(node.url, join(root, "deployment"));
    const accounts = [4, 5, 6, 7];
    await optio.setQuorumSigners(
      accounts.map((i) => privateKeyToAccount(localKey(i)).address),
      3,
    );
    signers = await prepareSigners({
      root,
      nodeUrl: node.url,
      deploymentPath: optio.deploymentPath,
      accounts,
      prices: accounts.map(() => ({ [FEED]: "3000" })),
      feeds: [{ name: FEED, deviationPercent: 0.5, heartbeatSeconds: 3600 }],
      oracle: { tickMs: 100 },
    });
    const client = createPublicClient({ transport: http(node.url) });
    const id = feedId(FEED);
    const roundId = async () =>
      (
        await client.readContract({
          address: optio.deployment.contracts.quorumFeed,
          abi: quorumFeedAbi,
          functionName: "latestRound",
          args: [id],
        })
      )[0];
    const waitForRound = async (after: bigint) => {
      const deadline = Date.now() + 60_000;
      while ((await roundId()) <= after) {
        if (Date.now() > deadline) throw new Error(`bench oracle: no round after ${after}\n${signers[0].log}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    signers.forEach(startSigner);
    await waitForRound(0n);
    const latencies: number[] = [];
    for (let i = 0; i < MOVES; i++) {
      const before = await roundId();
      const price = i % 2 === 0 ? "3060" : "3000";
      const t0 = performance.now();
      for (const s of signers) movePrice(s, { [FEED]: price });
      await waitForRound(before);
      latencies.push(performance.now() - t0);
      // Let every signer see the round before the next move.
      await new Promise((r) => setTimeout(r, 500));
    }
    const events = await client.getContractEvents({
      address: optio.deployment.contracts.quorumFeed,
      abi: quorumFeedAbi,
      eventName: "ReportAccepted",
      args: { feedId: id },
      fromBlock: 0n,
    });
    const gas: number[] = [];
    for (const e of events.slice(1)) {
      if (e.args.signerCount !== 3n) continue;
      gas.push(Number((await client.getTransactionReceipt({ hash: e.transactionHash })).gasUsed));
    }
    return [
      { name: "oracle.reportToChain.ms", value: Math.round(medianOf(latencies)), unit: "ms" },
      { name: "oracle.gasPerRound", value: medianOf(gas), unit: "gas" },
    ];
  } finally {
    for (const s of signers) await stopSigner(s);
    await node.stop();
    rmSync(root, { recursive: true, force: true });
  }
}
