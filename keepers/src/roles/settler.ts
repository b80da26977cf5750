import { encodeFunctionData, getAddress, parseEventLogs, type Address, type Hex } from "viem";
import {
  decodeOptioError,
  liquidationAutomationAbi,
  OptioContractError,
  oracleRouterAbi,
  positionBookAbi,
  prepareExpiryPriceProof,
  seriesRegistryAbi,
  settlementAbi,
  vaultAbi,
  type Deployment,
  type OptioClientConfig,
} from "@optio/sdk";
import type { Counter, Gauge } from "prom-client";
import { SimulationFailedError, type TxManager } from "../chain/txManager.js";
import type { StoredBlock } from "../state/store.js";
import {
  ACTION_SETTLE,
  pendingIntents,
  pairKey,
  performUpkeepData,
  type PendingIntents,
  type SentRecord,
  type SettleItem,
} from "./settlerCalldata.js";
import { readAll, SettlerIndex } from "./settlerIndex.js";
import type { Role, RoleContext, RoleFactory } from "./types.js";

/** Refusals that only mean someone else did the work first: a lost race, not a fault. */
const LOST_RACE_ERRORS = new Set([
  "Settlement_NoPosition",
  "Settlement_NothingToClaim",
  "Router_ExpiryPriceAlreadySet",
  "Settlement_NoDebt",
  "Settlement_NothingToCollect",
]);
/** A chunk whose estimate exceeds the budget is cut to this share of the proportional size, for estimate noise. */
const CHUNK_SAFETY_PERCENT = 90n;

const LABEL = {
  prove: "settler.prove",
  settle: "settler.settleBatch",
  claim: "settler.claim",
  collect: "settler.collectDebt",
} as const;

/**
 * The settler role. Indexes who ever held each series (`PositionBook.PositionTransferred`, from the deployment
 * block, in pages, in the store's block-versioned journal) and, after each expiry: proves the expiry price (the
 * SDK's `prepareExpiryPriceProof`, sent through the transaction manager), settles every open position of the expired
 * series in batches through `LiquidationAutomation.performUpkeep` (permissionless Settle actions, each re-validated
 * on chain and skipped, not reverted, when someone settled first) sized to `roles.settler.maxGasPerTx`, then claims
 * what each long can claim (`Settlement.claim`, one transaction each); optionally it collects settlement debt
 * (`Settlement.collectDebt`). It re-reads the chain before every send and never sends an intent a pending
 * transaction of the store already carries, so a restart resends nothing.
 */
export class SettlerRole implements Role {
  readonly name = "settler";
  private readonly c: RoleContext["config"]["roles"]["settler"];
  private readonly optio: OptioClientConfig;
  private readonly d: Deployment;
  private readonly txs: TxManager;
  private readonly index: SettlerIndex;
  private readonly routers = new Map<string, Address>();
  private readonly waitingForRound = new Set<string>();
  private readonly tooLarge = new Set<string>();
  private caughtUp = false;
  private readonly m: {
    proven: Counter;
    settled: Counter;
    claims: Counter;
    claimedQuote: Counter;
    batches: Counter;
    lostRaces: Counter<"step">;
    gas: Counter<"step">;
    collections: Counter;
    collectedQuote: Counter;
    open: Gauge;
    holders: Gauge;
  };

  constructor(private readonly ctx: RoleContext) {
    if (ctx.optio === undefined || ctx.deployment === undefined || ctx.txs === undefined)
      throw new Error("settler: needs a deployment and a signer");
    this.optio = ctx.optio;
    this.d = ctx.deployment;
    this.txs = ctx.txs;
    this.c = ctx.config.roles.settler;
    const m = ctx.metrics;
    this.m = {
      proven: m.counter("settler_expiries_proven_total", "Expiry prices this keeper proved"),
      settled: m.counter("settler_positions_settled_total", "Positions closed by this keeper's settlement batches"),
      claims: m.counter("settler_claims_paid_total", "Long claims this keeper's claim transactions paid"),
      claimedQuote: m.counter("settler_claimed_quote_units_total", "Quote units those claims paid (token units)"),
      batches: m.counter("settler_batches_sent_total", "Settlement batches sent (performUpkeep transactions)"),
      lostRaces: m.counter(
        "settler_lost_races_total",
        "Work someone else did first (already proven, settled or claimed), by step",
        ["step"],
      ),
      gas: m.counter("settler_gas_used_total", "Gas used by this keeper's settler transactions, by step", ["step"]),
      collections: m.counter("settler_debt_collections_total", "Settlement debts this keeper collected (collectDebt)"),
      collectedQuote: m.counter(
        "settler_debt_collected_quote_units_total",
        "Debt those collections repaid, quote token units (from the debtor's balance plus bought collateral)",
      ),
      open: m.gauge("settler_open_positions", "Accounts with an open position in an expired series, last seen"),
      holders: m.gauge("settler_holders_indexed", "Account-series pairs indexed from position transfers"),
    };
    this.index = new SettlerIndex({
      role: this.name,
      store: ctx.store,
      read: ctx.read,
      deployment: this.d,
      pageBlocks: this.c.logPageBlocks,
      pairsGauge: this.m.holders,
    });
  }

