import { keccak256, type Hex, type LocalAccount, type PublicClient } from "viem";
import type { Logger } from "pino";
import type { KeeperMetrics } from "../ops/metrics.js";
import { weiToEthFloat } from "../ops/metrics.js";
import type { Store, StoredTx } from "../state/store.js";

export interface FeePolicy {
  /** Tip offered on a first attempt, in wei. */
  priorityFeePerGas: bigint;
  /** maxFeePerGas = baseFee x this / 100 + tip on a first attempt (200 rides out six full blocks of +12.5%). */
  baseFeeMultiplierPercent: number;
  /** A transaction still unmined this many blocks after its last attempt is replaced with higher fees. */
  stuckAfterBlocks: number;
  /** Each replacement raises both fees by at least this much (geth and most nodes need 10). */
  bumpPercent: number;
  /** Never offer more than this maxFeePerGas, in wei. */
  maxFeePerGasCap: bigint;
  /** Gas limit = estimate x (100 + this) / 100. */
  gasLimitMarginPercent: number;
}

/** A write the keeper wants on chain. */
export interface TxIntent {
  /** Short, stable name for logs and metrics ("startAuction", "settle"); never put secrets here. */
  label: string;
  to: `0x${string}`;
  data: Hex;
  value?: bigint;
  /** Fixed gas limit; estimated when absent. */
  gas?: bigint;
  /**
   * The write's simulation. Called first, and nothing is sent when it throws. Defaults to an eth_call of the
   * same request from the keeper's account against the latest block.
   */
  simulate?: () => Promise<unknown>;
}

export interface SentTx {
  id: number;
  nonce: number;
  hash: Hex;
}

/** A write whose simulation reverted; nothing was signed or sent. */
export class SimulationFailedError extends Error {
  constructor(
    readonly label: string,
    override readonly cause: unknown,
  ) {
    super(`simulation of ${label} failed: ${(cause as Error)?.message?.split("\n")[0] ?? String(cause)}`);
  }
}

/** The node refused the transaction outright (not a transport failure); its nonce was released. */
export class SubmissionRejectedError extends Error {
  constructor(
    readonly label: string,
    override readonly cause: unknown,
  ) {
    super(`submission of ${label} was rejected: ${(cause as Error)?.message?.split("\n")[0] ?? String(cause)}`);
  }
}

export interface TxManagerOptions {
  read: PublicClient;
  submit: PublicClient;
  account: LocalAccount;
  chainId: number;
  store: Store;
  fees: FeePolicy;
  logger: Logger;
  metrics?: KeeperMetrics;
}

/**
 * Owns the nonce of one account. Every write is simulated, signed locally, recorded in the store (write-ahead)
 * and only then broadcast, so a crash at any point is recovered by re-sending the same signed bytes: one nonce
 * never carries two different intents. `tick` (once per block) follows each pending transaction to its receipt,
 * replaces stuck ones with higher fees, re-broadcasts ones the node forgot (nonce gaps), and marks a nonce taken
 * by someone else as dropped.
 */
export class TxManager {
  private nextNonce: number | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly o: TxManagerOptions;

  constructor(options: TxManagerOptions) {
    if (options.fees.bumpPercent < 10) throw new Error("tx: bumpPercent must be at least 10");
    this.o = options;
  }

  get address(): `0x${string}` {
    return this.o.account.address;
  }

  /**
   * Reconciles the store with the chain after a (re)start: settles what was mined while the keeper was down,
   * re-broadcasts what is still in flight, and sets the next nonce above everything ever signed.
   */
  async init(): Promise<void> {
    await this.exclusive(async () => {
      await this.reconcile(await this.o.read.getBlockNumber({ cacheTime: 0 }));
      const [latest, pending] = await Promise.all([this.nonceAt("latest"), this.nonceAt("pending")]);
      const signed = this.o.store.maxNonce(this.address);
      const ours = Math.max(latest, signed === undefined ? 0 : signed + 1);
      if (pending > ours)
        this.o.logger.warn(
          { account: this.address, pending, ours },
          "the node holds pending transactions of this account that the keeper did not sign; is another process using the key?",
        );
      this.nextNonce = Math.max(ours, pending);
      this.o.logger.info(
        { account: this.address, nextNonce: this.nextNonce, inFlight: this.o.store.pendingTxs(this.address).length },
        "transaction manager ready",
      );
    });
  }

