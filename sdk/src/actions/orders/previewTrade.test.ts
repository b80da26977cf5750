import { expect } from "chai";
import { createPublicClient, keccak256, parseUnits, stringToHex } from "viem";
import { createOptioClient } from "../../client.js";
import { privateKeyToAccount } from "viem/accounts";
import { exchangeDomain, orderTypes } from "../../types/order.js";
import { marginEngineAbi } from "../../abis/marginEngine.js";
import type { OptioContractError } from "../../errors/base.js";
import { positionBookAbi } from "../../abis/positionBook.js";
import { seriesRegistryAbi } from "../../abis/seriesRegistry.js";
import {
  Exchange_DustPositionError,
  Exchange_FillBelowMinimumError,
  Exchange_InvalidSignatureError,
  Exchange_ReduceOnlyError,
  Positions_TooManyLiveSeriesError,
  Series_OpenInterestCapExceededError,
  Margin_InsufficientInitialMarginError,
  Vault_InsufficientBalanceError,
} from "../../errors/generated.js";
import { pauseGuardAbi } from "../../abis/pauseGuard.js";
import { localChain, type LocalChain } from "../../test/chain.js";
import { market, rejection } from "../../test/fixtures.js";
import { countingPublicClient, fundedClient, isolated, namedClient, trade } from "../../test/accounts.js";

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

const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** Governance acts through the timelock: impersonated here to change a limit. */
async function asTimelock(
  chain: LocalChain,
  call:
    | { abi: typeof positionBookAbi; functionName: "setMaxLiveSeries"; args: [bigint] }
    | { abi: typeof seriesRegistryAbi; functionName: "setOpenInterestCap"; args: [bigint, bigint] },
) {
  const c = chain.deployment.contracts;
  const timelock = c.timelock;
  await chain.testClient.impersonateAccount({ address: timelock });
  await chain.testClient.setBalance({ address: timelock, value: 10n ** 20n });
  const hash = await chain.wallet(chain.accounts[0]).writeContract({
    ...call,
    account: timelock,
    address: call.functionName === "setMaxLiveSeries" ? c.book : c.registry,
  } as never);
  await chain.publicClient.waitForTransactionReceipt({ hash });
  await chain.testClient.stopImpersonatingAccount({ address: timelock });
}