  async start(): Promise<void> {
    this.index.load();
    this.ctx.logger.info(
      {
        indexedTo: this.index.indexedTo?.toString() ?? null,
        series: this.index.series.size,
        pending: this.txs.pending().length,
      },
      this.index.indexedTo === undefined ? "settler starts indexing from the deployment block" : "settler resumes",
    );
  }

  async onBlock(block: StoredBlock): Promise<void> {
    await this.index.index(block.number);
    await this.account(block.number);
    // While catching up, index only: act on the chain's present state once the index reaches the head.
    const head = await this.ctx.read.getBlockNumber({ cacheTime: 0 });
    if (block.number + 1n < head) return;
    this.caughtUp = true;
    const timestamp = (await this.ctx.read.getBlock({ blockNumber: block.number })).timestamp;
    await this.act(block.number, timestamp);
  }

  async onReorg(ancestor: bigint): Promise<void> {
    // The frame has already unwound the journal to the ancestor: reload the index from it.
    this.index.load();
    this.ctx.logger.info({ ancestor: ancestor.toString() }, "settler unwound its index to the common ancestor");
  }

  ready(): boolean {
    return this.caughtUp;
  }

  async stop(): Promise<void> {}

  // ---- acting on expired series ----

  private async act(at: bigint, timestamp: bigint): Promise<void> {
    const groups = new Map<string, { underlyingId: bigint; expiry: bigint; seriesIds: bigint[] }>();
    for (const [id, t] of this.index.series) {
      if (BigInt(t.expiry) > timestamp) continue;
      const key = `${t.underlyingId}:${t.expiry}`;
      const done = this.ctx.store.kvGet<boolean>(this.name, `done:${key}`) === true;
      // A finished expiry is looked at again when a debt repayment made claims grow, and, when debt collection is
      // on, every `everyBlocks` blocks while it has debtors.
      const collectAgain =
        this.c.collectDebt.enabled &&
        at % BigInt(this.c.collectDebt.everyBlocks) === 0n &&
        (this.ctx.store.kvGet<number>(this.name, `debtors:${key}`) ?? 0) > 0;
      if (done && !collectAgain && this.ctx.store.kvGet<boolean>(this.name, `dirty:${id}`) !== true) continue;
      let g = groups.get(key);
      if (g === undefined)
        groups.set(key, (g = { underlyingId: BigInt(t.underlyingId), expiry: BigInt(t.expiry), seriesIds: [] }));
      g.seriesIds.push(BigInt(id));
    }
    if (groups.size === 0) {
      this.m.open.set(0);
      return;
    }
    const sent = new Map<number, SentRecord>();
    for (const [key, record] of this.ctx.store.kvEntries<SentRecord>(this.name))
      if (key.startsWith("sent:")) sent.set(Number(key.slice(5)), record);
    const pending = pendingIntents(this.txs.pending(), this.d.contracts, sent, (id) => this.index.groupOf(id));
    let open = 0;
    for (const [key, g] of groups) {
      if (!(await this.priceProven(key, g, pending, at))) continue;
      const items = await this.openPositions(g.seriesIds);
      open += items.length;
      // A pending batch may name the account with another series of the group: `settle` closes the whole group.
      const waiting = items.filter((it) => !g.seriesIds.some((id) => pending.settles.has(pairKey(it.account, id))));
      if (waiting.length > 0) {
        await this.settleBatches(key, waiting, at);
        continue;
      }
      if (items.length > 0 || pending.settleGroups.has(key)) continue;
      await this.collectDebts(key, g.seriesIds, pending, at);
      // Every position of the expiry is closed and no settlement is in flight: pay the longs' claims.
      const claimsLeft = await this.claimAll(key, g.seriesIds, pending, at);
      if (claimsLeft === 0 && !pending.claimGroups.has(key)) {
        const wasDone = this.ctx.store.kvGet<boolean>(this.name, `done:${key}`) === true;
        this.ctx.store.kvPut(this.name, `done:${key}`, true, at);
        for (const id of g.seriesIds) this.ctx.store.kvPut(this.name, `dirty:${id}`, undefined, at);
        if (!wasDone)
          this.ctx.logger.info(
            { underlyingId: g.underlyingId.toString(), expiry: g.expiry.toString(), series: g.seriesIds.length },
            "expiry settled: every position closed, every claim paid",
          );
      }
    }
    this.m.open.set(open);
  }

