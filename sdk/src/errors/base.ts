import { BaseError, type ContractErrorArgs, type ContractErrorName, type Hex } from "viem";
import { optioErrorsAbi } from "../abis/errors.js";

/** Name of a custom error some Optio contract (or a collateral token) can revert with. */
export type OptioErrorName = ContractErrorName<typeof optioErrorsAbi>;

/** The decoded arguments of error `name`, in declaration order. */
export type OptioErrorArgs<name extends OptioErrorName> = ContractErrorArgs<typeof optioErrorsAbi, name>;

/** A revert with a known Optio custom error: its name, decoded arguments, raw data and a short human message. */
export class OptioContractError<name extends OptioErrorName = OptioErrorName> extends BaseError {
  override name: string = "OptioContractError";
  /** The Solidity error's name, e.g. `Exchange_OrderExpired`. */
  readonly errorName: name;
  /** Its decoded arguments. */
  readonly args: OptioErrorArgs<name>;
  /** The raw revert data. */
  readonly data: Hex;
  /** `ErrorName(arg=value, …)` on one line, for logs. */
  readonly formatted: string;

  constructor(params: {
    errorName: name;
    args: OptioErrorArgs<name>;
    argNames: readonly string[];
    data: Hex;
    message: string;
    cause?: Error;
  }) {
    const rendered = (params.args as readonly unknown[])
      .map((a, i) => `${params.argNames[i] || i}=${String(a)}`)
      .join(", ");
    const formatted = `${params.errorName}(${rendered})`;
    super(params.message, { cause: params.cause, metaMessages: [`Error: ${formatted}`] });
    this.formatted = formatted;
    this.errorName = params.errorName;
    this.args = params.args;
    this.data = params.data;
  }
}

/** A revert whose data matches no Optio error (or carries none): the raw data is kept for the caller. */
export class OptioUnknownRevertError extends BaseError {
  override name = "OptioUnknownRevertError";
  /** The raw revert data, undefined when the node returned none. */
  readonly data: Hex | undefined;

  constructor({ data, cause }: { data: Hex | undefined; cause?: Error }) {
    super(data === undefined ? "The call reverted without data." : "The call reverted with an unknown error.", {
      cause,
      details: data,
      metaMessages: data === undefined ? undefined : [`Revert data: ${data}`],
    });
    this.data = data;
  }
}
