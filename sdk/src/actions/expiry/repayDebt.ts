import { type Address, type Hash, type TransactionReceipt } from "viem";
import type { OptioClientConfig } from "../../client.js";
import { settlementAbi } from "../../abis/settlement.js";
import type { DecodedOptioError } from "../../errors/decode.js";
import { simulateAndWrite, walletOf } from "../internal/write.js";

export type RepayDebtParameters = {
  seriesId: bigint;
  /** Quote units; at most the debt is taken. */
  amount: bigint;
  /** The debtor; the sender's own account by default. */
  account?: Address;
  /** The vault account that pays; the sender's own by default (else the sender must be its operator). */
  payer?: Address;
};

export type RepayDebtReturnType = { hash: Hash; receipt: TransactionReceipt; repaid: bigint };

export type RepayDebtErrorType = DecodedOptioError;

/** Repays settlement debt on a series from a vault quote balance into the series' pool. */
export async function repayDebt(client: OptioClientConfig, params: RepayDebtParameters): Promise<RepayDebtReturnType> {
  const sender = walletOf(client).account.address;
  const { hash, receipt, result } = await simulateAndWrite(client, {
    address: client.deployment.contracts.settlement,
    abi: settlementAbi,
    functionName: "repayDebt",
    args: [params.account ?? sender, params.seriesId, params.payer ?? sender, params.amount],
  });
  return { hash, receipt, repaid: result };
}
