import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createWalletClient,
  encodeFunctionData,
  erc20Abi,
  getAddress,
  http,
  keccak256,
  parseEventLogs,
  toHex,
  type Address,
} from "viem";
import { liquidationEngineAbi, vaultAbi } from "@optio/sdk";
import { Store } from "../../state/store.js";
import { metric, metricSum, scrape, startKeeper, until, type KeeperProcess } from "../../testing/keeperProcess.js";
import {
  buildLiquidationBook,
  CRASH_SPOT,
  CRASH_VOL,
  devAddress,
  SPOT,
  VOL,
  writeLiquidatorConfig,
  type LiquidationBook,
} from "../../testing/liquidation.js";
import { rpc, startAnvil, stopProcess, type LocalNode } from "../../testing/nodes.js";
import { deployOptio, type OptioOnNode } from "../../testing/optio.js";

interface Auctions {
  started: Map<Address, number>;
  bids: Map<Address, { bidder: Address; payment: bigint }[]>;
  ended: Set<Address>;
}

/** Every auction event since the deployment, by account (what the chain says happened). */
async function auctionsOnChain(book: LiquidationBook, optio: OptioOnNode): Promise<Auctions> {
  const logs = await book.client.getLogs({
    address: optio.deployment.contracts.liquidationEngine,
    fromBlock: optio.deployment.blockNumber,
    toBlock: "latest",
  });
  const out: Auctions = { started: new Map(), bids: new Map(), ended: new Set() };
  for (const log of parseEventLogs({ abi: liquidationEngineAbi, logs })) {
    if (log.eventName === "AuctionStarted") {
      const a = getAddress(log.args.account);
      out.started.set(a, (out.started.get(a) ?? 0) + 1);
    } else if (log.eventName === "AuctionBid") {
      const a = getAddress(log.args.account);
      out.bids.set(a, [...(out.bids.get(a) ?? []), { bidder: getAddress(log.args.bidder), payment: log.args.payment }]);
    } else if (log.eventName === "AuctionEnded") out.ended.add(getAddress(log.args.account));
  }
  return out;
}

/** Accounts under maintenance now, per the chain's liquidationStatus. */
async function underwater(book: LiquidationBook): Promise<{ under: Address[]; healthy: Address[] }> {
  const statuses = await book.statuses(book.accounts);
  const under: Address[] = [];
  const healthy: Address[] = [];
  for (const [a, s] of statuses) (s.equityWad < BigInt(s.maintenanceWad) ? under : healthy).push(a);
  return { under, healthy };
}

/** The vault holds exactly what its accounts own, in USDC (nothing lost or created by the races). */
async function conserved(book: LiquidationBook, optio: OptioOnNode): Promise<void> {
  const usdc = getAddress(optio.deployment.extra.usdc);
  const vault = optio.deployment.contracts.vault;
  const [held, owed] = await Promise.all([
    book.client.readContract({ address: usdc, abi: erc20Abi, functionName: "balanceOf", args: [vault] }),
    book.client.readContract({ address: vault, abi: vaultAbi, functionName: "totalBalance", args: [usdc] }),
  ]);
  expect(held, "vault USDC held vs owed").to.equal(owed);
}

/**
 * After a keeper stopped: nothing pending in its store, the chain's latest and pending nonces equal and one past the
 * last nonce it signed (no gap, nothing stuck), and its ether went on the fees of its own mined transactions only.
 */
async function audit(book: LiquidationBook, storePath: string, address: Address, startBalance: bigint) {
  const store = Store.open(storePath, { readOnly: true });
  const rows = store.db
    .prepare("SELECT status, nonce, gas_used, effective_gas_price FROM txs WHERE lower(account) = lower(?)")
    .all(address) as { status: string; nonce: number; gas_used: string | null; effective_gas_price: string | null }[];
  store.close();
  expect(
    rows.filter((r) => r.status === "pending"),
    "pending transactions",
  ).to.have.length(0);
  const [latest, pending, balance] = await Promise.all([
    book.client.getTransactionCount({ address, blockTag: "latest" }),
    book.client.getTransactionCount({ address, blockTag: "pending" }),
    book.client.getBalance({ address }),
  ]);
  expect(pending, "pending nonce").to.equal(latest);
  const used = rows.filter((r) => r.status === "mined" || r.status === "reverted");
  expect(latest, "nonce after the last transaction").to.equal(
    used.length === 0 ? 0 : Math.max(...used.map((r) => r.nonce)) + 1,
  );
  const fees = used.reduce((sum, r) => sum + BigInt(r.gas_used!) * BigInt(r.effective_gas_price!), 0n);
  expect(startBalance - balance, "ether spent = fees of mined transactions").to.equal(fees);
  return rows;
}

