import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { loadDeploymentFile } from "../config/deployment.js";
import { ConfigError, ENV_OVERRIDES, loadConfig } from "../config/load.js";
import type { KeeperConfig } from "../config/schema.js";
import { loadSigner, SignerError } from "../keys/signer.js";
import { createLogger } from "../ops/logger.js";
import { ROLE_FACTORIES } from "../roles/index.js";
import { parseShard, ShardError } from "../roles/liquidator/shard.js";
import type { RoleFactory } from "../roles/types.js";
import { Keeper } from "../runtime.js";
import { Store } from "../state/store.js";

/** Exit codes: 0 done, 1 runtime failure, 2 usage or configuration error. */
const EXIT_USAGE = 2;

class UsageError extends Error {}

const MAIN_HELP = `optio-keeper: Optio keeper daemons

Usage:
  optio-keeper run --roles <list> [--config <file>]   run roles until SIGTERM/SIGINT (run --help: more options)
  optio-keeper config check [--config <file>]        validate config and key, print a summary
  optio-keeper status [--config <file>]              checkpoint, pending transactions, chain head
  optio-keeper <command> --help                      help for one command

The config file is JSON; OPTIO_KEEPER_CONFIG names it when --config is absent. Environment variables override
single fields (see keepers/README.md). Exit codes: 0 done, 1 runtime failure, 2 usage or configuration error.
`;

const RUN_HELP = `optio-keeper run --roles <list> [--config <file>] [--shard <i/n>]

Runs the given roles (comma-separated) in one process until SIGTERM or SIGINT, then finishes the current step,
stops and exits 0.

Roles:
${Object.values(ROLE_FACTORIES)
  .map((f) => `  ${f.name.padEnd(11)} ${f.summary}${f.unavailable ? " (not available yet)" : ""}`)
  .join("\n")}

Options:
  --roles <list>     roles to run, e.g. watch
  --config <file>    JSON config file (default: $OPTIO_KEEPER_CONFIG)
  --shard <i/n>      liquidator: handle only accounts whose address hash is i modulo n (overrides
                     roles.liquidator.shard); run n instances with 0/n … (n-1)/n to cover every account
  -h, --help         this help
`;

const CONFIG_HELP = `optio-keeper config check [--config <file>]

Validates the config file plus environment overrides and loads the signer (decrypting the keystore when one is
configured). Prints a one-line summary and exits 0, or prints one line per wrong field and exits 2.

Environment overrides:
${ENV_OVERRIDES.map((o) => `  ${o.env.padEnd(30)} ${o.help}`).join("\n")}
`;

