import type { Address, PublicClient } from "viem";
import type { Deployment, LiquidationStatus } from "@optio/sdk";
import { chainStatuses } from "./chainReads.js";

/**
 * Where the liquidator's health figures come from, in the SDK's shape: one market state per block (what every
 * account shares), each account's own state (cached by the role and refreshed only when an event touches it), and
 * `health`, a pure function of the two that equals the chain's `liquidationStatus`.
 */
export interface HealthModel<M = unknown, A = unknown> {
  /** Which implementation runs (logged at start). */
  readonly kind: string;
  /**
   * True when `health` is local math over cached account states: only touched accounts need a fresh read. False
   * when the account state already is the chain's status, so every account must be re-read each block.
   */
  readonly local: boolean;
  marketState(blockNumber: bigint): Promise<M>;
  accountStates(accounts: readonly Address[], blockNumber: bigint): Promise<Map<Address, A>>;
  health(market: M, account: A): LiquidationStatus;
}

/**
 * Health read from the chain: each account's state is the engine's `liquidationStatus` itself (batched reads of the
 * whole index every block). Correct whatever the SDK offers, but it costs a read of every account per block; the
 * local model over the SDK's `accountHealth` replaces it when that is available.
 */
export class ChainHealthModel implements HealthModel<bigint, LiquidationStatus> {
  readonly kind = "chain liquidationStatus (every account read each block)";
  readonly local = false;

  constructor(
    private readonly read: PublicClient,
    private readonly deployment: Deployment,
  ) {}

  async marketState(blockNumber: bigint): Promise<bigint> {
    return blockNumber;
  }

  accountStates(accounts: readonly Address[], blockNumber: bigint): Promise<Map<Address, LiquidationStatus>> {
    return chainStatuses(this.read, this.deployment, accounts, blockNumber);
  }

  health(_market: bigint, account: LiquidationStatus): LiquidationStatus {
    return account;
  }
}
