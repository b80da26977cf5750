/**
 * `make demo` (`npm run demo`, which compiles first): starts a Hardhat node on a free loopback port, deploys
 * Optio's local module with Ignition, runs the scripted session of `demo/session.ts` against it (governance
 * handover, quorum reports, listing, deposits, a pause and its timelocked lift, trades with margins, a refused
 * oversized sale, the expiry proof, settlement) and ends with a conservation check. Exits non-zero on any failure,
 * and stops the node it started in every case.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { rm } from "node:fs/promises";
import { createRequire } from "node:module";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);

function log(step: string, detail = ""): void {
  console.log(`${new Date().toISOString().slice(11, 19)}  ${step.padEnd(28)} ${detail}`);
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") return reject(new Error("no port"));
      server.close(() => resolve(address.port));
    });
  });
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

async function main(): Promise<void> {
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
      stop();
      process.exit(code);
    });
  }
  try {
    await waitForRpc(url, node, 120_000);
    // A fresh chain each run: drop the previous run's Ignition journal for it.
    await rm(path.join(ROOT, "deploy/deployments/chain-31337"), { recursive: true, force: true });
    const { runDemo } = await import("./demo/session.js");
    await runDemo();
  } catch (err) {
    if (nodeErr !== "") console.error(`hardhat node stderr:\n${nodeErr}`);
    throw err;
  } finally {
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
