/**
 * A book of accounts for the liquidator's end-to-end tests, built cheaply on a real node: positions moved by the
 * deployer holding the book's TRADER_ROLE (granted by the impersonated timelock), collateral deposited for each
 * account, and a crash that leaves some accounts under maintenance and others healthy. Test setup only.
 */
import {
  createPublicClient,
  createWalletClient,
  encodeFunctionData,
  getAddress,
  http,
  keccak256,
  parseAbi,
  toHex,
  type Address,
  type Hex,
  type PublicClient,
} from "viem";
import { mnemonicToAccount } from "viem/accounts";
import {
  decodeOptioError,
  liquidationEngineAbi,
  positionBookAbi,
  vaultAbi,
  WAD,
  type LiquidationStatus,
} from "@optio/sdk";
import type { Contract } from "ethers";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, rpc } from "./nodes.js";
import type { OptioOnNode } from "./optio.js";

/** The mnemonic of Hardhat's and anvil's published dev accounts (local nodes only). */
const DEV_MNEMONIC = "test test test test test test test test test test test junk";

/** Private key of dev account `index` (7 and up are free of the deployment's roles). */
export function devKey(index: number): Hex {
  return toHex(mnemonicToAccount(DEV_MNEMONIC, { addressIndex: index }).getHdKey().privateKey!);
}

export function devAddress(index: number): Address {
  return mnemonicToAccount(DEV_MNEMONIC, { addressIndex: index }).address;
}

const erc20MintAbi = parseAbi([
  "function mint(address to, uint256 amount)",
  "function approve(address spender, uint256 amount) returns (bool)",
]);

export const SPOT = 3_000n * WAD;
export const VOL = (65n * WAD) / 100n;
/** The crash: spot −40%, implied volatility doubled. */
export const CRASH_SPOT = 1_800n * WAD;
export const CRASH_VOL = (130n * WAD) / 100n;

export interface LiquidationBook {
  client: PublicClient;
  /** Traders: each short one put of `series` against the sink, some funded to survive the crash, some not. */
  accounts: Address[];
  sinks: Address[];
  series: bigint[];
  /** Bidding accounts (dev accounts 8 and 9) with deep USDC balances; each made every keeper its vault operator. */
  bidders: Address[];
  /** Keeper keys (dev accounts), each an operator of both bidding accounts. */
  keepers: { address: Address; key: Hex }[];
  /** Moves the ETH price (spot and vol, WAD) through the quorum feed and the Chainlink mock. */
  push(spotWad: bigint, volWad: bigint): Promise<void>;
  /** The chain's liquidationStatus of each account at `blockNumber` (default: the latest block). */
  statuses(accounts: readonly Address[], blockNumber?: bigint): Promise<Map<Address, LiquidationStatus>>;
}

/**
 * Builds `count` trader accounts on a fresh deployment: each shorts one ETH put (24 series: 12 strikes x 2
 * expiries, so one bidding account cannot hold every series a crash hands it) and gets collateral sized from the
 * chain's own status before and after a trial crash (taken in a snapshot and reverted): even-numbered accounts keep
 * twice their maintenance through the crash, odd-numbered ones hold 1.25x before it and fall to about half of it,
 * or, one in six, below zero (insolvent: the insurance fund pays their bidder) where 1.25x before allows it.
 */
