/**
 * Keeper benchmark on a live node: the real `optio-keeper run --roles liquidator` (a child process) against anvil
 * with a book of 60 accounts (the liquidator's end-to-end fixture), through a crash in eight price updates (spot
 * 3,000 → 1,800, implied volatility 65% → 130%) on one-second blocks.
 *
 * - `keeper.latency.blocks`: for each account, the blocks from the first block at which the chain's
 *   `liquidationStatus` says an auction can start (found by reading every block of each update) to the block of its
 *   `AuctionStarted`; the median. 1 means flagged in the very next block.
 * - `keeper.rescanBlocksAfterRestart`: the keeper is killed (SIGKILL) after the crash and started again; the blocks
 *   its index read a second time (`liquidator_blocks_rescanned_total`).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getAddress, parseEventLogs, type Address } from "viem";
import { liquidationEngineAbi } from "../../sdk/src/index.js";
import { metric, scrape, startKeeper, until, type KeeperProcess } from "../../keepers/src/testing/keeperProcess.js";
import {
  buildLiquidationBook,
  CRASH_SPOT,
  CRASH_VOL,
  SPOT,
  VOL,
  writeLiquidatorConfig,
} from "../../keepers/src/testing/liquidation.js";
import { rpc, startAnvil, stopProcess } from "../../keepers/src/testing/nodes.js";
import { deployOptio } from "../../keepers/src/testing/optio.js";
import type { BenchResult } from "./blackScholes.js";

const STEPS = 8n;

export async function benchKeeperLive(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), "bench-keeper-"));
  const node = await startAnvil();
  const processes: KeeperProcess[] = [];
  try {
    const optio = await deployOptio(node.url, dir);
    const book = await buildLiquidationBook(optio, 60);
    // Built on automine; the crash runs on one-second blocks, as a chain makes them (several transactions a block).
    await rpc(node.url, "evm_setAutomine", [false]);
    await rpc(node.url, "evm_setIntervalMining", [1]);
    const cfg = await writeLiquidatorConfig(dir, optio, book, "bench");
    const args = ["run", "--roles", "liquidator", "--config", cfg.path];
    const env = { OPTIO_KEEPER_PRIVATE_KEY: book.keepers[0].key };
    const ready = async (k: KeeperProcess) =>
      until(
        "the keeper to be ready",
        async () => ((await fetch(`http://127.0.0.1:${cfg.port}/readyz`)).status === 200 ? true : undefined),
        60_000,
        k.output,
      );
    let keeper = startKeeper(args, env);
    processes.push(keeper);
    await ready(keeper);

    // The crash, update by update: after each, every block it spanned is read for accounts that became flaggable.
    const firstFlaggable = new Map<Address, bigint>();
    for (let k = 1n; k <= STEPS; k++) {
      const from = (await book.client.getBlockNumber({ cacheTime: 0 })) + 1n;
      await book.push(SPOT - ((SPOT - CRASH_SPOT) * k) / STEPS, VOL + ((CRASH_VOL - VOL) * k) / STEPS);
      const to = await book.client.getBlockNumber({ cacheTime: 0 });
      for (let b = from; b <= to; b++) {
        const open = book.accounts.filter((a) => !firstFlaggable.has(a));
        for (const [a, s] of await book.statuses(open, b)) if (s.canStart) firstFlaggable.set(a, b);
      }
    }
    if (firstFlaggable.size === 0) throw new Error("keeper bench: the crash left every account healthy");
    const started = await until(
      "every flaggable account to be flagged",
      async () => {
        const logs = await book.client.getLogs({
          address: optio.deployment.contracts.liquidationEngine,
          fromBlock: optio.deployment.blockNumber,
        });
        const out = new Map<Address, bigint>();
        for (const l of parseEventLogs({ abi: liquidationEngineAbi, logs, eventName: "AuctionStarted" }))
          if (!out.has(getAddress(l.args.account))) out.set(getAddress(l.args.account), l.blockNumber);
        return [...firstFlaggable.keys()].every((a) => out.has(a)) ? out : undefined;
      },
      120_000,
      keeper.output,
    );
    const latencies = [...firstFlaggable].map(([a, b]) => Number(started.get(a)! - b)).sort((x, y) => x - y);
    const median = latencies[Math.floor((latencies.length - 1) / 2)];

    // Killed without warning, then started again on the same store.
    keeper.child.kill("SIGKILL");
    await keeper.exit;
    keeper = startKeeper(args, env);
    processes.push(keeper);
    await ready(keeper);
    const rescanned = metric(await scrape(cfg.port), "optio_keeper_liquidator_blocks_rescanned_total") ?? 0;
    keeper.child.kill("SIGTERM");
    await keeper.exit;
    return [
      { name: "keeper.latency.blocks", value: median, unit: "blocks" },
      { name: "keeper.latency.accounts", value: latencies.length, unit: "count" },
      { name: "keeper.rescanBlocksAfterRestart", value: rescanned, unit: "blocks" },
    ];
  } finally {
    for (const p of processes) await stopProcess(p.child, "SIGKILL");
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
