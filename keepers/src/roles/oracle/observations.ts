import { getAddress, isAddress, isHex, type Address, type Hex } from "viem";

/** One signer's signed observation as it travels between signers (every number a decimal string on the wire). */
export interface Observation {
  feed: string;
  timestamp: bigint;
  value: bigint;
  signer: Address;
  signature: Hex;
}

/** Why an incoming observation was dropped (the label of `optio_keeper_oracle_messages_dropped_total`). */
export type DropReason =
  | "malformed"
  | "unknown_feed"
  | "bad_signature"
  | "unknown_signer"
  | "stale"
  | "future"
  | "replayed"
  | "duplicate"
  | "conflicting"
  | "not_ready"
  | "partitioned";

const DECIMAL = /^\d{1,78}$/;

/** Parses one wire item; undefined when any field is missing or malformed. */
export function parseObservation(item: unknown): Observation | undefined {
  if (typeof item !== "object" || item === null) return undefined;
  const o = item as Record<string, unknown>;
  if (typeof o.feed !== "string" || o.feed.length === 0 || o.feed.length > 64) return undefined;
  if (typeof o.timestamp !== "string" || !DECIMAL.test(o.timestamp)) return undefined;
  if (typeof o.value !== "string" || !DECIMAL.test(o.value)) return undefined;
  if (typeof o.signer !== "string" || !isAddress(o.signer, { strict: false })) return undefined;
  if (typeof o.signature !== "string" || !isHex(o.signature) || o.signature.length !== 132) return undefined;
  const timestamp = BigInt(o.timestamp);
  const value = BigInt(o.value);
  if (timestamp >= 2n ** 64n || value === 0n || value >= 2n ** 192n) return undefined;
  return { feed: o.feed, timestamp, value, signer: getAddress(o.signer), signature: o.signature as Hex };
}

/** The wire form of an observation. */
export function toWire(o: Observation): Record<string, string> {
  return {
    feed: o.feed,
    timestamp: o.timestamp.toString(),
    value: o.value.toString(),
    signer: o.signer,
    signature: o.signature,
  };
}