  /** Simulates, signs, records and broadcasts `intent`; resolves once it is broadcast (not mined). */
  async send(intent: TxIntent): Promise<SentTx> {
    if (this.nextNonce === undefined) throw new Error("tx: init() must run before send()");
    const { read, account, store, fees, logger } = this.o;
    const value = intent.value ?? 0n;
    const request = { account: account.address, to: intent.to, data: intent.data, value };
    // Simulation and gas estimation need no nonce: they run before taking the lock, so several sends in flight at
    // once overlap their round trips and only signing, recording and broadcasting are one at a time.
    try {
      if (intent.simulate) await intent.simulate();
      else await read.call(request);
    } catch (error) {
      this.o.metrics?.simulationFailures.inc({ label: intent.label });
      throw new SimulationFailedError(intent.label, error);
    }
    const gas = intent.gas ?? ((await read.estimateGas(request)) * BigInt(100 + fees.gasLimitMarginPercent)) / 100n;
    return this.exclusive(async () => {
      if (this.nextNonce === undefined) throw new Error("tx: init() must run before send()");
      const block = await read.getBlock({ blockTag: "latest" });
      const { maxFeePerGas, maxPriorityFeePerGas } = this.freshFees(block.baseFeePerGas ?? 0n);
      // Someone else may have used the key since the last send: never sign for a nonce the chain already used.
      const chainNonce = await this.nonceAt("latest");
      if (chainNonce > this.nextNonce) {
        logger.warn(
          { account: account.address, chainNonce, nextNonce: this.nextNonce },
          "the chain is past the keeper's next nonce; is another process using the key?",
        );
        this.nextNonce = chainNonce;
      }
      const nonce = this.nextNonce;
      const raw = await account.signTransaction({
        chainId: this.o.chainId,
        type: "eip1559",
        nonce,
        to: intent.to,
        data: intent.data,
        value,
        gas,
        maxFeePerGas,
        maxPriorityFeePerGas,
      });
      const hash = keccak256(raw);
      const id = store.insertTx(
        { account: account.address, nonce, label: intent.label, to: intent.to, data: intent.data, value, gas },
        { hash, raw, maxFeePerGas, maxPriorityFeePerGas, sentAtBlock: block.number },
      );
      this.nextNonce = nonce + 1;
      this.updatePendingGauge();
      const outcome = await this.broadcast(raw);
      if (outcome === "rejected") {
        // The node refused it outright, so the nonce is still free: release it rather than leave a gap.
        store.finishTx(id, { status: "dropped" });
        this.nextNonce = nonce;
        this.o.metrics?.transactions.inc({ label: intent.label, outcome: "dropped" });
        this.updatePendingGauge();
        throw new SubmissionRejectedError(intent.label, this.lastRejection);
      }
      logger.info({ label: intent.label, nonce, hash, maxFeePerGas, maxPriorityFeePerGas }, "transaction sent");
      return { id, nonce, hash };
    });
  }

  /** Follows every pending transaction one step; call once per new block. */
  async tick(): Promise<void> {
    await this.exclusive(async () => this.reconcile(await this.o.read.getBlockNumber({ cacheTime: 0 })));
  }

  /** After a reorg: transactions mined above `ancestor` go back to pending until their receipts reappear. */
  onReorg(ancestor: bigint): void {
    for (const tx of this.o.store.txsMinedAfter(ancestor)) {
      if (tx.account.toLowerCase() !== this.address.toLowerCase()) continue;
      this.o.store.reopenTx(tx.id);
      this.o.logger.warn(
        { label: tx.label, nonce: tx.nonce, ancestor },
        "reorg removed a mined transaction; following it again",
      );
    }
    this.updatePendingGauge();
  }

