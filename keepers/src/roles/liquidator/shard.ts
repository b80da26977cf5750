import { keccak256, type Address } from "viem";

/** One instance's slice of the account space: accounts whose address hash is `index` modulo `count`. */
export interface Shard {
  index: number;
  count: number;
}

/** The whole account space (one instance covers everything). */
export const WHOLE: Shard = { index: 0, count: 1 };

/** A shard given as `i/n` that is not one (a usage error: one readable line, exit 2). */
export class ShardError extends Error {
  constructor(readonly text: string) {
    super(`shard "${text}": expected i/n with integers 0 <= i < n <= 1024 (e.g. 0/2 and 1/2 for two instances)`);
  }
}

/** Parses `i/n`: 0 <= i < n <= 1024. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d{1,4})\s*\/\s*(\d{1,4})\s*$/.exec(text);
  if (m === null) throw new ShardError(text);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > 1024 || index >= count) throw new ShardError(text);
  return { index, count };
}

/**
 * Whether `account` falls in `shard`: keccak256 of the 20 address bytes, taken modulo `count`. Deterministic and
 * independent of case or of the order accounts are seen in, so n instances given 0/n … (n−1)/n cover every account
 * exactly once without talking to each other.
 */
export function inShard(account: Address, shard: Shard): boolean {
  if (shard.count === 1) return true;
  return BigInt(keccak256(account.toLowerCase() as Address)) % BigInt(shard.count) === BigInt(shard.index);
}

export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}
