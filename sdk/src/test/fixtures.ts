import type { Address } from "viem";
import type { LocalChain } from "./chain.js";

/** Mints `amount` of a local mock token to `to` (setup the SDK does not cover: mock tokens only). */
export async function mint(chain: LocalChain, token: Address, to: Address, amount: bigint): Promise<void> {
  const mock = await chain.connection.ethers.getContractAt("MockERC20", token);
  await (await mock.mint(to, amount)).wait();
}

/** Deploys a fresh mock ERC-20 the vault does not list. */
export async function unlistedToken(chain: LocalChain): Promise<Address> {
  const token = await chain.connection.ethers.deployContract("MockERC20", ["Unlisted", "UNL", 18]);
  await token.waitForDeployment();
  return (await token.getAddress()) as Address;
}
