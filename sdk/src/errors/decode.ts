import { BaseError, decodeErrorResult, type Hex, isHex } from "viem";
import { optioErrorsAbi } from "../abis/errors.js";
import { OptioContractError, type OptioErrorName, OptioUnknownRevertError } from "./base.js";
import { optioErrorClasses, optioErrorMessages } from "./generated.js";

/** What `decodeOptioError` returns: a typed Optio error, an unknown revert with its raw data, or the error as is. */
export type DecodedOptioError = OptioContractError | OptioUnknownRevertError | BaseError;

/**
 * The one entry point for errors: turns whatever a viem (or ethers) call threw into a typed `OptioContractError`
 * subclass when its revert data is a known custom error, an `OptioUnknownRevertError` with the raw data when it is
 * a revert the ABIs do not know, and returns any other error unchanged (wrapped in a `BaseError` if needed).
 */
export function decodeOptioError(err: unknown): DecodedOptioError {
  if (err instanceof OptioContractError || err instanceof OptioUnknownRevertError) return err;
  const cause = err instanceof Error ? err : new Error(String(err));
  const found = findRevertData(err);
  if (found.reverted) {
    const decoded = found.data === undefined ? undefined : decodeOptioRevertData(found.data, cause);
    return decoded ?? new OptioUnknownRevertError({ data: found.data, cause });
  }
  return err instanceof BaseError ? err : new BaseError(cause.message, { cause });
}

/** Decodes raw revert data into its error class, or undefined when no Optio ABI declares its selector. */
export function decodeOptioRevertData(data: Hex, cause?: Error): OptioContractError | undefined {
  let decoded: { errorName: string; args: readonly unknown[] | undefined };
  try {
    decoded = decodeErrorResult({ abi: optioErrorsAbi, data });
  } catch {
    return undefined;
  }
  const name = decoded.errorName as OptioErrorName;
  const ErrorClass = optioErrorClasses[name] as unknown as new (
    params: ConstructorParameters<typeof OptioContractError>[0],
  ) => OptioContractError;
  if (ErrorClass === undefined) return undefined;
  const item = optioErrorsAbi.find((e) => e.name === name)!;
  return new ErrorClass({
    errorName: name,
    args: (decoded.args ?? []) as never,
    argNames: item.inputs.map((i) => i.name),
    data,
    message: optioErrorMessages[name],
    cause,
  });
}

/** Walks an error's causes for revert data: viem's `raw`/`data`, ethers' `data`/`info.error.data`. */
function findRevertData(err: unknown): { reverted: boolean; data?: Hex } {
  let reverted = false;
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length > 0) {
    const cur = queue.shift();
    if (typeof cur !== "object" || cur === null || seen.has(cur)) continue;
    seen.add(cur);
    const o = cur as Record<string, unknown>;
    const name = typeof o.name === "string" ? o.name : "";
    if (name === "ContractFunctionRevertedError" || name === "CallExecutionError" || o.code === "CALL_EXCEPTION") {
      reverted = true;
    }
    for (const key of ["raw", "data"]) {
      const v = o[key];
      if (typeof v === "string" && isHex(v) && v.length >= 10) return { reverted: true, data: v };
      if (typeof v === "object" && v !== null) queue.push(v);
    }
    for (const key of ["cause", "error", "info", "revert"]) queue.push(o[key]);
  }
  return { reverted };
}
