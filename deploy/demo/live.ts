/**
 * The live part of `make demo`: after the scripted session, the whole system runs as it would in production, on
 * the same local chain. Governance moves the quorum feed to four signers (k = 3) and lists an option chain (two
 * underlyings, two expiries, five strikes, calls and puts); the keepers start as separate `optio-keeper` processes
 * (a liquidator and a settler, each with its own key, config, store and log); market makers and traders trade
 * through the SDK; then ETH crashes by more than 40% with a volatility spike, the liquidator flags and bids on every
 * account that falls under maintenance, the first expiry passes and the settler proves its price and settles every
 * position. A report ends it: trades, liquidations, discounts, bad debt, the insurance fund, socialised loss, gas
 * per operation, blocks from price move to auction, oracle rounds, and the conservation check (to the wei).
 */
import { readFile } from "node:fs/promises";
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
  getAccountStates,
  getMarketState,
  liquidationEngineAbi,
  type OptioClient,
  settlementAbi,
} from "@optio/sdk";
import { gridExpiries } from "../lib/expiries.js";
import { governThroughTimelock, type Listing } from "../lib/local.js";
import { signReport, submitReport } from "../lib/quorum.js";
import { countLines, KEEPER_DIR, resetKeeperDir, startKeeper, stopAll, type KeeperProcess } from "./keepers.js";
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

  // --- the oracle network: four signers, k = 3 -------------------------------------------------------------
  const signerKeys = [0, 1, 2, 3].map((i) => keyOf(`quorum signer ${i}`));
  const signerWallets = signerKeys.map((k) => new ethers.Wallet(k, ethers.provider));
  const prices = {
    ETH: { spot: 3_000n * WAD, vol: (65n * WAD) / 100n },
    BTC: { spot: 60_000n * WAD, vol: (55n * WAD) / 100n },
  };
  let oracleRounds = 0;
  /** From the crash on, blocks come every `BLOCK_MS` with every pending transaction, as on a live chain. */
  let intervalMining = false;
  let oracleGas = 0n;
  const priceBlocks: bigint[] = [];
  /**
   * Both sources of both underlyings in ONE block: the Chainlink mocks and a quorum round signed by 3 of the 4
   * signers, sent with automine off and mined together, so no block sees one source moved without the other.
   */
  async function publishPrices(): Promise<bigint> {
    const timestamp = BigInt(await networkHelpers.time.latest()) + 1n;
    const [deployer] = await ethers.getSigners();
    // Signer (round mod 4) sits this one out: k = 3 of 4 still makes it.
    const present = signerWallets.filter((_, i) => i !== (oracleRounds / 4) % 4);
    const reports = [];
    for (const sym of ["ETH", "BTC"] as const) {
      const { spot, vol } = prices[sym];
      for (const [name, value] of [
        [`${sym}/USD`, spot],
        [`${sym}/USD-IV`, vol],
      ] as const) {
        const values = present.map((_, i) => value + BigInt(i - 1) * (value / 10_000n));
        reports.push(await signReport(d.quorumFeed, present, name, values, timestamp));
      }
    }
    // Hold the miner while the updates queue: automine off, or the interval miner paused.
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
      for (const r of reports)
        sent.push(await (d.quorumFeed.connect(deployer) as Contract).submit(r.id, timestamp, r.observations));
      await connection.provider.request({ method: "evm_mine", params: [Number(timestamp)] });
    } finally {
      await connection.provider.request(
        intervalMining
          ? { method: "evm_setIntervalMining", params: [BLOCK_MS] }
          : { method: "evm_setAutomine", params: [true] },
      );
    }
    const receipts = await Promise.all(sent.map((t) => t.wait()));
    for (const receipt of receipts.slice(2)) oracleGas += receipt!.gasUsed;
    oracleRounds += reports.length;
    const block = BigInt(receipts[0]!.blockNumber);
    if (receipts.some((x) => BigInt(x!.blockNumber) !== block)) throw new Error("a price update spread over blocks");
    priceBlocks.push(block);
    return block;
  }

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
  const sortedSigners = signerWallets.map((w) => w.address).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
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
  await publishPrices();
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
  await resetKeeperDir();
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
  const keeperBase = {
    chainId: deployment.chainId,
    deployment: session.deploymentFile,
    rpc: { urls: [url] },
    blocks: { pollIntervalMs: 200, windowSize: 16 },
    metrics: { port: 0 },
  };
  const keepers: KeeperProcess[] = [
    await startKeeper("liquidator", ["liquidator"], { ...keeperBase }, liquidatorKey),
    await startKeeper("settler", ["settler"], { ...keeperBase }, settlerKey),
  ];
  // A keeper that cannot start (a config it refuses, a missing role) exits at once: fail with its own words.
  await new Promise((res) => setTimeout(res, 2_000));
  for (const k of keepers) {
    if (k.child.exitCode === null) continue;
    await stopAll();
    const tail = (await readFile(k.logPath, "utf8")).trim().split("\n").slice(-5).join("\n");
    throw new Error(`keeper ${k.name} exited with code ${k.child.exitCode} at start:\n${tail}`);
  }
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
    /** Accounts under maintenance (flaggable or in an auction) at `block`; records when each first became flaggable. */
    const underwaterAt = async (block: bigint) => {
      const market = await getMarketState(client, { blockNumber: block });
      const states = await getAccountStates(client, {
        accounts: traders,
        blockNumber: block,
        collaterals: market.collaterals.map((c) => c.token),
      });
      const out: Address[] = [];
      for (const a of traders) {
        const h = accountHealth(market, states.get(a)!);
        if (h.canStart || h.inAuction) out.push(a);
        if (h.canStart && !firstUnderwaterAt.has(a)) firstUnderwaterAt.set(a, block);
      }
      return out;
    };
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
      // Give the liquidator a moment to react before the next move (it polls every 200 ms).
      const deadline = Date.now() + (o.fast ? 8_000 : 15_000);
      for (;;) {
        await scanAuctions();
        const pending = [...firstUnderwaterAt.keys()].filter((a) => !auctionsStarted.has(a));
        if (pending.length === 0 || Date.now() > deadline) break;
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
    log(
      "live: auctions",
      `${auctionsStarted.size} started, ${bidEvents.length} bids, ${ended} ended; ${open.length} accounts still under maintenance`,
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
    const startHashes = bids.filter((e) => e.eventName === "AuctionStarted").map((e) => e.transactionHash);
    log("report", "-----------------------------------------------------------------");
    log(
      "  trades",
      `${trades} fills, premium ${fmt(premiumVolume, 6)} USDC, mean fill gas ${trades ? fmt(fillGas / BigInt(trades), 0, 0) : "-"}`,
    );
    log(
      "  liquidations",
      `${auctionsStarted.size} auctions, ${bidEvents.length} bids; bidders paid ${fmt(bidderPaid, 6)} USDC, the fund paid ${fmt(fundPaid, 6)} USDC`,
    );
    log("  insurance fund", `${fmt(fundBefore, 6)} -> ${fmt(fundAfter, 6)} USDC`);
    log("  bad debt", `fund payments ${fmt(fundPaid, 6)} USDC; socialised loss ${fmt(socialised, 6)} USDC`);
    log(
      "  gas per operation",
      `startAuction ${await gasOf(startHashes)}, bid ${await gasOf(bidEvents.map((e) => e.transactionHash))}, oracle update ${oracleRounds ? fmt(oracleGas / BigInt(oracleRounds), 0, 0) : "-"}`,
    );
    log(
      "  price move -> auction",
      `median ${median(latencies)} blocks of ${BLOCK_MS / 1000} s over ${latencies.length} auctions (max ${latencies.length ? Math.max(...latencies) : "-"})`,
    );
    log("  oracle rounds", `${oracleRounds} quorum rounds (k = 3 of 4)`);
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
