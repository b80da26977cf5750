import { getAddress, parseEventLogs, zeroAddress, type Address, type Log } from "viem";
import { liquidationEngineAbi, positionBookAbi, settlementAbi, vaultAbi, type Deployment } from "@optio/sdk";

/** The contracts whose events change an account's positions, balances, debt or auction. */
export function indexedContracts(deployment: Deployment): Address[] {
  const c = deployment.contracts;
  return [c.vault, c.book, c.settlement, c.liquidationEngine];
}

/**
 * For each event that changes what an account holds, the arguments naming the accounts it changes. Anything else
 * the four contracts emit (configuration, operators, open interest) leaves every account's health as it was.
 */
const ACCOUNT_ARGS: Record<string, readonly string[]> = {
  // Vault: balances.
  Deposited: ["account"],
  Withdrawn: ["account"],
  Transferred: ["from", "to"],
  ClearingTransferred: ["from", "to"],
  // PositionBook: positions.
  PositionTransferred: ["buyer", "seller"],
  PositionClosed: ["account"],
  // Settlement: settled positions, debt and claims.
  PositionSettled: ["account"],
  ClaimPaid: ["account"],
  DebtRepaid: ["account"],
  DebtCollected: ["account", "collector"],
  // LiquidationEngine: auctions.
  AuctionStarted: ["account", "flagger"],
  AuctionBid: ["account", "bidder"],
  AuctionEnded: ["account"],
};

const ABI = [...vaultAbi, ...positionBookAbi, ...settlementAbi, ...liquidationEngineAbi];

/** What one block's logs changed. */
export interface BlockChanges {
  /** Accounts whose state an event changed (checksummed). */
  touched: Set<Address>;
  /** A loss was socialised: every quote balance moved, so every cached account is stale. */
  everyone: boolean;
  /** Auctions that started or ended in the block, in log order (the last word wins). */
  auctions: { account: Address; running: boolean }[];
}

/** Decodes `logs` (of the indexed contracts) into the accounts they touched. */
export function changesOf(logs: Log[], exclude: ReadonlySet<Address> = new Set()): BlockChanges {
  const out: BlockChanges = { touched: new Set(), everyone: false, auctions: [] };
  for (const log of parseEventLogs({ abi: ABI, logs, strict: false })) {
    const name = log.eventName as string;
    if (name === "LossSocialized") out.everyone = true;
    const args = log.args as Record<string, unknown>;
    for (const key of ACCOUNT_ARGS[name] ?? []) {
      const value = args[key];
      if (typeof value !== "string" || value === zeroAddress) continue;
      const account = getAddress(value);
      if (!exclude.has(account)) out.touched.add(account);
    }
    if (name === "AuctionStarted" || name === "AuctionEnded")
      out.auctions.push({ account: getAddress(args.account as string), running: name === "AuctionStarted" });
  }
  return out;
}
