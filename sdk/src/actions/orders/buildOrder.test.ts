import { expect } from "chai";
import { zeroAddress } from "viem";
import { localChain } from "../../test/chain.js";
import { clientAt, rejection } from "../../test/fixtures.js";

describe("actions/orders/buildOrder (HTTP node)", () => {
  it("fills in the maker, a deadline a day after the latest block, a fresh nonce and an open taker", async () => {
    const chain = await localChain();
    const client = await clientAt(chain, 16);
    const base = { seriesId: 1n, isBuy: true, amount: 10n ** 18n, limitPriceE18: 5n * 10n ** 18n };
    const a = await client.buildOrder(base);
    const b = await client.buildOrder(base);
    const { timestamp } = await chain.publicClient.getBlock();
    expect(a.maker).to.equal(chain.accounts[16]);
    expect(a.deadline).to.equal(timestamp + 86_400n);
    expect(a.taker).to.equal(zeroAddress);
    expect(a.nonce).to.not.equal(b.nonce);
    const explicit = await client.buildOrder({ ...base, deadline: 7n, nonce: 3n, taker: chain.accounts[17] });
    expect([explicit.deadline, explicit.nonce, explicit.taker]).to.deep.equal([7n, 3n, chain.accounts[17]]);
  });

  it("refuses a zero amount", async () => {
    const chain = await localChain();
    const client = await clientAt(chain, 16);
    const err = await rejection(client.buildOrder({ seriesId: 1n, isBuy: true, amount: 0n, limitPriceE18: 1n }));
    expect((err as Error).message).to.match(/amount must be positive/);
  });
});
