import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type {
  ContractFuture,
  IgnitionModuleBuilder,
  ModuleParameterRuntimeValue,
} from "@nomicfoundation/ignition-core";

/**
 * The protocol core, chain-agnostic: governance timelock, pause guard, vault with its interim margin hook,
 * series registry and quorum feed. The deployer is the interim admin so that a setup module can list collateral
 * and underlyings; `Handover` then gives every admin role to the timelock and renounces the deployer's.
 *
 * Parameters (module "OptioCore", or the module that calls `buildCore`):
 * - quoteAsset: the quote stablecoin (address)
 * - guardian: the account allowed to pause new risk at once
 * - timelockDelay: seconds between scheduling and executing a governance call
 * - proposers: accounts allowed to schedule timelock calls (a multisig in production)
 * - executors: accounts allowed to execute ready calls (the zero address lets anyone)
 * - signers, threshold: the quorum feed's initial signer set and k
 */
export function buildCore(
  m: IgnitionModuleBuilder,
  quoteAsset: ModuleParameterRuntimeValue<string> | ContractFuture<string>,
) {
  const deployer = m.getAccount(0);
  const guardian = m.getParameter<string>("guardian");
  const timelockDelay = m.getParameter<number>("timelockDelay", 2 * 24 * 3600);
  const proposers = m.getParameter<string[]>("proposers");
  const executors = m.getParameter<string[]>("executors", ["0x0000000000000000000000000000000000000000"]);
  const signers = m.getParameter<string[]>("signers");
  const threshold = m.getParameter<number>("threshold");

  // admin = zero: the timelock administers itself, so changing proposers also goes through the delay.
  const timelock = m.contract("TimelockController", [
    timelockDelay,
    proposers,
    executors,
    "0x0000000000000000000000000000000000000000",
  ]);
  const pauseGuard = m.contract("PauseGuard", [deployer, guardian]);
  const marginHook = m.contract("OpenPositionsMarginHook", ["0x0000000000000000000000000000000000000000"]);
  const vault = m.contract("Vault", [deployer, quoteAsset, marginHook]);
  const registry = m.contract("SeriesRegistry", [deployer, pauseGuard]);
  const quorumFeed = m.contract("QuorumFeed", [deployer, signers, threshold]);

  return { timelock, pauseGuard, marginHook, vault, registry, quorumFeed };
}

export default buildModule("OptioCore", (m) => buildCore(m, m.getParameter<string>("quoteAsset")));
