import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseGwei, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { createLogger } from "../ops/logger.js";
import { KeeperMetrics } from "../ops/metrics.js";
import { Store } from "../state/store.js";
import {
  DEV_KEY_1,
  freePort,
  memoryDestination,
  rpc,
  startAnvil,
  startHardhatNode,
  type LocalNode,
} from "../testing/nodes.js";
import { createChainAccess } from "./clients.js";
import { SimulationFailedError, TxManager, type FeePolicy } from "./txManager.js";

const account = privateKeyToAccount(DEV_KEY_1);
const RECIPIENT = "0x000000000000000000000000000000000000beef" as const;
const REVERTER = "0x000000000000000000000000000000000000dead" as const;

const FEES: FeePolicy = {
  priorityFeePerGas: parseGwei("1"),
  baseFeeMultiplierPercent: 200,
  stuckAfterBlocks: 2,
  bumpPercent: 15,
  maxFeePerGasCap: parseGwei("500"),
  gasLimitMarginPercent: 20,
};

function manager(node: LocalNode, store: Store, fees: Partial<FeePolicy> = {}, urls = [node.url]) {
  const metrics = new KeeperMetrics({ defaultMetrics: false });
  const log = memoryDestination();
  const chain = createChainAccess({
    chainId: 31337,
    urls,
    timeoutMs: 2000,
    retryCount: 1,
    rank: false,
    rankIntervalMs: 10_000,
    pollingIntervalMs: 100,
    metrics,
  });
  const txs = new TxManager({
    read: chain.read,
    submit: chain.submit,
    account,
    chainId: 31337,
    store,
    fees: { ...FEES, ...fees },
    logger: createLogger("debug", log),
    metrics,
  });
  return { txs, metrics, log, chain };
}

async function nonceOf(url: string): Promise<number> {
  return Number(await rpc<Hex>(url, "eth_getTransactionCount", [account.address, "latest"]));
}

/** The node's own names for "set next base fee" and "mine one block". */
const DIALECT = {
  anvil: { setBaseFee: "anvil_setNextBlockBaseFeePerGas", automine: "evm_setAutomine" },
  hardhat: { setBaseFee: "hardhat_setNextBlockBaseFeePerGas", automine: "evm_setAutomine" },
};

