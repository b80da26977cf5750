import { z } from "zod";
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
      oracle: oracleConfigSchema,
    })
    .prefault({})
    .describe("Per-role settings."),
});

export type KeeperConfig = z.infer<typeof configSchema>;
