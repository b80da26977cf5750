import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { ROLES } from "../roles.js";
import type {
  ContractFuture,
  IgnitionModuleBuilder,
  ModuleParameterRuntimeValue,
} from "@nomicfoundation/ignition-core";

/**
 * The protocol core, chain-agnostic: governance timelock, pause guard, series registry, risk controller (consulted
 * by the registry, the margin engine and the exchange), position book, vault, settlement, standard margin engine
 * (the vault's margin hook), exchange and quorum feed, with every role wired. Risk parameters are per underlying,
 * so the module that adds underlyings sets them (`setRiskParams`); until then an underlying's multiplier is 1 and
 * reduce-only follows its router's health alone. The deployer is the interim admin so that a setup module can list collateral
 * and underlyings; `Handover` then gives every admin role to the timelock and renounces the deployer's.
 *
 * Parameters (module "OptioCore", or the module that calls `buildCore`):
 * - quoteAsset: the quote stablecoin (address)
 * - guardian: the account allowed to pause new risk at once
 * - timelockDelay: seconds between scheduling and executing a governance call
 * - proposers: accounts allowed to schedule timelock calls (a multisig in production)
 * - executors: accounts allowed to execute ready calls (the zero address lets anyone)
 * - signers, threshold: the quorum feed's initial signer set and k
 * - maxLiveSeries: live series per account (default 16)
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
  const maxLiveSeries = m.getParameter<number>("maxLiveSeries", 16);

  // admin = zero: the timelock administers itself, so changing proposers also goes through the delay.
  const timelock = m.contract("TimelockController", [
    timelockDelay,
    proposers,
    executors,
    "0x0000000000000000000000000000000000000000",
  ]);
  const pauseGuard = m.contract("PauseGuard", [deployer, guardian]);
  const registry = m.contract("SeriesRegistry", [deployer, pauseGuard]);
  const riskController = m.contract("RiskController", [deployer, registry]);
  const book = m.contract("PositionBook", [deployer, registry, maxLiveSeries]);
  // The vault needs a hook at construction and the margin engine needs the vault: start with the interim hook
  // (no withdrawals with open positions) and switch to the engine below.
  const interimHook = m.contract("OpenPositionsMarginHook", [book]);
  const vault = m.contract("Vault", [deployer, quoteAsset, interimHook]);
  const settlement = m.contract("Settlement", [vault, book, registry]);
  const margin = m.contract("MarginEngine", [deployer, vault, book, registry, settlement]);
  // Fees go to vault accounts owned by the timelock until issue 4's insurance fund contract takes its share.
  const exchange = m.contract("Exchange", [deployer, vault, book, registry, margin, pauseGuard, timelock, timelock]);
  const quorumFeed = m.contract("QuorumFeed", [deployer, signers, threshold]);

  const wiring = [
    m.call(registry, "grantRole", [ROLES.POSITION_MANAGER, book], { id: "registry_grantPositionManager_book" }),
    m.call(book, "grantRole", [ROLES.TRADER, exchange], { id: "book_grantTrader_exchange" }),
    m.call(book, "grantRole", [ROLES.SETTLER, settlement], { id: "book_grantSettler_settlement" }),
    m.call(vault, "grantRole", [ROLES.CLEARING, exchange], { id: "vault_grantClearing_exchange" }),
    m.call(vault, "grantRole", [ROLES.CLEARING, settlement], { id: "vault_grantClearing_settlement" }),
    m.call(vault, "setMarginHook", [margin], { id: "vault_setMarginHook_margin" }),
    m.call(registry, "setRiskController", [riskController], { id: "registry_setRiskController" }),
    m.call(margin, "setRiskController", [riskController], { id: "margin_setRiskController" }),
    m.call(exchange, "setRiskController", [riskController], { id: "exchange_setRiskController" }),
  ];

  return {
    timelock,
    pauseGuard,
    registry,
    riskController,
    book,
    vault,
    settlement,
    margin,
    exchange,
    quorumFeed,
    wiring,
  };
}

export default buildModule("OptioCore", (m) => {
  const { wiring: _wiring, ...contracts } = buildCore(m, m.getParameter<string>("quoteAsset"));
  return contracts;
});
