import {
  decodeFunctionData,
  encodeFunctionData,
  erc20Abi,
  getAddress,
  type Address,
  type Hex,
  type Log,
  type PublicClient,
} from "viem";
import {
  WAD,
  bidPayment,
  decodeOptioError,
  liquidationEngineAbi,
  mulDivDown,
  OptioContractError,
  OptioUnknownRevertError,
  positionBookAbi,
  toAuctionParams,
  vaultAbi,
  type AuctionParams,
  type Deployment,
  type LiquidationContext,
  type LiquidationStatus,
} from "@optio/sdk";
import type { Counter, Gauge } from "prom-client";
import { SimulationFailedError, SubmissionRejectedError, type TxManager } from "../../chain/txManager.js";
import type { KeeperConfig } from "../../config/schema.js";
import type { StoredBlock } from "../../state/store.js";
import type { Role, RoleContext } from "../types.js";
import { chainStatuses, liveSeries, operatorOf } from "./chainReads.js";
import { checkAccounts } from "./check.js";
import { changesOf, indexedContracts, type BlockChanges } from "./events.js";
import { type HealthModel } from "./health.js";
import { formatShard, inShard, parseShard, type Shard } from "./shard.js";

type Action = "startAuction" | "bid" | "endAuction";

/** Reverts that mean another keeper (or the market) got there first: normal, logged at info, counted. */
const LOST_RACE = new Set([
  "Liquidation_AlreadyInAuction",
  "Liquidation_NotInAuction",
  "Liquidation_AccountHealthy",
  "Liquidation_InvalidFraction",
  "Liquidation_StillUnderwater",
  "Liquidation_PriceLimitExceeded",
]);

/** Reverts that mean this bidding account cannot carry the positions: the next bidding account is tried. */
const BIDDER_FULL = /^(Positions_TooManyLiveSeries|Margin_|Vault_InsufficientBalance)/;

const KEY_INDEXED = "indexedThrough";
const ACCOUNT_PREFIX = "a:";
const AUCTION_PREFIX = "auction:";

interface Metrics {
  indexed: Gauge;
  auctionsTracked: Gauge;
  checkedPerSecond: Gauge;
  lastCheckSeconds: Gauge;
  candidates: Gauge;
  confirmed: Gauge;
  sent: Counter<"action">;
  mined: Counter<"action">;
  lost: Counter<"action" | "reason">;
  skipped: Counter<"reason">;
  failed: Counter<"action" | "reason">;
  rescanned: Counter;
  bidderLiveSeries: Gauge<"bidder">;
}

export interface LiquidatorOptions {
  /** Overrides `roles.liquidator.shard` (the CLI's `--shard`). */
  shard?: Shard;
  /** The health model; the chain fallback when absent. */
  model: HealthModel;
}

/**
 * The liquidator: indexes every account the indexed contracts' events touch (in its shard), keeps each account's
 * state cached and refreshes only the touched ones, checks the whole index with the model's math after each block,
 * confirms what the math finds with the chain's `liquidationStatus` at that block, then starts auctions, bids
 * (from the bidding account that can carry the positions, when the discount pays for gas plus a margin) and ends
 * auctions of accounts healthy again. One intent per account at a time; lost races are counted, not errors.
 */
export class LiquidatorRole implements Role {
  readonly name = "liquidator";
  private readonly cfg: KeeperConfig["roles"]["liquidator"];
  private readonly shard: Shard;
  private readonly deployment: Deployment;
  private readonly read: PublicClient;
  private readonly txs: TxManager;
  private readonly m: Metrics;
  private readonly model: HealthModel;
  private readonly exclude: Set<Address>;
  /** Accounts of this shard, as indexed. */
  private readonly accounts = new Set<Address>();
  /** Accounts of this shard whose auction runs (from AuctionStarted/AuctionEnded). */
  private readonly auctions = new Set<Address>();
  private readonly states = new Map<Address, unknown>();
  /** Accounts whose cached state is stale (touched, or never read). */
  private readonly stale = new Set<Address>();
  /** One intent per account in flight: the transaction id and what it does. */
  private readonly inflight = new Map<Address, { id: number; action: Action }>();
  private indexedThrough: bigint | undefined;
  /** The head an earlier pass looked ahead to: its logs are applied and the index was checked there. */
  private ahead: { number: bigint; hash: Hex } | undefined;
  private bidders: Address[] = [];
  private maxLiveSeries = 16n;
  private quoteDecimals = 6;
  private params: AuctionParams | undefined;
  private handledOne = false;

