import { expect } from "chai";
import { BaseError, encodeAbiParameters, encodeErrorResult, type Hex, toFunctionSelector } from "viem";
import { optioErrorsAbi } from "../abis/errors.js";
import { OptioContractError, OptioUnknownRevertError } from "./base.js";
import { decodeOptioError, decodeOptioRevertData } from "./decode.js";
import { optioErrorClasses, optioErrorMessages } from "./generated.js";

/** A sample value of each ABI type the errors use. */
function sample(type: string, i: number): unknown {
  if (type === "address") return `0x${(i + 1).toString(16).padStart(40, "0")}`;
  if (type === "bool") return i % 2 === 1;
  if (type === "bytes32") return `0x${(i + 7).toString(16).padStart(64, "0")}`;
  if (type === "bytes") return "0xdead";
  if (type === "string") return `s${i}`;
  if (type === "uint8") return i + 1;
  if (type.startsWith("uint")) return BigInt(i + 1) * 1000n;
  if (type.startsWith("int")) return -BigInt(i + 1);
  throw new Error(`no sample for ${type}`);
}

describe("errors: every ABI error decodes to its own typed class", () => {
  it("has a class and a non-empty message for each of the generated table's errors", () => {
    expect(optioErrorsAbi.length).to.be.greaterThan(100);
    for (const e of optioErrorsAbi) {
      expect(optioErrorClasses, e.name).to.have.property(e.name);
      expect(optioErrorMessages[e.name], e.name).to.be.a("string").and.not.equal("");
    }
    expect(Object.keys(optioErrorClasses)).to.have.length(optioErrorsAbi.length);
  });

  it("round-trips every error's encoded revert data into its class with the decoded arguments", () => {
    for (const e of optioErrorsAbi) {
      const args = e.inputs.map((input, i) => sample(input.type, i));
      const data = encodeErrorResult({ abi: [e], errorName: e.name, args } as never);
      const decoded = decodeOptioRevertData(data);
      expect(decoded, e.name).to.be.instanceOf(optioErrorClasses[e.name]);
      expect(decoded).to.be.instanceOf(OptioContractError).and.instanceOf(BaseError);
      expect(decoded!.errorName).to.equal(e.name);
      expect(decoded!.args).to.deep.equal(args);
      expect(decoded!.data).to.equal(data);
      expect(decoded!.shortMessage).to.equal(optioErrorMessages[e.name]);
      expect(decoded!.message).to.contain(`${e.name}(`);
      expect(decoded!.formatted).to.equal(
        `${e.name}(${args.map((a, i) => `${e.inputs[i].name || i}=${String(a)}`).join(", ")})`,
      );
    }
  });

  it("keeps the raw data of a revert no ABI declares, and passes other errors through", () => {
    const data: Hex = `${toFunctionSelector("Nope(uint256)")}${encodeAbiParameters([{ type: "uint256" }], [1n]).slice(2)}`;
    const viemLike = Object.assign(new BaseError("execution reverted"), {
      name: "ContractFunctionRevertedError",
      raw: data,
    });
    const unknown = decodeOptioError(new BaseError("outer", { cause: viemLike }));
    expect(unknown).to.be.instanceOf(OptioUnknownRevertError);
    expect((unknown as OptioUnknownRevertError).data).to.equal(data);

    // An ethers-shaped revert: `data` on the error itself.
    const known = encodeErrorResult({ abi: optioErrorsAbi, errorName: "Vault_ZeroAmount" });
    const ethersLike = Object.assign(new Error("call revert exception"), { code: "CALL_EXCEPTION", data: known });
    expect(decodeOptioError(ethersLike)).to.be.instanceOf(optioErrorClasses.Vault_ZeroAmount);

    const empty = decodeOptioError(Object.assign(new Error("reverted"), { code: "CALL_EXCEPTION", data: null }));
    expect(empty).to.be.instanceOf(OptioUnknownRevertError);
    expect((empty as OptioUnknownRevertError).data).to.equal(undefined);

    const network = new Error("socket hang up");
    const passed = decodeOptioError(network);
    expect(passed).to.be.instanceOf(BaseError).and.not.instanceOf(OptioUnknownRevertError);
    expect(passed.cause).to.equal(network);
  });
});
