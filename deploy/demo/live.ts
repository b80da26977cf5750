/**
 * The live part of `make demo`: after the scripted session, the whole system runs as it would in production, on
 * the same local chain. Governance moves the quorum feed to four signers (k = 3) and lists an option chain (two
 * underlyings, two expiries, five strikes, calls and puts); the keepers start as separate `optio-keeper` processes
 * (four oracle signers exchanging signed observations over loopback HTTP, a liquidator and a settler, each with its
 * own key, config, store and log); market makers and traders trade through the SDK; then ETH crashes by more than 40% with a volatility spike, the liquidator flags and bids on every
 * account that falls under maintenance, the first expiry passes and the settler proves its price and settles every
 * position. A report ends it: trades, liquidations, discounts, bad debt, the insurance fund, socialised loss, gas
 * per operation, blocks from price move to auction, oracle rounds, and the conservation check (to the wei).
 */
import { appendFile, readFile } from "node:fs/promises";
import path from "node:path";
import type { Contract } from "ethers";
import {
  type Address,
  createPublicClient,
  createWalletClient,
  defineChain,
  type Hex,
  http,
  keccak256,
  parseEventLogs,
  stringToHex,
  type PublicClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  accountHealth,
  createOptioClient,
  feedId,
  getAccountStates,
  getMarketState,
  liquidationEngineAbi,
  quorumFeedAbi,
  type OptioClient,
  settlementAbi,
} from "@optio/sdk";
import { gridExpiries } from "../lib/expiries.js";
import { governThroughTimelock, type Listing } from "../lib/local.js";
import { submitReport } from "../lib/quorum.js";
import {
  countLines,
  freePort,
  KEEPER_DIR,
  resetKeeperDir,
  startKeeper,
  stopAll,
  type KeeperProcess,
} from "./keepers.js";
import type { SessionContext } from "./session.js";

const WAD = 10n ** 18n;
const USDC = 10n ** 6n;
/** Block time from the crash on (interval mining), in milliseconds: an L2's 2 seconds. */
const BLOCK_MS = 2_000;

export interface LiveOptions {
  /** Seeds every random choice (accounts, sizes, strikes). */
  seed: number;
  /** Fewer traders, fewer crash steps, shorter waits. */
  fast: boolean;
}

function log(step: string, detail = ""): void {
  console.log(`${new Date().toISOString().slice(11, 19)}  ${step.padEnd(28)} ${detail}`);
}

const fmt = (x: bigint, decimals = 18, digits = 2) =>
  (Number(x) / 10 ** decimals).toLocaleString("en-US", { maximumFractionDigits: digits });

/** A small seeded generator (mulberry32): the demo is repeatable for one `--seed`. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return { next, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)) };
}

/** A deterministic local key for a demo actor (never a real key: derived from a public label). */
const keyOf = (label: string): Hex => keccak256(stringToHex(`optio demo ${label}`));

