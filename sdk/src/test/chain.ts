/**
 * One real Hardhat node per mocha run, on 127.0.0.1 over HTTP, with the local Optio module deployed: the chain every
 * action test talks to through viem's `http` transport. Started lazily by the first `localChain()`, stopped by the
 * root hook in `hooks.ts` (and on process exit as a backstop).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  type Account,
  type Address,
  type Chain,
  createPublicClient,
  createTestClient,
  createWalletClient,
  defineChain,
  http,
  type PublicClient,
  type TestClient,
  type Transport,
  type WalletClient,
} from "viem";
import { type Deployment, loadDeployment } from "../deployment.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const require = createRequire(import.meta.url);

export type LocalChain = {
  url: string;
  chain: Chain;
  deployment: Deployment;
  /** The node's unlocked accounts; 0–6 hold the deployment's roles (see deploy/lib/local.ts), 7+ are free. */
  accounts: Address[];
  publicClient: PublicClient<Transport, Chain>;
  testClient: TestClient<"hardhat", Transport, Chain>;
  /** A wallet client signing with unlocked node account `address`. */
  wallet(address: Address): WalletClient<Transport, Chain, Account>;
  /** Once-per-chain fixtures by name (shared by every copy of the fixture modules). */
  fixtures: Map<string, Promise<unknown>>;
  /** The Hardhat connection (ethers) to the same node, for setup the SDK does not cover (minting, listing). */
  connection: Awaited<ReturnType<typeof connect>>;
};

/**
 * The run's one node, kept on `globalThis`: mocha may load this module twice (through `require` for the root hooks
 * and CommonJS-compatible specs, through `import` for the others), and both copies must share the node.
 */
const shared = ((globalThis as Record<symbol, unknown>)[Symbol.for("@optio/sdk/test/chain")] ??= {}) as {
  started?: Promise<LocalChain>;
  node?: ChildProcess;
};

/** The shared local chain, started and deployed on first use. */
export function localChain(): Promise<LocalChain> {
  shared.started ??= start();
  return shared.started;
}

/** Kills the node if it was started. */
export async function stopLocalChain(): Promise<void> {
  const child = shared.node;
  shared.node = undefined;
  if (child === undefined || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

process.once("exit", () => {
  if (shared.node?.exitCode === null) shared.node.kill("SIGKILL");
});

async function connect(url: string) {
  const { network } = await import("hardhat");
  return await network.create({ network: "localhost", override: { url } });
}

async function start(): Promise<LocalChain> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const cli = path.join(path.dirname(require.resolve("hardhat/package.json")), "dist/src/cli.js");
  const child = spawn(process.execPath, [cli, "node", "--hostname", "127.0.0.1", "--port", String(port)], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "pipe"],
  });
  shared.node = child;
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  try {
    await waitForRpc(url, child);
    const connection = await connect(url);
    // A fresh node: drop any earlier run's Ignition journal for its chain id.
    await rm(path.join(ROOT, "deploy/deployments/chain-31337"), { recursive: true, force: true });
    const { deployLocal } = await import("../../../deploy/lib/local.js");
    const { writeDeployment } = await import("../../../deploy/lib/deployment.js");
    const { deployment: deployed } = await deployLocal(connection);
    // Round-trip through the file format the deploy step writes.
    const file = path.join(await mkdtemp(path.join(os.tmpdir(), "optio-sdk-")), "deployment.json");
    await writeDeployment(file, deployed);
    const deployment = loadDeployment(JSON.parse(await readFile(file, "utf8")), deployed.chainId);
    await rm(path.dirname(file), { recursive: true, force: true });
    const chain = defineChain({
      id: deployment.chainId,
      name: "Hardhat (local)",
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [url] } },
    });
    const transport = http(url);
    const publicClient = createPublicClient({ chain, transport, pollingInterval: 50 });
    const testClient = createTestClient({ chain, transport, mode: "hardhat" });
    const accounts = await createWalletClient({ chain, transport }).getAddresses();
    return {
      url,
      chain,
      deployment,
      accounts,
      publicClient,
      testClient,
      wallet: (address) => createWalletClient({ chain, transport, account: address }),
      fixtures: new Map(),
      connection,
    };
  } catch (err) {
    await stopLocalChain();
    if (stderr !== "") console.error(`hardhat node stderr:\n${stderr}`);
    throw err;
  }
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

async function waitForRpc(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 120_000;
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
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`hardhat node did not answer on ${url}`);
}
