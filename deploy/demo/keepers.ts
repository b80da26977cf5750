/**
 * The live demo's keeper processes: each role runs as its own `optio-keeper run` child process with its own config
 * file, key (from the environment), store and log file under `.demo/keepers/`, exactly as an operator would run
 * it. `stopAll` sends SIGTERM and waits (SIGKILL after a grace period); the demo calls it on every exit path.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = path.join(ROOT, "keepers/bin/optio-keeper.js");
export const KEEPER_DIR = path.join(ROOT, ".demo/keepers");

export interface KeeperProcess {
  name: string;
  child: ChildProcess;
  logPath: string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  /** Every JSON log line seen so far, parsed. */
  lines: Record<string, unknown>[];
}

const running = new Set<KeeperProcess>();

/** A free TCP port on 127.0.0.1 (the OS picks it; the socket is closed before returning). */
export async function freePort(): Promise<number> {
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

/** Clears the previous run's keeper stores and logs. */
export async function resetKeeperDir(): Promise<void> {
  await rm(KEEPER_DIR, { recursive: true, force: true });
  await mkdir(KEEPER_DIR, { recursive: true });
}

/**
 * Starts `optio-keeper run --roles <roles>` with `config` (written to `<name>.json`; `store.path` is set to
 * `<name>.sqlite` when absent) and the private key in `OPTIO_KEEPER_PRIVATE_KEY`. Its stdout and stderr go to
 * `<name>.log`.
 */
export async function startKeeper(
  name: string,
  roles: string[],
  config: Record<string, unknown>,
  privateKey: `0x${string}`,
  extraArgs: string[] = [],
): Promise<KeeperProcess> {
  const configPath = path.join(KEEPER_DIR, `${name}.json`);
  const withStore = { ...config, store: { path: path.join(KEEPER_DIR, `${name}.sqlite`), ...(config.store ?? {}) } };
  await writeFile(configPath, `${JSON.stringify(withStore, null, 2)}\n`);
  const logPath = path.join(KEEPER_DIR, `${name}.log`);
  const log = createWriteStream(logPath);
  const child = spawn(
    process.execPath,
    [BIN, "run", "--roles", roles.join(","), "--config", configPath, ...extraArgs],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, OPTIO_KEEPER_PRIVATE_KEY: privateKey },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const k: KeeperProcess = {
    name,
    child,
    logPath,
    lines: [],
    exited: new Promise((resolve) => child.once("exit", (code) => resolve(code))),
  };
  let partial = "";
  child.stdout!.on("data", (d: Buffer) => {
    log.write(d);
    partial += d.toString();
    const parts = partial.split("\n");
    partial = parts.pop() ?? "";
    for (const line of parts) {
      try {
        k.lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not a JSON line (should not happen: the keeper logs JSON lines only)
      }
    }
  });
  child.stderr!.on("data", (d: Buffer) => log.write(d));
  void k.exited.then(() => {
    running.delete(k);
    log.end();
  });
  running.add(k);
  return k;
}

/** SIGTERM to every keeper still running; SIGKILL to any that has not exited after `graceMs`. */
export async function stopAll(graceMs = 10_000): Promise<Map<string, number | null>> {
  const codes = new Map<string, number | null>();
  const all = [...running];
  for (const k of all) if (k.child.exitCode === null) k.child.kill("SIGTERM");
  await Promise.all(
    all.map(async (k) => {
      const timer = setTimeout(() => k.child.kill("SIGKILL"), graceMs);
      codes.set(k.name, await k.exited);
      clearTimeout(timer);
    }),
  );
  return codes;
}

/** Kills every keeper at once (for a synchronous exit path). */
export function killAll(): void {
  for (const k of running) if (k.child.exitCode === null) k.child.kill("SIGKILL");
}

/** Counts a keeper's log lines whose `msg` matches. */
export function countLines(k: KeeperProcess, msg: RegExp): number {
  return k.lines.filter((l) => typeof l.msg === "string" && msg.test(l.msg)).length;
}
