import type { Address } from "viem";
import type { OptioClientConfig } from "../../client.js";
import { liquidationEngineAbi } from "../../abis/liquidationEngine.js";
import { marginEngineAbi } from "../../abis/marginEngine.js";
import { settlementAbi } from "../../abis/settlement.js";
import { vaultAbi } from "../../abis/vault.js";
import type { DecodedOptioError } from "../../errors/decode.js";
import { markOf } from "../../math/marginEngine.js";
import type { LiquidationStatus } from "../../math/liquidation.js";
import { walletOf } from "../internal/write.js";
import { multicall, ok, okOr } from "../internal/multicall.js";
import { readSnapshot, type SeriesTerms } from "../internal/snapshot.js";

export type GetAccountParameters = {
  /** The vault account; the wallet client's account by default. */
  account?: Address;
  /** Read at this block (default: the latest). */
  blockNumber?: bigint;
};

export type AccountCollateral = {
  token: Address;
  /** Vault balance, token units. */
  balance: bigint;
  /** Its haircut value in WAD (`Vault.valueOf`); 0 when the token's price is Down. */
  valueWad: bigint;
};

export type AccountPosition = SeriesTerms & {
  /** Signed size, WAD options (long > 0). */
  sizeE18: bigint;
  /** The model value per option (`MarginEngine.markOf`, unrounded), undefined when a needed price is Down. */
  markE18: bigint | undefined;
};

export type GetAccountReturnType = {
  account: Address;
  blockNumber: bigint;
  timestamp: bigint;
  collaterals: AccountCollateral[];
  /** Σ haircut collateral values (`Vault.collateralValue`), WAD. */
  collateralValueWad: bigint;
  positions: AccountPosition[];
  /** `MarginEngine.marginOf`; undefined when the engine reverts (a needed price is Down), see `marginError`. */
  margin: { equityWad: bigint; initialWad: bigint; maintenanceWad: bigint } | undefined;
  marginError: DecodedOptioError | undefined;
  /** Settlement debt, quote token units: the total and the series it is owed on. */
  debt: { total: bigint; bySeries: { seriesId: bigint; amount: bigint }[] };
  /** Unpaid long claims on settled series, quote token units. */
  claims: { seriesId: bigint; amount: bigint }[];
  /** `LiquidationEngine.liquidationStatus` and the running auction's start (0 when none). */
  liquidation: (LiquidationStatus & { auctionStart: bigint }) | undefined;
};

export type GetAccountErrorType = DecodedOptioError;

/**
 * Everything about one account in six round trips whatever it holds: the margin engine's inputs (`readSnapshot`:
 * a block and three multicalls), its settled series from `PositionSettled` logs, and one more multicall for the
 * per-token values, the on-chain margin, the liquidation status and the claims and debts of the settled series.
 */
export async function getAccount(
  client: OptioClientConfig,
  params: GetAccountParameters = {},
): Promise<GetAccountReturnType> {
  const account = params.account ?? walletOf(client).account.address;
  const c = client.deployment.contracts;
  const [snap, settledLogs] = await Promise.all([
    readSnapshot(client, { accounts: [account], blockNumber: params.blockNumber }),
    client.publicClient.getContractEvents({
      address: c.settlement,
      abi: settlementAbi,
      eventName: "PositionSettled",
      args: { account },
      fromBlock: client.deployment.blockNumber,
      toBlock: params.blockNumber ?? "latest",
    }),
  ]);
  const state = snap.accounts.get(account)!;
  const settled = [...new Set(settledLogs.map((l) => l.args.seriesId!))];
  const tokens = snap.collaterals.map((x) => x.token);
  const r = await multicall(
    client,
    [
      { address: c.margin, abi: marginEngineAbi, functionName: "marginOf", args: [account] },
      { address: c.liquidationEngine, abi: liquidationEngineAbi, functionName: "liquidationStatus", args: [account] },
      { address: c.liquidationEngine, abi: liquidationEngineAbi, functionName: "auctionStart", args: [account] },
      ...tokens.map(
        (t) =>
          ({ address: c.vault, abi: vaultAbi, functionName: "valueOf", args: [t, state.balances.get(t)!] }) as const,
      ),
      ...settled.flatMap(
        (id) =>
          [
            { address: c.settlement, abi: settlementAbi, functionName: "claimOf", args: [account, id] },
            { address: c.settlement, abi: settlementAbi, functionName: "debtOn", args: [account, id] },
          ] as const,
      ),
    ],
    snap.blockNumber,
  );
  type R<T> = { status: "success"; result: T } | { status: "failure"; error: Error };
  const marginR = r[0] as R<{ equityWad: bigint; initialWad: bigint; maintenanceWad: bigint }>;
  const liqR = r[1] as R<LiquidationStatus>;
  const startR = r[2] as R<bigint>;
  const values = r.slice(3, 3 + tokens.length) as R<bigint>[];
  const settledR = r.slice(3 + tokens.length) as R<bigint>[];
  const claims: GetAccountReturnType["claims"] = [];
  const bySeries: GetAccountReturnType["debt"]["bySeries"] = [];
  settled.forEach((seriesId, i) => {
    const claim = ok(settledR[2 * i]);
    const debt = ok(settledR[2 * i + 1]);
    if (claim !== 0n) claims.push({ seriesId, amount: claim });
    if (debt !== 0n) bySeries.push({ seriesId, amount: debt });
  });
  const liq = okOr(liqR, undefined);
  return {
    account,
    blockNumber: snap.blockNumber,
    timestamp: snap.timestamp,
    collaterals: tokens.map((token, i) => ({
      token,
      balance: state.balances.get(token)!,
      valueWad: okOr(values[i], 0n),
    })),
    collateralValueWad: state.collateralValueWad ?? values.reduce((s, v) => s + okOr(v, 0n), 0n),
    positions: state.positions.map((p) => {
      const terms = snap.series.get(p.seriesId)!;
      let markE18: bigint | undefined;
      try {
        markE18 = markOf(terms, snap.underlyings.get(terms.underlyingId)!.market, snap.timestamp);
      } catch {
        markE18 = undefined;
      }
      return { ...terms, sizeE18: p.sizeE18, markE18 };
    }),
    margin: okOr(marginR, undefined),
    marginError: marginR.status === "failure" ? (marginR.error as DecodedOptioError) : undefined,
    debt: { total: state.debt, bySeries },
    claims,
    liquidation: liq === undefined ? undefined : { ...liq, auctionStart: okOr(startR, 0n) },
  };
}
