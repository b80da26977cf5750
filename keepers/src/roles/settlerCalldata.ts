import {
  decodeAbiParameters,
  decodeFunctionData,
  encodeAbiParameters,
  encodeFunctionData,
  getAddress,
  type Address,
  type Hex,
} from "viem";
import { liquidationAutomationAbi, oracleRouterAbi, settlementAbi, type Deployment } from "@optio/sdk";
import type { StoredTx } from "../state/store.js";

/** `LiquidationAutomation.ActionKind.Settle`: the automation's permissionless batch settles with this kind. */
export const ACTION_SETTLE = 1;
/** The `performData` layout of `LiquidationAutomation.performUpkeep`: `abi.encode(Action[])`. */
const ACTIONS_PARAM = [
  {
    type: "tuple[]",
    components: [
      { name: "kind", type: "uint8" },
      { name: "account", type: "address" },
      { name: "id", type: "uint256" },
    ],
  },
] as const;

/** One settlement to send: `Settlement.settle(account, seriesId)` closes the account's whole expiry group. */
export interface SettleItem {
  account: Address;
  seriesId: bigint;
  /** The account holds a short leg in the group: it pays into the pools, so it goes before long-only accounts. */
  short: boolean;
}

/** What a sent settler transaction was for, kept in the role's journal until its outcome is counted. */
export interface SentRecord {
  step: "prove" | "settle" | "claim" | "collect";
  /** The expiry group, `underlyingId:expiry`. */
  group: string;
}

/** The intents the store's pending transactions carry: the role never sends these again while they are pending. */
export interface PendingIntents {
  /** `account:seriesId` pairs a pending batch settles. */
  settles: Set<string>;
  /** `account:seriesId` pairs a pending claim pays. */
  claims: Set<string>;
  /** `account:seriesId` debts a pending collection repays. */
  collects: Set<string>;
  /** `router:expiry` proofs pending. */
  proofs: Set<string>;
  /** Expiry groups (`underlyingId:expiry`) with a settlement batch in flight. */
  settleGroups: Set<string>;
  /** Expiry groups with a claim in flight. */
  claimGroups: Set<string>;
}

/** The key of an (account, series) pair in `PendingIntents`. */
export function pairKey(account: Address, seriesId: bigint): string {
  return `${getAddress(account)}:${seriesId}`;
}

/** `LiquidationAutomation.performUpkeep` calldata settling `items`, in order. */
export function performUpkeepData(items: SettleItem[]): Hex {
  const actions = items.map((it) => ({ kind: ACTION_SETTLE, account: it.account, id: it.seriesId }));
  return encodeFunctionData({
    abi: liquidationAutomationAbi,
    functionName: "performUpkeep",
    args: [encodeAbiParameters(ACTIONS_PARAM, [actions])],
  });
}

/**
 * Decodes the calldata of pending transactions (the transaction manager's write-ahead log) into the intents they
 * carry. `sent` maps a transaction id to what the role recorded for it (the group of a batch); `groupOf` names the
 * group of a series. Transactions to other contracts or functions (another role's) are ignored.
 */
export function pendingIntents(
  pending: StoredTx[],
  contracts: Deployment["contracts"],
  sent: Map<number, SentRecord>,
  groupOf: (seriesId: bigint) => string,
): PendingIntents {
  const out: PendingIntents = {
    settles: new Set(),
    claims: new Set(),
    collects: new Set(),
    proofs: new Set(),
    settleGroups: new Set(),
    claimGroups: new Set(),
  };
  const automation = getAddress(contracts.automation);
  const settlement = getAddress(contracts.settlement);
  for (const tx of pending) {
    const to = tx.to === null ? undefined : getAddress(tx.to);
    try {
      if (to === automation) {
        const { args } = decodeFunctionData({ abi: liquidationAutomationAbi, data: tx.data });
        const [actions] = decodeAbiParameters(ACTIONS_PARAM, args[0] as Hex);
        for (const a of actions) if (a.kind === ACTION_SETTLE) out.settles.add(pairKey(a.account, a.id));
        const g = sent.get(tx.id)?.group;
        if (g !== undefined) out.settleGroups.add(g);
        else for (const a of actions) out.settleGroups.add(groupOf(a.id));
      } else if (to === settlement) {
        const { functionName, args } = decodeFunctionData({ abi: settlementAbi, data: tx.data });
        if (functionName === "claim" || functionName === "collectDebt") {
          const [account, seriesId] = args as unknown as readonly [Address, bigint];
          if (functionName === "claim") {
            out.claims.add(pairKey(account, seriesId));
            out.claimGroups.add(groupOf(seriesId));
          } else out.collects.add(pairKey(account, seriesId));
        }
      } else if (to !== undefined) {
        const { functionName, args } = decodeFunctionData({ abi: oracleRouterAbi, data: tx.data });
        if (functionName === "setExpiryPrice" || functionName === "setExpiryPriceFromSecondary")
          out.proofs.add(`${to}:${args[0] as bigint}`);
      }
    } catch {
      // Another role's transaction (another contract or function): not the settler's to track.
    }
  }
  return out;
}
