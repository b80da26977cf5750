import { encodeFunctionData, recoverTypedDataAddress, type Address, type Hex } from "viem";
import {
  decodeOptioError,
  feedId as feedIdOf,
  OptioContractError,
  orderObservations,
  quorumFeedAbi,
  reportTypedData,
} from "@optio/sdk";
import { SimulationFailedError } from "../../chain/txManager.js";
import type { StoredBlock } from "../../state/store.js";
import type { Role, RoleContext } from "../types.js";
import type { OracleConfig, OracleFeedConfig } from "./config.js";
import { parseObservation, toWire, type DropReason, type Observation } from "./observations.js";
import { aggregate, createSource, type PriceSource } from "./sources.js";
import { normalise, ObservationTransport, readDropRules, type BatchResult } from "./transport.js";

/** Proposals kept open per feed at most (a faulty signer cannot make a signer hold or sign more). */
const MAX_OPEN_PROPOSALS = 8;
/** A value is clamped to this share of the on-chain deviation bound, so rounding never crosses it. */
const BOUND_SHARE_PERCENT = 90n;

interface Proposal {
  timestamp: bigint;
  /** Valid observations by signer (lower-case address). */
  observations: Map<string, Observation>;
  /** When this signer first held `threshold` observations for it (wall ms). */
  completeAtMs?: number;
  /** True once this signer tried to submit it (or gave it up). */
  tried: boolean;
}

interface Outgoing {
  observation: Observation;
  /** Peers that acknowledged it (normalised URLs). */
  acked: Set<string>;
}

interface FeedState {
  config: OracleFeedConfig;
  id: Hex;
  sources: PriceSource[];
  chain?: { roundId: bigint; value: bigint; timestamp: bigint };
  /** This signer's latest aggregated observation (WAD). */
  own?: bigint;
  dueSinceMs?: number;
  proposals: Map<bigint, Proposal>;
  /** This signer's own signed observations of the open round, by timestamp. */
  signed: Map<bigint, Observation>;
  submission?: { timestamp: bigint; txId: number; sentAtMs: number; dueSinceMs?: number };
  /** False while too few sources agree (logged once per outage). */
  observing: boolean;
}

/**
 * The oracle role: one quorum signer. Every tick it reads the chain (signer set, threshold, each feed's latest
 * round), observes its price sources, and then per feed: signs and broadcasts an observation for each open
 * proposal of the next round, proposes one itself when the round is due and its turn has come (rank r waits
 * r x proposeBackoffMs), and submits a proposal holding k valid observations when its turn has come (rank r waits
 * r x submitBackoffMs after the proposal completed). Ranks rotate with the round number, so the work is shared and
 * one submission per round is the normal case; a submission another signer beat is recognised and counted as lost.
 */
export class OracleRole implements Role {
  readonly name = "oracle";
  private readonly cfg: OracleConfig;
  private readonly feeds = new Map<string, FeedState>();
  private readonly outbox = new Map<string, Outgoing>();
  private readonly peers: string[];
  private readonly peerSeen = new Map<string, number>();
  private readonly transport: ObservationTransport;
  private readonly quorumFeed: Address;
  private readonly me: Address;
  private signers: Address[] = [];
  private threshold = 0;
  private chainNow = 0n;
  private headNumber = 0n;
  private dropRules = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private ticked = false;
  private warnedOutsideSet = false;
  private failing = false;
  private readonly m;

