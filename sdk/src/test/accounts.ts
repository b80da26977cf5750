/**
 * Accounts of their own for the tests of the reading, risk and expiry actions: private keys derived from a name, so
 * each test file trades from accounts no other file touches (the node's 20 unlocked accounts are taken), funded
 * with ETH and mock USDC, and a helper that trades through the SDK's own order actions.
 */
import { type Address, createWalletClient, custom, http, keccak256, parseEther, stringToHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { createOptioClient, type OptioClient } from "../client.js";
import type { LocalChain } from "./chain.js";
import { market, mint } from "./fixtures.js";

/** An Optio client signing locally with the key derived from `name`, holding 100 ETH for gas. */
export async function namedClient(chain: LocalChain, name: string): Promise<OptioClient & { address: Address }> {
  const account = privateKeyToAccount(keccak256(stringToHex(`optio sdk test ${name}`)));
  await chain.testClient.setBalance({ address: account.address, value: parseEther("100") });
  const walletClient = createWalletClient({ chain: chain.chain, transport: http(chain.url), account });
  const client = createOptioClient({ publicClient: chain.publicClient, walletClient, deployment: chain.deployment });
  return Object.assign(client, { address: account.address });
}

/** `namedClient` with `usdc` (token units) minted and deposited through the SDK's `deposit`. */
export async function fundedClient(chain: LocalChain, name: string, usdc: bigint) {
  const client = await namedClient(chain, name);
  await mint(chain, chain.deployment.extra.usdc, client.address, usdc);
  await client.deposit({ token: chain.deployment.extra.usdc, amount: usdc });
  return client;
}

/** `maker` signs an order at `priceE18` and `taker` fills all of it; returns the fill's result. */
export async function trade(
  maker: OptioClient,
  taker: OptioClient,
  order: { seriesId: bigint; isBuy: boolean; amount: bigint; limitPriceE18: bigint },
) {
  const signed = await maker.signOrder({ order: await maker.buildOrder(order) });
  return await taker.fill(signed);
}

/** A public client over HTTP that counts the JSON-RPC requests it sends. */
export function countingPublicClient(chain: LocalChain) {
  const counter = { requests: 0, methods: [] as string[] };
  const base = http(chain.url)({ chain: chain.chain, retryCount: 0 });
  const transport = custom({
    async request(args: { method: string; params?: unknown }) {
      counter.requests++;
      counter.methods.push(args.method);
      return await base.request(args as never);
    },
  });
  return { counter, transport };
}

/**
 * Pushes `spotE18` and `volE18` for `symbol` through both sources (Chainlink mock and quorum reports), in steps of
 * at most 20% from the current answer (the quorum feed refuses larger jumps in one report).
 */
export async function pushPrice(chain: LocalChain, symbol: "ETH" | "BTC", spotE18: bigint, volE18: bigint) {
  const { ethers } = chain.connection;
  const { submitReport } = await import("../../../deploy/lib/quorum.js");
  const signers = (await ethers.getSigners()).slice(4, 7);
  const aggregator = await ethers.getContractAt(
    "MockV3Aggregator",
    chain.deployment.extra[`${symbol.toLowerCase()}Aggregator`],
  );
  const quorumFeed = await ethers.getContractAt("QuorumFeed", chain.deployment.contracts.quorumFeed);
  let current = ((await aggregator.latestAnswer()) as bigint) * 10n ** 10n;
  do {
    const cap = (current * 6n) / 5n;
    const floor = (current * 4n) / 5n;
    current = spotE18 > cap ? cap : spotE18 < floor ? floor : spotE18;
    await (await aggregator.updateAnswer(current / 10n ** 10n)).wait();
    const now = (await chain.publicClient.getBlock()).timestamp;
    await submitReport(quorumFeed, signers, `${symbol}/USD`, [current, current, current], now);
    await submitReport(quorumFeed, signers, `${symbol}/USD-IV`, [volE18, volE18, volE18], now);
  } while (current !== spotE18);
}

/**
 * Runs `body` on the shared node and reverts the node to its state before it (`evm_snapshot` / `evm_revert`), for
 * tests that move prices or time which the other test files must not see. The shared market (`market()`, memoised)
 * is set up first, outside the reverted span.
 */
export async function isolated<T>(chain: LocalChain, body: () => Promise<T>): Promise<T> {
  await market(chain);
  const id = await chain.testClient.snapshot();
  try {
    return await body();
  } finally {
    await chain.testClient.revert({ id });
  }
}

/** Collects what a `watchX` helper delivers; `next(n)` waits until `n` events have arrived (or 20 s). */
export function collector<event>() {
  const events: event[] = [];
  return {
    events,
    onEvents: (batch: event[]) => events.push(...batch),
    async next(n: number): Promise<event[]> {
      const deadline = Date.now() + 20_000;
      while (events.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      return events;
    },
  };
}
