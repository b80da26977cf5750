import type { Logger } from "pino";
import { parseGwei, type LocalAccount } from "viem";
import type { Deployment, OptioClientConfig } from "@optio/sdk";
import { createChainAccess, type ChainAccess } from "./chain/clients.js";
import { TxManager } from "./chain/txManager.js";
import type { KeeperConfig } from "./config/schema.js";
import { KeeperMetrics } from "./ops/metrics.js";
import { OpsServer } from "./ops/server.js";
import type { Role, RoleFactory } from "./roles/types.js";
import { BlockTracker, DeepReorgError, type BlockEvent } from "./state/blockTracker.js";
import { Store } from "./state/store.js";

export interface KeeperOptions {
  config: KeeperConfig;
  roles: RoleFactory[];
  account: LocalAccount | undefined;
  logger: Logger;
  /** Required when a role `needsDeployment`. */
  deployment?: Deployment;
}

/**
 * The frame every role runs in: chain access, the store, the block tracker, the transaction manager and the
 * operations endpoint. `run` loops until `stop`: poll new blocks, hand them (and reorgs) to each role in order,
 * follow pending transactions, update metrics.
 */
export class Keeper {
  readonly metrics = new KeeperMetrics();
  readonly store: Store;
  readonly chain: ChainAccess;
  readonly txs: TxManager | undefined;
  private readonly roles: Role[];
  private readonly tracker: BlockTracker;
  private readonly ops: OpsServer;
  private readonly logger: Logger;
  private stopping = false;
  private wake: (() => void) | undefined;
  private lastPollOk = 0;
  private started = false;
  private fatal: Error | undefined;
  private head: bigint | undefined;
  private lastCompacted = 0n;

  constructor(private readonly o: KeeperOptions) {
    const { config, logger } = o;
    this.logger = logger;
    this.store = Store.open(config.store.path);
    this.store.bindChain(config.chainId);
    this.chain = createChainAccess({
      chainId: config.chainId,
      urls: config.rpc.urls,
      submitUrl: config.rpc.submitUrl,
      timeoutMs: config.rpc.timeoutMs,
      retryCount: config.rpc.retryCount,
      rank: config.rpc.rank,
      rankIntervalMs: config.rpc.rankIntervalMs,
      pollingIntervalMs: config.blocks.pollIntervalMs,
      metrics: this.metrics,
    });
    this.txs =
      o.account === undefined
        ? undefined
        : new TxManager({
            read: this.chain.read,
            submit: this.chain.submit,
            account: o.account,
            chainId: config.chainId,
            store: this.store,
            logger: logger.child({ component: "tx" }),
            metrics: this.metrics,
            fees: {
              priorityFeePerGas: parseGwei(String(config.tx.priorityFeeGwei)),
              baseFeeMultiplierPercent: config.tx.baseFeeMultiplierPercent,
              stuckAfterBlocks: config.tx.stuckAfterBlocks,
              bumpPercent: config.tx.bumpPercent,
              maxFeePerGasCap: parseGwei(String(config.tx.maxFeePerGasGwei)),
              gasLimitMarginPercent: config.tx.gasLimitMarginPercent,
            },
          });
    this.tracker = new BlockTracker({
      source: this.chain.read,
      store: this.store,
      windowSize: config.blocks.windowSize,
      startBlock: config.blocks.startBlock === undefined ? undefined : BigInt(config.blocks.startBlock),
      maxBlocksPerPoll: config.blocks.maxBlocksPerPoll,
    });
    const optio: OptioClientConfig | undefined =
      o.deployment === undefined ? undefined : { publicClient: this.chain.read, deployment: o.deployment };
    this.roles = o.roles.map((f) =>
      f.create({
        config,
        logger: logger.child({ role: f.name }),
        metrics: this.metrics,
        store: this.store,
        read: this.chain.read,
        account: o.account,
        txs: this.txs,
        deployment: o.deployment,
        optio,
      }),
    );
    this.ops = new OpsServer(this.metrics, {
      healthy: () => {
        const age = Date.now() - this.lastPollOk;
        const ok = this.fatal === undefined && (!this.started || age < this.staleAfterMs());
        return { ok, detail: { lastPollMsAgo: this.lastPollOk === 0 ? null : age, error: this.fatal?.message } };
      },
      ready: () => {
        const notReady = this.roles.filter((r) => !r.ready()).map((r) => r.name);
        const age = Date.now() - this.lastPollOk;
        const ok = this.started && this.fatal === undefined && age < this.staleAfterMs() && notReady.length === 0;
        return { ok, detail: { checkpoint: this.tracker.head()?.number.toString() ?? null, notReady } };
      },
    });
  }