  constructor(
    private readonly ctx: RoleContext,
    options: LiquidatorOptions,
  ) {
    if (ctx.deployment === undefined || ctx.txs === undefined || ctx.account === undefined)
      throw new Error("liquidator: needs a deployment and a signer");
    this.cfg = ctx.config.roles.liquidator;
    this.shard = options.shard ?? parseShard(this.cfg.shard);
    this.deployment = ctx.deployment;
    this.read = ctx.read;
    this.txs = ctx.txs;
    this.model = options.model;
    // Protocol contracts move funds between accounts but are not traders: never indexed.
    this.exclude = new Set(Object.values(this.deployment.contracts).map((a) => getAddress(a)));
    const mx = ctx.metrics;
    this.m = {
      indexed: mx.gauge("liquidator_accounts_indexed", "Accounts in this shard's index"),
      auctionsTracked: mx.gauge("liquidator_auctions_running", "Auctions running on accounts of this shard"),
      checkedPerSecond: mx.gauge(
        "liquidator_accounts_checked_per_second",
        "Accounts checked per second by the last health check of the index (local math)",
      ),
      lastCheckSeconds: mx.gauge("liquidator_last_check_seconds", "Duration of the last health check of the index"),
      candidates: mx.gauge("liquidator_candidates", "Accounts the last check found actionable (flag, bid or end)"),
      confirmed: mx.gauge(
        "liquidator_confirmed",
        "Candidates the chain's liquidationStatus confirmed at the last block",
      ),
      sent: mx.counter("liquidator_actions_sent_total", "Transactions sent, by action", ["action"]),
      mined: mx.counter("liquidator_actions_mined_total", "Transactions mined successfully, by action", ["action"]),
      lost: mx.counter("liquidator_races_lost_total", "Actions another keeper got to first, by action and reason", [
        "action",
        "reason",
      ]),
      skipped: mx.counter("liquidator_bids_skipped_total", "Bids not sent, by reason", ["reason"]),
      failed: mx.counter(
        "liquidator_actions_failed_total",
        "Actions refused for another reason, by action and reason",
        ["action", "reason"],
      ),
      rescanned: mx.counter("liquidator_blocks_rescanned_total", "Blocks indexed again after a restart or a reorg"),
      bidderLiveSeries: mx.gauge("liquidator_bidder_live_series", "Live series held by each bidding account", [
        "bidder",
      ]),
    };
  }

  async start(): Promise<void> {
    const { logger } = this.ctx;
    this.loadIndex();
    const keeper = this.txs.address;
    // Intents in flight from an earlier run: no second one for the same account until they finish.
    for (const tx of this.txs.pending()) {
      const account = this.intentAccount(tx.to, tx.data);
      if (account !== undefined) this.inflight.set(account, { id: tx.id, action: tx.label as Action });
    }
    const block = await this.read.getBlockNumber({ cacheTime: 0 });
    const [maxLive, quote] = await Promise.all([
      this.read.readContract({
        address: this.deployment.contracts.book,
        abi: positionBookAbi,
        functionName: "maxLiveSeries",
        blockNumber: block,
      }),
      this.read.readContract({
        address: this.deployment.contracts.vault,
        abi: vaultAbi,
        functionName: "quoteAsset",
        blockNumber: block,
      }),
    ]);
    this.maxLiveSeries = maxLive;
    this.quoteDecimals = await this.read.readContract({ address: quote, abi: erc20Abi, functionName: "decimals" });
    await this.checkBidders(keeper);
    logger.info(
      {
        shard: formatShard(this.shard),
        health: this.model.kind,
        indexed: this.accounts.size,
        indexedThrough: this.indexedThrough?.toString() ?? null,
        inFlight: this.inflight.size,
        bidders: this.bidders,
      },
      this.indexedThrough === undefined ? "liquidator starts a new index" : "liquidator resumes its index",
    );
  }

