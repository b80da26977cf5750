import { type Hex, keccak256, stringToHex, zeroHash } from "viem";

const role = (name: string): Hex => keccak256(stringToHex(name));

/** AccessControl role ids, as the contracts compute them (`keccak256("NAME")`). */
export const ROLES = {
  DEFAULT_ADMIN: zeroHash,
  GUARDIAN: role("GUARDIAN_ROLE"),
  LISTER: role("LISTER_ROLE"),
  POSITION_MANAGER: role("POSITION_MANAGER_ROLE"),
  TRADER: role("TRADER_ROLE"),
  SETTLER: role("SETTLER_ROLE"),
  CLEARING: role("CLEARING_ROLE"),
  SOCIALISER: role("SOCIALISER_ROLE"),
  DEBT_RESOLVER: role("DEBT_RESOLVER_ROLE"),
  MATCHER: role("MATCHER_ROLE"),
  TIMELOCK_PROPOSER: role("PROPOSER_ROLE"),
  TIMELOCK_EXECUTOR: role("EXECUTOR_ROLE"),
  TIMELOCK_CANCELLER: role("CANCELLER_ROLE"),
} as const;

/** A quorum feed id: `keccak256` of its human-readable name (e.g. `"ETH/USD"`). */
export const feedId = (name: string): Hex => keccak256(stringToHex(name));
