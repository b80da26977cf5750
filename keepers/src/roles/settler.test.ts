import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { Contract } from "ethers";
import { createPublicClient, encodeFunctionData, http, toHex, type Address, type PublicClient } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { positionBookAbi, settlementAbi, vaultAbi } from "@optio/sdk";
import { Store } from "../state/store.js";
import { expiredMarket, type ExpiredMarket } from "../testing/expiryMarket.js";
import { KEEPERS_ROOT, freePort, rpc, startAnvil, stopProcess, type LocalNode } from "../testing/nodes.js";

const BIN = join(KEEPERS_ROOT, "bin/optio-keeper.js");
const TRADERS = 64;

interface KeeperProcess {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
  metrics: () => Promise<string>;
  address: Address;
  storePath: string;
}

/** Polls `fn` until it returns a value; on timeout the error carries `context()` (the keepers' logs). */
async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number, context: () => string) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${context().slice(-20_000)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

function metric(text: string, name: string): number {
  const m = text.match(new RegExp(`^${name.replace(/[{}]/g, "\\$&")} (\\S+)$`, "m"));
  return m ? Number(m[1]) : 0;
}

/** Log lines (parsed JSON) of a keeper's output. */
function lines(output: string): Record<string, unknown>[] {
  return output
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe("settler role (real CLI, anvil, 64 traders)", function () {
  this.timeout(400_000);
  let node: LocalNode | undefined;
  let dir: string;
  let market: ExpiredMarket;
  let client: PublicClient;
  let snapshot: string;
  const keepers: KeeperProcess[] = [];

  before(async function () {
    this.timeout(300_000);
    dir = mkdtempSync(join(tmpdir(), "keeper-settler-"));
    node = await startAnvil();
    market = await expiredMarket(node.url, dir, TRADERS);
    client = createPublicClient({ transport: http(node.url) });
    snapshot = await rpc<string>(node.url, "evm_snapshot");
  });
  after(async () => {
    for (const k of keepers) await stopProcess(k.child, "SIGKILL");
    await node?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Back to the expired market, fresh: the chain as the setup left it, blocks every second. */
  async function freshExpiry(): Promise<void> {
    expect(await rpc(node!.url, "evm_revert", [snapshot])).to.equal(true);
    snapshot = await rpc<string>(node!.url, "evm_snapshot");
    await rpc(node!.url, "evm_setIntervalMining", [1]);
  }

  async function startKeeper(
    name: string,
    settler: Record<string, unknown>,
    reuse?: { key: `0x${string}`; storePath: string },
  ): Promise<KeeperProcess> {
    const key = reuse?.key ?? generatePrivateKey();
    const address = privateKeyToAccount(key).address;
    if (reuse === undefined) await rpc(node!.url, "anvil_setBalance", [address, toHex(10n ** 20n)]);
    const storePath = reuse?.storePath ?? join(dir, `${name}-${Date.now()}`, "keeper.sqlite");
    const port = await freePort();
    const configPath = join(dir, `${name}-${port}.json`);
    writeFileSync(
      configPath,
      JSON.stringify({
        chainId: 31337,
        deployment: market.optio.deploymentPath,
        rpc: { urls: [node!.url] },
        store: { path: storePath },
        blocks: { pollIntervalMs: 200 },
        metrics: { port },
        roles: { settler },
      }),
    );
    const child = spawn(process.execPath, [BIN, "run", "--roles", "settler", "--config", configPath], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, OPTIO_KEEPER_PRIVATE_KEY: key },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
    const exit = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    const metrics = async () =>
      (await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
    const k = { child, output: () => output, exit, metrics, address, storePath };
    keepers.push(k);
    Object.assign(k, { key });
    return k;
  }

  const pairs = () => market.accounts.flatMap((account) => market.seriesIds.map((seriesId) => ({ account, seriesId })));

  async function openPositions(): Promise<number> {
    const sizes = await client.multicall({
      contracts: pairs().map((p) => ({
        address: market.optio.deployment.contracts.book,
        abi: positionBookAbi,
        functionName: "positionOf",
        args: [p.account, p.seriesId],
      })),
      allowFailure: false,
      deployless: true,
    });
    return (sizes as bigint[]).filter((s) => s !== 0n).length;
  }

  async function settlementReads(fn: "claimable" | "claimOf"): Promise<bigint[]> {
    return (await client.multicall({
      contracts: pairs().map((p) => ({
        address: market.optio.deployment.contracts.settlement,
        abi: settlementAbi,
        functionName: fn,
        args: [p.account, p.seriesId],
      })),
      allowFailure: false,
      deployless: true,
    })) as bigint[];
  }

  const allSettled = async () => ((await openPositions()) === 0 ? true : undefined);
  const nothingClaimable = async () => ((await settlementReads("claimable")).every((x) => x === 0n) ? true : undefined);

  /**
   * Vault token balances equal the sum of every account's vault balance: each account that ever received a vault
   * balance (deposits, transfers, clearing transfers: traders, maker, the settlement pools, the fund, fee accounts).
   */
  async function conservation(): Promise<void> {
    const c = market.optio.contracts;
    const vaultAddress = market.optio.deployment.contracts.vault;
    const found = new Set<Address>();
    for (const eventName of ["Deposited", "Transferred", "ClearingTransferred"] as const) {
      const logs = await client.getContractEvents({ address: vaultAddress, abi: vaultAbi, eventName, fromBlock: 0n });
      for (const l of logs) {
        const args = l.args as { account?: Address; to?: Address };
        found.add((args.account ?? args.to)!);
      }
    }
    const holders = [...found];
    expect(holders.length).to.be.greaterThan(market.accounts.length);
    const vault = await c.vault.getAddress();
    for (const token of [c.usdc, c.weth]) {
      const address = await token.getAddress();
      const held = (await token.balanceOf(vault)) as bigint;
      const total = (await c.vault.totalBalance(address)) as bigint;
      let sum = 0n;
      for (const h of holders) sum += (await c.vault.balanceOf(h, address)) as bigint;
      expect(held, `vault holds ${address}`).to.equal(total);
      expect(sum, `accounts own ${address}`).to.equal(total);
    }
  }

  /**
   * Gas per position when every account is settled by its own `Settlement.settle` transaction, for comparison: on a
   * throw-away snapshot (automine), the price proven and every account settled in turn, shorts first as the keeper
   * orders them; the receipts' gas (intrinsic cost included) over the positions closed.
   */
  async function directSettlementGas(): Promise<number> {
    const c = market.optio.contracts;
    const scratch = await rpc<string>(node!.url, "evm_snapshot");
    await rpc(node!.url, "evm_setAutomine", [true]);
    try {
      await (await c.ethRouter.setExpiryPrice(market.expiry, await c.ethAggregator.latestRound())).wait();
      const todo: { account: Address; seriesId: bigint; short: boolean }[] = [];
      for (const account of market.accounts) {
        const sizes = [];
        for (const id of market.seriesIds) sizes.push((await c.book.positionOf(account, id)) as bigint);
        const i = sizes.findIndex((x) => x !== 0n);
        if (i >= 0) todo.push({ account, seriesId: market.seriesIds[i], short: sizes.some((x) => x < 0n) });
      }
      todo.sort((a, b) => Number(b.short) - Number(a.short));
      let total = 0n;
      for (const t of todo)
        total += (await (await c.settlement.settle(t.account, t.seriesId)).wait()).gasUsed as bigint;
      expect(await openPositions()).to.equal(0);
      return Math.round(Number(total) / market.openPositions);
    } finally {
      expect(await rpc(node!.url, "evm_revert", [scratch])).to.equal(true);
      await rpc(node!.url, "evm_setIntervalMining", [1]);
    }
  }

  /** The store's transactions: no nonce used twice, no intent sent twice, nothing left pending. */
  function checkStore(storePath: string): { mined: number } {
    const db = new DatabaseSync(storePath, { readOnly: true });
    try {
      const twiceNonce = db
        .prepare("SELECT nonce, COUNT(*) AS n FROM txs WHERE status != 'dropped' GROUP BY nonce HAVING n > 1")
        .all();
      expect(twiceNonce, "nonces used twice").to.deep.equal([]);
      // The same call may go again later (a claim after a debt repayment), but never while an identical one is in
      // flight: signed (created) before the earlier one was finished.
      const overlapping = db
        .prepare(
          `SELECT a.label, a.nonce AS first, b.nonce AS second FROM txs a JOIN txs b
           ON a.to_addr = b.to_addr AND a.data = b.data AND a.id < b.id
           WHERE a.status != 'dropped' AND b.status != 'dropped' AND b.created_at < a.updated_at`,
        )
        .all();
      expect(overlapping, "intents sent while an identical one was in flight").to.deep.equal([]);
      const pending = db.prepare("SELECT COUNT(*) AS n FROM txs WHERE status = 'pending'").get() as { n: number };
      expect(pending.n, "transactions left pending").to.equal(0);
      const mined = db.prepare("SELECT COUNT(*) AS n FROM txs WHERE status IN ('mined', 'reverted')").get() as {
        n: number;
      };
      return { mined: mined.n };
    } finally {
      db.close();
    }
  }

  /** Waits until the keeper has followed every transaction it sent to its receipt, then stops it (SIGTERM). */
  async function stop(k: KeeperProcess): Promise<void> {
    await until(
      "no pending transaction",
      async () => (metric(await k.metrics(), "optio_keeper_pending_transactions") === 0 ? true : undefined),
      30_000,
      k.output,
    );
    k.child.kill("SIGTERM");
    expect(await k.exit, k.output().slice(-5000)).to.equal(0);
  }

  it("settles 100+ positions in gas-bounded batches, collects a debt, pays every claim, conserves to the wei", async () => {
    await freshExpiry();
    expect(market.openPositions).to.be.greaterThan(100);
    const direct = await directSettlementGas();
    const keeper = await startKeeper("single", {
      maxGasPerTx: 4_000_000,
      collectDebt: { enabled: true, everyBlocks: 2 },
    });
    const logs = () => keeper.output();
    await until("every position settled", allSettled, 60_000, logs);
    await until(
      "the expiry marked settled",
      async () => (logs().includes("expiry settled") ? true : undefined),
      30_000,
      logs,
    );
    let text = await keeper.metrics();
    expect(metric(text, "optio_keeper_settler_expiries_proven_total")).to.equal(1);
    // Nobody else settles here: the keeper's batches closed every position, each once.
    expect(metric(text, "optio_keeper_settler_positions_settled_total")).to.equal(market.openPositions);
    const batches = metric(text, "optio_keeper_settler_batches_sent_total");
    expect(batches).to.be.greaterThan(1);
    const gas = metric(text, 'optio_keeper_settler_gas_used_total{step="settle"}');
    for (const l of lines(logs()).filter((l) => l.msg === "settlement batch sent"))
      expect(BigInt(l.gasLimit as string) <= 4_000_000n).to.equal(true);
    const perPosition = Math.round(gas / market.openPositions);
    console.log(
      `      settler: ${market.openPositions} positions in ${batches} batches, ${perPosition} gas per position; ` +
        `one Settlement.settle transaction per account: ${direct} gas per position`,
    );
    // The batch saves the base cost of a transaction per account settled.
    expect(perPosition).to.be.lessThan(direct);
    expect(await nothingClaimable()).to.equal(true);

    // The debtor's short call left a shortfall: its longs are owed more than the pool held.
    const c = market.optio.contracts;
    const callId = market.seriesIds[0];
    const debt = (await c.settlement.debtOn(market.debtor.address, callId)) as bigint;
    expect(debt > 0n).to.equal(true);
    const owedBefore = (await settlementReads("claimOf")).reduce((a, b) => a + b, 0n);
    expect(owedBefore > 0n).to.equal(true);
    // The debtor deposits quote but does not repay: the keeper collects the debt from that balance, then pays the
    // longs' claims the collection funded.
    const usdc = c.usdc.connect(market.debtor) as Contract;
    await (await usdc.mint(market.debtor.address, debt)).wait();
    await (await usdc.approve(await c.vault.getAddress(), debt)).wait();
    await (
      await (c.vault.connect(market.debtor) as Contract).deposit(market.debtor.address, await usdc.getAddress(), debt)
    ).wait();
    await until(
      "every claim paid",
      async () => ((await settlementReads("claimOf")).every((x) => x === 0n) ? true : undefined),
      30_000,
      logs,
    );
    expect((await c.settlement.debtOn(market.debtor.address, callId)) as bigint).to.equal(0n);
    text = await keeper.metrics();
    expect(metric(text, "optio_keeper_settler_debt_collections_total")).to.equal(1);
    expect(metric(text, "optio_keeper_settler_debt_collected_quote_units_total")).to.equal(Number(debt));
    expect(metric(text, "optio_keeper_settler_claims_paid_total")).to.be.greaterThan(0);
    expect(metric(text, "optio_keeper_settler_claimed_quote_units_total")).to.be.greaterThan(0);
    await stop(keeper);
    expect(lines(logs()).filter((l) => l.level !== "info")).to.deep.equal([]);
    const { mined } = checkStore(keeper.storePath);
    expect(await client.getTransactionCount({ address: keeper.address })).to.equal(mined);
    await conservation();
  });

  it("killed (SIGKILL) half-way and restarted: resumes from its store, sends no intent twice, settles everything", async () => {
    await freshExpiry();
    const settler = { maxGasPerTx: 1_500_000, maxTxsPerBlock: 1 };
    const first = await startKeeper("killed", settler);
    await until(
      "two batches sent",
      async () => (first.output().split('"msg":"settlement batch sent"').length > 2 ? true : undefined),
      60_000,
      first.output,
    );
    first.child.kill("SIGKILL");
    await first.exit;
    expect(await openPositions()).to.be.greaterThan(0);
    const key = (first as unknown as { key: `0x${string}` }).key;
    const second = await startKeeper("killed", settler, { key, storePath: first.storePath });
    const logs = () => first.output() + second.output();
    await until("every position settled", allSettled, 60_000, logs);
    await until(
      "the expiry marked settled",
      async () => (second.output().includes("expiry settled") ? true : undefined),
      30_000,
      logs,
    );
    expect(second.output()).to.contain('"msg":"settler resumes"');
    await stop(second);
    const { mined } = checkStore(second.storePath);
    expect(await client.getTransactionCount({ address: second.address })).to.equal(mined);
    // Each position was closed exactly once, by one of the two runs' batches.
    const settled = await client.getContractEvents({
      address: market.optio.deployment.contracts.settlement,
      abi: settlementAbi,
      eventName: "PositionSettled",
      fromBlock: 0n,
    });
    expect(settled.length).to.equal(market.openPositions);
    await conservation();
  });

  it("a reorg under a running settler: its batch lands again, its index matches a rescan, everything ends settled", async () => {
    await freshExpiry();
    const keeper = await startKeeper("reorg", { maxGasPerTx: 2_000_000, maxTxsPerBlock: 1 });
    const logs = () => keeper.output();
    await until(
      "a settlement batch mined",
      async () => (logs().includes('"msg":"settlement batch mined"') ? true : undefined),
      60_000,
      logs,
    );
    // Two blocks, the batch's among them, replaced by empty ones: the batch is off the chain until re-sent.
    await rpc(node!.url, "anvil_reorg", [2, []]);
    await until(
      "the reorg unwound",
      async () => (logs().includes('"msg":"settler unwound its index to the common ancestor"') ? true : undefined),
      30_000,
      logs,
    );
    await until("every position settled", allSettled, 60_000, logs);
    await until("nothing claimable", nothingClaimable, 30_000, logs);
    await stop(keeper);
    const { mined } = checkStore(keeper.storePath);
    expect(await client.getTransactionCount({ address: keeper.address })).to.equal(mined);
    // The index the keeper kept through the reorg is the one a rescan of the chain gives.
    const transfers = await client.getContractEvents({
      address: market.optio.deployment.contracts.book,
      abi: positionBookAbi,
      eventName: "PositionTransferred",
      fromBlock: 0n,
    });
    const rescan = new Set<string>();
    for (const t of transfers) for (const a of [t.args.buyer!, t.args.seller!]) rescan.add(`h:${t.args.seriesId}:${a}`);
    const kept = Store.open(keeper.storePath, { readOnly: true });
    try {
      const keys = kept.kvEntries("settler").map(([k]) => k);
      expect(new Set(keys.filter((k) => k.startsWith("h:")))).to.deep.equal(rescan);
    } finally {
      kept.close();
    }
    await conservation();
  });

  it("two settlers race on one expiry: all settled, every loss decoded and logged at info, no stuck nonce", async () => {
    await freshExpiry();
    const settler = { maxGasPerTx: 2_000_000 };
    const [a, b] = await Promise.all([startKeeper("race-a", settler), startKeeper("race-b", settler)]);
    const logs = () => a.output() + b.output();
    await until("every position settled", allSettled, 60_000, logs);
    await until(
      "both keepers to mark the expiry settled",
      async () => (a.output().includes("expiry settled") && b.output().includes("expiry settled") ? true : undefined),
      30_000,
      logs,
    );
    const [ta, tb] = [await a.metrics(), await b.metrics()];
    const settledBy =
      metric(ta, "optio_keeper_settler_positions_settled_total") +
      metric(tb, "optio_keeper_settler_positions_settled_total");
    expect(settledBy).to.equal(market.openPositions);
    expect(
      metric(ta, "optio_keeper_settler_expiries_proven_total") +
        metric(tb, "optio_keeper_settler_expiries_proven_total"),
    ).to.equal(1);
    const races = [...lines(a.output()), ...lines(b.output())].filter((l) => String(l.msg).startsWith("lost race"));
    const lost = [ta, tb].reduce((n, t) => n + sumMetric(t, "optio_keeper_settler_lost_races_total"), 0);
    expect(lost).to.be.greaterThan(0);
    expect(races.length).to.equal(lost);
    for (const r of races) {
      expect(r.level).to.equal("info");
      expect(String(r.error)).to.match(
        /^(Settlement_NoPosition|Settlement_NothingToClaim|Router_ExpiryPriceAlreadySet)\(/,
      );
    }
    await Promise.all([stop(a), stop(b)]);
    for (const k of [a, b]) {
      const { mined } = checkStore(k.storePath);
      expect(await client.getTransactionCount({ address: k.address })).to.equal(mined);
      expect(lines(k.output()).filter((l) => ["error", "fatal"].includes(l.level as string))).to.deep.equal([]);
    }
    await conservation();
  });
});

function sumMetric(text: string, name: string): number {
  let sum = 0;
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, "gm"))) sum += Number(m[1]);
  return sum;
}