const median = (xs: number[]) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function runLive(session: SessionContext, o: LiveOptions): Promise<void> {
  const { connection, contracts: d, deployment, proposer } = session;
  const { ethers, networkHelpers } = connection;
  const r = rng(o.seed);
  const url = process.env.OPTIO_RPC_URL!;
  const chain = defineChain({
    id: deployment.chainId,
    name: "Optio demo (Hardhat node)",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [url] } },
  });
  const publicClient = createPublicClient({ chain, transport: http(url), pollingInterval: 100 }) as PublicClient;
  const clientFor = (key: Hex): OptioClient =>
    createOptioClient({
      publicClient,
      walletClient: createWalletClient({ chain, transport: http(url), account: privateKeyToAccount(key) }),
      deployment,
    });
  const fund = async (address: Address) =>
    connection.provider.request({ method: "hardhat_setBalance", params: [address, "0x56BC75E2D63100000"] });
  const usdc = d.usdc;
  const usdcAddress = (await usdc.getAddress()) as Address;
  const mintAndDeposit = async (account: Address, amount: bigint) => {
    // The mock token mints to the deployer, who deposits for the account (deposits may credit any account).
    const [deployer] = await ethers.getSigners();
    await (await usdc.mint(deployer.address, amount)).wait();
    await (await (usdc.connect(deployer) as Contract).approve(await d.vault.getAddress(), amount)).wait();
    await (await (d.vault.connect(deployer) as Contract).deposit(account, usdcAddress, amount)).wait();
  };

  /** A keeper that cannot start (a config it refuses, a missing role) exits at once: fail with its own words. */
  const expectStarted = async (ks: KeeperProcess[]) => {
    await new Promise((res) => setTimeout(res, 2_000));
    for (const k of ks) {
      if (k.child.exitCode === null) continue;
      await stopAll();
      const tail = (await readFile(k.logPath, "utf8")).trim().split("\n").slice(-5).join("\n");
      throw new Error(`keeper ${k.name} exited with code ${k.child.exitCode} at start:\n${tail}`);
    }
  };

  // --- the oracle network: four signers, k = 3 -------------------------------------------------------------
  const signerKeys = [0, 1, 2, 3].map((i) => keyOf(`quorum signer ${i}`));
  const signerAddresses = signerKeys.map((k) => privateKeyToAccount(k).address);
  const SCRIPT = path.join(KEEPER_DIR, "prices.jsonl");
  const prices = {
    ETH: { spot: 3_000n * WAD, vol: (65n * WAD) / 100n },
    BTC: { spot: 60_000n * WAD, vol: (55n * WAD) / 100n },
  };
  /** From the crash on, blocks come every `BLOCK_MS` with every pending transaction, as on a live chain. */
  let intervalMining = false;
  const priceBlocks: bigint[] = [];
  const FEEDS = ["ETH/USD", "ETH/USD-IV", "BTC/USD", "BTC/USD-IV"] as const;
  const targetOf = (name: (typeof FEEDS)[number]) => {
    const p = prices[name.startsWith("ETH") ? "ETH" : "BTC"];
    return name.endsWith("-IV") ? p.vol : p.spot;
  };
  const decimal = (wad: bigint) => `${wad / WAD}.${(wad % WAD).toString().padStart(18, "0")}`;

  /**
   * The market moves: the signers' scripted source gets a new line (at the chain's time) and the Chainlink mocks a new
   * answer (both in one block); then the four signer processes observe it, exchange signed observations and submit
   * quorum rounds on their own. Resolves with the block in which the last feed reached its new value.
   */
  async function publishPrices(): Promise<bigint> {
    const [deployer] = await ethers.getSigners();
    // Hold the miner while both Chainlink updates queue (automine off, or the interval miner paused).
    await connection.provider.request(
      intervalMining
        ? { method: "evm_setIntervalMining", params: [0] }
        : { method: "evm_setAutomine", params: [false] },
    );
    const sent = [];
    try {
      for (const sym of ["ETH", "BTC"] as const)
        sent.push(
          await (d[`${sym.toLowerCase()}Aggregator`].connect(deployer) as Contract).updateAnswer(
            prices[sym].spot / 10n ** 10n,
          ),
        );
      await connection.provider.request({ method: "evm_mine", params: [] });
    } finally {
      await connection.provider.request(
        intervalMining
          ? { method: "evm_setIntervalMining", params: [BLOCK_MS] }
          : { method: "evm_setAutomine", params: [true] },
      );
    }
    await Promise.all(sent.map((t) => t.wait()));
    // Chainlink first, then the signers' scripted source: a signer that reads both sees them agree.
    const line: Record<string, unknown> = { at: await networkHelpers.time.latest() };
    for (const name of FEEDS) line[name] = decimal(targetOf(name));
    await appendFile(SCRIPT, `${JSON.stringify(line)}\n`);
    // The signers' rounds: wait until every feed carries the new value (a large move walks in bounded steps).
    const deadline = Date.now() + 60_000;
    for (;;) {
      const rounds = await Promise.all(FEEDS.map((name) => d.quorumFeed.latestRound(feedId(name))));
      // The new value, in a round no older than the signers' heartbeat (after a clock jump they re-report).
      const fresh = (r: readonly unknown[], k: number) =>
        (r[1] as bigint) === targetOf(FEEDS[k]) && (r[2] as bigint) + 600n >= BigInt(line.at as number);
      if (rounds.every(fresh)) break;
      if (Date.now() > deadline)
        throw new Error(
          `the quorum signers did not report the new prices within 60 s (see ${KEEPER_DIR}/signer-*.log)`,
        );
      // Without interval mining the chain only moves when someone sends: the signers' submissions do.
      await new Promise((res) => setTimeout(res, 200));
    }
    const block = await publicClient.getBlockNumber({ cacheTime: 0 });
    priceBlocks.push(block);
    return block;
  }

  await resetKeeperDir();
  const keeperBase = {
    chainId: deployment.chainId,
    deployment: session.deploymentFile,
    rpc: { urls: [url] },
    blocks: { pollIntervalMs: 200, windowSize: 16 },
    metrics: { port: 0 },
  };

  // --- governance: the signer set, and a new option chain --------------------------------------------------
  const now = await networkHelpers.time.latest();
  const expiries = gridExpiries(now, 2, 3 * 86_400).map(BigInt);
  const chainSpec = [
    { underlyingId: 1n, strikes: [2_400n, 2_700n, 3_000n, 3_300n, 3_600n] },
    { underlyingId: 2n, strikes: [50_000n, 55_000n, 60_000n, 65_000n, 70_000n] },
  ];
  const listings: Listing[] = [];
  for (const { underlyingId, strikes } of chainSpec)
    for (const expiry of expiries)
      for (const k of strikes)
        for (const isCall of [false, true]) listings.push({ underlyingId, strikeE18: k * WAD, expiry, isCall });
  const registryAddress = await d.registry.getAddress();
  const sortedSigners = [...signerAddresses].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
  await governThroughTimelock(
    connection as unknown as Parameters<typeof governThroughTimelock>[0],
    d.timelock,
    proposer,
    [
      {
        target: await d.quorumFeed.getAddress(),
        data: d.quorumFeed.interface.encodeFunctionData("setSigners", [sortedSigners, 3n]),
      },
      ...listings.map((l) => ({
        target: registryAddress,
        data: d.registry.interface.encodeFunctionData("listSeries", [l.underlyingId, l.strikeE18, l.expiry, l.isCall]),
      })),
    ],
    async () => {
      // The quorum's signer set changes in this very batch: the old signers report once more so listing sees Ok.
      const [, , , , s1, s2] = await ethers.getSigners();
      const ts = BigInt(await networkHelpers.time.latest());
      for (const sym of ["ETH", "BTC"] as const) {
        await (await d[`${sym.toLowerCase()}Aggregator`].updateAnswer(prices[sym].spot / 10n ** 10n)).wait();
        await submitReport(d.quorumFeed, [s1, s2], `${sym}/USD`, [prices[sym].spot, prices[sym].spot], ts);
        await submitReport(d.quorumFeed, [s1, s2], `${sym}/USD-IV`, [prices[sym].vol, prices[sym].vol], ts);
      }
    },
  );
  // The four signers, each its own `optio-keeper run --roles oracle` process with its own key, observation server
  // and store; each reads the scripted source (the demo's market) and, for spot, the Chainlink aggregator.
  const signerPorts = await Promise.all(signerKeys.map(() => freePort()));
  const signerUrls = signerPorts.map((port) => `http://127.0.0.1:${port}`);
  const signers: KeeperProcess[] = [];
  for (const [i, key] of signerKeys.entries()) {
    await fund(signerAddresses[i]);
    const feeds = FEEDS.map((name) => ({
      name,
      kind: name.endsWith("-IV") ? "vol" : "spot",
      sources: [
        { type: "scripted", path: SCRIPT },
        ...(name.endsWith("-IV")
          ? []
          : [{ type: "chainlink", aggregator: `${name.slice(0, 3).toLowerCase()}Aggregator` }]),
      ],
      deviationPercent: 0.5,
      heartbeatSeconds: 600,
    }));
    signers.push(
      await startKeeper(
        `signer-${i}`,
        ["oracle"],
        {
          ...keeperBase,
          roles: {
            oracle: {
              feeds,
              listen: { host: "127.0.0.1", port: signerPorts[i] },
              peers: signerUrls.filter((_, k) => k !== i),
              tickMs: 250,
              proposeBackoffMs: 1_000,
              submitBackoffMs: 1_000,
            },
          },
        },
        key,
      ),
    );
  }
  await expectStarted(signers);
  await publishPrices();
  log(
    "live: oracle network",
    `4 signer processes (k = 3) report ${FEEDS.join(", ")} from a scripted source and Chainlink`,
  );
  const seriesOf = new Map<string, bigint>();
  for (const l of listings) {
    const id = (await d.registry.seriesIdOf(l.underlyingId, l.strikeE18, l.expiry, l.isCall)) as bigint;
    seriesOf.set(`${l.underlyingId}:${l.strikeE18 / WAD}:${l.expiry}:${l.isCall ? "C" : "P"}`, id);
  }
  log(
    "live: governance",
    `timelock set 4 quorum signers (k = 3) and listed ${listings.length} series, expiries ${expiries
      .map((e) => new Date(Number(e) * 1000).toISOString().slice(0, 10))
      .join(", ")}`,
  );

  // --- keepers as separate processes ---------------------------------------------------------------------
  const liquidatorKey = keyOf("liquidator");
  const settlerKey = keyOf("settler");
  const liquidator = privateKeyToAccount(liquidatorKey).address;
  const settler = privateKeyToAccount(settlerKey).address;
  await fund(liquidator);
  await fund(settler);
  // The liquidator bids from its own vault account: it needs capital for what it takes over.
  await mintAndDeposit(liquidator, 3_000_000n * USDC);
  // The insurance fund starts with a buffer (its fee share alone is small in a short demo).
  await mintAndDeposit((await d.insuranceFund.getAddress()) as Address, 250_000n * USDC);
  const keepers: KeeperProcess[] = [
    await startKeeper("liquidator", ["liquidator"], { ...keeperBase }, liquidatorKey),
    await startKeeper("settler", ["settler"], { ...keeperBase }, settlerKey),
  ];
  await expectStarted(keepers);
  log("live: keepers", `liquidator ${liquidator}, settler ${settler}; logs in ${KEEPER_DIR}`);

  try {
    // --- market makers and traders, through the SDK --------------------------------------------------------
    const makers = [0, 1].map((i) => keyOf(`maker ${i}`));
    for (const k of makers) {
      await fund(privateKeyToAccount(k).address);
      await mintAndDeposit(privateKeyToAccount(k).address, 5_000_000n * USDC);
    }
    const traderCount = o.fast ? 24 : 48;
    const traders: Address[] = [];
    let trades = 0;
    let refusedTrades = 0;
    let premiumVolume = 0n;
    let fillGas = 0n;
    for (let i = 0; i < traderCount; i++) {
      const key = keyOf(`trader ${i}`);
      const trader = clientFor(key);
      const address = trader.walletClient!.account!.address;
      traders.push(address);
      await fund(address);
      await mintAndDeposit(address, BigInt(r.int(5_000, 60_000)) * USDC);
      const maker = clientFor(makers[i % makers.length]);
      // Most traders sell ETH or BTC puts (short gamma, the accounts a crash hurts), some buy calls.
      const legs = r.int(1, 3);
      for (let leg = 0; leg < legs; leg++) {
        const eth = r.next() < 0.75;
        const spec = chainSpec[eth ? 0 : 1];
        const sellsPut = r.next() < 0.8;
        const strike = spec.strikes[sellsPut ? r.int(1, 2) : r.int(2, 4)];
        const expiry = expiries[r.int(0, 1)];
        const seriesId = seriesOf.get(`${spec.underlyingId}:${strike}:${expiry}:${sellsPut ? "P" : "C"}`)!;
        const { markE18 } = await trader.quote({
          underlyingId: spec.underlyingId,
          strikeE18: strike * WAD,
          expiry,
          isCall: !sellsPut,
        });
        // The maker buys the trader's put a little under the model, or sells a call a little over it.
        const limitPriceE18 = sellsPut ? (markE18 * 97n) / 100n : (markE18 * 103n) / 100n;
        let amount = ((eth ? 40n : 2n) * WAD * BigInt(r.int(20, 100))) / 100n;
        for (let tries = 0; tries < 6 && amount > 0n; tries++, amount /= 2n) {
          const order = await maker.buildOrder({ seriesId, isBuy: sellsPut, amount, limitPriceE18 });
          const { signature } = await maker.signOrder({ order });
          const preview = await trader.previewTrade({ order, signature });
          if (!preview.accepted) {
            refusedTrades++;
            continue;
          }
          const filled = await trader.fill({ order, signature });
          trades++;
          premiumVolume += filled.premium;
          fillGas += filled.receipt.gasUsed;
          break;
        }
      }
      if ((i + 1) % 8 === 0)
        log("  trading", `${i + 1}/${traderCount} traders, ${trades} fills, ${refusedTrades} previews refused`);
    }
    log(
      "live: market",
      `${trades} fills, premium ${fmt(premiumVolume, 6)} USDC, ${refusedTrades} oversized orders refused by previewTrade`,
    );

    // --- the crash ----------------------------------------------------------------------------------------
    const fundAddress = (await d.insuranceFund.getAddress()) as Address;
    const fundBefore = (await d.vault.balanceOf(fundAddress, usdcAddress)) as bigint;
    const steps = o.fast ? 5 : 8;
    const client = clientFor(keyOf("observer"));
    const firstUnderwaterAt = new Map<Address, bigint>();
    const auctionsStarted = new Map<Address, bigint>();
    const engine = deployment.contracts.liquidationEngine;
    const scanAuctions = async () => {
      const logs = await publicClient.getLogs({ address: engine, fromBlock: priceBlocks[0], toBlock: "latest" });
      for (const e of parseEventLogs({ abi: liquidationEngineAbi, logs, eventName: "AuctionStarted" }))
        if (!auctionsStarted.has(e.args.account)) auctionsStarted.set(e.args.account, e.blockNumber);
    };
    /** Every trader's liquidation status at `block` (default: the latest), by the SDK's local mirror. */
    const tradersHealth = async (block?: bigint) => {
      const market = await getMarketState(client, { blockNumber: block });
      const states = await getAccountStates(client, {
        accounts: traders,
        blockNumber: market.blockNumber,
        collaterals: market.collaterals.map((c) => c.token),
      });
      return traders.map((account) => ({ account, health: accountHealth(market, states.get(account)!) }));
    };
    /** Accounts under maintenance (flaggable or in an auction) at `block`; records when each first became flaggable. */
    const underwaterAt = async (block: bigint) => {
      const out: Address[] = [];
      for (const { account, health } of await tradersHealth(block)) {
        if (health.canStart || health.inAuction) out.push(account);
        if (health.canStart && !firstUnderwaterAt.has(account)) firstUnderwaterAt.set(account, block);
      }
      return out;
    };
    /** Auctions a bid could take now (running, under maintenance, a positive fraction allowed). */
    const biddableNow = async () =>
      (await tradersHealth()).filter(({ health }) => health.inAuction && health.maxFractionWad > 0n).length;
    /** Checks every block mined since the last call (price updates and the keepers' own), so no moment is missed. */
    let checkedTo = (await publicClient.getBlockNumber({ cacheTime: 0 })) - 1n;
    const underwaterNow = async () => {
      const head = await publicClient.getBlockNumber({ cacheTime: 0 });
      let out: Address[] = [];
      for (let b = checkedTo + 1n; b <= head; b++) out = await underwaterAt(b);
      checkedTo = head;
      return out;
    };
    // Until now every transaction had its own block (automine). From here a block is mined every 2 seconds with all
    // pending transactions, as on a live L2, so "blocks from price move to auction" means what it says.
    await connection.provider.request({ method: "evm_setAutomine", params: [false] });
    await connection.provider.request({ method: "evm_setIntervalMining", params: [BLOCK_MS] });
    intervalMining = true;
    log("live: crash", `ETH 3,000 -> 1,740 (-42%) and IV 65% -> 140% in ${steps} oracle updates; BTC -25%`);
    for (let step = 1; step <= steps; step++) {
      const f = (x: bigint, to: bigint) => x + ((to - x) * BigInt(step)) / BigInt(steps);
      prices.ETH = { spot: f(3_000n * WAD, 1_740n * WAD), vol: f((65n * WAD) / 100n, (140n * WAD) / 100n) };
      prices.BTC = { spot: f(60_000n * WAD, 45_000n * WAD), vol: f((55n * WAD) / 100n, (100n * WAD) / 100n) };
      const block = await publishPrices();
      const flagged = await underwaterNow();
      // The market pauses until the liquidator has flagged every flaggable account and taken every bid the engine
      // allows at this price (or a deadline passes): the crash comes in moves the keepers can keep up with, so the
      // figures below measure the protocol rather than the order in which processes were scheduled.
      const deadline = Date.now() + (o.fast ? 8_000 : 12_000);
      for (;;) {
        await scanAuctions();
        const pending = [...firstUnderwaterAt.keys()].filter((a) => !auctionsStarted.has(a));
        if ((pending.length === 0 && (await biddableNow()) === 0) || Date.now() > deadline) break;
        await new Promise((res) => setTimeout(res, 300));
      }
      log(
        `  step ${step}/${steps}`,
        `ETH ${fmt(prices.ETH.spot, 18, 0)} IV ${fmt(prices.ETH.vol * 100n, 18, 0)}%: ${flagged.length} under maintenance, ${auctionsStarted.size} auctions started, block ${block}`,
      );
    }

    // --- auctions run out: time passes (the discount ramps), prices stay fresh --------------------------------
    const settleWait = o.fast ? 60_000 : 120_000;
    const until = Date.now() + settleWait;
    let open: Address[] = [];
    for (;;) {
      await networkHelpers.time.increase(60);
      await publishPrices();
      await scanAuctions();
      open = (await underwaterNow()).filter((a) => auctionsStarted.has(a) || firstUnderwaterAt.has(a));
      if (open.length === 0 || Date.now() > until) break;
      await new Promise((res) => setTimeout(res, 1_000));
    }
    const bids = parseEventLogs({
      abi: liquidationEngineAbi,
      logs: await publicClient.getLogs({ address: engine, fromBlock: priceBlocks[0], toBlock: "latest" }),
    });
    const bidEvents = bids.filter((e) => e.eventName === "AuctionBid");
    const ended = bids.filter((e) => e.eventName === "AuctionEnded").length;
    const starts = bids.filter((e) => e.eventName === "AuctionStarted").length;
    log(
      "live: auctions",
      `${starts} started on ${auctionsStarted.size} accounts, ${bidEvents.length} bids, ${ended} ended; ${open.length} accounts still under maintenance`,
    );

    // --- expiry: the settler proves the price and settles every position ------------------------------------
    const firstExpiry = expiries[0];
    await networkHelpers.time.increaseTo(Number(firstExpiry) + 60);
    await publishPrices();
    const expiredSeries = listings
      .filter((l) => BigInt(l.expiry) === firstExpiry)
      .map((l) => seriesOf.get(`${l.underlyingId}:${l.strikeE18 / WAD}:${l.expiry}:${l.isCall ? "C" : "P"}`)!);
    const settleUntil = Date.now() + (o.fast ? 60_000 : 120_000);
    let openInterest = 0n;
    for (;;) {
      openInterest = 0n;
      for (const id of expiredSeries)
        openInterest += ((await d.registry.getSeries(id)) as { openInterest: bigint }).openInterest;
      if (openInterest === 0n || Date.now() > settleUntil) break;
      await new Promise((res) => setTimeout(res, 1_000));
    }
    const settlementLogs = parseEventLogs({
      abi: settlementAbi,
      logs: await publicClient.getLogs({
        address: deployment.contracts.settlement,
        fromBlock: priceBlocks[0],
        toBlock: "latest",
      }),
    });
    log(
      "live: expiry",
      `${new Date(Number(firstExpiry) * 1000).toISOString().slice(0, 16)}: ${settlementLogs.length} settlement events, open interest left ${fmt(openInterest)}`,
    );

    await connection.provider.request({ method: "evm_setIntervalMining", params: [0] });
    await connection.provider.request({ method: "evm_setAutomine", params: [true] });
    intervalMining = false;

    // --- report ---------------------------------------------------------------------------------------------
    const fundAfter = (await d.vault.balanceOf(fundAddress, usdcAddress)) as bigint;
    let socialised = 0n;
    let fundPaid = 0n;
    let bidderPaid = 0n;
    for (const e of bidEvents) {
      const args = e.args as { payment: bigint; socialised: bigint };
      socialised += args.socialised;
      if (args.payment < 0n) fundPaid += -args.payment;
      else bidderPaid += args.payment;
    }
    // The discount a bid earns: the market value it takes (gross value x fraction, read at the block before it) times
    // the discount of the moment. Several bids in one block read the same state: a close estimate, not a ledger.
    let discountWad = 0n;
    for (const e of bidEvents) {
      const args = e.args as { account: Address; fractionWad: bigint; discountWad: bigint };
      const before = await client.getLiquidationStatus({ account: args.account, blockNumber: e.blockNumber - 1n });
      discountWad += (((before.grossValueWad * args.fractionWad) / WAD) * args.discountWad) / WAD;
    }
    const meanDiscountPct = bidEvents.length
      ? bidEvents.reduce((sum, e) => sum + Number((e.args as { discountWad: bigint }).discountWad), 0) /
        bidEvents.length /
        1e16
      : 0;
    const latencies = [...auctionsStarted]
      .filter(([a]) => firstUnderwaterAt.has(a))
      .map(([a, b]) => Number(b - firstUnderwaterAt.get(a)!));
    const gasOf = async (hashes: Hex[]) => {
      if (hashes.length === 0) return 0;
      const receipts = await Promise.all(
        hashes.slice(0, 20).map((hash) => publicClient.getTransactionReceipt({ hash })),
      );
      return Math.round(median(receipts.map((x) => Number(x.gasUsed))));
    };
    const reportsAccepted = parseEventLogs({
      abi: quorumFeedAbi,
      eventName: "ReportAccepted",
      logs: await publicClient.getLogs({
        address: deployment.contracts.quorumFeed,
        fromBlock: priceBlocks[0],
        toBlock: "latest",
      }),
    });
    const startHashes = bids.filter((e) => e.eventName === "AuctionStarted").map((e) => e.transactionHash);
    log("report", "-----------------------------------------------------------------");
    log(
      "  trades",
      `${trades} fills, premium ${fmt(premiumVolume, 6)} USDC, mean fill gas ${trades ? fmt(fillGas / BigInt(trades), 0, 0) : "-"}`,
    );
    log(
      "  liquidations",
      `${starts} auctions on ${auctionsStarted.size} accounts, ${bidEvents.length} bids; bidders paid ${fmt(bidderPaid, 6)} USDC, the fund paid ${fmt(fundPaid, 6)} USDC`,
    );
    log(
      "  discounts",
      `about ${fmt(discountWad)} USD earned by bidders (mean discount ${meanDiscountPct.toFixed(2)}%)`,
    );
    log("  insurance fund", `${fmt(fundBefore, 6)} -> ${fmt(fundAfter, 6)} USDC`);
    log("  bad debt", `fund payments ${fmt(fundPaid, 6)} USDC; socialised loss ${fmt(socialised, 6)} USDC`);
    log(
      "  gas per operation (median)",
      `startAuction ${await gasOf(startHashes)}, bid ${await gasOf(bidEvents.map((e) => e.transactionHash))}, settlement batch ${await gasOf([...new Set(settlementLogs.map((e) => e.transactionHash))])}, quorum round ${await gasOf(reportsAccepted.map((e) => e.transactionHash))}`,
    );
    log(
      "  price move -> auction",
      // keeper.latency.blocks, measured inside the demo
      `median ${median(latencies)} blocks of ${BLOCK_MS / 1000} s over ${latencies.length} accounts, first flag of each (max ${latencies.length ? Math.max(...latencies) : "-"})`,
    );
    log(
      "  oracle rounds",
      `${reportsAccepted.length} quorum rounds (k = 3 of 4) submitted by the signer processes: ${signers
        .map((k) => `${k.name} ${countLines(k, /^round landed$/)}`)
        .join(", ")}`,
    );
    for (const k of keepers)
      log(`  keeper ${k.name}`, `${k.lines.length} log lines, ${countLines(k, /error|failed/i)} errors`);

    // --- checks ---------------------------------------------------------------------------------------------
    const failures: string[] = [];
    if (auctionsStarted.size === 0) failures.push("no liquidation happened");
    const missed = [...firstUnderwaterAt.keys()].filter((a) => !auctionsStarted.has(a));
    if (missed.length > 0) failures.push(`${missed.length} accounts under maintenance were never auctioned`);
    if (openInterest !== 0n) failures.push(`open interest ${fmt(openInterest)} left in the expired series`);
    let conserved = true;
    for (const token of [d.usdc, d.weth, d.wbtc]) {
      const held = (await token.balanceOf(await d.vault.getAddress())) as bigint;
      const owed = (await d.vault.totalBalance(await token.getAddress())) as bigint;
      conserved &&= held === owed;
    }
    if (!conserved) failures.push("conservation: vault holdings differ from account balances");
    if (failures.length > 0) throw new Error(`live demo checks failed: ${failures.join("; ")}`);
    log(
      "live: checks",
      "passed: every account under maintenance auctioned, the expiry settled, conservation to the wei",
    );
  } finally {
    const codes = await stopAll();
    for (const [name, code] of codes) log("  stopped", `${name} exited with ${code}`);
  }
}