/** The preview refuses with `kind`, and the chain's fill then reverts with the same class and arguments. */
async function refusedAlike(
  p: { accepted: boolean; refusal: OptioContractError | undefined },
  send: Promise<unknown>,
  kind: abstract new (...args: never[]) => OptioContractError,
) {
  expect(p.accepted).to.equal(false);
  expect(p.refusal).to.be.instanceOf(kind);
  const err = (await rejection(send)) as OptioContractError;
  expect(err).to.be.instanceOf(kind);
  expect(err.args).to.deep.equal(p.refusal!.args);
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

  it("refuses a signature that is not the maker's as Exchange_InvalidSignature, and accepts the maker's", async () => {
    const chain = await localChain();
    const m = await market(chain);
    const maker = await fundedClient(chain, "preview sig maker", parseUnits("40000", 6));
    const forger = await fundedClient(chain, "preview sig forger", parseUnits("40000", 6));
    const taker = await fundedClient(chain, "preview sig taker", parseUnits("40000", 6));
    const mark = await markNow(chain, m.callId);
    const order = await maker.buildOrder({ seriesId: m.callId, isBuy: false, amount: 10n ** 18n, limitPriceE18: mark });
    const good = await maker.signOrder({ order });
    // The forger's signature of the same terms in its own name: it recovers to some other address.
    const { signature: forged } = await forger.signOrder({ order: { ...order, maker: forger.address } });
    const p = await taker.previewTrade({ order, signature: forged });
    await refusedAlike(p, taker.fill({ order, signature: forged }), Exchange_InvalidSignatureError);
    // The maker's own signature in its malleable form (s → n − s, v flipped) recovers the maker, but ECDSA refuses it.
    const r = good.signature.slice(0, 66);
    const sValue = BigInt(`0x${good.signature.slice(66, 130)}`);
    const v = parseInt(good.signature.slice(130, 132), 16);
    const malleable: `0x${string}` = `0x${r.slice(2)}${(SECP256K1_N - sValue).toString(16).padStart(64, "0")}${(v === 27 ? 28 : 27).toString(16)}`;
    const pm = await taker.previewTrade({ order, signature: malleable });
    await refusedAlike(pm, taker.fill({ order, signature: malleable }), Exchange_InvalidSignatureError);
    const fine = await taker.previewTrade({ order, signature: good.signature });
    expect([fine.accepted, fine.refusal]).to.deep.equal([true, undefined]);
  });

  it("refuses a fill below the order's minimum as Exchange_FillBelowMinimum", async () => {
    const chain = await localChain();
    const m = await market(chain);
    const maker = await fundedClient(chain, "preview min maker", parseUnits("40000", 6));
    const taker = await fundedClient(chain, "preview min taker", parseUnits("40000", 6));
    const mark = await markNow(chain, m.callId);
    const order = await maker.buildOrder({
      seriesId: m.callId,
      isBuy: false,
      amount: 3n * 10n ** 18n,
      minFillAmount: 2n * 10n ** 18n,
      limitPriceE18: mark,
    });
    const signed = await maker.signOrder({ order });
    const amount = 10n ** 18n;
    const p = await taker.previewTrade({ order, amount, signature: signed.signature });
    await refusedAlike(p, taker.fill({ ...signed, amount }), Exchange_FillBelowMinimumError);
  });

  it("refuses a fill leaving the maker a position below its minimum as Exchange_DustPosition", async () => {
    const chain = await localChain();
    await isolated(chain, async () => {
      const m = await market(chain);
      const maker = await fundedClient(chain, "preview dust maker", parseUnits("40000", 6));
      const other = await fundedClient(chain, "preview dust other", parseUnits("40000", 6));
      const mark = await markNow(chain, m.callId);
      // The maker is short 2.5 calls; buying 3 back would leave it long 0.5, below its minimum of 2.
      await trade(maker, other, { seriesId: m.callId, isBuy: false, amount: 25n * 10n ** 17n, limitPriceE18: mark });
      const order = await maker.buildOrder({
        seriesId: m.callId,
        isBuy: true,
        amount: 3n * 10n ** 18n,
        minFillAmount: 2n * 10n ** 18n,
        limitPriceE18: mark,
      });
      const signed = await maker.signOrder({ order });
      const p = await other.previewTrade({ order, signature: signed.signature });
      await refusedAlike(p, other.fill(signed), Exchange_DustPositionError);
    });
  });

  it("refuses a new series beyond the live-series limit as Positions_TooManyLiveSeries", async () => {
    const chain = await localChain();
    await isolated(chain, async () => {
      const m = await market(chain);
      const maker = await fundedClient(chain, "preview live maker", parseUnits("40000", 6));
      const taker = await fundedClient(chain, "preview live taker", parseUnits("40000", 6));
      const putMark = await markNow(chain, m.putId);
      await trade(maker, taker, { seriesId: m.putId, isBuy: false, amount: 10n ** 18n, limitPriceE18: putMark });
      await asTimelock(chain, { abi: positionBookAbi, functionName: "setMaxLiveSeries", args: [1n] });
      const mark = await markNow(chain, m.callId);
      const order = await maker.buildOrder({
        seriesId: m.callId,
        isBuy: false,
        amount: 10n ** 18n,
        limitPriceE18: mark,
      });
      const signed = await maker.signOrder({ order });
      const p = await taker.previewTrade({ order, signature: signed.signature });
      // Both hold one series; the buyer (the taker) is checked first.
      expect(p.refusal?.args).to.deep.equal([taker.address, 1n]);
      await refusedAlike(p, taker.fill(signed), Positions_TooManyLiveSeriesError);
    });
  });

  it("refuses a fill beyond the series' open-interest cap as Series_OpenInterestCapExceeded", async () => {
    const chain = await localChain();
    await isolated(chain, async () => {
      const m = await market(chain);
      const maker = await fundedClient(chain, "preview oi maker", parseUnits("40000", 6));
      const taker = await fundedClient(chain, "preview oi taker", parseUnits("40000", 6));
      const mark = await markNow(chain, m.callId);
      const oi = (
        await chain.publicClient.readContract({
          address: chain.deployment.contracts.registry,
          abi: seriesRegistryAbi,
          functionName: "getSeries",
          args: [m.callId],
        })
      ).openInterest;
      const cap = oi + 10n ** 18n;
      await asTimelock(chain, {
        abi: seriesRegistryAbi,
        functionName: "setOpenInterestCap",
        args: [m.callId, cap],
      });
      const order = await maker.buildOrder({
        seriesId: m.callId,
        isBuy: false,
        amount: 2n * 10n ** 18n,
        limitPriceE18: mark,
      });
      const signed = await maker.signOrder({ order });
      const p = await taker.previewTrade({ order, signature: signed.signature });
      await refusedAlike(p, taker.fill(signed), Series_OpenInterestCapExceededError);
      const within = await taker.previewTrade({ order, amount: 10n ** 18n, signature: signed.signature });
      expect([within.accepted, within.refusal]).to.deep.equal([true, undefined]);
    });
  });

  it("checks a contract maker's signature through ERC-1271 as the exchange does", async () => {
    const chain = await localChain();
    await isolated(chain, async () => {
      const m = await market(chain);
      const taker = await fundedClient(chain, "preview 1271 taker", parseUnits("40000", 6));
      const ownerKey = privateKeyToAccount(keccak256(stringToHex("optio sdk test preview 1271 owner")));
      const strangerKey = privateKeyToAccount(keccak256(stringToHex("optio sdk test preview 1271 stranger")));
      const wallet = await chain.connection.ethers.deployContract("MockERC1271Wallet", [ownerKey.address]);
      const maker = (await wallet.getAddress()) as `0x${string}`;
      const mark = await markNow(chain, m.callId);
      const built = await taker.buildOrder({
        seriesId: m.callId,
        isBuy: true,
        amount: 10n ** 18n,
        limitPriceE18: mark,
      });
      const order = { ...built, maker };
      const sign = (key: typeof ownerKey) =>
        key.signTypedData({
          domain: exchangeDomain(chain.deployment.chainId, chain.deployment.contracts.exchange),
          types: orderTypes,
          primaryType: "Order",
          message: order,
        });
      const bad = await sign(strangerKey);
      const p = await taker.previewTrade({ order, signature: bad });
      await refusedAlike(p, taker.fill({ order, signature: bad }), Exchange_InvalidSignatureError);
      // The owner's signature passes ERC-1271 (the ECDSA signer is the owner, not the maker): the next refusal is
      // the wallet's empty vault balance, on both sides.
      const good = await sign(ownerKey);
      const q = await taker.previewTrade({ order, signature: good });
      // Every check from the same five requests: the block, three snapshot multicalls and the exchange's multicall.
      const { counter, transport } = countingPublicClient(chain);
      const counted = createOptioClient({
        publicClient: createPublicClient({ chain: chain.chain, transport }),
        deployment: chain.deployment,
      });
      expect(await counted.previewTrade({ order, signature: good, takerAccount: taker.address })).to.deep.equal(q);
      expect(counter.requests, counter.methods.join(",")).to.equal(5);
      expect(q.refusal?.args[0]).to.equal(maker);
      await refusedAlike(q, taker.fill({ order, signature: good }), Vault_InsufficientBalanceError);
    });
  });
});
