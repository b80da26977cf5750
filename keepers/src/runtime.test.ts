import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { privateKeyToAccount } from "viem/accounts";
import { configSchema } from "./config/schema.js";
import { createLogger } from "./ops/logger.js";
import type { Role, RoleContext, RoleFactory } from "./roles/types.js";
import { Keeper } from "./runtime.js";
import type { StoredBlock } from "./state/store.js";
import { DEV_KEY_1, memoryDestination, rpc, startAnvil, type LocalNode } from "./testing/nodes.js";

const RECIPIENT = "0x000000000000000000000000000000000000cafe" as const;

/** A role that sends one transfer on the first block it sees, and records what the frame told it. */
class PingRole implements Role {
  readonly name = "ping";
  readonly reorgs: bigint[] = [];
  sentId: number | undefined;
  constructor(private readonly ctx: RoleContext) {}
  async start(): Promise<void> {}
  async onBlock(block: StoredBlock): Promise<void> {
    if (this.ctx.store.kvGet(this.name, "sent") !== undefined) return;
    const sent = await this.ctx.txs!.send({ label: "ping", to: RECIPIENT, data: "0x", value: 7n });
    this.sentId = sent.id;
    this.ctx.store.kvPut(this.name, "sent", sent.id, block.number);
  }
  async onReorg(ancestor: bigint): Promise<void> {
    this.reorgs.push(ancestor);
  }
  ready(): boolean {
    return true;
  }
  async stop(): Promise<void> {}
}

describe("Keeper frame (in process, anvil)", function () {
  this.timeout(90_000);
  let node: LocalNode;
  let dir: string;
  before(async () => {
    node = await startAnvil({ noMining: true });
    dir = mkdtempSync(join(tmpdir(), "keeper-frame-"));
  });
  after(async () => {
    await node?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("hands blocks to a role, follows its transaction, and re-lands it with the same bytes after a reorg drops it", async () => {
    const config = configSchema.parse({
      chainId: 31337,
      rpc: { urls: [node.url] },
      store: { path: join(dir, "frame.sqlite") },
      blocks: { pollIntervalMs: 100 },
      tx: { stuckAfterBlocks: 50 },
      metrics: { enabled: false },
    });
    let role: PingRole | undefined;
    const factory: RoleFactory = {
      name: "ping",
      summary: "test role",
      needsSigner: true,
      create: (ctx) => (role = new PingRole(ctx)),
    };
    const log = memoryDestination();
    const keeper = new Keeper({
      config,
      roles: [factory],
      account: privateKeyToAccount(DEV_KEY_1),
      logger: createLogger("debug", log),
    });
    const running = keeper.run();
    const waitFor = async (what: string, fn: () => boolean) => {
      const deadline = Date.now() + 20_000;
      while (!fn()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${log.text()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    try {
      await rpc(node.url, "evm_mine");
      await waitFor("the role to send", () => role?.sentId !== undefined);
      const id = role!.sentId!;
      const first = keeper.store.getTx(id)!;
      await rpc(node.url, "evm_mine");
      await waitFor("the transaction to be mined", () => keeper.store.getTx(id)!.status === "mined");
      const minedAt = keeper.store.getTx(id)!.minedBlock!;

      // Replace the block holding the transaction (and the one before it) with empty ones.
      await rpc(node.url, "anvil_reorg", [2, []]);
      await waitFor("the reorg to reach the role", () => role!.reorgs.length === 1);
      expect(role!.reorgs[0]).to.equal(minedAt - 2n);
      // The reorg also replaced the block at which the role wrote its "sent" marker, so the frame unwound it.
      await waitFor("the transaction to be pending again", () => keeper.store.getTx(id)!.status === "pending");
      const settled = () => {
        const c = keeper.store.txCounts();
        return c.pending === 0 && c.mined === 2;
      };
      for (let i = 0; i < 10 && !settled(); i++) {
        await rpc(node.url, "evm_mine");
        await new Promise((r) => setTimeout(r, 300));
      }
      await waitFor("both intents to be mined", settled);
      // The original transaction landed again with its original bytes (no second signature for its nonce) ...
      const relanded = keeper.store.getTx(id)!;
      expect(relanded.minedHash).to.equal(first.attempts[0].hash);
      expect(relanded.attempts).to.have.length(1);
      // ... and the role, its marker unwound, decided again on the new branch: a new intent with the next nonce.
      expect(role!.sentId).to.not.equal(id);
      expect(keeper.store.getTx(role!.sentId!)!.nonce).to.equal(first.nonce + 1);
      const account = privateKeyToAccount(DEV_KEY_1).address;
      expect(Number(await rpc(node.url, "eth_getTransactionCount", [account, "latest"]))).to.equal(first.nonce + 2);
      expect(keeper.store.txCounts().dropped).to.equal(0);
      expect(log.text()).to.contain("reorg detected; unwinding to the common ancestor");
    } finally {
      keeper.stop();
      await running;
    }
    expect(log.text()).to.contain('"msg":"stopped"');
  });
});
