import { expect } from "chai";
import { Store } from "./store.js";

describe("Store", () => {
  let store: Store;
  beforeEach(() => {
    store = Store.open(":memory:");
  });
  afterEach(() => store.close());

  it("keeps the value that held at the common ancestor when a reorg unwinds later writes", () => {
    store.kvPut("liquidator", "account:0xaa", { health: 5 }, 10n);
    store.kvPut("liquidator", "account:0xaa", { health: 1 }, 12n);
    store.kvPut("liquidator", "account:0xbb", { health: 7 }, 13n);
    expect(store.kvGet("liquidator", "account:0xaa")).to.deep.equal({ health: 1 });
    expect(store.kvUnwindAfter(11n)).to.equal(2);
    expect(store.kvGet("liquidator", "account:0xaa")).to.deep.equal({ health: 5 });
    expect(store.kvGet("liquidator", "account:0xbb")).to.equal(undefined);
    expect(store.kvEntries("liquidator")).to.deep.equal([["account:0xaa", { health: 5 }]]);
  });

  it("records deletions as tombstones and compacts versions that are final", () => {
    store.kvPut("settler", "k", 1, 5n);
    store.kvPut("settler", "k", 2, 6n);
    store.kvPut("settler", "k", undefined, 7n);
    expect(store.kvGet("settler", "k")).to.equal(undefined);
    expect(store.kvEntries("settler")).to.deep.equal([]);
    store.kvCompact(6n);
    // Version 6 is final and supersedes 5; the deletion at 7 is not final yet, so unwinding to 6 restores 2.
    const rows = store.db.prepare("SELECT block FROM kv ORDER BY block").all() as { block: number }[];
    expect(rows.map((r) => r.block)).to.deep.equal([6, 7]);
    store.kvUnwindAfter(6n);
    expect(store.kvGet("settler", "k")).to.equal(2);
  });

  it("refuses a second live transaction with the same account and nonce", () => {
    const tx = {
      account: "0x00000000000000000000000000000000000000aa" as const,
      nonce: 4,
      label: "test",
      to: "0x00000000000000000000000000000000000000bb" as const,
      data: "0x" as const,
      value: 0n,
      gas: 21000n,
    };
    const attempt = (hash: `0x${string}`) => ({
      hash,
      raw: "0x01" as const,
      maxFeePerGas: 2n,
      maxPriorityFeePerGas: 1n,
      sentAtBlock: 1n,
    });
    const id = store.insertTx(tx, attempt("0x01"));
    expect(() => store.insertTx(tx, attempt("0x02"))).to.throw(/UNIQUE/);
    // A finished transaction frees nothing on chain, but the constraint is about live ones only.
    store.finishTx(id, { status: "dropped" });
    expect(() => store.insertTx(tx, attempt("0x03"))).not.to.throw();
    expect(store.maxNonce(tx.account)).to.equal(4);
    expect(store.pendingTxs(tx.account)).to.have.length(1);
  });

  it("binds to one chain id", () => {
    store.bindChain(31337);
    expect(() => store.bindChain(31337)).not.to.throw();
    expect(() => store.bindChain(1)).to.throw(/belongs to chain 31337/);
  });
});
