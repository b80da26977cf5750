import {
  type Address,
  BaseError,
  erc20Abi,
  type Hash,
  parseAbi,
  parseEventLogs,
  parseSignature,
  type TransactionReceipt,
} from "viem";
import type { OptioClientConfig } from "../../client.js";
import { vaultAbi } from "../../abis/vault.js";
import type { DecodedOptioError } from "../../errors/decode.js";
import { readOptio, simulateAndWrite, walletOf } from "../internal/write.js";

/** EIP-2612 and ERC-5267: what a token needs for `deposit` to use a signed permit instead of an approval. */
const permitAbi = parseAbi([
  "function nonces(address owner) view returns (uint256)",
  "function eip712Domain() view returns (bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)",
  "function permit(address owner, address spender, uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s)",
]);

export type DepositParameters = {
  /** The collateral token. */
  token: Address;
  /** Amount in token units. */
  amount: bigint;
  /** The vault account credited; the sender's own by default. */
  account?: Address;
  /**
   * How the vault gets its allowance when the current one is short: `"auto"` (default) signs an EIP-2612 permit
   * when the token supports one, else sends `approve(amount)`; `"approve"` always approves; `"permit"` requires a
   * permit. Nothing is done when the allowance already covers `amount`.
   */
  allowance?: "auto" | "approve" | "permit";
  /** Seconds a permit stays valid (default 1 hour). */
  permitTtl?: bigint;
};

export type DepositReturnType = {
  hash: Hash;
  receipt: TransactionReceipt;
  /** What the vault credited (token units), from the receipt's `Deposited` event. */
  credited: bigint;
  /** How the allowance was obtained: already there, an approval transaction, or a permit transaction. */
  allowance: { kind: "sufficient" } | { kind: "approve" | "permit"; hash: Hash };
};

export type DepositErrorType = DecodedOptioError;

/** Deposits `amount` of `token` into a vault account, first obtaining the vault's allowance by permit or approval. */
export async function deposit(client: OptioClientConfig, params: DepositParameters): Promise<DepositReturnType> {
  const { wallet, account } = walletOf(client);
  const vault = client.deployment.contracts.vault;
  const { token, amount } = params;
  const mode = params.allowance ?? "auto";
  const current = await readOptio(() =>
    client.publicClient.readContract({
      address: token,
      abi: erc20Abi,
      functionName: "allowance",
      args: [account.address, vault],
    }),
  );
  let allowance: DepositReturnType["allowance"] = { kind: "sufficient" };
  if (current < amount) {
    const domain = mode === "approve" ? undefined : await permitDomain(client, token);
    if (mode === "permit" && domain === undefined) {
      throw new BaseError(`Token ${token} does not support EIP-2612 permits.`);
    }
    if (domain !== undefined) {
      const nonce = await client.publicClient.readContract({
        address: token,
        abi: permitAbi,
        functionName: "nonces",
        args: [account.address],
      });
      const block = await client.publicClient.getBlock();
      const deadline = block.timestamp + (params.permitTtl ?? 3_600n);
      const signature = await wallet.signTypedData({
        account,
        domain,
        types: {
          Permit: [
            { name: "owner", type: "address" },
            { name: "spender", type: "address" },
            { name: "value", type: "uint256" },
            { name: "nonce", type: "uint256" },
            { name: "deadline", type: "uint256" },
          ],
        },
        primaryType: "Permit",
        message: { owner: account.address, spender: vault, value: amount, nonce, deadline },
      });
      const { r, s, v, yParity } = parseSignature(signature);
      const { hash } = await simulateAndWrite(client, {
        address: token,
        abi: permitAbi,
        functionName: "permit",
        args: [account.address, vault, amount, deadline, Number(v ?? BigInt(yParity + 27)), r, s],
      });
      allowance = { kind: "permit", hash };
    } else {
      const { hash } = await simulateAndWrite(client, {
        address: token,
        abi: erc20Abi,
        functionName: "approve",
        args: [vault, amount],
      });
      allowance = { kind: "approve", hash };
    }
  }
  const { hash, receipt } = await simulateAndWrite(client, {
    address: vault,
    abi: vaultAbi,
    functionName: "deposit",
    args: [params.account ?? account.address, token, amount],
  });
  const [deposited] = parseEventLogs({ abi: vaultAbi, eventName: "Deposited", logs: receipt.logs });
  return { hash, receipt, credited: deposited.args.amount, allowance };
}

/** The token's EIP-712 domain when it exposes ERC-5267 `eip712Domain` and EIP-2612 `nonces`; else undefined. */
async function permitDomain(client: OptioClientConfig, token: Address) {
  try {
    const [, name, version, chainId, verifyingContract] = await client.publicClient.readContract({
      address: token,
      abi: permitAbi,
      functionName: "eip712Domain",
    });
    await client.publicClient.readContract({
      address: token,
      abi: permitAbi,
      functionName: "nonces",
      args: [verifyingContract],
    });
    return { name, version, chainId: Number(chainId), verifyingContract };
  } catch {
    return undefined;
  }
}
