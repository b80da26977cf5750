import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";

/** Every metric name the frame exports starts with this; roles use it for theirs too. */
export const METRIC_PREFIX = "optio_keeper_";

/**
 * The frame's Prometheus metrics on one registry. Roles add their own metrics to `registry` (see
 * `counter`/`gauge`). Label values never carry secrets: RPC endpoints are labelled by index and host only.
 */
export class KeeperMetrics {
  readonly registry = new Registry();
  readonly pendingTransactions: Gauge;
  readonly transactions: Counter<"label" | "outcome">;
  readonly feeBumps: Counter<"label">;
  readonly simulationFailures: Counter<"label">;
  readonly gasUsed: Counter<"label">;
  readonly gasSpentEth: Counter<"label">;
  readonly rpcRequests: Counter<"endpoint">;
  readonly rpcErrors: Counter<"endpoint">;
  readonly checkpointBlock: Gauge;
  readonly chainHeadBlock: Gauge;
  readonly checkpointLag: Gauge;
  readonly reorgs: Counter;
  readonly lastReorgDepth: Gauge;
  readonly roleErrors: Counter<"role">;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const r = [this.registry];
    const p = METRIC_PREFIX;
    this.pendingTransactions = new Gauge({
      name: `${p}pending_transactions`,
      help: "Transactions signed and not yet mined or dropped",
      registers: r,
    });
    this.transactions = new Counter({
      name: `${p}transactions_total`,
      help: "Finished transactions by label and outcome (mined, reverted, dropped)",
      labelNames: ["label", "outcome"],
      registers: r,
    });
    this.feeBumps = new Counter({
      name: `${p}fee_bumps_total`,
      help: "Replacement transactions sent with higher fees for a stuck one",
      labelNames: ["label"],
      registers: r,
    });
    this.simulationFailures = new Counter({
      name: `${p}simulation_failures_total`,
      help: "Writes refused because their simulation reverted (nothing was sent)",
      labelNames: ["label"],
      registers: r,
    });
    this.gasUsed = new Counter({
      name: `${p}gas_used_total`,
      help: "Gas used by the keeper's mined transactions",
      labelNames: ["label"],
      registers: r,
    });
    this.gasSpentEth = new Counter({
      name: `${p}gas_spent_eth_total`,
      help: "Fees paid for the keeper's mined transactions, in ether (gasUsed x effectiveGasPrice)",
      labelNames: ["label"],
      registers: r,
    });
    this.rpcRequests = new Counter({
      name: `${p}rpc_requests_total`,
      help: "JSON-RPC requests per endpoint (index:host)",
      labelNames: ["endpoint"],
      registers: r,
    });
    this.rpcErrors = new Counter({
      name: `${p}rpc_errors_total`,
      help: "JSON-RPC transport failures per endpoint (index:host): timeouts, refused connections, HTTP errors",
      labelNames: ["endpoint"],
      registers: r,
    });
    this.checkpointBlock = new Gauge({
      name: `${p}checkpoint_block`,
      help: "Last block the keeper processed",
      registers: r,
    });
    this.chainHeadBlock = new Gauge({ name: `${p}chain_head_block`, help: "Latest chain head seen", registers: r });
    this.checkpointLag = new Gauge({
      name: `${p}checkpoint_lag_blocks`,
      help: "Chain head minus checkpoint block",
      registers: r,
    });
    this.reorgs = new Counter({ name: `${p}reorgs_total`, help: "Reorgs detected and unwound", registers: r });
    this.lastReorgDepth = new Gauge({
      name: `${p}last_reorg_depth_blocks`,
      help: "Depth of the last reorg unwound",
      registers: r,
    });
    this.roleErrors = new Counter({
      name: `${p}role_errors_total`,
      help: "Errors a role raised while handling a block (the block is retried)",
      labelNames: ["role"],
      registers: r,
    });
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: p });
  }

  /** A counter on the shared registry, for roles. `name` gets the common prefix. */
  counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return new Counter({ name: `${METRIC_PREFIX}${name}`, help, labelNames, registers: [this.registry] });
  }

  /** A gauge on the shared registry, for roles. `name` gets the common prefix. */
  gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
    return new Gauge({ name: `${METRIC_PREFIX}${name}`, help, labelNames, registers: [this.registry] });
  }
}

/** Wei to ether as a float, for metrics only (never for amounts the keeper acts on). */
export function weiToEthFloat(wei: bigint): number {
  return Number(wei / 10n ** 9n) / 1e9;
}
