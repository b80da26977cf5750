import type { BaseContract, Contract } from "ethers";
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";

/** One role held by an externally owned account (an address without code). */
export interface EoaRole {
  contract: string;
  role: string;
  account: string;
}

/**
 * Every role of `contracts` that an address without code holds now: each `RoleGranted` ever emitted is checked
 * against `hasRole` (so revoked and renounced grants drop out) and against the holder's code; the zero address is
 * skipped. Sorted, so a test
 * can compare the whole list with the few it allows.
 */
export async function rolesHeldByEoas(
  ethers: HardhatEthers,
  contracts: Record<string, BaseContract>,
): Promise<EoaRole[]> {
  const held: EoaRole[] = [];
  for (const [name, c] of Object.entries(contracts)) {
    const contract = c as Contract;
    const grants = await contract.queryFilter(contract.filters.RoleGranted(), 0);
    const seen = new Set<string>();
    for (const grant of grants) {
      if (!("args" in grant)) continue;
      const [role, account] = [grant.args[0] as string, grant.args[1] as string];
      const key = `${role}:${account}`;
      if (seen.has(key)) continue;
      seen.add(key);
      // The zero address holds the timelock's open executor role: a switch ("anyone"), not an account.
      if (BigInt(account) === 0n) continue;
      if (!((await contract.hasRole(role, account)) as boolean)) continue;
      if ((await ethers.provider.getCode(account)) !== "0x") continue;
      held.push({ contract: name, role, account });
    }
  }
  return held.sort((a, b) => `${a.contract}${a.role}${a.account}`.localeCompare(`${b.contract}${b.role}${b.account}`));
}