export async function buildLiquidationBook(
  optio: OptioOnNode,
  count: number,
  keeperIndices: readonly number[] = [7],
): Promise<LiquidationBook> {
  const { url, deployment } = optio;
  const client = createPublicClient({ transport: http(url) }) as PublicClient;
  const wallet = createWalletClient({ transport: http(url) });
  const c = deployment.contracts;
  const usdc = getAddress(deployment.extra.usdc);
  const deployer = devAddress(0);
  const send = async (from: Address, to: Address, data: Hex) => {
    try {
      await client.call({ account: from, to, data });
    } catch (error) {
      throw decodeOptioError(error);
    }
    return wallet.sendTransaction({ account: from, to, data, chain: null });
  };
  const wait = async (hash: Hex) => {
    const r = await client.waitForTransactionReceipt({ hash });
    if (r.status !== "success") throw new Error(`setup transaction reverted: ${hash}`);
  };
  const { createPricePusher } = await import("../../../deploy/lib/quorum.js");
  const { gridExpiries } = await import("../../../deploy/lib/expiries.js");
  // The pusher stamps a report latestTime() + 1. On anvil a transaction's block can share the latest block's second,
  // which would make that stamp "in the future": move the clock one second on and stamp the latest block's second.
  const now = async () => {
    await rpc(url, "evm_increaseTime", [1]);
    await rpc(url, "evm_mine");
    return Number((await client.getBlock()).timestamp) - 1;
  };
  const contracts = optio.contracts as Record<string, Contract>;
  let pusher = createPricePusher(contracts.ethAggregator, contracts.quorumFeed, optio.quorumSigners, "ETH", now);
  const push = (spot: bigint, vol: bigint) => pusher.push(spot, vol);
  await push(SPOT, VOL);

  // 24 puts: 12 strikes from 2,400 to 3,500 on each of the next two expiries.
  const listings = [];
  for (const expiry of gridExpiries(await now(), 2))
    for (let k = 2_400n; k <= 3_500n; k += 100n)
      listings.push({ underlyingId: 1n, strikeE18: k * WAD, expiry: BigInt(expiry), isCall: false });
  await optio.list(listings);
  const series = listings.map((_, i) => BigInt(i + 1));

  // The deployer trades directly on the book (TRADER_ROLE from the impersonated timelock).
  const timelock = c.timelock;
  await rpc(url, "anvil_impersonateAccount", [timelock]);
  await rpc(url, "anvil_setBalance", [timelock, toHex(10n ** 20n)]);
  const traderRole = await client.readContract({ address: c.book, abi: positionBookAbi, functionName: "TRADER_ROLE" });
  await wait(
    await send(
      timelock,
      c.book,
      encode(parseAbi(["function grantRole(bytes32 role, address account)"]), "grantRole", [traderRole, deployer]),
    ),
  );
  await rpc(url, "anvil_stopImpersonatingAccount", [timelock]);

  // Accounts are plain addresses (a vault account needs no key to be margined and liquidated).
  const accounts = Array.from({ length: count }, (_, i) =>
    getAddress(`0x${keccak256(toHex(`liquidation trader ${i}`)).slice(26)}`),
  );
  // The long sides, one per 12 series (a book account holds at most 16 live series).
  const sinks = [0, 1].map((k) => getAddress(`0x${keccak256(toHex(`liquidation sink ${k}`)).slice(26)}`));
  const total = 10n ** 15n;
  await wait(await send(deployer, usdc, encode(erc20MintAbi, "mint", [deployer, total])));
  await wait(await send(deployer, usdc, encode(erc20MintAbi, "approve", [c.vault, total])));
  const deposit = (account: Address, amount: bigint) =>
    send(deployer, c.vault, encode(vaultAbi, "deposit", [account, usdc, amount]));
  for (const sink of sinks) await wait(await deposit(sink, 100_000_000n * 10n ** 6n));
  await deposit(c.insuranceFund, 1_000_000n * 10n ** 6n);
  let last: Hex = "0x";
  for (const [i, account] of accounts.entries()) {
    // One put each, 0.5 to 2.5 ETH of notional.
    const amount = ((50n + BigInt((i * 37) % 200)) * WAD) / 100n;
    await wait(
      await send(
        deployer,
        c.book,
        encode(positionBookAbi, "transferPosition", [
          series[(i >> 1) % series.length],
          sinks[(i >> 1) % series.length < 12 ? 0 : 1],
          account,
          amount,
        ]),
      ),
    );
  }

  const statuses = async (list: readonly Address[], blockNumber?: bigint) => {
    const block = blockNumber ?? (await client.getBlockNumber({ cacheTime: 0 }));
    const results = await client.multicall({
      contracts: list.map((a) => ({
        address: c.liquidationEngine,
        abi: liquidationEngineAbi,
        functionName: "liquidationStatus" as const,
        args: [a] as const,
      })),
      allowFailure: false,
      blockNumber: block,
      deployless: true,
    });
    return new Map(list.map((a, i) => [a, results[i] as LiquidationStatus]));
  };

  // Trial crash in a snapshot: each account's equity and maintenance with no collateral, before and after.
  const before = await statuses(accounts);
  const snapshot = await rpc<string>(url, "evm_snapshot");
  await push(CRASH_SPOT, CRASH_VOL);
  const after = await statuses(accounts);
  await rpc(url, "evm_revert", [snapshot]);
  // After the revert the node's clock can sit behind the reverted blocks: move it on so fresh reports are not "future".
  await rpc(url, "evm_increaseTime", [60]);
  await rpc(url, "evm_mine");
  // The pusher remembers the crash price: a fresh one picks up the chain's price again.
  pusher = createPricePusher(contracts.ethAggregator, contracts.quorumFeed, optio.quorumSigners, "ETH", now);
  await push(SPOT, VOL);

  const quoteUnits = 10n ** 12n;
  for (const [i, account] of accounts.entries()) {
    const b = before.get(account)!;
    const a = after.get(account)!;
    const need = (m: bigint, num: bigint, den: bigint, equity: bigint) => (BigInt(m) * num) / den - equity;
    const wad =
      i % 2 === 0
        ? max(need(b.maintenanceWad, 2n, 1n, b.equityWad), need(a.maintenanceWad, 2n, 1n, a.equityWad))
        : i % 6 === 5
          ? max(need(b.maintenanceWad, 5n, 4n, b.equityWad), need(a.maintenanceWad, -1n, 5n, a.equityWad))
          : max(need(b.maintenanceWad, 5n, 4n, b.equityWad), need(a.maintenanceWad, 1n, 2n, a.equityWad));
    const amount = wad / quoteUnits + 1n;
    if (amount > 0n) last = await deposit(account, amount);
  }
  await wait(last);

  // Bidding accounts: deep pockets, and the keeper as their vault operator.
  const keepers = keeperIndices.map((i) => ({ address: devAddress(i), key: devKey(i) }));
  // Nodes fund only the first ten dev accounts: give every keeper gas money.
  for (const k of keepers) await rpc(url, "anvil_setBalance", [k.address, toHex(10n ** 22n)]);
  const bidders = [devAddress(8), devAddress(9)];
  for (const bidder of bidders) {
    await wait(await deposit(bidder, 20_000_000n * 10n ** 6n));
    for (const keeper of keepers)
      await wait(await send(bidder, c.vault, encode(vaultAbi, "setOperator", [keeper.address, true])));
  }
  return { client, accounts, sinks, series, bidders, keepers, push, statuses };
}

