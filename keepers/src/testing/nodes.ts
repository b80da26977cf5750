import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (keepers/src/testing -> ../../..). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const KEEPERS_ROOT = resolve(REPO_ROOT, "keepers");

/** Hardhat's and anvil's first default account (a published test key, never used outside local nodes). */
export const DEV_KEY_0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80" as const;
export const DEV_KEY_1 = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d" as const;

/** A free TCP port on 127.0.0.1 (the OS picks it; the socket is closed before returning). */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

/** A local node process; `stop` kills it (and its process group) and waits for it to exit. */
export interface LocalNode {
  url: string;
  port: number;
  process: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

/** POSTs one JSON-RPC call and returns its result (throws on an RPC error). */
export async function rpc<T = unknown>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

async function startNode(
  command: string,
  args: string[],
  port: number,
  cwd: string,
  timeoutMs: number,
): Promise<LocalNode> {
  const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const node: LocalNode = {
    url,
    port,
    process: child,
    output: () => output,
    stop: () => stopProcess(child),
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${command} exited early (${child.exitCode}):\n${output}`);
    try {
      await rpc(url, "eth_chainId");
      return node;
    } catch {
      if (Date.now() > deadline) {
        await node.stop();
        throw new Error(`${command} did not answer on ${url} within ${timeoutMs} ms:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** Kills a child's process group with SIGTERM, then SIGKILL after 5 s, and waits for the exit. */
export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const kill = (s: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, s);
    } catch {
      child.kill(s);
    }
  };
  kill(signal);
  const timer = setTimeout(() => kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

export interface AnvilOptions {
  port?: number;
  /** Seconds between blocks; automine when absent. */
  blockTime?: number;
  noMining?: boolean;
  baseFee?: bigint;
  /** Load and dump the chain here, so a restarted node keeps it. */
  stateFile?: string;
  extraArgs?: string[];
}

/** Starts anvil (npm @foundry-rs/anvil) on 127.0.0.1. */
export async function startAnvil(o: AnvilOptions = {}): Promise<LocalNode> {
  const port = o.port ?? (await freePort());
  const args = ["--host", "127.0.0.1", "--port", String(port), "--silent"];
  if (o.blockTime !== undefined) args.push("--block-time", String(o.blockTime));
  if (o.noMining) args.push("--no-mining");
  if (o.baseFee !== undefined) args.push("--block-base-fee-per-gas", o.baseFee.toString());
  if (o.stateFile !== undefined) args.push("--state", o.stateFile);
  args.push(...(o.extraArgs ?? []));
  return startNode(resolve(REPO_ROOT, "node_modules/.bin/anvil"), args, port, REPO_ROOT, 30_000);
}

/** Starts Hardhat's node on 127.0.0.1 (automine; tests switch mining with evm_setAutomine / evm_mine). */
export async function startHardhatNode(port?: number): Promise<LocalNode> {
  const p = port ?? (await freePort());
  return startNode(
    resolve(REPO_ROOT, "node_modules/.bin/hardhat"),
    ["node", "--hostname", "127.0.0.1", "--port", String(p)],
    p,
    REPO_ROOT,
    90_000,
  );
}

/** A pino destination that keeps every line in memory (tests read and search it). */
export function memoryDestination(): { write(line: string): void; lines: string[]; text(): string } {
  const lines: string[] = [];
  return { write: (line: string) => void lines.push(line), lines, text: () => lines.join("") };
}
