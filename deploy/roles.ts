import { id, ZeroHash } from "ethers";

/** AccessControl role ids, as the contracts compute them (`keccak256("NAME")`). */
export const ROLES = {
  DEFAULT_ADMIN: ZeroHash,
  GUARDIAN: id("GUARDIAN_ROLE"),
  LISTER: id("LISTER_ROLE"),
  POSITION_MANAGER: id("POSITION_MANAGER_ROLE"),
  TRADER: id("TRADER_ROLE"),
  SETTLER: id("SETTLER_ROLE"),
  CLEARING: id("CLEARING_ROLE"),
  SOCIALISER: id("SOCIALISER_ROLE"),
  DEBT_RESOLVER: id("DEBT_RESOLVER_ROLE"),
  MATCHER: id("MATCHER_ROLE"),
  TIMELOCK_PROPOSER: id("PROPOSER_ROLE"),
  TIMELOCK_EXECUTOR: id("EXECUTOR_ROLE"),
  TIMELOCK_CANCELLER: id("CANCELLER_ROLE"),
} as const;

/** Quorum feed ids: `keccak256` of a human-readable name. */
export const feedId = (name: string): string => id(name);
