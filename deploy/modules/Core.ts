import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { ROLES } from "@optio/sdk";
import { handOverToTimelock } from "./Handover.js";
import type {
  ContractFuture,
  IgnitionModuleBuilder,
  ModuleParameterRuntimeValue,
} from "@nomicfoundation/ignition-core";

/**
 * The protocol core, chain-agnostic: governance timelock, pause guard, series registry, risk controller (consulted
 * by the registry, the margin engine, the exchange and the liquidation engine), position book, vault, settlement,
 * standard margin engine (the vault's margin hook), insurance fund, exchange (the fund is its insurance fee
 * account), liquidation engine and quorum feed, with every role wired. Risk parameters are per underlying, so the
 * module that adds underlyings sets them (`setRiskParams`); until then an underlying's multiplier is 1 and
 * reduce-only follows its router's health alone. The deployer is the interim admin so that a setup module can list
 * collateral and underlyings; `Handover` then gives every admin role to the timelock and renounces the deployer's.
 * Every deployment path ends there: this module hands over right after the wiring, `LocalDemo` after its setup.
 * The timelock also holds the lister role (series are listed by governance, or by a listing contract it appoints),
 * so afterwards no externally owned account holds any role but the guardian's pause role (and the timelock's own
 * proposer and executor roles, which are the governance parameters: a multisig in production).
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
const ZERO = "0x0000000000000000000000000000000000000000";

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
  const settlement = m.contract("Settlement", [deployer, vault, book, registry]);
  // The margin engine's dependencies are immutable constructor arguments: the risk controller (which needs only the
  // registry) and settlement (vault, book, registry) are deployed before it.
  const margin = m.contract("MarginEngine", [deployer, vault, book, registry, settlement, riskController]);
  // The engine's constructor takes the fund, so the fund starts without an engine and is told it once below.
  const insuranceFund = m.contract("InsuranceFund", [deployer, vault, ZERO]);
  // The fee recipient's share goes to a vault account of the timelock; the insurance share to the fund.
  const exchange = m.contract("Exchange", [
    deployer,
    vault,
    book,
    registry,
    margin,
    pauseGuard,
    riskController,
    timelock,
    insuranceFund,
  ]);
  // Auctions start and bids execute only where the routers report Ok and the risk controller allows liquidations.
  const liquidationEngine = m.contract("LiquidationEngine", [
    deployer,
    vault,
    book,
    registry,
    margin,
    insuranceFund,
    riskController,
  ]);
  const quorumFeed = m.contract("QuorumFeed", [deployer, signers, threshold]);
  // Chainlink-Automation-shaped driver (anyone may call it): flags, settles and pokes over a bounded watch list.
  const automation = m.contract("LiquidationAutomation", [
    liquidationEngine,
    settlement,
    book,
    registry,
    riskController,
    m.getParameter<number>("automationBatch", 20),
  ]);

  const wiring = [
    m.call(registry, "grantRole", [ROLES.POSITION_MANAGER, book], { id: "registry_grantPositionManager_book" }),
    m.call(book, "grantRole", [ROLES.TRADER, exchange], { id: "book_grantTrader_exchange" }),
    m.call(book, "grantRole", [ROLES.SETTLER, settlement], { id: "book_grantSettler_settlement" }),
    m.call(vault, "grantRole", [ROLES.CLEARING, exchange], { id: "vault_grantClearing_exchange" }),
    m.call(vault, "grantRole", [ROLES.CLEARING, settlement], { id: "vault_grantClearing_settlement" }),
    m.call(vault, "setMarginHook", [margin], { id: "vault_setMarginHook_margin" }),
    m.call(registry, "setRiskController", [riskController], { id: "registry_setRiskController" }),
    m.call(book, "grantRole", [ROLES.TRADER, liquidationEngine], { id: "book_grantTrader_liquidation" }),
    m.call(vault, "grantRole", [ROLES.CLEARING, liquidationEngine], { id: "vault_grantClearing_liquidation" }),
    m.call(vault, "grantRole", [ROLES.SOCIALISER, liquidationEngine], { id: "vault_grantSocialiser_liquidation" }),
    m.call(settlement, "grantRole", [ROLES.DEBT_RESOLVER, liquidationEngine], {
      id: "settlement_grantDebtResolver_liquidation",
    }),
    m.call(insuranceFund, "setLiquidationEngine", [liquidationEngine], { id: "insuranceFund_setLiquidationEngine" }),
    m.call(registry, "grantRole", [ROLES.LISTER, timelock], { id: "registry_grantLister_timelock" }),
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
    insuranceFund,
    exchange,
    liquidationEngine,
    automation,
    quorumFeed,
    wiring,
  };
}

/** The access-controlled contracts of the core, whose admin role moves to the timelock at the end of a deployment. */
export function accessControlled(core: ReturnType<typeof buildCore>) {
  const {
    vault,
    registry,
    riskController,
    quorumFeed,
    pauseGuard,
    book,
    margin,
    exchange,
    settlement,
    insuranceFund,
    liquidationEngine,
  } = core;
  return {
    vault,
    registry,
    riskController,
    quorumFeed,
    pauseGuard,
    book,
    margin,
    exchange,
    settlement,
    insuranceFund,
    liquidationEngine,
  };
}

export default buildModule("OptioCore", (m) => {
  const core = buildCore(m, m.getParameter<string>("quoteAsset"));
  const { wiring, ...contracts } = core;
  // The deployer's interim admin ends with the wiring: collateral and underlyings are then added by governance.
  handOverToTimelock(m, core.timelock, accessControlled(core), wiring);
  return contracts;
});