  /** True once the group's expiry price is set; otherwise sends the proof (unless one is in flight). */
  private async priceProven(
    key: string,
    g: { underlyingId: bigint; expiry: bigint },
    pending: PendingIntents,
    at: bigint,
  ): Promise<boolean> {
    const router = await this.routerOf(g.underlyingId);
    const [, isSet] = await this.ctx.read.readContract({
      address: router,
      abi: oracleRouterAbi,
      functionName: "expiryPrice",
      args: [g.expiry],
    });
    if (isSet) return true;
    if (pending.proofs.has(`${router}:${g.expiry}`)) return false;
    let proof;
    try {
      proof = await prepareExpiryPriceProof(this.optio, { underlyingId: g.underlyingId, expiry: g.expiry });
    } catch (error) {
      const decoded = decodeOptioError(error);
      if (decoded instanceof OptioContractError && LOST_RACE_ERRORS.has(decoded.errorName)) {
        this.lostRace("prove", decoded, { underlyingId: g.underlyingId.toString(), expiry: g.expiry.toString() });
        return false;
      }
      if (!this.waitingForRound.has(key)) {
        this.waitingForRound.add(key);
        this.ctx.logger.info(
          { underlyingId: g.underlyingId.toString(), expiry: g.expiry.toString(), reason: firstLine(decoded) },
          "expiry price cannot be proven yet; retrying every block",
        );
      }
      return false;
    }
    this.waitingForRound.delete(key);
    const data = encodeFunctionData({ abi: proof.abi, functionName: proof.functionName, args: proof.args } as never);
    const sent = await this.send("prove", key, { label: LABEL.prove, to: proof.address, data }, at);
    if (sent)
      this.ctx.logger.info(
        {
          underlyingId: g.underlyingId.toString(),
          expiry: g.expiry.toString(),
          source: proof.source,
          roundHint: proof.roundHint.toString(),
        },
        "expiry price proof sent",
      );
    return false;
  }

  /**
   * Accounts holding a position in any of `seriesIds`, re-read on chain, in the order that leaves the fewest claims
   * for later: accounts with only short legs (they only pay into the pools), then accounts with both, then accounts
   * with only long legs (paid from what the others paid in).
   */
  private async openPositions(seriesIds: bigint[]): Promise<SettleItem[]> {
    const pairs = this.index.pairs(seriesIds);
    const sizes = (await readAll(
      this.ctx.read,
      pairs.map((p) => ({
        address: this.d.contracts.book,
        abi: positionBookAbi,
        functionName: "positionOf",
        args: [p.account, p.seriesId],
      })),
    )) as bigint[];
    const byAccount = new Map<Address, SettleItem & { long: boolean }>();
    pairs.forEach((p, i) => {
      if (sizes[i] === 0n) return;
      const item = byAccount.get(p.account) ?? { account: p.account, seriesId: p.seriesId, short: false, long: false };
      item.short ||= sizes[i] < 0n;
      item.long ||= sizes[i] > 0n;
      byAccount.set(p.account, item);
    });
    // 0: short legs only, 1: both, 2: long legs only.
    const rank = (it: { short: boolean; long: boolean }) => (it.short ? (it.long ? 1 : 0) : 2);
    return [...byAccount.values()]
      .sort((a, b) => rank(a) - rank(b))
      .map(({ account, seriesId, short }) => ({ account, seriesId, short }));
  }

