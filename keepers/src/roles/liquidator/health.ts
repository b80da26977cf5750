import type { Address, PublicClient } from "viem";
import {
  accountHealth,
  getAccountStates,
  getMarketState,
  type AccountState,
  type Deployment,
  type LiquidationStatus,
  type MarketState,
  type OptioClientConfig,
} from "@optio/sdk";
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
 * Health computed locally with the SDK: one `getMarketState` per block, `getAccountStates` for the accounts an event
 * touched (one batched read), and `accountHealth` (the engine's `liquidationStatus` to the wei) over the whole
 * cached index. The default.
 */
export class SdkHealthModel implements HealthModel<MarketState, AccountState> {
  readonly kind = "local: SDK accountHealth over cached account states";
  readonly local = true;
  private collaterals: readonly Address[] | undefined;

  constructor(private readonly client: OptioClientConfig) {}

  async marketState(blockNumber: bigint): Promise<MarketState> {
    const market = await getMarketState(this.client, { blockNumber });
    this.collaterals = market.collaterals.map((c) => c.token);
    return market;
  }

  accountStates(accounts: readonly Address[], blockNumber: bigint): Promise<Map<Address, AccountState>> {
    return getAccountStates(this.client, { accounts, blockNumber, collaterals: this.collaterals });
  }

  health(market: MarketState, account: AccountState): LiquidationStatus {
    return accountHealth(market, account);
  }
}

/**
 * Health read from the chain: each account's state is the engine's `liquidationStatus` itself (batched reads of the
 * whole index every block). It needs no local math, but it costs a read of every account per block: a cross-check
 * of the local model (`roles.liquidator.health: "chain"`), not the default.
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
