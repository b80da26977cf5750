import type { BaseContract, Contract, Signer } from "ethers";

/** Mints `amount` of a mock `token` to `who` and deposits it into `who`'s vault account (local chains only). */
export async function mintAndDeposit(vault: BaseContract, token: BaseContract, who: Signer, amount: bigint) {
  const account = await who.getAddress();
  await (await (token as Contract).mint(account, amount)).wait();
  await (await (token.connect(who) as Contract).approve(await vault.getAddress(), amount)).wait();
  await (await (vault.connect(who) as Contract).deposit(account, await token.getAddress(), amount)).wait();
}
