/**
 * Quorum signers as real `optio-keeper run --roles oracle` processes for end-to-end tests and benchmarks: one
 * directory per signer with its config, scripted price file, drop-rules file and store; started and stopped by
 * the caller. Test setup only; the keepers themselves never import this.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Address, Hex } from "viem";
import { mnemonicToAccount, privateKeyToAccount } from "viem/accounts";
import { KEEPERS_ROOT, freePort, stopProcess } from "./nodes.js";

const BIN = join(KEEPERS_ROOT, "bin/optio-keeper.js");
/** The local nodes' published test mnemonic (Hardhat and anvil). */
const MNEMONIC = "test test test test test test test test test test test junk";

/** The private key of the local node's account `index` (a published test key, never used outside local nodes). */
export function localKey(index: number): Hex {
  const pk = mnemonicToAccount(MNEMONIC, { addressIndex: index }).getHdKey().privateKey!;
  return `0x${Buffer.from(pk).toString("hex")}`;
}

export interface OracleSignerProcess {
  index: number;
  key: Hex;
  address: Address;
  obsPort: number;
  metricsPort: number;
  dir: string;
  /** The scripted source's JSON-lines file. */
  script: string;
  /** The test-only drop-rules file (`roles.oracle.testing.dropRulesFile`). */
  dropFile: string;
  child?: ChildProcess;
  log: string;
}

export interface SignerSetup {
  /** Parent directory; each signer gets a fresh sub-directory. */
  root: string;
  nodeUrl: string;
  deploymentPath: string;
  /** Local node account indexes of the signers' keys. */
  accounts: number[];
  /** Per signer, the first script line's values by feed name (`at` 0). */
  prices: Record<string, string>[];
  /** Feed entries (without sources: each gets the signer's scripted source). */
  feeds: Record<string, unknown>[];
  /** Extra `roles.oracle` fields (back-offs, tick, ...). */
  oracle?: Record<string, unknown>;
}

/** Writes each signer's directory, config and script; every signer lists every other as a peer. */
export async function prepareSigners(o: SignerSetup): Promise<OracleSignerProcess[]> {
  const made: OracleSignerProcess[] = [];
  for (const [i, account] of o.accounts.entries()) {
    const dir = join(o.root, `signer-${Date.now()}-${i}`);
    mkdirSync(dir, { recursive: true });
    const key = localKey(account);
    const s: OracleSignerProcess = {
      index: i,
      key,
      address: privateKeyToAccount(key).address,
      obsPort: await freePort(),
      metricsPort: await freePort(),
      dir,
      script: join(dir, "prices.jsonl"),
      dropFile: join(dir, "drop.json"),
      log: "",
    };
    writeFileSync(s.script, `${JSON.stringify({ at: 0, ...o.prices[i] })}\n`);
    made.push(s);
  }
  for (const s of made) {
    const config = {
      chainId: 31337,
      deployment: o.deploymentPath,
      rpc: { urls: [o.nodeUrl], timeoutMs: 3000 },
      store: { path: join(s.dir, "keeper.sqlite") },
      blocks: { pollIntervalMs: 250 },
      metrics: { port: s.metricsPort },
      tx: { stuckAfterBlocks: 5 },
      roles: {
        oracle: {
          feeds: o.feeds.map((f) => ({ ...f, sources: [{ type: "scripted", path: s.script }] })),
          listen: { port: s.obsPort },
          peers: made.filter((p) => p !== s).map((p) => `http://127.0.0.1:${p.obsPort}`),
          testing: { dropRulesFile: s.dropFile },
          ...o.oracle,
        },
      },
    };
    writeFileSync(join(s.dir, "keeper.json"), JSON.stringify(config));
  }
  return made;
}

/** Starts (or restarts) a signer's process; its output accumulates in `log`. */
export function startSigner(s: OracleSignerProcess): void {
  const child = spawn(process.execPath, [BIN, "run", "--roles", "oracle", "--config", join(s.dir, "keeper.json")], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, OPTIO_KEEPER_PRIVATE_KEY: s.key },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d: Buffer) => (s.log += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (s.log += d.toString()));
  s.child = child;
}

/** Kills a signer's process (SIGKILL by default) and waits for it to exit. */
export async function stopSigner(s: OracleSignerProcess, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
  if (s.child) await stopProcess(s.child, signal);
}

/** Appends a script line (`at` 0: effective at once, after every earlier line). */
export function movePrice(s: OracleSignerProcess, values: Record<string, string>): void {
  appendFileSync(s.script, `${JSON.stringify({ at: 0, ...values })}\n`);
}

/** Partitions the signers: each of `side` neither sends to nor hears from any of `other` (and the reverse). */
export function partition(side: OracleSignerProcess[], other: OracleSignerProcess[]): void {
  const rules = (peers: OracleSignerProcess[]) =>
    JSON.stringify({ drop: peers.flatMap((p) => [`http://127.0.0.1:${p.obsPort}`, p.address]) });
  for (const s of side) writeFileSync(s.dropFile, rules(other));
  for (const s of other) writeFileSync(s.dropFile, rules(side));
}

/** Removes every drop rule. */
export function heal(signers: OracleSignerProcess[]): void {
  for (const s of signers) writeFileSync(s.dropFile, JSON.stringify({ drop: [] }));
}
