import {
  type Abi,
  type Account,
  type Address,
  BaseError,
  type ContractFunctionArgs,
  type ContractFunctionName,
  type ContractFunctionReturnType,
  type Hash,
  type TransactionReceipt,
} from "viem";
import type { OptioClientConfig } from "../../client.js";
import { decodeOptioError } from "../../errors/decode.js";

/** The wallet client has no account to sign or send with. */
export class OptioAccountNotFoundError extends BaseError {
  override name = "OptioAccountNotFoundError";
  constructor() {
    super("This action sends a transaction or signs: pass a walletClient with an account to createOptioClient.");
  }
}

/** The wallet client and its account, or `OptioAccountNotFoundError`. */
export function walletOf(client: OptioClientConfig): {
  wallet: NonNullable<OptioClientConfig["walletClient"]>;
  account: Account;
} {
  const wallet = client.walletClient;
  if (wallet?.account === undefined) throw new OptioAccountNotFoundError();
  return { wallet, account: wallet.account };
}

/** A sent transaction: its hash, its receipt, and the function's return value as the simulation computed it. */
export type WriteResult<result> = { hash: Hash; receipt: TransactionReceipt; result: result };

/**
 * Simulates the call (so a revert surfaces as a typed Optio error before anything is sent), sends it from the wallet
 * client's account, and waits for its receipt. A receipt with status "reverted" throws as well.
 */
export async function simulateAndWrite<
  const abi extends Abi,
  functionName extends ContractFunctionName<abi, "nonpayable" | "payable">,
  const args extends ContractFunctionArgs<abi, "nonpayable" | "payable", functionName>,
>(
  client: OptioClientConfig,
  call: { address: Address; abi: abi; functionName: functionName; args: args },
): Promise<WriteResult<ContractFunctionReturnType<abi, "nonpayable" | "payable", functionName, args>>> {
  const { wallet, account } = walletOf(client);
  try {
    const { request, result } = await client.publicClient.simulateContract({ ...call, account } as never);
    const hash = await wallet.writeContract({ ...(request as object), chain: wallet.chain ?? null } as never);
    const receipt = await client.publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new BaseError(`Transaction ${hash} reverted on chain.`);
    return { hash, receipt, result: result as never };
  } catch (err) {
    throw decodeOptioError(err);
  }
}

/** Reads a view, decoding any revert into a typed Optio error. */
export async function readOptio<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    throw decodeOptioError(err);
  }
}