  async onBlock(block: StoredBlock): Promise<void> {
    // An earlier pass behind the head already applied this block's logs and checked the index at a newer block.
    if (this.ahead !== undefined && block.number <= this.ahead.number) {
      if (block.number === this.ahead.number) {
        if (block.hash !== this.ahead.hash) {
          // The chain replaced blocks the look-ahead read: re-read every account at the next pass.
          this.ctx.logger.info(
            { block: block.number.toString() },
            "look-ahead head was replaced; re-reading the index",
          );
          this.handledOne = false;
        }
        this.ahead = undefined;
      }
      return this.done(block.number);
    }
    // Blocks the index has not seen (the history since the deployment at first start; nothing after a restart from
    // the checkpoint), in pages; then this block's logs by its hash, so a reorged block's logs are never mixed in.
    const from = this.indexedThrough === undefined ? this.deployment.blockNumber : this.indexedThrough + 1n;
    if (this.indexedThrough !== undefined && this.indexedThrough >= block.number)
      this.m.rescanned.inc(Number(this.indexedThrough - block.number + 1n));
    if (from < block.number) await this.backfill(from, block.number - 1n, block.number);
    const address = indexedContracts(this.deployment);
    const logs = await this.read.getLogs({ address, blockHash: block.hash });
    this.apply(changesOf(logs as Log[], this.exclude), block.number);
    // Behind the head (catching up, or a burst of blocks such as a crash's price updates and our own transactions):
    // checking at this block would act on health the chain has moved past, and waiting for the frame to reach the
    // head would delay the flags. Apply the logs through the head now and check the index at the head; the blocks
    // in between are then only recorded.
    let at = block.number;
    const head = await this.read.getBlockNumber({ cacheTime: 0 });
    if (head > block.number) {
      const headBlock = await this.read.getBlock({ blockNumber: head });
      const later = await this.read.getLogs({ address, fromBlock: block.number + 1n, toBlock: head });
      this.apply(changesOf(later as Log[], this.exclude), block.number);
      this.ahead = { number: head, hash: headBlock.hash };
      at = head;
    }

    this.settleInflight();
    // Health: one market state, the stale accounts re-read in one batched read, then local math over the index.
    if (!this.model.local || !this.handledOne) for (const a of this.accounts) this.stale.add(a);
    const market = await this.model.marketState(at);
    if (this.stale.size > 0) {
      const fresh = await this.model.accountStates([...this.stale], at);
      for (const [account, state] of fresh) this.states.set(account, state);
      this.stale.clear();
    }
    const result = checkAccounts(this.model, market, this.states, this.accounts);
    this.m.lastCheckSeconds.set(result.seconds);
    if (result.checked > 0 && result.seconds > 0) this.m.checkedPerSecond.set(result.checked / result.seconds);
    this.m.candidates.set(result.candidates.length);

    // Confirm with the chain before acting: the math's candidates and every auction known to run.
    this.ctx.logger.debug(
      { block: at.toString(), checked: result.checked, candidates: result.candidates.length },
      "liquidator checked the index",
    );
    const toConfirm = new Set<Address>([...result.candidates, ...this.auctions]);
    for (const a of this.inflight.keys()) toConfirm.delete(a);
    if (toConfirm.size > 0) await this.act([...toConfirm], at);

    this.done(block.number);
    this.handledOne = true;
  }

  private done(blockNumber: bigint): void {
    this.ctx.store.kvPut(this.name, KEY_INDEXED, blockNumber.toString(), blockNumber);
    this.indexedThrough = blockNumber;
  }

  async onReorg(ancestor: bigint): Promise<void> {
    // The store has already dropped everything written above the ancestor: reload the index from it and re-read
    // every account's state at the next block.
    this.loadIndex();
    this.states.clear();
    this.ahead = undefined;
    this.handledOne = false;
    this.ctx.logger.info({ ancestor: ancestor.toString(), indexed: this.accounts.size }, "liquidator index unwound");
  }

  ready(): boolean {
    return this.handledOne;
  }

  async stop(): Promise<void> {}

  // ---- index ----

  private loadIndex(): void {
    this.accounts.clear();
    this.auctions.clear();
    const raw = this.ctx.store.kvGet<string>(this.name, KEY_INDEXED);
    this.indexedThrough = raw === undefined ? undefined : BigInt(raw);
    for (const [key] of this.ctx.store.kvEntries(this.name)) {
      if (key.startsWith(ACCOUNT_PREFIX)) this.accounts.add(key.slice(ACCOUNT_PREFIX.length) as Address);
      else if (key.startsWith(AUCTION_PREFIX)) this.auctions.add(key.slice(AUCTION_PREFIX.length) as Address);
    }
    this.m.indexed.set(this.accounts.size);
    this.m.auctionsTracked.set(this.auctions.size);
  }