  /** Ticks until transaction `id` is no longer pending; returns its final record. */
  async waitFor(id: number, options: { pollMs?: number; timeoutMs?: number } = {}): Promise<StoredTx> {
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      await this.tick();
      const tx = this.o.store.getTx(id);
      if (tx === undefined) throw new Error(`tx: unknown transaction id ${id}`);
      if (tx.status !== "pending") return tx;
      if (Date.now() > deadline) throw new Error(`tx: transaction ${id} (${tx.label}) still pending after timeout`);
      await new Promise((r) => setTimeout(r, options.pollMs ?? 250));
    }
  }

  pending(): StoredTx[] {
    return this.o.store.pendingTxs(this.address);
  }

  // ---- internals ----

  private lastRejection: unknown;
  private readonly regossiped = new Set<Hex>();

  private async reconcile(head: bigint): Promise<void> {
    const { store, logger } = this.o;
    const pending = store.pendingTxs(this.address);
    if (pending.length === 0) return this.updatePendingGauge();
    const [latestNonce, pendingNonce] = await Promise.all([this.nonceAt("latest"), this.nonceAt("pending")]);
    for (const tx of pending) {
      if (await this.settleIfMined(tx)) continue;
      if (tx.nonce < latestNonce) {
        // The nonce is used but by none of our hashes (a receipt can lag: look once more before giving up).
        if (await this.settleIfMined(tx)) continue;
        store.finishTx(tx.id, { status: "dropped" });
        this.o.metrics?.transactions.inc({ label: tx.label, outcome: "dropped" });
        logger.warn({ label: tx.label, nonce: tx.nonce }, "nonce was used by a transaction the keeper did not sign");
        continue;
      }
      const last = tx.attempts[tx.attempts.length - 1];
      // Only the lowest nonce can be mined next; the ones behind it wait for it rather than pay more.
      if (tx.nonce === latestNonce && head - last.sentAtBlock >= BigInt(this.o.fees.stuckAfterBlocks)) {
        await this.bump(tx, head);
      } else if (tx.nonce >= pendingNonce) {
        // The node does not know this nonce (dropped from its pool, or the node restarted): a gap. Re-send the
        // same signed bytes. With a private submission endpoint the read nodes never see it, so warn once only.
        if (!this.regossiped.has(last.hash)) {
          this.regossiped.add(last.hash);
          logger.warn(
            { label: tx.label, nonce: tx.nonce, hash: last.hash },
            "read node does not have a pending transaction; re-broadcasting",
          );
        }
        await this.broadcast(last.raw);
      }
    }
    this.updatePendingGauge();
  }

  private async settleIfMined(tx: StoredTx): Promise<boolean> {
    for (const attempt of [...tx.attempts].reverse()) {
      const receipt = await this.o.read.getTransactionReceipt({ hash: attempt.hash }).catch(() => undefined);
      if (receipt === undefined) continue;
      const status = receipt.status === "success" ? "mined" : "reverted";
      this.o.store.finishTx(tx.id, {
        status,
        minedHash: attempt.hash,
        minedBlock: receipt.blockNumber,
        gasUsed: receipt.gasUsed,
        effectiveGasPrice: receipt.effectiveGasPrice,
      });
      const m = this.o.metrics;
      m?.transactions.inc({ label: tx.label, outcome: status });
      m?.gasUsed.inc({ label: tx.label }, Number(receipt.gasUsed));
      m?.gasSpentEth.inc({ label: tx.label }, weiToEthFloat(receipt.gasUsed * receipt.effectiveGasPrice));
      const log = {
        label: tx.label,
        nonce: tx.nonce,
        hash: attempt.hash,
        block: receipt.blockNumber,
        attempts: tx.attempts.length,
      };
      if (status === "mined") this.o.logger.info(log, "transaction mined");
      else this.o.logger.warn(log, "transaction mined but reverted");
      return true;
    }
    return false;
  }

  private async bump(tx: StoredTx, head: bigint): Promise<void> {
    const { fees, logger } = this.o;
    const last = tx.attempts[tx.attempts.length - 1];
    const block = await this.o.read.getBlock({ blockTag: "latest" });
    const fresh = this.freshFees(block.baseFeePerGas ?? 0n);
    const up = (x: bigint) => ceilDiv(x * BigInt(100 + fees.bumpPercent), 100n);
    let maxPriorityFeePerGas = maxBig(up(last.maxPriorityFeePerGas), fresh.maxPriorityFeePerGas);
    let maxFeePerGas = maxBig(up(last.maxFeePerGas), fresh.maxFeePerGas);
    if (maxFeePerGas > fees.maxFeePerGasCap) maxFeePerGas = fees.maxFeePerGasCap;
    if (maxPriorityFeePerGas > maxFeePerGas) maxPriorityFeePerGas = maxFeePerGas;
    // A replacement must raise both fees by the node's threshold, or it is refused as underpriced.
    if (maxFeePerGas < up(last.maxFeePerGas) || maxPriorityFeePerGas < up(last.maxPriorityFeePerGas)) {
      logger.warn(
        { label: tx.label, nonce: tx.nonce, maxFeePerGas: last.maxFeePerGas, cap: fees.maxFeePerGasCap },
        "stuck transaction cannot be bumped: fee cap reached",
      );
      return;
    }
    const raw = await this.o.account.signTransaction({
      chainId: this.o.chainId,
      type: "eip1559",
      nonce: tx.nonce,
      to: tx.to ?? undefined,
      data: tx.data,
      value: tx.value,
      gas: tx.gas,
      maxFeePerGas,
      maxPriorityFeePerGas,
    });
    const hash = keccak256(raw);
    this.o.store.addAttempt(tx.id, { hash, raw, maxFeePerGas, maxPriorityFeePerGas, sentAtBlock: head });
    this.o.metrics?.feeBumps.inc({ label: tx.label });
    logger.warn(
      { label: tx.label, nonce: tx.nonce, hash, replaces: last.hash, maxFeePerGas, maxPriorityFeePerGas },
      "stuck transaction replaced with higher fees",
    );
    await this.broadcast(raw);
  }

  /** Sends signed bytes; "sent" also covers "already known" and "nonce too low" (tick sorts those out). */
  private async broadcast(raw: Hex): Promise<"sent" | "retry" | "rejected"> {
    try {
      await this.o.submit.request({ method: "eth_sendRawTransaction", params: [raw] });
      return "sent";
    } catch (error) {
      const message = String((error as Error)?.message ?? error).toLowerCase();
      if (/already known|known transaction|already imported|nonce too low|already exists/.test(message)) return "sent";
      if (/underpriced|replacement/.test(message)) {
        this.o.logger.warn({ err: firstLine(error) }, "replacement refused as underpriced; will bump again");
        return "retry";
      }
      const name = (error as { name?: string })?.name;
      if (name === "HttpRequestError" || name === "TimeoutError") {
        this.o.logger.warn({ err: firstLine(error) }, "submission endpoint unreachable; will re-broadcast");
        return "retry";
      }
      this.lastRejection = error;
      this.o.logger.error({ err: firstLine(error) }, "submission rejected by the node");
      return "rejected";
    }
  }

  private freshFees(baseFee: bigint): { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint } {
    const { fees } = this.o;
    const maxPriorityFeePerGas = fees.priorityFeePerGas;
    let maxFeePerGas = (baseFee * BigInt(fees.baseFeeMultiplierPercent)) / 100n + maxPriorityFeePerGas;
    if (maxFeePerGas > fees.maxFeePerGasCap) maxFeePerGas = fees.maxFeePerGasCap;
    return { maxFeePerGas, maxPriorityFeePerGas: minBig(maxPriorityFeePerGas, maxFeePerGas) };
  }

  private async nonceAt(blockTag: "latest" | "pending"): Promise<number> {
    return this.o.read.getTransactionCount({ address: this.address, blockTag });
  }

  private updatePendingGauge(): void {
    this.o.metrics?.pendingTransactions.set(this.o.store.pendingTxs(this.address).length);
  }

  /** Runs `fn` after every earlier call has finished: one writer of the nonce at a time. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split("\n")[0];
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
