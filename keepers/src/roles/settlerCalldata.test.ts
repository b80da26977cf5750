import { expect } from "chai";
import { encodeFunctionData, getAddress, type Address, type Hex } from "viem";
import { erc20Abi } from "viem";
import { oracleRouterAbi, settlementAbi, type Deployment } from "@optio/sdk";
import type { StoredTx } from "../state/store.js";
import { pairKey, pendingIntents, performUpkeepData, type SentRecord } from "./settlerCalldata.js";

const address = (n: number) => getAddress(`0x${n.toString(16).padStart(40, "0")}`);
const contracts = { automation: address(0xa0), settlement: address(0x5e) } as unknown as Deployment["contracts"];
const router = address(0x70);
const [alice, bob, carol] = [address(1), address(2), address(3)];

function tx(id: number, to: Address, data: Hex): StoredTx {
  return {
    id,
    account: address(0xee),
    nonce: id,
    label: "test",
    to,
    data,
    value: 0n,
    gas: 100_000n,
    status: "pending",
    attempts: [],
    minedHash: null,
    minedBlock: null,
    gasUsed: null,
    effectiveGasPrice: null,
  };
}

describe("settler calldata: what pending transactions already carry", () => {
  it("decodes batches, claims, collections and proofs from their calldata, and ignores other transactions", () => {
    const groupOf = (seriesId: bigint) => (seriesId < 10n ? "1:100" : "1:200");
    const batch = performUpkeepData([
      { account: alice, seriesId: 3n, short: true },
      { account: bob, seriesId: 4n, short: false },
    ]);
    const claim = encodeFunctionData({ abi: settlementAbi, functionName: "claim", args: [carol, 12n] });
    const collect = encodeFunctionData({
      abi: settlementAbi,
      functionName: "collectDebt",
      args: [bob, 11n, address(0xc0), 5n, 1n],
    });
    const prove = encodeFunctionData({ abi: oracleRouterAbi, functionName: "setExpiryPrice", args: [100n, 7n] });
    const repay = encodeFunctionData({ abi: settlementAbi, functionName: "repayDebt", args: [bob, 11n, bob, 5n] });
    const other = encodeFunctionData({ abi: erc20Abi, functionName: "transfer", args: [alice, 1n] });
    const sent = new Map<number, SentRecord>([[1, { step: "settle", group: "1:100" }]]);
    const p = pendingIntents(
      [
        tx(1, contracts.automation, batch),
        tx(2, contracts.settlement, claim),
        tx(3, contracts.settlement, collect),
        tx(4, router, prove),
        tx(5, contracts.settlement, repay),
        tx(6, address(0xbb), other),
      ],
      contracts,
      sent,
      groupOf,
    );
    expect([...p.settles]).to.deep.equal([pairKey(alice, 3n), pairKey(bob, 4n)]);
    expect([...p.settleGroups]).to.deep.equal(["1:100"]);
    expect([...p.claims]).to.deep.equal([pairKey(carol, 12n)]);
    expect([...p.claimGroups]).to.deep.equal(["1:200"]);
    expect([...p.collects]).to.deep.equal([pairKey(bob, 11n)]);
    expect([...p.proofs]).to.deep.equal([`${router}:100`]);
  });

  it("names a batch's groups from its series when the role recorded nothing for it (a crash before the record)", () => {
    const batch = performUpkeepData([
      { account: alice, seriesId: 3n, short: false },
      { account: bob, seriesId: 20n, short: false },
    ]);
    const p = pendingIntents([tx(9, contracts.automation, batch)], contracts, new Map(), (id) =>
      id < 10n ? "1:100" : "1:200",
    );
    expect([...p.settleGroups].sort()).to.deep.equal(["1:100", "1:200"]);
    // Addresses are compared checksummed, whatever case the calldata or the caller uses.
    expect(p.settles.has(pairKey(getAddress(bob.toLowerCase()) as Address, 20n))).to.equal(true);
  });
});