  /** Sends `items` in `performUpkeep` batches whose gas limit fits `maxGasPerTx`, at most `maxTxsPerBlock`. */
  private async settleBatches(key: string, items: SettleItem[], at: bigint): Promise<void> {
    const automation = this.d.contracts.automation;
    const maxActions = await this.maxActions();
    const budget = BigInt(this.c.maxGasPerTx);
    const margin = BigInt(100 + this.ctx.config.tx.gasLimitMarginPercent);
    let rest = items;
    for (let sent = 0; rest.length > 0 && sent < this.c.maxTxsPerBlock; sent++) {
      let n = Math.min(rest.length, maxActions);
      let data: Hex;
      let gas: bigint;
      for (;;) {
        data = performUpkeepData(rest.slice(0, n));
        const estimate = await this.ctx.read.estimateGas({ account: this.txs.address, to: automation, data });
        gas = (estimate * margin) / 100n;
        if (gas <= budget || n === 1) break;
        // Cut proportionally to the budget (less a little: per-action costs vary), then estimate again.
        n = Math.max(1, Math.min(n - 1, Number((BigInt(n) * budget * CHUNK_SAFETY_PERCENT) / (gas * 100n))));
      }
      if (gas > budget) {
        // Once per account and expiry: the role tries again every block, the operator needs telling once.
        const warned = `${key}:${rest[0].account}`;
        if (this.tooLarge.has(warned)) return;
        this.tooLarge.add(warned);
        this.ctx.logger.warn(
          { account: rest[0].account, seriesId: rest[0].seriesId.toString(), gas: gas.toString() },
          "one settlement needs more gas than roles.settler.maxGasPerTx; raise it",
        );
        return;
      }
      const batch = rest.slice(0, n);
      const ok = await this.send("settle", key, { label: LABEL.settle, to: automation, data, gas }, at);
      if (!ok) return;
      this.m.batches.inc();
      this.ctx.logger.info(
        { expiryGroup: key, accounts: batch.length, gasLimit: gas.toString(), left: rest.length - n },
        "settlement batch sent",
      );
      rest = rest.slice(n);
    }
  }

  /**
   * Records how many debtors the expiry has and, when `roles.settler.collectDebt.enabled`, collects their debts:
   * from each debtor's quote balance first, else by buying a listed collateral token with the keeper's own vault
   * quote balance (at most what it holds), each through `previewCollection` then `collectDebt` with the preview's
   * seized amount as the minimum. A debtor with nothing to collect now is left for a later look.
   */
  private async collectDebts(key: string, seriesIds: bigint[], pending: PendingIntents, at: bigint): Promise<void> {
    const { settlement, vault } = this.d.contracts;
    const pairs = this.index.pairs(seriesIds);
    const debts = (await readAll(
      this.ctx.read,
      pairs.map((p) => ({
        address: settlement,
        abi: settlementAbi,
        functionName: "debtOn",
        args: [p.account, p.seriesId],
      })),
    )) as bigint[];
    const owing = pairs.map((p, i) => ({ ...p, debt: debts[i] })).filter((p) => p.debt > 0n);
    if ((this.ctx.store.kvGet<number>(this.name, `debtors:${key}`) ?? 0) !== owing.length)
      this.ctx.store.kvPut(this.name, `debtors:${key}`, owing.length, at);
    if (!this.c.collectDebt.enabled || owing.length === 0) return;
    this.quoteAsset ??= getAddress(
      await this.ctx.read.readContract({ address: vault, abi: vaultAbi, functionName: "quoteAsset" }),
    );
    const quote = this.quoteAsset;
    let budget = await this.ctx.read.readContract({
      address: vault,
      abi: vaultAbi,
      functionName: "balanceOf",
      args: [this.txs.address, quote],
    });
    let sent = 0;
    for (const p of owing) {
      if (sent >= this.c.maxTxsPerBlock) break;
      if (pending.collects.has(pairKey(p.account, p.seriesId))) continue;
      const preview = (token: Address, maxRepay: bigint) =>
        this.ctx.read
          .readContract({
            address: settlement,
            abi: settlementAbi,
            functionName: "previewCollection",
            args: [p.account, p.seriesId, token, maxRepay],
          })
          .catch(() => undefined);
      let chosen: { token: Address; maxRepay: bigint; seized: bigint } | undefined;
      const fromBalance = await preview(quote, p.debt);
      if (fromBalance !== undefined && fromBalance.fromBalance > 0n)
        chosen = { token: quote, maxRepay: p.debt, seized: fromBalance.seized };
      for (const token of this.c.collectDebt.tokens) {
        if (chosen !== undefined || budget === 0n) break;
        const maxRepay = minBig(p.debt, budget);
        const c = await preview(getAddress(token), maxRepay);
        // The keeper pays `bought` from its own balance; buy only what that balance covers.
        if (c !== undefined && c.bought > 0n && c.bought <= budget) {
          chosen = { token: getAddress(token), maxRepay, seized: c.seized };
          budget -= c.bought;
        }
      }
      if (chosen === undefined) continue;
      const data = encodeFunctionData({
        abi: settlementAbi,
        functionName: "collectDebt",
        args: [p.account, p.seriesId, chosen.token, chosen.maxRepay, chosen.seized],
      });
      if (await this.send("collect", key, { label: LABEL.collect, to: settlement, data }, at)) sent++;
    }
  }