  /** Listens on the operations port; returns its address (port 0 resolves to the chosen port). */
  async listen(): Promise<{ host: string; port: number } | undefined> {
    const m = this.o.config.metrics;
    if (!m.enabled) return undefined;
    const address = await this.ops.listen(m.host, m.port);
    this.logger.info({ host: address.address, port: address.port }, "operations endpoint listening");
    return { host: address.address, port: address.port };
  }

  /** Runs until `stop()`; resolves when the loop has ended and in-flight work is finished or abandoned. */
  async run(): Promise<void> {
    const { config, logger } = this.o;
    await this.untilConnected();
    if (this.stopping) return this.shutdown();
    for (const role of this.roles) await role.start();
    this.started = true;
    const checkpoint = this.tracker.head();
    logger.info(
      { roles: this.roles.map((r) => r.name), checkpoint: checkpoint?.number.toString() ?? null },
      checkpoint ? "resuming from checkpoint" : "starting without a checkpoint",
    );
    while (!this.stopping) {
      try {
        const handled = await this.tracker.poll((event) => this.handle(event));
        if (handled > 0 && this.txs) await this.txs.tick();
        this.head = await this.chain.read.getBlockNumber({ cacheTime: 0 });
        const cp = this.tracker.head()?.number;
        this.metrics.chainHeadBlock.set(Number(this.head));
        if (cp !== undefined) {
          this.metrics.checkpointBlock.set(Number(cp));
          this.metrics.checkpointLag.set(Number(this.head - cp));
          // Compacting scans the whole journal: do it every 16 blocks, not every poll.
          if (cp - this.lastCompacted >= 16n) {
            this.store.kvCompact(cp - BigInt(config.blocks.windowSize));
            this.lastCompacted = cp;
          }
        }
        this.lastPollOk = Date.now();
      } catch (error) {
        if (error instanceof DeepReorgError) {
          this.fatal = error;
          logger.fatal({ err: error }, "reorg deeper than the kept window; stopping");
          break;
        }
        logger.warn({ err: firstLine(error) }, "poll failed; retrying after the poll interval");
      }
      await this.sleep(config.blocks.pollIntervalMs);
    }
    await this.shutdown();
    if (this.fatal) throw this.fatal;
  }

  /** Asks the loop to finish its current step and end. Safe to call more than once. */
  stop(): void {
    this.stopping = true;
    this.wake?.();
  }

  private async handle(event: BlockEvent): Promise<void> {
    if (event.type === "reorg") {
      this.metrics.reorgs.inc();
      this.metrics.lastReorgDepth.set(event.depth);
      this.logger.warn(
        { ancestor: event.ancestor.toString(), depth: event.depth, oldHead: event.oldHead.toString() },
        "reorg detected; unwinding to the common ancestor",
      );
      this.store.kvUnwindAfter(event.ancestor);
      this.txs?.onReorg(event.ancestor);
      for (const role of this.roles) await role.onReorg(event.ancestor);
      return;
    }
    for (const role of this.roles) {
      try {
        await role.onBlock(event.block);
      } catch (error) {
        this.metrics.roleErrors.inc({ role: role.name });
        this.logger.error(
          { role: role.name, block: event.block.number.toString(), err: firstLine(error) },
          "role failed on a block; it will be retried",
        );
        throw error;
      }
    }
  }

  /** Waits for the chain to answer and checks its id, retrying while every endpoint is down. */
  private async untilConnected(): Promise<void> {
    for (let attempt = 0; !this.stopping; attempt++) {
      try {
        const id = await this.chain.read.getChainId();
        if (id !== this.o.config.chainId) {
          this.fatal = new Error(`RPC reports chain ${id}, config says chainId ${this.o.config.chainId}`);
          throw this.fatal;
        }
        if (this.txs) await this.txs.init();
        return;
      } catch (error) {
        if (error === this.fatal) throw error;
        this.logger.warn({ attempt, err: firstLine(error) }, "chain not reachable yet; retrying");
        await this.sleep(Math.min(30_000, this.o.config.blocks.pollIntervalMs * 2 ** Math.min(attempt, 5)));
      }
    }
  }

  private async shutdown(): Promise<void> {
    for (const role of this.roles) {
      await role
        .stop()
        .catch((error: unknown) =>
          this.logger.error({ role: role.name, err: firstLine(error) }, "role failed to stop cleanly"),
        );
    }
    await this.ops.close();
    const pending = this.txs?.pending().length ?? 0;
    this.store.close();
    this.logger.info({ pendingTransactions: pending }, "stopped");
  }

  private staleAfterMs(): number {
    return Math.max(30_000, this.o.config.blocks.pollIntervalMs * 10);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split("\n")[0];
}
