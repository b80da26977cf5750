import type { LocalAccount, PublicClient } from "viem";
import type { Deployment, OptioClientConfig } from "@optio/sdk";
import type { Logger } from "pino";
import type { TxManager } from "../chain/txManager.js";
import type { KeeperConfig } from "../config/schema.js";
import type { KeeperMetrics } from "../ops/metrics.js";
import type { Store, StoredBlock } from "../state/store.js";

/** What the frame hands every role: shared chain access, state, transactions, metrics and a child logger. */
export interface RoleContext {
  config: KeeperConfig;
  logger: Logger;
  metrics: KeeperMetrics;
  store: Store;
  read: PublicClient;
  /** The keeper's account, or undefined when no key is configured. */
  account: LocalAccount | undefined;
  /** Present when an account is configured. */
  txs: TxManager | undefined;
  /** The deployment the roles act on; present whenever a role that needs it runs (`needsDeployment`). */
  deployment: Deployment | undefined;
  /** The SDK's client config over the read endpoints (no wallet: writes go through `txs`). */
  optio: OptioClientConfig | undefined;
}

/**
 * One job of the keeper. The frame calls `onBlock` for every new block in order (after a reorg, `onReorg` first
 * with the common ancestor), and `stop` once on shutdown. A role keeps its own state in the store's key/value
 * journal under its name, written at the block it learnt it, so the frame can unwind it after a reorg.
 */
export interface Role {
  readonly name: string;
  start(): Promise<void>;
  onBlock(block: StoredBlock): Promise<void>;
  onReorg(ancestor: bigint): Promise<void>;
  /** True once the role can act (its index is caught up, its inputs are fresh). */
  ready(): boolean;
  stop(): Promise<void>;
}

/** Builds a role; `unavailable` (a reason) marks a role that this build cannot run yet. */
export interface RoleFactory {
  readonly name: string;
  readonly summary: string;
  readonly needsSigner: boolean;
  /** The role acts on Optio's contracts: the config must name a deployment file. */
  readonly needsDeployment?: boolean;
  readonly unavailable?: string;
  create(ctx: RoleContext): Role;
}
