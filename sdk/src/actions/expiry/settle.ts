import { type Address, type Hash, type TransactionReceipt } from "viem";
import type { OptioClientConfig } from "../../client.js";
import { settlementAbi } from "../../abis/settlement.js";
import type { DecodedOptioError } from "../../errors/decode.js";
import { simulateAndWrite, walletOf } from "../internal/write.js";

export type SettleParameters = {
  seriesId: bigint;
  /** The account settled; the sender's own by default (settling is permissionless). */
  account?: Address;
};

export type SettleReturnType = {
  hash: Hash;
  receipt: TransactionReceipt;
  /** Quote units moved now (into the pool for a short, out of it for a long). */
  paid: bigint;
  /** What remains: a short's debt or a long's claim. */
  outstanding: bigint;
};

export type SettleErrorType = DecodedOptioError;

/** Settles an expired position at its proven expiry price. */
export async function settle(client: OptioClientConfig, params: SettleParameters): Promise<SettleReturnType> {
  const account = params.account ?? walletOf(client).account.address;
  const { hash, receipt, result } = await simulateAndWrite(client, {
    address: client.deployment.contracts.settlement,
    abi: settlementAbi,
    functionName: "settle",
    args: [account, params.seriesId],
  });
  return { hash, receipt, paid: result[0], outstanding: result[1] };
}
