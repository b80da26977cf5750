import type {
  Future,
  IgnitionModuleBuilder,
  NamedArtifactContractDeploymentFuture,
} from "@nomicfoundation/ignition-core";

import { ROLES } from "@optio/sdk";

type AccessControlled = NamedArtifactContractDeploymentFuture<string>;

/**
 * Gives DEFAULT_ADMIN_ROLE of every access-controlled contract to the timelock, then renounces the deployer's,
 * after all of `setup` has run. Used at the end of a deployment module.
 */
export function handOverToTimelock(
  m: IgnitionModuleBuilder,
  timelock: AccessControlled,
  contracts: Record<string, AccessControlled>,
  setup: Future[],
): Future[] {
  const deployer = m.getAccount(0);
  const done: Future[] = [];
  for (const [name, contract] of Object.entries(contracts)) {
    const grant = m.call(contract, "grantRole", [ROLES.DEFAULT_ADMIN, timelock], {
      id: `${name}_grantAdminToTimelock`,
      after: setup,
    });
    done.push(
      m.call(contract, "renounceRole", [ROLES.DEFAULT_ADMIN, deployer], {
        id: `${name}_renounceDeployerAdmin`,
        after: [grant],
      }),
    );
  }
  return done;
}
