import { expect } from "chai";
import { parseUnits } from "viem";
import { marginEngineAbi } from "../../abis/marginEngine.js";
import type { OptioContractError } from "../../errors/base.js";
import {
  Exchange_ReduceOnlyError,
  Margin_InsufficientInitialMarginError,
  Vault_InsufficientBalanceError,
} from "../../errors/generated.js";
import { pauseGuardAbi } from "../../abis/pauseGuard.js";
import { localChain, type LocalChain } from "../../test/chain.js";
import { market, rejection } from "../../test/fixtures.js";
import { fundedClient, isolated, namedClient, trade } from "../../test/accounts.js";

async function marginAt(chain: LocalChain, account: `0x${string}`, blockNumber: bigint) {
  return await chain.publicClient.readContract({
    address: chain.deployment.contracts.margin,
    abi: marginEngineAbi,
    functionName: "marginOf",
    args: [account],
    blockNumber,
  });
}

async function markNow(chain: LocalChain, seriesId: bigint) {
  return await chain.publicClient.readContract({
    address: chain.deployment.contracts.margin,
    abi: marginEngineAbi,
    functionName: "markOf",
    args: [seriesId],
  });
}

describe("actions/orders/previewTrade (HTTP node)", () => {
  it("predicts an accepted fill: premium, fee and both sides' margin before and after, to the wei", async () => {
    const chain = await localChain();
    const m = await market(chain);
    const maker = await fundedClient(chain, "preview maker", parseUnits("40000", 6));
    const taker = await fundedClient(chain, "preview taker", parseUnits("40000", 6));
    const mark = await markNow(chain, m.callId);
    const order = await maker.buildOrder({
      seriesId: m.callId,
      isBuy: false,
      amount: 3n * 10n ** 18n,
      limitPriceE18: mark,
    });
    const signed = await maker.signOrder({ order });

    const now = await taker.previewTrade({ order, amount: 2n * 10n ** 18n });
    expect(now.buyer.before).to.deep.equal(await marginAt(chain, taker.address, now.blockNumber));
    expect(now.seller.before).to.deep.equal(await marginAt(chain, maker.address, now.blockNumber));

    const at = now.timestamp + 7n;
    const p = await taker.previewTrade({ order, amount: 2n * 10n ** 18n, timestamp: at });
    expect([p.accepted, p.refusal, p.buyer.account, p.seller.account]).to.deep.equal([
      true,
      undefined,
      taker.address,
      maker.address,
    ]);
    await chain.testClient.setNextBlockTimestamp({ timestamp: at });
    const filled = await taker.fill({ ...signed, amount: 2n * 10n ** 18n });
    expect([filled.premium, filled.fee]).to.deep.equal([p.premium, p.fee]);
    const block = filled.receipt.blockNumber;
    expect(p.buyer.after).to.deep.equal(await marginAt(chain, taker.address, block));
    expect(p.seller.after).to.deep.equal(await marginAt(chain, maker.address, block));
    expect(
      p.buyer.after!.initialWad > p.buyer.before!.initialWad || p.buyer.after!.equityWad !== p.buyer.before!.equityWad,
    ).to.equal(true);
  });

  it("predicts a margin refusal with the error and arguments the chain then reverts with", async () => {
    const chain = await localChain();
    const m = await market(chain);
    const maker = await fundedClient(chain, "preview rich buyer", parseUnits("90000", 6));
    const thin = await fundedClient(chain, "preview thin seller", parseUnits("300", 6));
    const mark = await markNow(chain, m.callId);
    const order = await maker.buildOrder({
      seriesId: m.callId,
      isBuy: true,
      amount: 5n * 10n ** 18n,
      limitPriceE18: mark,
    });
    const signed = await maker.signOrder({ order });
    const p = await thin.previewTrade({ order });
    expect(p.accepted).to.equal(false);
    expect(p.refusal).to.be.instanceOf(Margin_InsufficientInitialMarginError);
    const err = (await rejection(thin.fill(signed))) as OptioContractError;
    expect(err).to.be.instanceOf(Margin_InsufficientInitialMarginError);
    expect(err.args).to.deep.equal(p.refusal!.args);
    expect(p.seller.after!.equityWad < BigInt(p.seller.after!.initialWad)).to.equal(true);
  });

  it("predicts a balance refusal (the premium) as Vault_InsufficientBalance", async () => {
    const chain = await localChain();
    const m = await market(chain);
    const seller = await fundedClient(chain, "preview seller", parseUnits("40000", 6));
    const broke = await namedClient(chain, "preview broke buyer");
    const mark = await markNow(chain, m.putId);
    const order = await seller.buildOrder({ seriesId: m.putId, isBuy: false, amount: 10n ** 18n, limitPriceE18: mark });
    const p = await broke.previewTrade({ order });
    expect(p.refusal).to.be.instanceOf(Vault_InsufficientBalanceError);
    const err = (await rejection(broke.fill(await seller.signOrder({ order })))) as OptioContractError;
    expect(err).to.be.instanceOf(Vault_InsufficientBalanceError);
    expect(err.args).to.deep.equal(p.refusal!.args);
  });

  it("on a paused underlying, refuses new risk as Exchange_ReduceOnly but accepts a fill that reduces both sides", async () => {
    const chain = await localChain();
    await isolated(chain, async () => {
      const m = await market(chain);
      const a = await fundedClient(chain, "preview paused a", parseUnits("40000", 6));
      const b = await fundedClient(chain, "preview paused b", parseUnits("40000", 6));
      const mark = await markNow(chain, m.callId);
      // a is long 2 calls, b short 2.
      await trade(b, a, { seriesId: m.callId, isBuy: false, amount: 2n * 10n ** 18n, limitPriceE18: mark });
      const guardian = chain.wallet(chain.accounts[1]);
      const hash = await guardian.writeContract({
        address: chain.deployment.contracts.pauseGuard,
        abi: pauseGuardAbi,
        functionName: "pauseUnderlying",
        args: [1n],
      });
      await chain.publicClient.waitForTransactionReceipt({ hash });

      // More risk: a buys more from b. Refused, naming the buyer (neither side reduces).
      const more = await b.buildOrder({ seriesId: m.callId, isBuy: false, amount: 10n ** 18n, limitPriceE18: mark });
      const p1 = await a.previewTrade({ order: more });
      expect(p1.refusal).to.be.instanceOf(Exchange_ReduceOnlyError);
      const err = (await rejection(a.fill(await b.signOrder({ order: more })))) as OptioContractError;
      expect(err).to.be.instanceOf(Exchange_ReduceOnlyError);
      expect(err.args).to.deep.equal(p1.refusal!.args);

      // Closing: b buys back 1 from a. Both reduce: accepted, and only maintenance applies.
      const close = await b.buildOrder({ seriesId: m.callId, isBuy: true, amount: 10n ** 18n, limitPriceE18: mark });
      const p2 = await a.previewTrade({ order: close });
      expect([p2.accepted, p2.buyer.reduces, p2.seller.reduces]).to.deep.equal([true, true, true]);
      const done = await a.fill(await b.signOrder({ order: close }));
      expect(done.receipt.status).to.equal("success");
    });
  });
});