describe("liquidator role (real CLI on anvil)", function () {
  this.timeout(300_000);
  let node: LocalNode | undefined;
  let dir: string;
  const keepers: KeeperProcess[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "keeper-liquidator-"));
  });
  afterEach(async () => {
    for (const k of keepers.splice(0)) await stopProcess(k.child, "SIGKILL");
    await node?.stop();
    node = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const keeperConfig = (optio: OptioOnNode, book: LiquidationBook, name: string, extra = {}) =>
    writeLiquidatorConfig(dir, optio, book, name, extra);

  it("a 40% crash with a vol spike over 120 accounts: every account under maintenance is auctioned once and bid (insolvent ones taken whole, the fund paying), none healthy is touched, bidding moves to a second account at the live-series limit", async () => {
    node = await startAnvil();
    const optio = await deployOptio(node.url, dir);
    const book = await buildLiquidationBook(optio, 120);
    const before = await underwater(book);
    expect(before.under, "nobody is under water before the crash").to.have.length(0);

    const cfg = await keeperConfig(optio, book, "crash");
    const keeper = startKeeper(["run", "--roles", "liquidator", "--config", cfg.path], {
      OPTIO_KEEPER_PRIVATE_KEY: book.keepers[0].key,
    });
    keepers.push(keeper);
    await until(
      "/readyz",
      async () => ((await fetch(`http://127.0.0.1:${cfg.port}/readyz`)).status === 200 ? true : undefined),
      60_000,
      keeper.output,
    );
    expect(metric(await scrape(cfg.port), "optio_keeper_liquidator_accounts_indexed")).to.equal(
      book.accounts.length + book.sinks.length + book.bidders.length,
    );

    await book.push(CRASH_SPOT, CRASH_VOL);
    const { under, healthy } = await underwater(book);
    expect(under.length, "accounts under water after the crash").to.be.greaterThanOrEqual(40);
    const insolvent = [...(await book.statuses(under))].filter(([, s]) => s.insolvent).map(([a]) => a);
    expect(insolvent.length, "insolvent accounts after the crash").to.be.greaterThanOrEqual(3);
    expect(healthy.length, "accounts healthy after the crash").to.be.greaterThanOrEqual(40);

    const done = await until(
      "every account under water to be auctioned and bid",
      async () => {
        const a = await auctionsOnChain(book, optio);
        return under.every((x) => a.started.has(x) && a.bids.has(x)) ? a : undefined;
      },
      120_000,
      keeper.output,
    );
    for (const x of under) expect(done.started.get(x), x).to.equal(1);
    for (const x of healthy) expect(done.started.has(x), `healthy ${x} was flagged`).to.equal(false);
    // The bidders took positions in all 24 series: more than one account may hold (16), so both bid.
    const bidders = new Set([...done.bids.values()].flat().map((b) => b.bidder));
    expect([...bidders].sort()).to.deep.equal([...book.bidders].sort());
    // Insolvent accounts: taken whole with the insurance fund paying the bidder (a negative payment), auction over.
    for (const x of insolvent) {
      expect(
        done.bids.get(x)!.some((b) => b.payment < 0n),
        `fund-paid bid on ${x}`,
      ).to.equal(true);
      expect(done.ended.has(x), `auction of ${x} ended`).to.equal(true);
    }

    const text = await scrape(cfg.port);
    expect(metric(text, 'optio_keeper_liquidator_actions_mined_total{action="startAuction"}')).to.equal(under.length);
    expect(metricSum(text, "optio_keeper_liquidator_actions_failed_total")).to.equal(0);
    expect(metric(text, "optio_keeper_liquidator_accounts_checked_per_second")).to.be.greaterThan(0);
    expect(keeper.output()).not.to.contain('"level":50');

    keeper.child.kill("SIGTERM");
    expect(await keeper.exit).to.equal(0);
    const store = Store.open(cfg.store, { readOnly: true });
    expect(store.txCounts().pending).to.equal(0);
    store.close();
  });
  it("two instances racing on the same accounts and two shards splitting them: each account under water flagged once and bid, no funds lost, no stuck nonce", async () => {
    node = await startAnvil();
    const optio = await deployOptio(node.url, dir);
    const book = await buildLiquidationBook(optio, 80, [7, 10, 11, 12]);
    const runs = [
      { name: "full-a", args: [] as string[], extra: {} },
      { name: "full-b", args: [], extra: {} },
      { name: "shard-0", args: ["--shard", "0/2"], extra: {} },
      { name: "shard-1", args: [], extra: { shard: "1/2" } },
    ];
    const started: {
      name: string;
      cfg: Awaited<ReturnType<typeof keeperConfig>>;
      key: { address: Address };
      balance: bigint;
      k: KeeperProcess;
    }[] = [];
    for (const [i, r] of runs.entries()) {
      const cfg = await keeperConfig(optio, book, r.name, r.extra);
      const key = book.keepers[i];
      const balance = await book.client.getBalance({ address: key.address });
      const k = startKeeper(["run", "--roles", "liquidator", "--config", cfg.path, ...r.args], {
        OPTIO_KEEPER_PRIVATE_KEY: key.key,
      });
      keepers.push(k);
      started.push({ ...r, cfg, key, balance, k });
    }
    for (const s of started)
      await until(
        `/readyz of ${s.name}`,
        async () => ((await fetch(`http://127.0.0.1:${s.cfg.port}/readyz`)).status === 200 ? true : undefined),
        60_000,
        s.k.output,
      );
    // The two shards split the index between them, each account in exactly one.
    const indexed = await Promise.all(
      started.map(async (s) => metric(await scrape(s.cfg.port), "optio_keeper_liquidator_accounts_indexed")!),
    );
    const total = book.accounts.length + book.sinks.length + book.bidders.length;
    expect(indexed[0]).to.equal(total);
    expect(indexed[1]).to.equal(total);
    expect(indexed[2] + indexed[3]).to.equal(total);
    expect(indexed[2]).to.be.within(1, total - 1);

    await book.push(CRASH_SPOT, CRASH_VOL);
    const { under, healthy } = await underwater(book);
    expect(under.length).to.be.greaterThanOrEqual(20);
    const done = await until(
      "every account under water to be auctioned and bid",
      async () => {
        const a = await auctionsOnChain(book, optio);
        return under.every((x) => a.started.has(x) && a.bids.has(x)) ? a : undefined;
      },
      120_000,
      () => started.map((s) => s.k.output()).join(""),
    );
    // Let the keepers see the last blocks, then stop them all.
    await new Promise((r) => setTimeout(r, 2000));
    for (const x of under) expect(done.started.get(x), x).to.equal(1);
    for (const x of healthy) expect(done.started.has(x), `healthy ${x} was flagged`).to.equal(false);
    let lost = 0;
    for (const s of started) {
      lost += metricSum(await scrape(s.cfg.port), "optio_keeper_liquidator_races_lost_total");
      s.k.child.kill("SIGTERM");
      expect(await s.k.exit, s.k.output()).to.equal(0);
      // A race lost on chain (mined but reverted: the other instance's transaction came first) is the frame's warn;
      // anything else at warn or error is a fault.
      const errors = s.k
        .logs()
        .filter((l) => (l.level === "error" || l.level === "warn") && l.msg !== "transaction mined but reverted");
      expect(errors, JSON.stringify(errors)).to.have.length(0);
      await audit(book, s.cfg.store, s.key.address, s.balance);
    }
    await conserved(book, optio);
    // The racing instances did meet (lost races are counted, not errors).
    expect(lost).to.be.greaterThan(0);
  });
  it("SIGKILL mid-run and restart: resumes from its checkpoint, rescans at most the unfinalised window, sends no duplicate transaction", async () => {
    node = await startAnvil();
    const optio = await deployOptio(node.url, dir);
    const book = await buildLiquidationBook(optio, 60);
    // Three transactions per block, so the crash takes the keeper many blocks and a kill lands mid-run.
    const cfg = await keeperConfig(optio, book, "restart", { maxActionsPerBlock: 3 });
    const env = { OPTIO_KEEPER_PRIVATE_KEY: book.keepers[0].key };
    const args = ["run", "--roles", "liquidator", "--config", cfg.path];
    let keeper = startKeeper(args, env);
    keepers.push(keeper);
    await until(
      "/readyz",
      async () => ((await fetch(`http://127.0.0.1:${cfg.port}/readyz`)).status === 200 ? true : undefined),
      60_000,
      keeper.output,
    );
    await book.push(CRASH_SPOT, CRASH_VOL);
    const { under, healthy } = await underwater(book);
    expect(under.length).to.be.greaterThanOrEqual(20);
    await until(
      "a few auctions",
      async () => ((await auctionsOnChain(book, optio)).started.size >= 6 ? true : undefined),
      60_000,
      keeper.output,
    );
    keeper.child.kill("SIGKILL");
    await keeper.exit;
    const killedAt = (await auctionsOnChain(book, optio)).started.size;
    expect(killedAt, "killed before the end").to.be.lessThan(under.length);
    const checkpoint = Store.open(cfg.store, { readOnly: true });
    const saved = checkpoint.latestBlock()!.number;
    checkpoint.close();

    keeper = startKeeper(args, env);
    keepers.push(keeper);
    const done = await until(
      "every account under water to be auctioned and bid after the restart",
      async () => {
        const a = await auctionsOnChain(book, optio);
        return under.every((x) => a.started.has(x) && a.bids.has(x)) ? a : undefined;
      },
      120_000,
      keeper.output,
    );
    const logs = keeper.logs();
    const resumed = logs.find((l) => l.msg === "resuming from checkpoint")!;
    expect(BigInt(resumed.checkpoint as string)).to.equal(saved);
    expect(logs.some((l) => l.msg === "liquidator resumes its index")).to.equal(true);
    // No history rescan: the index resumed where the checkpoint left it.
    expect(logs.filter((l) => l.msg === "liquidator indexed past blocks")).to.have.length(0);
    const rescanned = metric(await scrape(cfg.port), "optio_keeper_liquidator_blocks_rescanned_total")!;
    expect(rescanned).to.be.at.most(64);
    for (const x of under) expect(done.started.get(x), x).to.equal(1);
    for (const x of healthy) expect(done.started.has(x)).to.equal(false);

    keeper.child.kill("SIGTERM");
    expect(await keeper.exit).to.equal(0);
    // One startAuction per account across both runs, and no reverted one (nothing was sent twice).
    const store = Store.open(cfg.store, { readOnly: true });
    const rows = store.db.prepare("SELECT label, data, status FROM txs").all() as {
      label: string;
      data: string;
      status: string;
    }[];
    store.close();
    const flags = rows.filter((r) => r.label === "startAuction");
    expect(new Set(flags.map((r) => r.data)).size).to.equal(flags.length);
    expect(flags.filter((r) => r.status === "mined")).to.have.length(under.length);
    expect(rows.filter((r) => r.status === "reverted" || r.status === "pending")).to.have.length(0);
  });
  it("with bidding off it only flags, and ends each auction once the price recovers (endAuction)", async () => {
    node = await startAnvil();
    const optio = await deployOptio(node.url, dir);
    const book = await buildLiquidationBook(optio, 30);
    const cfg = await keeperConfig(optio, book, "end", { bid: false });
    const keeper = startKeeper(["run", "--roles", "liquidator", "--config", cfg.path], {
      OPTIO_KEEPER_PRIVATE_KEY: book.keepers[0].key,
    });
    keepers.push(keeper);
    await until(
      "/readyz",
      async () => ((await fetch(`http://127.0.0.1:${cfg.port}/readyz`)).status === 200 ? true : undefined),
      60_000,
      keeper.output,
    );
    await book.push(CRASH_SPOT, CRASH_VOL);
    const { under } = await underwater(book);
    expect(under.length).to.be.greaterThanOrEqual(10);
    await until(
      "every account under water to be flagged",
      async () => {
        const a = await auctionsOnChain(book, optio);
        return under.every((x) => a.started.has(x)) ? true : undefined;
      },
      60_000,
      keeper.output,
    );
    await book.push(SPOT, VOL);
    const done = await until(
      "every auction to be ended",
      async () => {
        const a = await auctionsOnChain(book, optio);
        return under.every((x) => a.ended.has(x)) ? a : undefined;
      },
      60_000,
      keeper.output,
    );
    expect(done.bids.size, "no bids with bidding off").to.equal(0);
    for (const x of under) expect(done.started.get(x)).to.equal(1);
    // The keeper sees its own ends land in the next blocks.
    await until("the keeper to see no auction running", async () =>
      metric(await scrape(cfg.port), "optio_keeper_liquidator_auctions_running") === 0 ? true : undefined,
    );
    const text = await scrape(cfg.port);
    expect(metric(text, 'optio_keeper_liquidator_actions_sent_total{action="endAuction"}')).to.equal(under.length);
    keeper.child.kill("SIGTERM");
    expect(await keeper.exit).to.equal(0);
  });
  it("a 3-block reorg unwinds the accounts it had indexed: the index then matches a fresh rescan", async () => {
    node = await startAnvil();
    const optio = await deployOptio(node.url, dir);
    const book = await buildLiquidationBook(optio, 20);
    const cfg = await keeperConfig(optio, book, "reorg");
    const env = { OPTIO_KEEPER_PRIVATE_KEY: book.keepers[0].key };
    const keeper = startKeeper(["run", "--roles", "liquidator", "--config", cfg.path], env);
    keepers.push(keeper);
    const ready = (port: number, k: KeeperProcess) =>
      until(
        "/readyz",
        async () => ((await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200 ? true : undefined),
        60_000,
        k.output,
      );
    await ready(cfg.port, keeper);
    const indexed = async (port: number) => metric(await scrape(port), "optio_keeper_liquidator_accounts_indexed");
    const before = (await indexed(cfg.port))!;
    // Three new accounts, one deposit per block.
    const wallet = createWalletClient({ transport: http(optio.url) });
    const usdc = getAddress(optio.deployment.extra.usdc);
    for (let i = 0; i < 3; i++) {
      const account = getAddress(`0x${keccak256(toHex(`reorged ${i}`)).slice(26)}`);
      await wallet.sendTransaction({
        account: devAddress(0),
        chain: null,
        to: optio.deployment.contracts.vault,
        data: encodeFunctionData({ abi: vaultAbi, functionName: "deposit", args: [account, usdc, 1_000_000n] }),
      });
    }
    await until("the new accounts to be indexed", async () =>
      (await indexed(cfg.port)) === before + 3 ? true : undefined,
    );
    await rpc(optio.url, "anvil_reorg", [3, []]);
    await until(
      "the reorg to be unwound",
      async () => ((metric(await scrape(cfg.port), "optio_keeper_reorgs_total") ?? 0) >= 1 ? true : undefined),
      30_000,
      keeper.output,
    );
    await until("the index to drop the reorged accounts", async () =>
      (await indexed(cfg.port)) === before ? true : undefined,
    );
    expect(keeper.logs().some((l) => l.msg === "liquidator index unwound")).to.equal(true);

    // A keeper starting from nothing indexes the same accounts.
    const fresh = await keeperConfig(optio, book, "fresh");
    const second = startKeeper(["run", "--roles", "liquidator", "--config", fresh.path], {
      OPTIO_KEEPER_PRIVATE_KEY: book.keepers[0].key,
    });
    keepers.push(second);
    await ready(fresh.port, second);
    expect(await indexed(fresh.port)).to.equal(before);
    for (const k of [keeper, second]) {
      k.child.kill("SIGTERM");
      expect(await k.exit).to.equal(0);
    }
  });
});
