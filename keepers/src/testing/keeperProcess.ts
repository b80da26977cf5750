/**
 * The real `optio-keeper` CLI as a child process, for end-to-end tests: start it with a config file and an
 * environment, read its JSON log lines, scrape its metrics, and wait for conditions with a bound in time.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { KEEPERS_ROOT } from "./nodes.js";

export const KEEPER_BIN = join(KEEPERS_ROOT, "bin/optio-keeper.js");

export interface KeeperProcess {
  child: ChildProcess;
  output: () => string;
  /** Parsed JSON log lines (lines that are not JSON are skipped). */
  logs: () => Record<string, unknown>[];
  exit: Promise<number | null>;
}

/** Starts `optio-keeper <args>` with only PATH, HOME and `env` in its environment. */
export function startKeeper(args: string[], env: NodeJS.ProcessEnv): KeeperProcess {
  const child = spawn(process.execPath, [KEEPER_BIN, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const exit = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const logs = () =>
    output
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
  return { child, output: () => output, logs, exit };
}

/** Polls `fn` until it returns a value; on timeout the error carries `context()` (a keeper's log, say). */
export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  context: () => string = () => "",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${context().slice(-6000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The value of one sample (`name` with its labels, e.g. `x_total{action="bid"}`) in Prometheus text. */
export function metric(text: string, name: string): number | undefined {
  const m = text.match(new RegExp(`^${name.replace(/[{}|()[\].*+?^$\\]/g, "\\$&")} (\\S+)$`, "m"));
  return m ? Number(m[1]) : undefined;
}

/** Sum of every sample of `name`, whatever its labels. */
export function metricSum(text: string, name: string): number {
  let sum = 0;
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, "gm"))) sum += Number(m[1]);
  return sum;
}

export async function scrape(port: number): Promise<string> {
  return (await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
}