for (const kind of ["anvil", "hardhat"] as const) {
  describe(`TxManager against ${kind}`, function () {
    this.timeout(120_000);
    let node: LocalNode;
    let dir: string;

    before(async () => {
      node = kind === "anvil" ? await startAnvil({ baseFee: parseGwei("1") }) : await startHardhatNode();
      dir = mkdtempSync(join(tmpdir(), `keeper-tx-${kind}-`));
      // A contract whose every call reverts (PUSH1 0 PUSH1 0 REVERT), for the simulation test.
      await rpc(node.url, kind === "anvil" ? "anvil_setCode" : "hardhat_setCode", [REVERTER, "0x60006000fd"]);
    });
    after(async () => {
      await node?.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    beforeEach(async () => {
      await rpc(node.url, DIALECT[kind].automine, [false]);
    });
    afterEach(async () => {
      await rpc(node.url, DIALECT[kind].automine, [true]);
    });

    const mine = async (n = 1) => {
      for (let i = 0; i < n; i++) await rpc(node.url, "evm_mine");
    };

    it("replaces a transaction stuck below the base fee with one above the replacement threshold, and it is mined", async () => {
      const store = Store.open(join(dir, "stuck.sqlite"));
      const { txs, metrics, log } = manager(node, store);
      await txs.init();
      const nonce = await nonceOf(node.url);
      const sent = await txs.send({ label: "transfer", to: RECIPIENT, data: "0x", value: 1n });
      expect(sent.nonce).to.equal(nonce);
      // The base fee jumps far above what the first attempt offers: it cannot be included.
      await rpc(node.url, DIALECT[kind].setBaseFee, [`0x${parseGwei("50").toString(16)}`]);
      await mine(2);
      await txs.tick();
      expect(await nonceOf(node.url)).to.equal(nonce);
      const record = store.getTx(sent.id)!;
      expect(record.status).to.equal("pending");
      expect(record.attempts).to.have.length(2);
      const [first, second] = record.attempts;
      expect(second.maxFeePerGas * 100n).to.be.gte(first.maxFeePerGas * 110n);
      expect(second.maxPriorityFeePerGas * 100n).to.be.gte(first.maxPriorityFeePerGas * 110n);
      await mine(1);
      const done = await txs.waitFor(sent.id, { timeoutMs: 20_000 });
      expect(done.status).to.equal("mined");
      expect(done.minedHash).to.equal(second.hash);
      expect(await nonceOf(node.url)).to.equal(nonce + 1);
      expect(await rpc(node.url, "eth_getTransactionReceipt", [first.hash])).to.equal(null);
      const text = await metrics.registry.metrics();
      expect(text).to.match(/optio_keeper_fee_bumps_total\{label="transfer"\} 1/);
      expect(text).to.match(/optio_keeper_pending_transactions 0/);
      expect(text).to.match(/optio_keeper_gas_used_total\{label="transfer"\} 21000/);
      expect(log.text()).to.contain("stuck transaction replaced with higher fees");
      store.close();
    });

    it("stops raising fees at the cap and keeps the transaction pending instead of overpaying", async () => {
      const store = Store.open(":memory:");
      await rpc(node.url, DIALECT[kind].setBaseFee, [`0x${parseGwei("1").toString(16)}`]);
      await mine(1);
      // The cap leaves room for the first attempt but not for a +15% replacement.
      const { txs, log } = manager(node, store, { maxFeePerGasCap: parseGwei("3.2") });
      await txs.init();
      const sent = await txs.send({ label: "capped", to: RECIPIENT, data: "0x", value: 5n });
      const firstFee = store.getTx(sent.id)!.attempts[0].maxFeePerGas;
      expect(firstFee).to.equal(parseGwei("3"));
      try {
        await rpc(node.url, DIALECT[kind].setBaseFee, [`0x${parseGwei("50").toString(16)}`]);
        await mine(3);
        await txs.tick();
        const record = store.getTx(sent.id)!;
        expect(record.status).to.equal("pending");
        expect(record.attempts).to.have.length(1);
        expect(log.text()).to.contain("stuck transaction cannot be bumped: fee cap reached");
      } finally {
        // The node forgets the capped transaction, so later tests start from a clean pool.
        if (kind === "anvil") await rpc(node.url, "anvil_dropAllTransactions");
        else await rpc(node.url, "hardhat_dropTransaction", [sent.hash]);
      }
      store.close();
    });

    it("after a restart with a transaction in flight, sends no duplicate and re-sends what the node lost", async () => {
      const path = join(dir, "restart.sqlite");
      const nonce = await nonceOf(node.url);
      let store = Store.open(path);
      const first = manager(node, store, { stuckAfterBlocks: 100 });
      await first.txs.init();
      const a = await first.txs.send({ label: "a", to: RECIPIENT, data: "0x", value: 2n });
      // The process dies here: nothing mined, the transaction only in the node's pool and in the store.
      store.close();

      store = Store.open(path);
      const second = manager(node, store, { stuckAfterBlocks: 100 });
      await second.txs.init();
      expect(second.txs.pending().map((t) => t.nonce)).to.deep.equal([nonce]);
      const b = await second.txs.send({ label: "b", to: RECIPIENT, data: "0x", value: 3n });
      expect(b.nonce).to.equal(nonce + 1);

      if (kind === "anvil") {
        // The node forgets both (as after a node restart): a gap the manager must close with the same bytes.
        await rpc(node.url, "anvil_dropAllTransactions");
        await second.txs.tick();
      }
      await mine(1);
      const doneA = await second.txs.waitFor(a.id, { timeoutMs: 20_000 });
      const doneB = await second.txs.waitFor(b.id, { timeoutMs: 20_000 });
      expect(doneA.minedHash).to.equal(a.hash);
      expect(doneB.minedHash).to.equal(b.hash);
      expect(doneA.attempts).to.have.length(1);
      expect(await nonceOf(node.url)).to.equal(nonce + 2);
      // Exactly two transactions of this account reached the chain: the block holds a and b and nothing else.
      const block = await rpc<{ transactions: { from: string; hash: string }[] }>(node.url, "eth_getBlockByNumber", [
        `0x${doneA.minedBlock!.toString(16)}`,
        true,
      ]);
      const ours = block.transactions.filter((t) => t.from.toLowerCase() === account.address.toLowerCase());
      expect(ours.map((t) => t.hash)).to.deep.equal([a.hash, b.hash]);
      store.close();
    });

    it("sends nothing when the simulation reverts", async () => {
      const store = Store.open(":memory:");
      const { txs, metrics } = manager(node, store);
      await txs.init();
      const nonce = await rpc<Hex>(node.url, "eth_getTransactionCount", [account.address, "pending"]);
      let caught: unknown;
      try {
        await txs.send({ label: "doomed", to: REVERTER, data: "0x12345678" });
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(SimulationFailedError);
      expect(await rpc<Hex>(node.url, "eth_getTransactionCount", [account.address, "pending"])).to.equal(nonce);
      expect(store.maxNonce(account.address)).to.equal(undefined);
      expect(await metrics.registry.metrics()).to.match(/optio_keeper_simulation_failures_total\{label="doomed"\} 1/);
      store.close();
    });

    it("fails over when the first of two RPC URLs is dead, and counts that endpoint's errors", async () => {
      const dead = `http://127.0.0.1:${await freePort()}`;
      const store = Store.open(":memory:");
      const { txs, metrics, chain } = manager(node, store, {}, [dead, node.url]);
      expect(await chain.read.getBlockNumber()).to.be.a("bigint");
      await txs.init();
      await rpc(node.url, DIALECT[kind].automine, [true]);
      const sent = await txs.send({ label: "failover", to: RECIPIENT, data: "0x", value: 4n });
      const done = await txs.waitFor(sent.id, { timeoutMs: 20_000 });
      expect(done.status).to.equal("mined");
      const text = await metrics.registry.metrics();
      const deadLabel = `0:${new URL(dead).host}`;
      const errors = text.match(new RegExp(`optio_keeper_rpc_errors_total\\{endpoint="${deadLabel}"\\} (\\d+)`));
      expect(Number(errors?.[1])).to.be.greaterThan(0);
      expect(text).not.to.match(/optio_keeper_rpc_errors_total\{endpoint="1:/);
      store.close();
    });
  });
}
