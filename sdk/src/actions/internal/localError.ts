import { encodeErrorResult } from "viem";
import { optioErrorsAbi } from "../../abis/errors.js";
import type { OptioContractError, OptioErrorArgs, OptioErrorName } from "../../errors/base.js";
import { decodeOptioRevertData } from "../../errors/decode.js";

/**
 * The typed error the chain would revert with, built locally (encoded and decoded through the same ABI), so an
 * action that refuses before sending, or predicts a refusal, throws exactly the class and arguments a revert would.
 */
export function optioError<name extends OptioErrorName>(
  errorName: name,
  args: OptioErrorArgs<name>,
): OptioContractError<name> {
  const data = encodeErrorResult({ abi: optioErrorsAbi, errorName, args } as never);
  return decodeOptioRevertData(data) as OptioContractError<name>;
}