  /** Indexes blocks `from`..`to` in pages of `logPageBlocks`, recorded at `at` (the block being handled). */
  private async backfill(from: bigint, to: bigint, at: bigint): Promise<void> {
    const page = BigInt(this.cfg.logPageBlocks);
    const address = indexedContracts(this.deployment);
    for (let start = from; start <= to; start += page) {
      const end = start + page - 1n < to ? start + page - 1n : to;
      const logs = await this.read.getLogs({ address, fromBlock: start, toBlock: end });
      this.apply(changesOf(logs as Log[], this.exclude), at);
    }
    this.ctx.logger.info(
      { from: from.toString(), to: to.toString(), indexed: this.accounts.size },
      "liquidator indexed past blocks",
    );
  }

  private apply(changes: BlockChanges, at: bigint): void {
    const { store } = this.ctx;
    for (const account of changes.touched) {
      if (!inShard(account, this.shard)) continue;
      if (!this.accounts.has(account)) {
        this.accounts.add(account);
        store.kvPut(this.name, ACCOUNT_PREFIX + account, 1, at);
      }
      this.stale.add(account);
    }
    if (changes.everyone) for (const a of this.accounts) this.stale.add(a);
    for (const { account, running } of changes.auctions) {
      if (!inShard(account, this.shard)) continue;
      if (running) this.auctions.add(account);
      else this.auctions.delete(account);
      store.kvPut(this.name, AUCTION_PREFIX + account, running ? 1 : undefined, at);
    }
    this.m.indexed.set(this.accounts.size);
    this.m.auctionsTracked.set(this.auctions.size);
  }

  // ---- acting ----

  private async act(accounts: Address[], blockNumber: bigint): Promise<void> {
    const [statuses, params] = await Promise.all([
      chainStatuses(this.read, this.deployment, accounts, blockNumber),
      // Governance may change them: read with the statuses they price.
      this.read.readContract({
        address: this.deployment.contracts.liquidationEngine,
        abi: liquidationEngineAbi,
        functionName: "auctionParams",
        blockNumber,
      }),
    ]);
    this.params = toAuctionParams(params);
    let confirmed = 0;
    let gasPrice: bigint | undefined;
    // Flags and ends are independent of each other: sent together (the transaction manager overlaps their
    // simulations and only orders their nonces), so a crash that makes many accounts flaggable at once is flagged
    // in the next block. Bids follow one at a time: each choice of bidding account depends on the bids before it.
    const flagsAndEnds: Promise<"sent" | "refused" | "retry">[] = [];
    const bids: { account: Address; s: LiquidationStatus }[] = [];
    for (const account of accounts) {
      if (flagsAndEnds.length + bids.length >= this.cfg.maxActionsPerBlock) break;
      const s = statuses.get(account);
      if (s === undefined) continue;
      if (s.canStart) {
        confirmed++;
        flagsAndEnds.push(this.send(account, "startAuction", this.encode("startAuction", [account])));
      } else if (s.inAuction && s.equityWad >= BigInt(s.maintenanceWad)) {
        confirmed++;
        flagsAndEnds.push(this.send(account, "endAuction", this.encode("endAuction", [account])));
      } else if (s.inAuction && s.maxFractionWad > 0n && this.cfg.bid && this.bidders.length > 0) {
        confirmed++;
        bids.push({ account, s });
      }
    }
    await Promise.all(flagsAndEnds);
    for (const { account, s } of bids) {
      gasPrice ??= await this.read.getGasPrice();
      await this.bid(account, s, gasPrice);
    }
    this.m.confirmed.set(confirmed);
  }

  private encode(fn: "startAuction" | "endAuction", args: [Address]): Hex {
    return encodeFunctionData({ abi: liquidationEngineAbi, functionName: fn, args });
  }

