import type { Address } from "viem";
import { createOptioClient } from "../client.js";
import { ROLES } from "../roles.js";
import type { LocalChain } from "./chain.js";

/** Mints `amount` of a local mock token to `to` (setup the SDK does not cover: mock tokens only). */
export async function mint(chain: LocalChain, token: Address, to: Address, amount: bigint): Promise<void> {
  const mock = await chain.connection.ethers.getContractAt("MockERC20", token);
  await (await mock.mint(to, amount)).wait();
}

/** Deploys a fresh mock ERC-20 the vault does not list. */
export async function unlistedToken(chain: LocalChain): Promise<Address> {
  const token = await chain.connection.ethers.deployContract("MockERC20", ["Unlisted", "UNL", 18]);
  await token.waitForDeployment();
  return (await token.getAddress()) as Address;
}

/** The role-holding accounts of the local deployment (see deploy/lib/local.ts). */
export const LOCAL_ROLES = { deployer: 0, guardian: 1, lister: 2, proposer: 3 } as const;

export type Market = {
  /** ETH 3,000 call, expiring on the next 08:00 UTC grid expiry at least a day ahead. */
  callId: bigint;
  /** ETH 3,000 put, same expiry. */
  putId: bigint;
  /** Account holding the exchange's MATCHER_ROLE (granted through the timelock). */
  matcher: Address;
  /** An EIP-2612 token listed as collateral (through the timelock), priced by the ETH router. */
  permitToken: Address;
};

/**
 * Once per chain: through the timelock (the only time jump), grants MATCHER_ROLE to account 7 and lists an EIP-2612
 * mock token as collateral; then refreshes both price sources of ETH and BTC (Chainlink mock and quorum reports)
 * and lists ETH 3,000 calls and puts.
 */
export function market(chain: LocalChain): Promise<Market> {
  if (!chain.fixtures.has("market")) chain.fixtures.set("market", setUpMarket(chain));
  return chain.fixtures.get("market") as Promise<Market>;
}

async function setUpMarket(chain: LocalChain): Promise<Market> {
  const { ethers } = chain.connection;
  const { submitReport } = await import("../../../deploy/lib/quorum.js");
  const { gridExpiries } = await import("../../../deploy/lib/expiries.js");
  const signers = await ethers.getSigners();
  const x = chain.deployment.extra;
  const c = chain.deployment.contracts;
  const matcher = chain.accounts[7];

  const timelock = await ethers.getContractAt("TimelockController", c.timelock, signers[LOCAL_ROLES.proposer]);
  const exchange = await ethers.getContractAt("Exchange", c.exchange);
  const vault = await ethers.getContractAt("Vault", c.vault);
  const token = await ethers.deployContract("MockERC20Permit", ["Permit Token", "PMT"]);
  await token.waitForDeployment();
  const permitToken = (await token.getAddress()) as Address;
  const operations = [
    { target: c.exchange, data: exchange.interface.encodeFunctionData("grantRole", [ROLES.MATCHER, matcher]) },
    {
      target: c.vault,
      data: vault.interface.encodeFunctionData("listCollateral", [permitToken, 2n * 10n ** 17n, x.ethRouter]),
    },
  ];
  const salt = ethers.id("sdk-test-market");
  const delay = await timelock.getMinDelay();
  for (const op of operations)
    await (await timelock.schedule(op.target, 0n, op.data, ethers.ZeroHash, salt, delay)).wait();
  await chain.testClient.increaseTime({ seconds: Number(delay) });
  await chain.testClient.mine({ blocks: 1 });
  for (const op of operations) await (await timelock.execute(op.target, 0n, op.data, ethers.ZeroHash, salt)).wait();

  const quorumFeed = await ethers.getContractAt("QuorumFeed", c.quorumFeed);
  const quorumSigners = signers.slice(4, 7);
  for (const [sym, spot, vol] of [
    ["ETH", 3_000n, 65n],
    ["BTC", 60_000n, 55n],
  ] as const) {
    const aggregator = await ethers.getContractAt("MockV3Aggregator", x[`${sym.toLowerCase()}Aggregator`]);
    await (await aggregator.updateAnswer(spot * 10n ** 8n)).wait();
    const now = (await chain.publicClient.getBlock()).timestamp;
    const spotWad = spot * 10n ** 18n;
    const volWad = vol * 10n ** 16n;
    await submitReport(quorumFeed, quorumSigners, `${sym}/USD`, [spotWad, spotWad, spotWad], now);
    await submitReport(quorumFeed, quorumSigners, `${sym}/USD-IV`, [volWad, volWad, volWad], now);
  }

  const registry = await ethers.getContractAt("SeriesRegistry", c.registry, signers[LOCAL_ROLES.lister]);
  const now = Number((await chain.publicClient.getBlock()).timestamp);
  const [expiry] = gridExpiries(now, 1, 86_400);
  const strike = 3_000n * 10n ** 18n;
  await (await registry.listSeries(1n, strike, expiry, true)).wait();
  await (await registry.listSeries(1n, strike, expiry, false)).wait();
  const callId = (await registry.seriesIdOf(1n, strike, expiry, true)) as bigint;
  const putId = (await registry.seriesIdOf(1n, strike, expiry, false)) as bigint;
  return { callId, putId, matcher, permitToken };
}

/** Mints `amount` mock USDC to `account` and deposits it (approve + deposit) into its vault account. */
export async function fund(chain: LocalChain, account: Address, amount: bigint): Promise<void> {
  const usdc = chain.deployment.extra.usdc;
  await mint(chain, usdc, account, amount);
  const token = await chain.connection.ethers.getContractAt(
    "MockERC20",
    usdc,
    await chain.connection.ethers.getSigner(account),
  );
  await (await token.approve(chain.deployment.contracts.vault, amount)).wait();
  const vault = await chain.connection.ethers.getContractAt(
    "Vault",
    chain.deployment.contracts.vault,
    await chain.connection.ethers.getSigner(account),
  );
  await (await vault.deposit(account, usdc, amount)).wait();
}

/** An Optio client whose wallet is unlocked node account `index`. */
export async function clientAt(chain: LocalChain, index: number) {
  const address = chain.accounts[index];
  return createOptioClient({
    publicClient: chain.publicClient,
    walletClient: chain.wallet(address),
    deployment: chain.deployment,
  });
}

/** Resolves to what `promise` rejects with; fails the test if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return await promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (e: unknown) => e,
  );
}
