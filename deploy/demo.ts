/**
 * `make demo` (`npm run demo`, which compiles first): starts a Hardhat node on a free loopback port, deploys
 * Optio's local module with Ignition, runs the scripted session of `demo/session.ts` against it (governance
 * handover, quorum reports, listing, deposits, a pause and its timelocked lift, trades with margins, a refused
 * oversized sale, the expiry proof, settlement) and its conservation check, then the live system of
 * `demo/live.ts` (oracle signers, liquidator and settler as separate keeper processes, traders, a crash, an expiry,
 * a report). Exits non-zero on any failure, and stops the node and every keeper it started in every case.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { rm } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { freePort, killAll } from "./demo/keepers.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);

function log(step: string, detail = ""): void {
  console.log(`${new Date().toISOString().slice(11, 19)}  ${step.padEnd(28)} ${detail}`);
}

async function waitForRpc(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`hardhat node exited early with code ${child.exitCode}`);
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`hardhat node did not answer on ${url} within ${timeoutMs} ms`);
}

const USAGE = `usage: npm run demo -- [--seed <n>] [--fast]
  --seed <n>  seeds the live phase's accounts, sizes and strikes (default 1): one seed, one run
  --fast      fewer traders, fewer crash steps, shorter waits`;

function options(): { seed: number; fast: boolean } {
  let values;
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      options: { seed: { type: "string" }, fast: { type: "boolean" }, help: { type: "boolean", short: "h" } },
      strict: true,
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isSafeInteger(seed) || seed < 0) {
    console.error(`--seed must be a non-negative integer, got "${values.seed}"\n${USAGE}`);
    process.exit(2);
  }
  return { seed, fast: values.fast === true };
}

async function main(): Promise<void> {
  const opts = options();
  const startedAt = Date.now();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  process.env.OPTIO_RPC_URL = url;
  const hardhatCli = path.join(path.dirname(require.resolve("hardhat/package.json")), "dist/src/cli.js");
  log("starting chain", `hardhat node on ${url}`);
  const node = spawn(process.execPath, [hardhatCli, "node", "--hostname", "127.0.0.1", "--port", String(port)], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let nodeErr = "";
  node.stderr?.on("data", (d: Buffer) => (nodeErr += d.toString()));
  const stop = () => {
    if (node.exitCode === null) node.kill("SIGTERM");
  };
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    process.on(signal, () => {
      killAll();
      stop();
      process.exit(code);
    });
  }
  try {
    await waitForRpc(url, node, 120_000);
    // A fresh chain each run: drop the previous run's Ignition journal for it.
    await rm(path.join(ROOT, "deploy/deployments/chain-31337"), { recursive: true, force: true });
    const { runDemo } = await import("./demo/session.js");
    const session = await runDemo();
    const { runLive } = await import("./demo/live.js");
    await runLive(session, opts);
    log(
      "demo.seconds",
      `${Math.round((Date.now() - startedAt) / 1000)} s from the node's start to the end of the checks`,
    );
  } catch (err) {
    if (nodeErr !== "") console.error(`hardhat node stderr:\n${nodeErr}`);
    throw err;
  } finally {
    killAll();
    stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error("demo failed:", err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
