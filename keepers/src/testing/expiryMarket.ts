/**
 * An expired market for the settler's end-to-end tests: Optio deployed on a node, four ETH series of one expiry
 * (calls and puts, three in the money and one out at the expiry price), a market maker and `traders` accounts
 * each holding one call and one put (longs and shorts), the clock moved past the expiry and a Chainlink round after
 * it. One trader posts WETH only and sells (a call that ends deep in the money, and a put): its settlement leaves a debt,
 * and the longs of that call a claim to pay once the debt is repaid. Test setup only; the keepers never import this.
 */
import { Wallet, type Contract, type Signer } from "ethers";
import { keccak256, toHex, type Address } from "viem";
import { deployOptio, type OptioOnNode } from "./optio.js";
import { rpc } from "./nodes.js";

const WAD = 10n ** 18n;
const USDC = 10n ** 6n;

export interface ExpiredMarket {
  optio: OptioOnNode;
  underlyingId: bigint;
  expiry: bigint;
  /** The four series ids: call 2800, call 3200, put 2800, put 3400. */
  seriesIds: bigint[];
  /** Every account that traded (traders and the market maker). */
  accounts: Address[];
  /** The trader whose short call leaves a settlement debt. */
  debtor: Wallet & { address: Address };
  /** Positions open at expiry (account, series pairs with a non-zero size). */
  openPositions: number;
}

/** Deploys, lists, trades and expires; prices: spot 3,000 at trading, 3,300 at expiry. */
export async function expiredMarket(url: string, dir: string, traders: number): Promise<ExpiredMarket> {
  const optio = await deployOptio(url, dir);
  const { ethers } = optio.connection;
  const c = optio.contracts;
  const signers = await ethers.getSigners();
  const maker = signers[7];
  const now = Number((await ethers.provider.getBlock("latest"))!.timestamp);
  const { gridExpiries } = await import("../../../deploy/lib/expiries.js");
  const expiry = BigInt(gridExpiries(now, 1)[0]);
  const underlyingId = 1n;
  // Both ETH sources: the Chainlink mock (8 decimals) and the quorum feed (spot and implied vol, stamped with the
  // latest block's time: anvil estimates gas at that time, so a later stamp would be refused as a future report).
  const { submitReport } = await import("../../../deploy/lib/quorum.js");
  const pushEth = async (spotWad: bigint) => {
    await (await c.ethAggregator.updateAnswer(spotWad / 10n ** 10n)).wait();
    const t = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
    const vol = (65n * WAD) / 100n;
    await submitReport(c.quorumFeed, optio.quorumSigners, "ETH/USD", [spotWad, spotWad, spotWad], t);
    await submitReport(c.quorumFeed, optio.quorumSigners, "ETH/USD-IV", [vol, vol, vol], t);
  };
  await pushEth(3_000n * WAD);
  const terms = [
    { strikeE18: 2_800n * WAD, isCall: true },
    { strikeE18: 3_200n * WAD, isCall: true },
    { strikeE18: 2_800n * WAD, isCall: false },
    { strikeE18: 3_400n * WAD, isCall: false },
  ];
  await optio.list(terms.map((t) => ({ underlyingId, expiry, ...t })));
  const seriesIds: bigint[] = [];
  for (const t of terms)
    seriesIds.push((await c.registry.seriesIdOf(underlyingId, t.strikeE18, expiry, t.isCall)) as bigint);

  const vaultAddress = (await c.vault.getAddress()) as Address;
  const usdc = c.usdc;
  const weth = c.weth;
  const deposit = async (who: Signer, token: Contract, amount: bigint) => {
    const address = await who.getAddress();
    await (await (token.connect(who) as Contract).mint(address, amount)).wait();
    await (await (token.connect(who) as Contract).approve(vaultAddress, amount)).wait();
    await (await (c.vault.connect(who) as Contract).deposit(address, await token.getAddress(), amount)).wait();
  };
  await deposit(maker, usdc, 50_000_000n * USDC);

  const wallets: Wallet[] = [];
  for (let i = 0; i < traders; i++) {
    const wallet = new Wallet(keccak256(toHex(`optio settler trader ${i}`)), ethers.provider);
    await rpc(url, "hardhat_setBalance", [wallet.address, toHex(100n * WAD)]);
    wallets.push(wallet);
  }
  const debtor = wallets[0] as Wallet & { address: Address };
  // Eight at a time: each wallet's own transactions go in order, the wallets in parallel.
  for (let i = 0; i < wallets.length; i += 8) {
    await Promise.all(
      wallets
        .slice(i, i + 8)
        .map((w) => (w === debtor ? deposit(w, weth, 2n * WAD) : deposit(w, usdc, 20_000n * USDC))),
    );
  }

  // Every trader takes one call and one put from the maker's signed orders, buying or selling by its index.
  const { signOrder } = await import("../../../deploy/lib/orders.js");
  const deadline = BigInt(now) + 30n * 86_400n;
  let nonce = 0n;
  const trades: { wallet: Wallet; seriesId: bigint; traderBuys: boolean }[] = [];
  wallets.forEach((wallet, i) => {
    trades.push({ wallet, seriesId: seriesIds[i % 2], traderBuys: ((i >> 1) & 1) === 0 && wallet !== debtor });
    trades.push({
      wallet,
      seriesId: seriesIds[2 + ((i >> 2) % 2)],
      traderBuys: ((i >> 3) & 1) === 0 && wallet !== debtor,
    });
  });
  const orders = [];
  for (const t of trades) {
    const mark = (await c.margin.markOf(t.seriesId)) as bigint;
    const order = {
      maker: maker.address,
      seriesId: t.seriesId,
      isBuy: !t.traderBuys,
      amount: WAD,
      minFillAmount: 0n,
      // The maker asks 5% over the mark and bids 5% under it.
      limitPriceE18: t.traderBuys ? (mark * 105n) / 100n : (mark * 95n) / 100n,
      deadline,
      nonce: ++nonce,
      taker: "0x0000000000000000000000000000000000000000",
    };
    orders.push({ t, order, signature: await signOrder(maker, c.exchange, order) });
  }
  const byWallet = new Map<Wallet, typeof orders>();
  for (const o of orders) byWallet.set(o.t.wallet, [...(byWallet.get(o.t.wallet) ?? []), o]);
  const queues = [...byWallet.entries()];
  for (let i = 0; i < queues.length; i += 8) {
    await Promise.all(
      queues.slice(i, i + 8).map(async ([wallet, list]) => {
        for (const { order, signature } of list)
          await (
            await (c.exchange.connect(wallet) as Contract).fill(order, signature, order.amount, wallet.address, {
              // Fills run in parallel against one maker: an estimate made before another fill lands can run short.
              gasLimit: 3_000_000n,
            })
          ).wait();
      }),
    );
  }

  // Past the expiry; the first Chainlink round after it says 3,300 (quorum feed too): both calls and the 3,400 put
  // end in the money, the 2,800 put out of it.
  await rpc(url, "evm_setNextBlockTimestamp", [toHex(expiry + 60n)]);
  await rpc(url, "evm_mine", []);
  await pushEth(3_300n * WAD);

  const accounts = [maker.address as Address, ...wallets.map((w) => w.address as Address)];
  let openPositions = 0;
  for (const a of accounts)
    for (const id of seriesIds) if (((await c.book.positionOf(a, id)) as bigint) !== 0n) openPositions++;
  return { optio, underlyingId, expiry, seriesIds, accounts, debtor, openPositions };
}