  /**
   * Bids the largest fraction the engine allows now, from the first bidding account (fewest live series first)
   * that can hold the positions, when the discount covers gas plus `minProfitUsd`.
   */
  private async bid(account: Address, s: LiquidationStatus, gasPrice: bigint): Promise<boolean> {
    const { logger } = this.ctx;
    const terms = bidPayment(contextOf(s), s.maxFractionWad, this.params!, this.quoteDecimals);
    const quoteToWad = 10n ** BigInt(18 - this.quoteDecimals);
    // The bidder's gain at market: the discount on what it takes less the fund's cut (solvent), or the fund's
    // premium over the deficit (insolvent). Rounded down: the estimate never overstates the gain.
    const baseWad = s.grossValueWad > s.maintenanceWad ? s.grossValueWad : s.maintenanceWad;
    const gainWad = s.insolvent
      ? mulDivDown(baseWad, s.discountWad, WAD)
      : mulDivDown(mulDivDown(s.grossValueWad, terms.fractionWad, WAD), s.discountWad, WAD) -
        terms.fundCut * quoteToWad;
    const slack = (abs(terms.payment) * BigInt(this.cfg.paymentSlippageBps)) / 10_000n + 1n;
    const limit = terms.payment + slack;
    // Live series at the newest block: earlier bids of this pass may have filled a bidding account already.
    const latest = await this.read.getBlockNumber({ cacheTime: 0 });
    const live = await liveSeries(this.read, this.deployment, [account, ...this.bidders], latest);
    const taken = live.get(account)!;
    const order = this.bidders
      .map((bidder) => {
        const held = live.get(bidder)!;
        this.m.bidderLiveSeries.set({ bidder }, held.size);
        const after = new Set([...held, ...taken]).size;
        return { bidder, held: held.size, after };
      })
      .filter((b) => b.bidder !== account)
      .sort((a, b) => a.held - b.held);
    const fits = order.filter((b) => BigInt(b.after) <= this.maxLiveSeries);
    if (fits.length === 0) {
      this.m.skipped.inc({ reason: "no_bidder_with_room" });
      logger.warn(
        { account, liveSeries: taken.size, bidders: order },
        "no bidding account can hold the positions (live-series limit); add a bidding account or unwind",
      );
      return false;
    }
    for (const { bidder } of fits) {
      const data = encodeFunctionData({
        abi: liquidationEngineAbi,
        functionName: "bid",
        args: [account, bidder, terms.fractionWad, limit],
      });
      const to = this.deployment.contracts.liquidationEngine;
      let gas: bigint;
      try {
        gas = await this.read.estimateGas({ account: this.txs.address, to, data });
      } catch (error) {
        const reason = reasonOf(error);
        if (BIDDER_FULL.test(reason)) {
          logger.info({ account, bidder, reason }, "bidding account cannot carry this bid; trying the next");
          continue;
        }
        this.refused(account, "bid", error);
        return false;
      }
      const gasUsd = weiToFloat(gas * gasPrice) * this.cfg.gasTokenUsd;
      const gainUsd = Number(gainWad / 10n ** 12n) / 1e6;
      if (gainUsd < gasUsd + this.cfg.minProfitUsd) {
        this.m.skipped.inc({ reason: "unprofitable" });
        logger.debug({ account, gainUsd, gasUsd, minProfitUsd: this.cfg.minProfitUsd }, "bid skipped: unprofitable");
        return false;
      }
      const margin = BigInt(100 + this.ctx.config.tx.gasLimitMarginPercent);
      const detail = {
        bidder,
        fractionWad: terms.fractionWad.toString(),
        payment: terms.payment.toString(),
        limit: limit.toString(),
        insolvent: s.insolvent,
      };
      // Another bid (of this keeper or one sharing the bidding account) may fill it between estimate and send.
      const outcome = await this.send(account, "bid", data, (gas * margin) / 100n, detail, (r) => BIDDER_FULL.test(r));
      if (outcome !== "retry") return outcome === "sent";
      logger.info({ account, bidder }, "bidding account filled up meanwhile; trying the next");
    }
    this.m.skipped.inc({ reason: "no_bidder_with_margin" });
    logger.warn({ account, bidders: fits.map((b) => b.bidder) }, "no bidding account can carry the bid; fund them");
    return false;
  }