  private quoteAsset: Address | undefined;

  /** Sends a claim for every long with something claimable now; returns how many claims it found. */
  private async claimAll(key: string, seriesIds: bigint[], pending: PendingIntents, at: bigint): Promise<number> {
    const pairs = this.index.pairs(seriesIds);
    const amounts = (await readAll(
      this.ctx.read,
      pairs.map((p) => ({
        address: this.d.contracts.settlement,
        abi: settlementAbi,
        functionName: "claimable",
        args: [p.account, p.seriesId],
      })),
    )) as bigint[];
    const due = pairs.filter((p, i) => amounts[i] > 0n && !pending.claims.has(pairKey(p.account, p.seriesId)));
    let sent = 0;
    for (const p of due) {
      if (sent >= this.c.maxTxsPerBlock) break;
      const data = encodeFunctionData({ abi: settlementAbi, functionName: "claim", args: [p.account, p.seriesId] });
      const ok = await this.send("claim", key, { label: LABEL.claim, to: this.d.contracts.settlement, data }, at);
      if (ok) sent++;
    }
    return due.length;
  }

  /**
   * Sends one write through the transaction manager and remembers it until its outcome is counted. A simulation
   * refused with a lost-race error is logged at info and counted; other refusals at warn. Returns whether it went.
   */
  private async send(
    step: SentRecord["step"],
    group: string,
    intent: { label: string; to: Address; data: Hex; gas?: bigint },
    at: bigint,
  ): Promise<boolean> {
    try {
      const tx = await this.txs.send(intent);
      this.ctx.store.kvPut(this.name, `sent:${tx.id}`, { step, group } satisfies SentRecord, at);
      return true;
    } catch (error) {
      const cause = error instanceof SimulationFailedError ? error.cause : error;
      const decoded = decodeOptioError(cause);
      if (decoded instanceof OptioContractError && LOST_RACE_ERRORS.has(decoded.errorName)) {
        this.lostRace(step, decoded, { group });
        return false;
      }
      this.ctx.logger.warn({ step, group, err: firstLine(decoded) }, "settler write refused; retrying next block");
      return false;
    }
  }

  private lostRace(step: SentRecord["step"], decoded: OptioContractError, detail: Record<string, unknown>): void {
    this.m.lostRaces.inc({ step });
    this.ctx.logger.info({ step, ...detail, error: decoded.formatted }, "lost race: someone else did it first");
  }

  // ---- outcomes of sent transactions ----

  /** Counts what each finished settler transaction did (from its receipt) and forgets it. */
  private async account(at: bigint): Promise<void> {
    for (const [key, record] of this.ctx.store.kvEntries<SentRecord>(this.name)) {
      if (!key.startsWith("sent:")) continue;
      const tx = this.ctx.store.getTx(Number(key.slice(5)));
      if (tx !== undefined && tx.status === "pending") continue;
      if (tx !== undefined && tx.minedHash !== null) {
        const receipt = await this.ctx.read.getTransactionReceipt({ hash: tx.minedHash });
        this.m.gas.inc({ step: record.step }, Number(receipt.gasUsed));
        if (receipt.status === "success") await this.count(record, receipt.logs, receipt.gasUsed);
        else await this.explainRevert(record, tx.to, tx.data);
      }
      this.ctx.store.kvPut(this.name, key, undefined, at);
    }
  }

  /**
   * A settler transaction passed its simulation but reverted on chain: usually another keeper's identical write
   * landed first in the same block. Replays it against the latest state to decode why, and logs a lost race at info.
   */
  private async explainRevert(record: SentRecord, to: Address | null, data: Hex): Promise<void> {
    if (to === null) return;
    const why = await this.ctx.read.call({ account: this.txs.address, to, data }).then(
      () => undefined,
      (error: unknown) => decodeOptioError(error),
    );
    if (why instanceof OptioContractError && LOST_RACE_ERRORS.has(why.errorName))
      this.lostRace(record.step, why, { group: record.group });
    else
      this.ctx.logger.warn(
        { step: record.step, group: record.group, err: why === undefined ? "succeeds now" : firstLine(why) },
        "settler transaction reverted for another reason; retrying next block",
      );
  }