const STATUS_HELP = `optio-keeper status [--config <file>] [--offline]

Prints the store's checkpoint, per-role checkpoints and transactions as JSON, plus the chain head and lag when an
RPC endpoint answers (skipped with --offline). Safe to run beside a live keeper (read-only).
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case "-h":
      case "--help":
      case "help":
        process.stdout.write(MAIN_HELP);
        return command === undefined ? EXIT_USAGE : 0;
      case "run":
        return await runCommand(rest);
      case "config":
        if (rest[0] === "check") return configCheck(rest.slice(1));
        if (rest[0] === undefined || rest[0] === "--help" || rest[0] === "-h") {
          process.stdout.write(CONFIG_HELP);
          return rest[0] === undefined ? EXIT_USAGE : 0;
        }
        throw new UsageError(`unknown config subcommand "${rest[0]}" (expected: check)`);
      case "status":
        return await statusCommand(rest);
      default:
        throw new UsageError(`unknown command "${command}"; see optio-keeper --help`);
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.lines.join("\n")}\n`);
      return EXIT_USAGE;
    }
    if (error instanceof UsageError || error instanceof SignerError) {
      process.stderr.write(`${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

function parse(args: string[], options: Record<string, { type: "string" | "boolean" }>) {
  try {
    return parseArgs({
      args,
      options: { ...options, config: { type: "string" }, help: { type: "boolean", short: "h" } },
      allowPositionals: false,
      strict: true,
    }).values as Record<string, string | boolean | undefined>;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function configPath(values: Record<string, string | boolean | undefined>): string | undefined {
  return (values.config as string | undefined) ?? process.env.OPTIO_KEEPER_CONFIG;
}

function configCheck(args: string[]): number {
  const values = parse(args, {});
  if (values.help) {
    process.stdout.write(CONFIG_HELP);
    return 0;
  }
  const config = loadConfig(configPath(values));
  const account = loadSigner(config.signer);
  // A named deployment file is checked too, so a wrong address is found before the keeper runs.
  if (config.deployment !== undefined) loadDeploymentFile(config.deployment, config.chainId);
  process.stdout.write(`${summary(config, account?.address)}\n`);
  return 0;
}

function summary(config: KeeperConfig, address: string | undefined): string {
  const reads = config.rpc.urls.length;
  return [
    "config ok:",
    `chain ${config.chainId},`,
    `${reads} read endpoint${reads === 1 ? "" : "s"},`,
    `submission ${config.rpc.submitUrl ? "separate" : "via the read endpoints"},`,
    `signer ${address ?? "none"},`,
    `deployment ${config.deployment ?? "none"},`,
    `store ${config.store.path},`,
    config.metrics.enabled ? `metrics ${config.metrics.host}:${config.metrics.port}` : "metrics off",
  ].join(" ");
}

function resolveRoles(list: string | undefined, hasSigner: boolean): RoleFactory[] {
  if (list === undefined || list.trim() === "") throw new UsageError("run: --roles is required (e.g. --roles watch)");
  const names = [
    ...new Set(
      list
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== ""),
    ),
  ];
  const factories: RoleFactory[] = [];
  for (const name of names) {
    const f = ROLE_FACTORIES[name];
    if (f === undefined)
      throw new UsageError(`run: unknown role "${name}" (known: ${Object.keys(ROLE_FACTORIES).join(", ")})`);
    if (f.unavailable) throw new UsageError(`run: ${name}: ${f.unavailable}`);
    if (f.needsSigner && !hasSigner)
      throw new UsageError(
        `run: ${name} sends transactions and needs a key (signer.privateKeyEnv or signer.keystorePath)`,
      );
    factories.push(f);
  }
  return factories;
}

async function runCommand(args: string[]): Promise<number> {
  const values = parse(args, { roles: { type: "string" }, shard: { type: "string" } });
  if (values.help) {
    process.stdout.write(RUN_HELP);
    return 0;
  }
  const config = loadConfig(configPath(values));
  if (values.shard !== undefined) {
    try {
      parseShard(values.shard as string);
    } catch (error) {
      if (error instanceof ShardError) throw new UsageError(`run: --shard: ${error.message}`);
      throw error;
    }
    config.roles.liquidator.shard = values.shard as string;
  }
  const account = loadSigner(config.signer);
  const roles = resolveRoles(values.roles as string | undefined, account !== undefined);
  const deployment = roles.some((r) => r.needsDeployment)
    ? loadDeploymentFile(config.deployment, config.chainId)
    : undefined;
  const logger = createLogger(config.log.level);
  const keeper = new Keeper({ config, roles, account, logger, deployment });
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      logger.warn({ signal }, "second signal: exiting without waiting");
      process.exit(1);
    }
    logger.info({ signal }, "shutting down");
    keeper.stop();
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  try {
    await keeper.listen();
  } catch (error) {
    logger.error({ err: (error as Error).message }, "operations endpoint could not listen");
    keeper.stop();
    await keeper.run().catch(() => undefined);
    return 1;
  }
  try {
    await keeper.run();
  } catch (error) {
    logger.fatal({ err: (error as Error).message }, "keeper stopped on an error");
    return 1;
  }
  return 0;
}

async function statusCommand(args: string[]): Promise<number> {
  const values = parse(args, { offline: { type: "boolean" } });
  if (values.help) {
    process.stdout.write(STATUS_HELP);
    return 0;
  }
  const config = loadConfig(configPath(values));
  if (!existsSync(config.store.path)) {
    process.stderr.write(`status: no store at ${config.store.path} yet (the keeper has not run with this config)\n`);
    return 1;
  }
  let store: Store;
  try {
    store = Store.open(config.store.path, { readOnly: true });
  } catch (error) {
    process.stderr.write(`status: cannot open store ${config.store.path}: ${(error as Error).message}\n`);
    return 1;
  }
  const checkpoint = store.latestBlock();
  const out: Record<string, unknown> = {
    store: config.store.path,
    chainId: store.getMeta("chainId") ?? null,
    checkpoint: checkpoint ? { block: checkpoint.number.toString(), hash: checkpoint.hash } : null,
    roleCheckpoints: store.listCheckpoints().map((c) => ({ ...c, block: c.block.toString() })),
    transactions: store.txCounts(),
    pending: store.db
      .prepare("SELECT label, nonce, account FROM txs WHERE status = 'pending' ORDER BY account, nonce")
      .all(),
  };
  store.close();
  if (!values.offline) {
    const { createChainAccess } = await import("../chain/clients.js");
    const chain = createChainAccess({
      chainId: config.chainId,
      urls: config.rpc.urls,
      timeoutMs: Math.min(config.rpc.timeoutMs, 5000),
      retryCount: 0,
      rank: false,
      rankIntervalMs: config.rpc.rankIntervalMs,
      pollingIntervalMs: config.blocks.pollIntervalMs,
    });
    try {
      const head = await chain.read.getBlockNumber();
      out.chainHead = head.toString();
      out.lag = checkpoint ? (head - checkpoint.number).toString() : null;
    } catch (error) {
      out.chainHead = null;
      out.rpcError = String((error as Error).message).split("\n")[0];
    }
  }
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  return 0;
}

const isEntry = process.argv[1] !== undefined && pathToFileURL(resolve(process.argv[1])).href === import.meta.url;
if (isEntry) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`optio-keeper: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