  /**
   * Sends one intent for `account` (simulated by the transaction manager first). "retry": refused for a reason
   * `retry` accepts (the caller tries something else, nothing is logged); "refused": counted and logged.
   */
  private async send(
    account: Address,
    action: Action,
    data: Hex,
    gas?: bigint,
    detail: Record<string, unknown> = {},
    retry: (reason: string) => boolean = () => false,
  ): Promise<"sent" | "refused" | "retry"> {
    try {
      const sent = await this.txs.send({ label: action, to: this.deployment.contracts.liquidationEngine, data, gas });
      this.inflight.set(account, { id: sent.id, action });
      this.m.sent.inc({ action });
      this.ctx.logger.info({ action, account, nonce: sent.nonce, hash: sent.hash, ...detail }, "liquidator sent");
      return "sent";
    } catch (error) {
      if (retry(reasonOf(error))) return "retry";
      this.refused(account, action, error);
      return "refused";
    }
  }

  /** A refused action: a lost race at info, anything else at warn (the transaction manager sent nothing). */
  private refused(account: Address, action: Action, error: unknown): void {
    const reason = reasonOf(error);
    if (LOST_RACE.has(reason)) {
      this.m.lost.inc({ action, reason });
      this.ctx.logger.info({ action, account, reason }, "race lost: another keeper acted first");
      return;
    }
    this.m.failed.inc({ action, reason });
    const details = ((error as { cause?: { details?: string } }).cause ?? (error as { details?: string }))?.details;
    this.ctx.logger.warn({ action, account, reason, err: firstLine(error), details }, "liquidator action refused");
  }

  /** Releases accounts whose transaction finished; a mined revert is a race lost on chain. */
  private settleInflight(): void {
    for (const [account, { id, action }] of this.inflight) {
      const tx = this.ctx.store.getTx(id);
      if (tx === undefined || tx.status === "pending") continue;
      this.inflight.delete(account);
      if (tx.status === "mined") this.m.mined.inc({ action });
      else if (tx.status === "reverted") this.m.lost.inc({ action, reason: "reverted_on_chain" });
      // A mined action changed the account: its cached state is stale.
      this.stale.add(account);
    }
  }

  private intentAccount(to: Address | null, data: Hex): Address | undefined {
    if (to === null || getAddress(to) !== getAddress(this.deployment.contracts.liquidationEngine)) return undefined;
    try {
      const call = decodeFunctionData({ abi: liquidationEngineAbi, data });
      if (call.functionName === "startAuction" || call.functionName === "endAuction" || call.functionName === "bid")
        return getAddress(call.args[0] as Address);
    } catch {
      return undefined;
    }
    return undefined;
  }

  /** Keeps the bidding accounts the keeper's key may act for; says clearly which it may not. */
  private async checkBidders(keeper: Address): Promise<void> {
    const wanted = this.cfg.bidders.length === 0 ? [keeper] : this.cfg.bidders.map((b) => getAddress(b));
    const others = wanted.filter((b) => b !== keeper);
    const allowed = await operatorOf(this.read, this.deployment, others, keeper);
    this.bidders = wanted.filter((b) => b === keeper || allowed[others.indexOf(b)]);
    for (const [i, bidder] of others.entries()) {
      if (!allowed[i])
        this.ctx.logger.error(
          { bidder, keeper },
          "the keeper's key is not an operator of this bidding account; it will not bid from it (the account's owner must call vault.setOperator(keeper, true))",
        );
    }
    if (this.cfg.bid && this.bidders.length === 0)
      this.ctx.logger.error({ keeper }, "no usable bidding account: the liquidator will only start and end auctions");
  }
}

/** The chain's status as the SDK's `LiquidationContext` for `bidPayment`: an insolvent auction is all-or-nothing. */
function contextOf(s: LiquidationStatus): LiquidationContext {
  return {
    ...s,
    grossWad: s.grossValueWad,
    lostWad: 0n,
    allOrNothing: s.insolvent || s.maxFractionWad === WAD,
    collateralVeto: false,
    downHeld: false,
  };
}

/** The decoded Optio error's name (`Liquidation_AlreadyInAuction`), or the error's first line. */
function reasonOf(error: unknown): string {
  const cause = error instanceof SimulationFailedError ? error.cause : error;
  if (error instanceof SubmissionRejectedError) return "submission_rejected";
  const decoded = decodeOptioError(cause);
  if (decoded instanceof OptioContractError) return decoded.errorName;
  return decoded instanceof OptioUnknownRevertError ? "unknown_revert" : "unknown";
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split("\n")[0];
}

function abs(x: bigint): bigint {
  return x < 0n ? -x : x;
}

function weiToFloat(wei: bigint): number {
  return Number(wei / 10n ** 9n) / 1e9;
}
