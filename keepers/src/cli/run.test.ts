import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPublicClient, http } from "viem";
import { Store } from "../state/store.js";
import { KEEPER_BIN, metric, startKeeper, until, type KeeperProcess } from "../testing/keeperProcess.js";
import { DEV_KEY_1, freePort, rpc, startAnvil, stopProcess, type LocalNode } from "../testing/nodes.js";

/** `optio-keeper run --roles watch` on `configPath`. */
function startWatch(configPath: string, env: NodeJS.ProcessEnv): KeeperProcess {
  return startKeeper(["run", "--roles", "watch", "--config", configPath], env);
}

describe("optio-keeper run (real CLI, anvil)", function () {
  this.timeout(180_000);
  let node: LocalNode | undefined;
  let dir: string;
  const keepers: KeeperProcess[] = [];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "keeper-run-"));
  });
  after(async () => {
    for (const k of keepers) await stopProcess(k.child, "SIGKILL");
    await node?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("fails over past a dead RPC URL, unwinds a reorg, survives a node restart, keeps keys out of logs and metrics, exits 0 on SIGTERM and resumes after SIGKILL", async () => {
    const stateFile = join(dir, "anvil-state.json");
    node = await startAnvil({ blockTime: 1, stateFile });
    const deadPort = await freePort();
    const metricsPort = await freePort();
    const configPath = join(dir, "keeper.json");
    const storePath = join(dir, "state", "keeper.sqlite");
    writeFileSync(
      configPath,
      JSON.stringify({
        chainId: 31337,
        rpc: { urls: [`http://127.0.0.1:${deadPort}`, node.url], timeoutMs: 1000, retryCount: 2 },
        store: { path: storePath },
        blocks: { pollIntervalMs: 200 },
        metrics: { port: metricsPort },
      }),
    );
    const env = { OPTIO_KEEPER_PRIVATE_KEY: DEV_KEY_1 };
    const base = `http://127.0.0.1:${metricsPort}`;
    const scrape = async () => (await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
    const checkpoint = async () => metric(await scrape(), "optio_keeper_checkpoint_block");

    let keeper = startWatch(configPath, env);
    keepers.push(keeper);
    await until("/readyz", async () => ((await fetch(`${base}/readyz`)).status === 200 ? true : undefined));
    expect((await fetch(`${base}/healthz`)).status).to.equal(200);
    const first = await until("a checkpoint", checkpoint);
    // A reorg of 3 needs a chain at least 4 blocks high, whatever height the keeper started at.
    await until("the checkpoint to advance", async () =>
      (await checkpoint())! >= Math.max(first + 2, 4) ? true : undefined,
    );

    // A 3-block reorg under the running keeper: detected, unwound, and processing continues past it.
    await rpc(node.url, "anvil_reorg", [3, []]);
    await until(
      "the reorg to be unwound",
      async () => ((metric(await scrape(), "optio_keeper_reorgs_total") ?? 0) >= 1 ? true : undefined),
      30_000,
      () => keeper.output(),
    );
    const depth = metric(await scrape(), "optio_keeper_last_reorg_depth_blocks")!;
    expect(depth).to.be.within(1, 3);
    expect(keeper.output()).to.contain('"msg":"reorg detected; unwinding to the common ancestor"');
    const afterReorg = (await checkpoint())!;
    await until("the checkpoint to advance past the reorg", async () =>
      (await checkpoint())! >= afterReorg + 2 ? true : undefined,
    );

    let text = await scrape();
    expect(metric(text, `optio_keeper_rpc_errors_total{endpoint="0:127.0.0.1:${deadPort}"}`)).to.be.greaterThan(0);
    expect(metric(text, "optio_keeper_signer_balance_eth")).to.be.greaterThan(0);
    expect(metric(text, "optio_keeper_checkpoint_lag_blocks")).to.be.lessThan(5);

    // The node goes away and comes back with its chain (anvil --state): the keeper waits and continues.
    await node.stop();
    const stalled = (await checkpoint())!;
    node = await startAnvil({ blockTime: 1, stateFile, port: node.port });
    await until(
      "the checkpoint to pass the restart",
      async () => ((await checkpoint())! >= stalled + 2 ? true : undefined),
      60_000,
    );
    expect((await fetch(`${base}/healthz`)).status).to.equal(200);
    text = await scrape();

    keeper.child.kill("SIGTERM");
    const code = await Promise.race([keeper.exit, new Promise((r) => setTimeout(() => r("timeout"), 15_000))]);
    expect(code, keeper.output()).to.equal(0);
    const logs = keeper.output();
    expect(logs).to.contain('"msg":"stopped"');
    for (const secret of [DEV_KEY_1, DEV_KEY_1.slice(2)]) {
      expect(logs).not.to.contain(secret);
      expect(text).not.to.contain(secret);
    }
    // Every log line is one JSON object.
    for (const line of logs.trim().split("\n")) expect(() => JSON.parse(line), line).not.to.throw();

    // status reads the store beside (or after) the keeper.
    const status = spawnSync(process.execPath, [KEEPER_BIN, "status", "--config", configPath], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(status.status, status.stderr).to.equal(0);
    const report = JSON.parse(status.stdout) as { checkpoint: { block: string }; chainHead: string };
    expect(Number(report.checkpoint.block)).to.be.greaterThanOrEqual(stalled + 2);
    expect(report.chainHead).to.be.a("string");

    // The kept block window matches the chain block for block (what a fresh rescan would record).
    const store = Store.open(storePath, { readOnly: true });
    const client = createPublicClient({ transport: http(node.url) });
    const kept = store.db.prepare("SELECT number, hash FROM blocks ORDER BY number").all() as {
      number: number;
      hash: string;
    }[];
    store.close();
    expect(kept.length).to.be.greaterThanOrEqual(4);
    for (const b of kept)
      expect(b.hash, `block ${b.number}`).to.equal((await client.getBlock({ blockNumber: BigInt(b.number) })).hash);

    // A second run resumes from the checkpoint instead of starting over.
    keeper = startWatch(configPath, env);
    keepers.push(keeper);
    await until("the restarted keeper", async () =>
      keeper.output().includes("resuming from checkpoint") ? true : undefined,
    );
    const resumed = keeper
      .output()
      .split("\n")
      .find((l) => l.includes("resuming from checkpoint"))!;
    expect(Number(JSON.parse(resumed).checkpoint)).to.equal(Number(report.checkpoint.block));

    // SIGKILL mid-run (no shutdown at all): the next run still resumes from the last block fully handled.
    const seen = await until("the resumed keeper to process blocks", async () => {
      const c = await checkpoint();
      return c !== undefined && c >= Number(report.checkpoint.block) + 2 ? c : undefined;
    });
    keeper.child.kill("SIGKILL");
    await keeper.exit;
    keeper = startWatch(configPath, env);
    keepers.push(keeper);
    await until("the keeper after SIGKILL", async () =>
      keeper.output().includes("resuming from checkpoint") ? true : undefined,
    );
    const afterKill = keeper
      .output()
      .split("\n")
      .find((l) => l.includes("resuming from checkpoint"))!;
    expect(Number(JSON.parse(afterKill).checkpoint)).to.be.greaterThanOrEqual(seen);
    keeper.child.kill("SIGINT");
    expect(await keeper.exit).to.equal(0);
  });

  it("refuses to serve metrics on a non-loopback address unless allowed (exit 2)", () => {
    const configPath = join(dir, "public.json");
    writeFileSync(
      configPath,
      JSON.stringify({ chainId: 31337, rpc: { urls: ["http://127.0.0.1:1"] }, metrics: { host: "0.0.0.0" } }),
    );
    const r = spawnSync(process.execPath, [KEEPER_BIN, "run", "--roles", "watch", "--config", configPath], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/^config: metrics\.host: must be a loopback address/);
  });
});
