import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPublicClient, http } from "viem";
import { rpc, startAnvil, startHardhatNode, type LocalNode } from "../testing/nodes.js";
import { BlockTracker, DeepReorgError, type BlockEvent } from "./blockTracker.js";
import { Store } from "./store.js";

describe("BlockTracker against anvil", function () {
  this.timeout(60_000);
  let node: LocalNode;
  let dir: string;

  before(async () => {
    node = await startAnvil({ noMining: true });
    dir = mkdtempSync(join(tmpdir(), "keeper-tracker-"));
  });
  after(async () => {
    await node?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const client = () => createPublicClient({ transport: http(node.url) });
  const collect = async (tracker: BlockTracker) => {
    const events: BlockEvent[] = [];
    await tracker.poll((e) => void events.push(e));
    return events;
  };

  it("yields every block once, resumes from its checkpoint, and unwinds a 3-block reorg to the common ancestor", async () => {
    const path = join(dir, "state.sqlite");
    let store = Store.open(path);
    let tracker = new BlockTracker({ source: client(), store, windowSize: 16, startBlock: 0n });
    await rpc(node.url, "anvil_mine", ["0xa"]);
    let events = await collect(tracker);
    expect(events.map((e) => (e.type === "block" ? Number(e.block.number) : -1))).to.deep.equal([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);

    // Restart: a new tracker over the same file rescans nothing and continues at the next block.
    store.close();
    store = Store.open(path);
    tracker = new BlockTracker({ source: client(), store, windowSize: 16, startBlock: 0n });
    expect(await collect(tracker)).to.deep.equal([]);
    await rpc(node.url, "anvil_mine", ["0x2"]);
    events = await collect(tracker);
    expect(events.map((e) => (e.type === "block" ? Number(e.block.number) : -1))).to.deep.equal([11, 12]);

    const before = store.getBlock(10n)!.hash;
    await rpc(node.url, "anvil_reorg", [3, []]);
    await rpc(node.url, "anvil_mine", ["0x1"]);
    events = await collect(tracker);
    expect(events[0]).to.deep.include({ type: "reorg", ancestor: 9n, depth: 3, oldHead: 12n });
    expect(events.slice(1).map((e) => (e.type === "block" ? Number(e.block.number) : -1))).to.deep.equal([
      10, 11, 12, 13,
    ]);
    expect(store.getBlock(10n)!.hash).not.to.equal(before);
    // The kept window now matches the chain block for block.
    for (let n = 0n; n <= 13n; n++) {
      const kept = store.getBlock(n);
      if (kept === undefined) continue;
      const onChain = await client().getBlock({ blockNumber: n });
      expect(kept.hash, `block ${n}`).to.equal(onChain.hash);
    }
    store.close();
  });

  it("keeps only the window, and a handler that throws leaves the block to the next poll", async () => {
    const store = Store.open(":memory:");
    const head = await client().getBlockNumber();
    const tracker = new BlockTracker({ source: client(), store, windowSize: 4, startBlock: head });
    await rpc(node.url, "anvil_mine", ["0x6"]);
    let seen = 0;
    await tracker
      .poll((e) => {
        if (e.type === "block" && e.block.number === head + 3n) throw new Error("role failed");
        seen++;
      })
      .then(
        () => expect.fail("poll should have thrown"),
        (error: Error) => expect(error.message).to.equal("role failed"),
      );
    expect(seen).to.equal(3);
    expect(tracker.head()!.number).to.equal(head + 2n);
    const events = await collect(tracker);
    expect(events.map((e) => (e.type === "block" ? e.block.number : -1n))).to.deep.equal([
      head + 3n,
      head + 4n,
      head + 5n,
      head + 6n,
    ]);
    expect(store.oldestBlock()!.number).to.equal(head + 3n);
    store.close();
  });

  it("unwinds a reorg that replaces its very first block, and refuses one below a pruned window", async () => {
    const store = Store.open(":memory:");
    const head = await client().getBlockNumber();
    const tracker = new BlockTracker({ source: client(), store, windowSize: 3, startBlock: head + 1n });
    await rpc(node.url, "anvil_mine", ["0x2"]);
    expect(await collect(tracker)).to.have.length(2);
    // Both kept blocks are replaced; nothing older was ever processed, so unwinding all of it is exact.
    await rpc(node.url, "anvil_reorg", [2, []]);
    const events = await collect(tracker);
    expect(events[0]).to.deep.include({ type: "reorg", ancestor: head, depth: 2 });
    expect(events.slice(1).map((e) => (e.type === "block" ? e.block.number : -1n))).to.deep.equal([
      head + 1n,
      head + 2n,
    ]);
    // Once older blocks were pruned, a reorg reaching below the window stops the keeper.
    await rpc(node.url, "anvil_mine", ["0x4"]);
    await collect(tracker);
    expect(store.oldestBlock()!.number).to.equal(head + 4n);
    await rpc(node.url, "anvil_reorg", [4, []]);
    let caught: unknown;
    await tracker.poll().catch((error: unknown) => (caught = error));
    expect(caught).to.be.instanceOf(DeepReorgError);
    store.close();
  });
});

describe("BlockTracker against Hardhat's node", function () {
  this.timeout(120_000);
  let node: LocalNode;
  before(async () => {
    node = await startHardhatNode();
  });
  after(async () => {
    await node?.stop();
  });

  it("detects a reorg made with evm_snapshot / evm_revert and re-follows the new branch", async () => {
    const client = createPublicClient({ transport: http(node.url) });
    const store = Store.open(":memory:");
    await rpc(node.url, "hardhat_mine", ["0x2"]);
    const base = await client.getBlockNumber();
    const tracker = new BlockTracker({ source: client, store, windowSize: 16, startBlock: base });
    const snapshot = await rpc<string>(node.url, "evm_snapshot");
    await rpc(node.url, "evm_mine");
    await rpc(node.url, "evm_mine");
    let events: BlockEvent[] = [];
    await tracker.poll((e) => void events.push(e));
    expect(events).to.have.length(3);
    const replaced = store.getBlock(base + 1n)!.hash;
    // The branch is abandoned and a longer one mined in its place (a later timestamp gives other hashes).
    expect(await rpc(node.url, "evm_revert", [snapshot])).to.equal(true);
    await rpc(node.url, "evm_increaseTime", [60]);
    for (let i = 0; i < 3; i++) await rpc(node.url, "evm_mine");
    events = [];
    await tracker.poll((e) => void events.push(e));
    expect(events[0]).to.deep.include({ type: "reorg", ancestor: base, depth: 2 });
    expect(events.slice(1).map((e) => (e.type === "block" ? e.block.number : -1n))).to.deep.equal([
      base + 1n,
      base + 2n,
      base + 3n,
    ]);
    expect(store.getBlock(base + 1n)!.hash).not.to.equal(replaced);
    expect(store.getBlock(base + 3n)!.hash).to.equal((await client.getBlock({ blockNumber: base + 3n })).hash);
    store.close();
  });
});
