import { z } from "zod";
import { parseShard } from "../roles/liquidator/shard.js";

import { oracleConfigSchema } from "../roles/oracle/config.js";

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === "http:" || u.protocol === "https:") && u.host !== "";
  } catch {
    return false;
  }
}

/** True for 127.0.0.0/8, ::1 and localhost. */
export function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "::1" || host === "[::1]" || /^127(\.\d{1,3}){3}$/.test(host);
}

const httpUrl = z.string().refine(isHttpUrl, { message: "must be an http(s) URL" }).meta({ format: "uri" });
const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.number().int().min(min).max(max);

/** `i/n` with 0 <= i < n <= 1024 (the liquidator's shard). */
function isShard(value: string): boolean {
  try {
    parseShard(value);
    return true;
  } catch {
    return false;
  }
}

export const ROLE_NAMES = ["watch", "liquidator", "settler", "oracle"] as const;

/**
 * The keeper's configuration. Every field is documented here; `npm run config:reference -w @optio/keepers`
 * regenerates the reference in keepers/README.md from these descriptions.
 */
export const configSchema = z.strictObject({
  chainId: int(1).describe("Chain id the keeper expects; it refuses to start when the RPC reports another."),
  deployment: z
    .string()
    .min(1)
    .optional()
    .describe(
      "Deployment file the deploy step writes (JSON: chain id, first block, contract addresses; or a registry of them by chain id). Required by the liquidator, settler and oracle.",
    ),
  rpc: z
    .strictObject({
      urls: z
        .array(httpUrl)
        .min(1, "needs at least one URL")
        .describe("Read endpoints, most preferred first; the keeper fails over to the next when one is down."),
      submitUrl: httpUrl
        .optional()
        .describe(
          "Endpoint that receives signed transactions (a private-mempool or builder RPC). Without it, writes go to the read endpoints with the same fail-over.",
        ),
      timeoutMs: int(100).default(10_000).describe("Timeout of one JSON-RPC request, in milliseconds."),
      retryCount: int(0, 10).default(2).describe("Retries across the read endpoints before a read fails."),
      rank: z
        .boolean()
        .default(false)
        .describe("Re-rank read endpoints by measured latency and stability (viem fallback ranking)."),
      rankIntervalMs: int(1000).default(10_000).describe("How often ranking pings each read endpoint."),
    })
    .describe("Chain access."),
  signer: z
    .strictObject({
      privateKeyEnv: z
        .string()
        .regex(/^[A-Z_][A-Z0-9_]*$/, "must be an environment variable name")
        .default("OPTIO_KEEPER_PRIVATE_KEY")
        .describe("Environment variable holding the hex private key. It wins over keystorePath when set."),
      keystorePath: z
        .string()
        .min(1)
        .optional()
        .describe("Encrypted JSON keystore (Web3 Secret Storage v3: scrypt or pbkdf2, aes-128-ctr)."),
      passwordEnv: z
        .string()
        .regex(/^[A-Z_][A-Z0-9_]*$/, "must be an environment variable name")
        .default("OPTIO_KEEPER_KEYSTORE_PASSWORD")
        .describe("Environment variable holding the keystore password."),
    })
    .prefault({})
    .describe("The keeper's transaction key. Keys never appear in the config file, logs or metrics."),
  store: z
    .strictObject({
      path: z
        .string()
        .min(1)
        .default("./keeper-state/keeper.sqlite")
        .describe("SQLite database (node:sqlite) holding checkpoints, block hashes, role state and transactions."),
    })
    .prefault({})
    .describe("Embedded state."),
  blocks: z
    .strictObject({
      pollIntervalMs: int(50).default(2000).describe("How often the keeper asks for new blocks, in milliseconds."),
      windowSize: int(2, 10_000)
        .default(64)
        .describe("Unfinalised window: block hashes kept for reorg detection; deeper reorgs stop the keeper."),
      startBlock: int(0)
        .optional()
        .describe("First block to process when the store is empty (default: the head at first start)."),
      maxBlocksPerPoll: int(1, 10_000).default(200).describe("Blocks processed per poll while catching up."),
    })
    .prefault({})
    .describe("Block following."),
  tx: z
    .strictObject({
      priorityFeeGwei: z.number().min(0).default(1).describe("Tip per gas on a first attempt, in gwei."),
      baseFeeMultiplierPercent: int(100, 1000)
        .default(200)
        .describe("First attempt's maxFeePerGas = base fee x this / 100 + tip."),
      stuckAfterBlocks: int(1, 1000)
        .default(3)
        .describe("Blocks without inclusion after which a transaction is replaced."),
      bumpPercent: int(10, 100)
        .default(15)
        .describe("Raise of both fees per replacement, in percent (nodes refuse replacements below +10%)."),
      maxFeePerGasGwei: z.number().positive().default(500).describe("Hard cap on maxFeePerGas, in gwei."),
      gasLimitMarginPercent: int(0, 200).default(20).describe("Gas limit = estimate x (100 + this) / 100."),
    })
    .prefault({})
    .describe("Transaction manager."),
  metrics: z
    .strictObject({
      enabled: z.boolean().default(true).describe("Serve /metrics, /healthz and /readyz."),
      host: z.string().min(1).default("127.0.0.1").describe("Listen address; loopback unless allowNonLoopback."),
      port: int(0, 65_535).default(9464).describe("Listen port (0 picks a free one)."),
      allowNonLoopback: z
        .boolean()
        .default(false)
        .describe("Allow a non-loopback listen address (put an authenticating proxy in front)."),
    })
    .prefault({})
    .refine((m) => m.allowNonLoopback === true || typeof m.host !== "string" || isLoopbackHost(m.host), {
      message: "must be a loopback address (127.0.0.1, ::1, localhost) unless metrics.allowNonLoopback is true",
      path: ["host"],
      // Check the address even when another metrics field is wrong, so every problem shows in one run.
      when: () => true,
    })
    .describe("Operations endpoint."),
  log: z
    .strictObject({
      level: z
        .enum(["trace", "debug", "info", "warn", "error", "fatal"])
        .default("info")
        .describe("Lowest level written to stdout (JSON lines)."),
    })
    .prefault({})
    .describe("Logging."),
  roles: z
    .strictObject({
      watch: z
        .strictObject({
          balanceWarnEth: z
            .number()
            .min(0)
            .default(0.05)
            .describe("Warn when the signer's balance falls below this, in ether (0 disables)."),
        })
        .prefault({})
        .describe("The watch role: follows the chain and reports the signer's balance and nonce."),
      liquidator: z
        .strictObject({
          shard: z
            .string()
            .default("0/1")
            .refine(isShard, { message: "must be i/n with integers 0 <= i < n <= 1024" })
            .describe(
              "This instance's slice of the accounts, i/n: accounts whose address hash is i modulo n. Run n instances with 0/n … (n-1)/n to cover every account once. `run --shard` overrides it.",
            ),
          bidders: z
            .array(z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be an address"))
            .default([])
            .describe(
              "Vault accounts that bid and take the won positions; the keeper's key must be an operator of each (checked at start). Empty: the keeper's own account.",
            ),
          bid: z.boolean().default(true).describe("Bid in auctions (false: only start and end auctions)."),
          health: z
            .enum(["local", "chain"])
            .default("local")
            .describe(
              "How the index is checked each block: local (the SDK's accountHealth over cached account states, refreshed when an event touches them) or chain (every account's liquidationStatus read each block; a cross-check, slow on large indexes).",
            ),
          minProfitUsd: z
            .number()
            .min(0)
            .default(1)
            .describe("A bid is sent only when its discount exceeds its gas cost by at least this, in USD."),
          gasTokenUsd: z
            .number()
            .positive()
            .default(3000)
            .describe("Price of the chain's gas token in USD, to value a bid's gas against its discount."),
          paymentSlippageBps: int(0, 10_000)
            .default(50)
            .describe("A bid's payment limit: the payment simulated now plus this share of it, in basis points."),
          logPageBlocks: int(1, 100_000)
            .default(2000)
            .describe("Blocks per eth_getLogs page when indexing the history since the deployment block."),
          maxActionsPerBlock: int(1, 10_000)
            .default(200)
            .describe("Most transactions (flags, bids, ends) the role sends per block; the rest wait for the next."),
        })
        .prefault({})
        .describe("The liquidator role: indexes accounts, starts auctions on under-margined ones, bids and ends them."),

      settler: z
        .strictObject({
          maxGasPerTx: int(100_000, 30_000_000)
            .default(5_000_000)
            .describe(
              "Gas budget of one settlement batch: the batch's gas limit (estimate plus tx.gasLimitMarginPercent) stays at or below it.",
            ),
          maxTxsPerBlock: int(1, 100)
            .default(8)
            .describe("Most settlement batches, and most claims, sent per block (several nonces in flight)."),
          logPageBlocks: int(1, 1_000_000)
            .default(5_000)
            .describe("Blocks per eth_getLogs request while indexing position transfers from the deployment block."),
          collectDebt: z
            .strictObject({
              enabled: z
                .boolean()
                .default(false)
                .describe(
                  "Collect settlement debt (Settlement.collectDebt, permissionless) once an expiry's positions are closed: from each debtor's quote balance, then by buying the collateral listed in tokens.",
                ),
              tokens: z
                .array(z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be an address"))
                .default([])
                .describe(
                  "Collateral tokens the keeper buys from debtors at the collection discount, paying from its own vault quote balance (it must keep initial margin); empty: only debtors' quote balances are collected.",
                ),
              everyBlocks: int(1, 100_000)
                .default(20)
                .describe("How often, in blocks, debts left on finished expiries are looked at again."),
            })
            .prefault({})
            .describe("Settlement debt collection (off by default)."),
        })
        .prefault({})
        .describe(
          "The settler role: proves expiry prices, settles expired series in batches and pays the longs' claims.",
        ),

      oracle: oracleConfigSchema,
    })
    .prefault({})
    .describe("Per-role settings."),
});

export type KeeperConfig = z.infer<typeof configSchema>;