  constructor(private readonly ctx: RoleContext) {
    if (ctx.account === undefined || ctx.txs === undefined || ctx.deployment === undefined)
      throw new Error("oracle: needs a signer key and a deployment");
    this.cfg = ctx.config.roles.oracle;
    this.me = ctx.account.address;
    this.quorumFeed = ctx.deployment.contracts.quorumFeed;
    this.peers = this.cfg.peers.map(normalise);
    if (this.cfg.feeds.length === 0) throw new Error("oracle: roles.oracle.feeds is empty");
    for (const feed of this.cfg.feeds) {
      if (this.feeds.has(feed.name)) throw new Error(`oracle: feed ${feed.name} is configured twice`);
      this.feeds.set(feed.name, {
        config: feed,
        id: feedIdOf(feed.name),
        sources: feed.sources.map((s) => createSource(s, feed, ctx.deployment)),
        proposals: new Map(),
        signed: new Map(),
        observing: true,
      });
    }
    const m = ctx.metrics;
    this.m = {
      signed: m.counter("oracle_rounds_signed_total", "Observations this signer signed (one per round attempt)", [
        "feed",
      ]),
      proposed: m.counter("oracle_rounds_proposed_total", "Rounds this signer proposed (its turn came)", ["feed"]),
      submitted: m.counter("oracle_rounds_submitted_total", "Rounds this signer submitted that the feed accepted", [
        "feed",
      ]),
      lost: m.counter("oracle_rounds_lost_total", "Submissions another signer's round beat (normal, no alarm)", [
        "feed",
      ]),
      failed: m.counter("oracle_rounds_failed_total", "Submissions refused for another reason than a lost race", [
        "feed",
      ]),
      accepted: m.counter("oracle_rounds_accepted_total", "Rounds the feed accepted while this signer watched", [
        "feed",
      ]),
      roundId: m.gauge("oracle_round_id", "Latest round id of the feed", ["feed"]),
      roundAge: m.gauge("oracle_round_age_seconds", "Chain time since the feed's latest round", ["feed"]),
      observed: m.gauge("oracle_observed_value", "This signer's aggregated observation (float, for dashboards)", [
        "feed",
      ]),
      skew: m.gauge(
        "oracle_observation_skew_ratio",
        "(max - min) / median of the observations of the last complete round this signer held",
        ["feed"],
      ),
      sourceErrors: m.counter("oracle_source_errors_total", "Failed reads of a price source", ["feed", "source"]),
      received: m.counter("oracle_messages_received_total", "Valid observations received from peers"),
      dropped: m.counter("oracle_messages_dropped_total", "Observations dropped, by reason", ["reason"]),
      peersSeen: m.gauge("oracle_peers_seen", "Other signers heard from (valid observation) within peerSeenSeconds"),
      pushFailures: m.counter("oracle_push_failures_total", "Batches a peer did not acknowledge", ["peer"]),
    };
    this.transport = new ObservationTransport({
      host: this.cfg.listen.host,
      port: this.cfg.listen.port,
      onBatch: (items) => this.receive(items),
      onMalformed: () => this.m.dropped.inc({ reason: "malformed" }),
    });
  }

  async start(): Promise<void> {
    const address = await this.transport.listen();
    this.ctx.logger.info(
      { host: address.address, port: address.port, peers: this.peers.length, signer: this.me },
      "oracle observation server listening",
    );
    for (const feed of this.feeds.values()) {
      const last = this.ctx.store.kvGet<string>(this.name, `submitted:${feed.config.name}`);
      if (last !== undefined) this.ctx.logger.info({ feed: feed.config.name, lastSubmitted: last }, "oracle resumes");
    }
    this.schedule(0);
  }

  async onBlock(block: StoredBlock): Promise<void> {
    this.headNumber = block.number;
  }

  async onReorg(ancestor: bigint): Promise<void> {
    // Rounds are re-read from the chain every tick; only forget a submission the reorg may have removed.
    for (const feed of this.feeds.values()) feed.chain = undefined;
    this.headNumber = ancestor;
  }

  ready(): boolean {
    return this.ticked;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    await this.transport.close();
  }

