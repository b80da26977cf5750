import type { Address } from "viem";
import type { LiquidationStatus } from "@optio/sdk";
import type { HealthModel } from "./health.js";

/** What one health check of the index found. */
export interface CheckResult {
  /** Accounts whose health was computed. */
  checked: number;
  /** Accounts the math finds actionable: an auction can start, or one runs. */
  candidates: Address[];
  /** Accounts with no cached state (not yet read): left for the next block. */
  missing: number;
  /** Wall-clock seconds the check took. */
  seconds: number;
}

/** Whether a status calls for the liquidator: an auction can start, or one is running (bid or end it). */
export function actionable(s: LiquidationStatus): boolean {
  return s.canStart || s.inAuction;
}

/**
 * The health check of the whole index: `model.health` (the SDK's math) over every account's cached state against one
 * market state. Pure and synchronous, so a benchmark can call it on an index of any size.
 */
export function checkAccounts<M, A>(
  model: Pick<HealthModel<M, A>, "health">,
  market: M,
  states: ReadonlyMap<Address, A>,
  accounts: Iterable<Address>,
): CheckResult {
  const started = performance.now();
  const candidates: Address[] = [];
  let checked = 0;
  let missing = 0;
  for (const account of accounts) {
    const state = states.get(account);
    if (state === undefined) {
      missing++;
      continue;
    }
    checked++;
    try {
      if (actionable(model.health(market, state))) candidates.push(account);
    } catch {
      // The math refused the inputs (a series listed after the market state was read, say): let the chain decide.
      candidates.push(account);
    }
  }
  return { checked, candidates, missing, seconds: (performance.now() - started) / 1000 };
}