  private async count(record: SentRecord, logs: Parameters<typeof parseEventLogs>[0]["logs"], gasUsed: bigint) {
    const settlement = getAddress(this.d.contracts.settlement);
    const automation = getAddress(this.d.contracts.automation);
    if (record.step === "prove") {
      this.m.proven.inc();
      this.ctx.logger.info({ expiryGroup: record.group }, "expiry price proven");
      return;
    }
    if (record.step === "collect") {
      for (const l of parseEventLogs({ abi: settlementAbi, eventName: "DebtCollected", logs })) {
        if (getAddress(l.address) !== settlement) continue;
        const repaid = l.args.fromBalance + l.args.bought;
        this.m.collections.inc();
        this.m.collectedQuote.inc(Number(repaid));
        this.ctx.logger.info(
          {
            account: l.args.account,
            seriesId: l.args.seriesId.toString(),
            token: l.args.token,
            repaid: repaid.toString(),
            seized: l.args.seized.toString(),
          },
          "settlement debt collected",
        );
      }
      return;
    }
    if (record.step === "claim") {
      for (const l of parseEventLogs({ abi: settlementAbi, eventName: "ClaimPaid", logs })) {
        if (getAddress(l.address) !== settlement) continue;
        this.m.claims.inc();
        this.m.claimedQuote.inc(Number(l.args.amount));
        this.ctx.logger.info(
          { account: l.args.account, seriesId: l.args.seriesId.toString(), amount: l.args.amount.toString() },
          "claim paid",
        );
      }
      return;
    }
    const settled = parseEventLogs({ abi: settlementAbi, eventName: "PositionSettled", logs }).filter(
      (l) => getAddress(l.address) === settlement,
    );
    this.m.settled.inc(settled.length);
    this.ctx.logger.info(
      {
        expiryGroup: record.group,
        positions: settled.length,
        gasUsed: gasUsed.toString(),
        gasPerPosition: settled.length === 0 ? null : (gasUsed / BigInt(settled.length)).toString(),
      },
      "settlement batch mined",
    );
    const skipped = parseEventLogs({ abi: liquidationAutomationAbi, eventName: "ActionSkipped", logs }).filter(
      (l) => getAddress(l.address) === automation && l.args.kind === ACTION_SETTLE,
    );
    for (const s of skipped) {
      // The automation skips without a reason: ask the settlement directly why it would refuse now.
      const why = await this.ctx.read
        .simulateContract({
          account: this.txs.address,
          address: settlement,
          abi: settlementAbi,
          functionName: "settle",
          args: [s.args.account, s.args.id],
        })
        .then(
          () => undefined,
          (error: unknown) => decodeOptioError(error),
        );
      const detail = { account: s.args.account, seriesId: s.args.id.toString() };
      if (why instanceof OptioContractError && LOST_RACE_ERRORS.has(why.errorName))
        this.lostRace("settle", why, detail);
      else
        this.ctx.logger.warn(
          { ...detail, err: why === undefined ? "settles now" : firstLine(why) },
          "settlement skipped in a batch for another reason; retrying next block",
        );
    }
  }

  // ---- chain helpers ----

  private maxActionsCache: number | undefined;

  private async maxActions(): Promise<number> {
    this.maxActionsCache ??= Number(
      await this.ctx.read.readContract({
        address: this.d.contracts.automation,
        abi: liquidationAutomationAbi,
        functionName: "maxActions",
      }),
    );
    return this.maxActionsCache;
  }

  private async routerOf(underlyingId: bigint): Promise<Address> {
    const key = underlyingId.toString();
    let router = this.routers.get(key);
    if (router === undefined) {
      router = await this.ctx.read.readContract({
        address: this.d.contracts.registry,
        abi: seriesRegistryAbi,
        functionName: "routerOf",
        args: [underlyingId],
      });
      this.routers.set(key, getAddress(router));
    }
    return getAddress(router);
  }
}

function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

function firstLine(error: unknown): string {
  const e = error as { shortMessage?: string; message?: string };
  return String(e?.shortMessage ?? e?.message ?? error).split("\n")[0];
}

export const settlerRole: RoleFactory = {
  name: "settler",
  summary: "prove expiry prices, settle expired series in gas-bounded batches, pay longs' claims",
  needsSigner: true,
  needsDeployment: true,
  create: (ctx) => new SettlerRole(ctx),
};