  // ---- the loop ----

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .then(() => {
          if (this.failing) this.ctx.logger.info("oracle tick succeeded again");
          this.failing = false;
        })
        .catch((error: unknown) => {
          // Once per outage at warn (an RPC outage would otherwise log every tick); the frame's health shows it too.
          if (!this.failing) this.ctx.logger.warn({ err: firstLine(error) }, "oracle tick failed; retrying every tick");
          else this.ctx.logger.debug({ err: firstLine(error) }, "oracle tick failed");
          this.failing = true;
        })
        .finally(() => this.schedule(this.cfg.tickMs));
    }, ms);
  }

  private async tick(): Promise<void> {
    const { read } = this.ctx;
    this.dropRules = readDropRules(this.cfg.testing.dropRulesFile);
    await this.readChain();
    const myIndex = this.signers.findIndex((s) => s.toLowerCase() === this.me.toLowerCase());
    if (myIndex < 0 && !this.warnedOutsideSet) {
      this.warnedOutsideSet = true;
      this.ctx.logger.warn({ signer: this.me }, "this key is not in the quorum feed's signer set; observing only");
    }
    for (const feed of this.feeds.values()) {
      await this.observe(feed, read);
      if (myIndex >= 0) {
        await this.follow(feed);
        await this.propose(feed, myIndex);
        await this.submit(feed, myIndex);
      }
      this.followSubmission(feed);
    }
    await this.flush();
    const now = Date.now();
    let seen = 0;
    for (const [, at] of this.peerSeen) if (now - at <= this.cfg.peerSeenSeconds * 1000) seen++;
    this.m.peersSeen.set(seen);
    this.ticked = true;
  }

  /** Signer set, threshold, chain time and every feed's latest round; a new round closes the open proposals. */
  private async readChain(): Promise<void> {
    const { read } = this.ctx;
    const address = this.quorumFeed;
    const [signers, threshold, latest, pending] = await Promise.all([
      read.readContract({ address, abi: quorumFeedAbi, functionName: "signers" }),
      read.readContract({ address, abi: quorumFeedAbi, functionName: "threshold" }),
      read.getBlock({ blockTag: "latest" }),
      // The pending block carries the time the next block would have (Hardhat and anvil stamp it now).
      read.getBlock({ blockTag: "pending" }).catch(() => undefined),
    ]);
    this.signers = [...signers];
    this.threshold = Number(threshold);
    const wallNow = BigInt(Math.floor(Date.now() / 1000));
    const pendingTs = pending?.timestamp ?? 0n;
    this.chainNow = [latest.timestamp, pendingTs, pending === undefined ? wallNow : 0n].reduce((a, b) =>
      a > b ? a : b,
    );
    if (latest.number > this.headNumber) this.headNumber = latest.number;
    const rounds = await Promise.all(
      [...this.feeds.values()].map((f) =>
        read.readContract({ address, abi: quorumFeedAbi, functionName: "latestRound", args: [f.id] }),
      ),
    );
    [...this.feeds.values()].forEach((feed, i) => {
      const [roundId, value, timestamp] = rounds[i];
      const name = feed.config.name;
      if (feed.chain !== undefined && roundId > feed.chain.roundId) {
        this.m.accepted.inc({ feed: name }, Number(roundId - feed.chain.roundId));
        this.ctx.logger.info(
          { feed: name, roundId: roundId.toString(), value: value.toString(), timestamp: timestamp.toString() },
          "round accepted",
        );
        feed.dueSinceMs = undefined;
      }
      feed.chain = { roundId, value, timestamp };
      for (const ts of feed.proposals.keys()) if (ts <= timestamp) feed.proposals.delete(ts);
      for (const ts of feed.signed.keys()) if (ts <= timestamp) feed.signed.delete(ts);
      this.m.roundId.set({ feed: name }, Number(roundId));
      this.m.roundAge.set({ feed: name }, roundId === 0n ? 0 : Number(this.chainNow - timestamp));
    });
    for (const [key, out] of this.outbox) {
      const feed = this.feeds.get(out.observation.feed);
      if (
        feed?.chain === undefined ||
        out.observation.timestamp <= feed.chain.timestamp ||
        this.tooOld(out.observation)
      )
        this.outbox.delete(key);
    }
  }

  private async observe(feed: FeedState, read: RoleContext["read"]): Promise<void> {
    const values: bigint[] = [];
    await Promise.all(
      feed.sources.map(async (source) => {
        try {
          values.push(await source.read({ chainNow: this.chainNow, read }));
        } catch (error) {
          this.m.sourceErrors.inc({ feed: feed.config.name, source: source.name });
          this.ctx.logger.debug(
            { feed: feed.config.name, source: source.name, err: firstLine(error) },
            "source failed",
          );
        }
      }),
    );
    const result = aggregate(values, feed.config.outlierPercent, feed.config.minSources);
    feed.own = result?.value;
    if (result === undefined) {
      if (feed.observing)
        this.ctx.logger.warn(
          { feed: feed.config.name, sources: feed.sources.length, usable: values.length },
          "too few agreeing sources; not observing this feed",
        );
      feed.observing = false;
      return;
    }
    if (!feed.observing) this.ctx.logger.info({ feed: feed.config.name, kept: result.kept }, "sources agree again");
    feed.observing = true;
    this.m.observed.set({ feed: feed.config.name }, Number(result.value / 10n ** 9n) / 1e9);
    const chain = feed.chain!;
    const elapsed = this.chainNow - chain.timestamp;
    const moved =
      chain.roundId === 0n ||
      absDiff(result.value, chain.value) * 10_000n >=
        chain.value * BigInt(Math.round(feed.config.deviationPercent * 100));
    const due = moved || elapsed >= BigInt(feed.config.heartbeatSeconds);
    if (!due) feed.dueSinceMs = undefined;
    else feed.dueSinceMs ??= Date.now();
  }

  /** Signs this signer's observation for every open proposal of the next round it has not signed yet. */
  private async follow(feed: FeedState): Promise<void> {
    if (feed.own === undefined) return;
    for (const proposal of feed.proposals.values()) {
      if (feed.signed.has(proposal.timestamp) || this.tooOld({ timestamp: proposal.timestamp })) continue;
      await this.sign(feed, proposal.timestamp);
    }
  }

  /** Opens a round at the current chain time when it is due and this signer's turn has come. */
  private async propose(feed: FeedState, myIndex: number): Promise<void> {
    if (feed.own === undefined || feed.dueSinceMs === undefined || feed.chain === undefined) return;
    // A fresh proposal this signer already signed is still gathering observations: wait for it.
    for (const ts of feed.signed.keys()) if (!this.tooOld({ timestamp: ts })) return;
    const rank = this.rank(myIndex, feed.chain.roundId + 1n);
    if (Date.now() - feed.dueSinceMs < rank * this.cfg.proposeBackoffMs) return;
    const timestamp = this.chainNow - 1n;
    if (timestamp <= feed.chain.timestamp) return;
    this.m.proposed.inc({ feed: feed.config.name });
    this.ctx.logger.info(
      { feed: feed.config.name, round: (feed.chain.roundId + 1n).toString(), timestamp: timestamp.toString(), rank },
      "round proposed",
    );
    await this.sign(feed, timestamp);
  }

  private async sign(feed: FeedState, timestamp: bigint): Promise<void> {
    const value = await this.boundedValue(feed, timestamp);
    const report = { feedId: feed.id, value, timestamp };
    const signature = await this.ctx.account!.signTypedData(
      reportTypedData(this.ctx.deployment!.chainId, this.quorumFeed, report),
    );
    const observation: Observation = { feed: feed.config.name, timestamp, value, signer: this.me, signature };
    feed.signed.set(timestamp, observation);
    this.hold(feed, observation);
    this.outbox.set(`${feed.config.name}:${timestamp}`, { observation, acked: new Set() });
    this.m.signed.inc({ feed: feed.config.name });
  }

  /**
   * This signer's value for a report at `timestamp`: its observation, or (with stepToBound) the value just inside
   * the feed's on-chain deviation bound toward it, so a move larger than the bound lands over consecutive rounds.
   */
  private async boundedValue(feed: FeedState, timestamp: bigint): Promise<bigint> {
    const own = feed.own!;
    const chain = feed.chain!;
    if (!this.cfg.stepToBound || chain.roundId === 0n) return own;
    const boundWad = await this.ctx.read.readContract({
      address: this.quorumFeed,
      abi: quorumFeedAbi,
      functionName: "deviationBound",
      args: [feed.id, timestamp - chain.timestamp],
    });
    // Rounded down, inside the bound: the feed accepts the stepped value.
    const step = (chain.value * boundWad * BOUND_SHARE_PERCENT) / (100n * 10n ** 18n);
    if (own > chain.value + step) return chain.value + step;
    if (own + step < chain.value) return chain.value - step;
    return own;
  }

  /** Submits the fullest complete proposal when this signer's turn has come. */
  private async submit(feed: FeedState, myIndex: number): Promise<void> {
    if (feed.chain === undefined || feed.submission !== undefined) return;
    let best: Proposal | undefined;
    for (const p of feed.proposals.values()) {
      if (p.tried || this.tooOld(p)) continue;
      const count = this.validCount(p);
      if (count < this.threshold) continue;
      p.completeAtMs ??= Date.now();
      if (
        best === undefined ||
        count > this.validCount(best) ||
        (count === this.validCount(best) && p.timestamp < best.timestamp)
      )
        best = p;
    }
    if (best === undefined) return;
    const rank = this.rank(myIndex, feed.chain.roundId + 1n);
    if (Date.now() - best.completeAtMs! < rank * this.cfg.submitBackoffMs) return;
    best.tried = true;
    const valid = [...best.observations.values()].filter((o) => this.isSigner(o.signer));
    const values = valid.map((o) => o.value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const mid = values[values.length >> 1];
    this.m.skew.set(
      { feed: feed.config.name },
      Number(((values[values.length - 1] - values[0]) * 10n ** 9n) / mid) / 1e9,
    );
    // Exactly k signatures (each one more costs gas): the k values nearest the median of all held, so the most
    // extreme (a liar's, usually) is left out. With k = 2f + 1 any k keep the median between honest values anyway.
    const held = valid
      .sort((a, b) => {
        const da = absDiff(a.value, mid);
        const db = absDiff(b.value, mid);
        return da < db ? -1 : da > db ? 1 : a.signer.toLowerCase() < b.signer.toLowerCase() ? -1 : 1;
      })
      .slice(0, this.threshold);
    const data = encodeFunctionData({
      abi: quorumFeedAbi,
      functionName: "submit",
      args: [feed.id, best.timestamp, orderObservations(held)],
    });
    // Simulated and estimated against the pending block: its timestamp is the chain's time now, which the report's
    // timestamp may have reached while the latest block (an idle automining node's) is older.
    const request = { account: this.me, to: this.quorumFeed, data, blockTag: "pending" } as const;
    try {
      const gas = await this.ctx.read.estimateGas(request);
      const sent = await this.ctx.txs!.send({
        label: "oracle.submit",
        to: this.quorumFeed,
        data,
        gas: (gas * BigInt(100 + this.ctx.config.tx.gasLimitMarginPercent)) / 100n,
        simulate: () => this.ctx.read.call(request),
      });
      feed.submission = { timestamp: best.timestamp, txId: sent.id, sentAtMs: Date.now(), dueSinceMs: feed.dueSinceMs };
      this.ctx.store.kvPut(this.name, `submitted:${feed.config.name}`, best.timestamp.toString(), this.headNumber);
      this.ctx.logger.info(
        {
          feed: feed.config.name,
          timestamp: best.timestamp.toString(),
          signatures: held.length,
          rank,
          hash: sent.hash,
        },
        "round submitted",
      );
    } catch (error) {
      const cause = error instanceof SimulationFailedError ? error.cause : error;
      this.refused(feed, best.timestamp, cause);
    }
  }

  /** Classifies a refused submission: a round already on chain is a lost race (info); anything else warns. */
  private refused(feed: FeedState, timestamp: bigint, cause: unknown): void {
    const decoded = decodeOptioError(cause);
    const name = decoded instanceof OptioContractError ? decoded.errorName : undefined;
    if (name === "Quorum_StaleReport") {
      this.m.lost.inc({ feed: feed.config.name });
      this.ctx.logger.info(
        { feed: feed.config.name, timestamp: timestamp.toString() },
        "round already submitted by another signer; standing down",
      );
      return;
    }
    this.m.failed.inc({ feed: feed.config.name });
    this.ctx.logger.warn(
      { feed: feed.config.name, timestamp: timestamp.toString(), error: name ?? firstLine(cause) },
      "round submission refused",
    );
    // Give the proposal up, so this signer may propose a fresh one in its turn instead of waiting for it to age out.
    feed.proposals.delete(timestamp);
    feed.signed.delete(timestamp);
  }

  /** Follows this signer's submission to its receipt. */
  private followSubmission(feed: FeedState): void {
    const s = feed.submission;
    if (s === undefined) return;
    const tx = this.ctx.store.getTx(s.txId);
    if (tx === undefined || tx.status === "pending") return;
    feed.submission = undefined;
    const name = feed.config.name;
    if (tx.status === "mined") {
      this.m.submitted.inc({ feed: name });
      this.ctx.logger.info(
        {
          feed: name,
          timestamp: s.timestamp.toString(),
          gasUsed: tx.gasUsed?.toString(),
          msFromDue: s.dueSinceMs === undefined ? undefined : Date.now() - s.dueSinceMs,
        },
        "round landed",
      );
    } else if (feed.chain !== undefined && feed.chain.timestamp >= s.timestamp) {
      // Another signer's transaction for this round (or a later one) was mined first.
      this.m.lost.inc({ feed: name });
      this.ctx.logger.info({ feed: name, timestamp: s.timestamp.toString() }, "round landed second; dropped");
    } else {
      this.m.failed.inc({ feed: name });
      this.ctx.logger.warn(
        { feed: name, timestamp: s.timestamp.toString(), status: tx.status },
        "round submission failed",
      );
    }
  }

  /** Pushes every observation not yet acknowledged to each peer, one batch per peer. */
  private async flush(): Promise<void> {
    await Promise.all(
      this.peers.map(async (peer) => {
        if (this.dropRules.has(peer)) return;
        const pending = [...this.outbox.values()].filter((o) => !o.acked.has(peer));
        if (pending.length === 0) return;
        if (
          await this.transport.push(
            peer,
            pending.map((o) => toWire(o.observation)),
          )
        ) {
          for (const o of pending) o.acked.add(peer);
        } else this.m.pushFailures.inc({ peer });
      }),
    );
  }

  // ---- receiving ----

  private async receive(items: unknown[]): Promise<BatchResult> {
    const result: BatchResult = { accepted: 0, dropped: {} };
    for (const item of items) {
      const reason = await this.accept(item);
      if (reason === undefined) {
        result.accepted++;
        this.m.received.inc();
      } else {
        result.dropped[reason] = (result.dropped[reason] ?? 0) + 1;
        this.m.dropped.inc({ reason });
        if (reason !== "duplicate" && reason !== "partitioned" && reason !== "not_ready")
          this.ctx.logger.info({ reason, signer: (item as { signer?: unknown })?.signer }, "observation dropped");
      }
    }
    return result;
  }

  /** Validates one incoming observation and holds it; returns why it was dropped, if it was. */
  private async accept(item: unknown): Promise<DropReason | undefined> {
    const o = parseObservation(item);
    if (o === undefined) return "malformed";
    if (this.dropRules.has(normalise(o.signer))) return "partitioned";
    const feed = this.feeds.get(o.feed);
    if (feed === undefined) return "unknown_feed";
    if (feed.chain === undefined) return "not_ready";
    const signer = await recoverTypedDataAddress({
      ...reportTypedData(this.ctx.deployment!.chainId, this.quorumFeed, {
        feedId: feed.id,
        value: o.value,
        timestamp: o.timestamp,
      }),
      signature: o.signature,
    }).catch(() => undefined);
    if (signer === undefined || signer.toLowerCase() !== o.signer.toLowerCase()) return "bad_signature";
    if (!this.isSigner(o.signer)) return "unknown_signer";
    if (o.timestamp <= feed.chain.timestamp) return "replayed";
    if (o.timestamp > this.chainNow + BigInt(this.cfg.clockToleranceSeconds)) return "future";
    if (this.tooOld(o)) return "stale";
    const held = feed.proposals.get(o.timestamp)?.observations.get(o.signer.toLowerCase());
    if (held !== undefined)
      return held.signature.toLowerCase() === o.signature.toLowerCase() ? "duplicate" : "conflicting";
    if (o.signer.toLowerCase() === this.me.toLowerCase()) return "duplicate";
    if (!feed.proposals.has(o.timestamp) && feed.proposals.size >= MAX_OPEN_PROPOSALS) return "stale";
    this.hold(feed, o);
    this.peerSeen.set(o.signer.toLowerCase(), Date.now());
    return undefined;
  }

  private hold(feed: FeedState, o: Observation): void {
    let p = feed.proposals.get(o.timestamp);
    if (p === undefined) {
      p = { timestamp: o.timestamp, observations: new Map(), tried: false };
      feed.proposals.set(o.timestamp, p);
    }
    p.observations.set(o.signer.toLowerCase(), o);
  }

  // ---- helpers ----

  /** Turn order: rank 0 is signer (round mod n); each next index waits one more back-off. */
  private rank(myIndex: number, round: bigint): number {
    const n = BigInt(this.signers.length);
    return Number((((BigInt(myIndex) - round) % n) + n) % n);
  }

  private isSigner(address: string): boolean {
    return this.signers.some((s) => s.toLowerCase() === address.toLowerCase());
  }

  private validCount(p: Proposal): number {
    let n = 0;
    for (const o of p.observations.values()) if (this.isSigner(o.signer)) n++;
    return n;
  }

  private tooOld(o: { timestamp: bigint }): boolean {
    return this.chainNow - o.timestamp > BigInt(this.cfg.maxObservationAgeSeconds);
  }
}

function absDiff(a: bigint, b: bigint): bigint {
  return a > b ? a - b : b - a;
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split("\n")[0];
}