/** Calldata for a setup call (setup only: loosely typed across the several ABIs it uses). */
function encode(abi: readonly unknown[], functionName: string, args: readonly unknown[]): Hex {
  return (encodeFunctionData as (p: unknown) => Hex)({ abi, functionName, args });
}

function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

/**
 * Writes a liquidator keeper config for `book` under `dir` (its own store and a free metrics port): both bidding
 * accounts, gas valued at 1 USD per ether so every discount on these small accounts pays for it, polling every
 * 100 ms. `extra` adds or overrides `roles.liquidator` fields.
 */
export async function writeLiquidatorConfig(
  dir: string,
  optio: OptioOnNode,
  book: LiquidationBook,
  name: string,
  extra: Record<string, unknown> = {},
): Promise<{ path: string; port: number; store: string }> {
  const port = await freePort();
  const path = join(dir, `${name}.json`);
  const store = join(dir, name, "keeper.sqlite");
  writeFileSync(
    path,
    JSON.stringify({
      chainId: 31337,
      deployment: optio.deploymentPath,
      rpc: { urls: [optio.url], timeoutMs: 5000 },
      store: { path: store },
      blocks: { pollIntervalMs: 100 },
      metrics: { port },
      roles: { liquidator: { bidders: book.bidders, minProfitUsd: 0, gasTokenUsd: 1, ...extra } },
    }),
  );
  return { path, port, store };
}
