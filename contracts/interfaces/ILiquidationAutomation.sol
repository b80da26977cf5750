// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

// solhint-disable-next-line max-line-length
import {AutomationCompatibleInterface} from "@chainlink/contracts/src/v0.8/automation/interfaces/AutomationCompatibleInterface.sol";
import {ILiquidationEngine} from "./ILiquidationEngine.sol";
import {IPositionBook} from "./IPositionBook.sol";
import {IRiskController} from "./IRiskController.sol";
import {ISeriesRegistry} from "./ISeriesRegistry.sol";
import {ISettlement} from "./ISettlement.sol";
import {IVault} from "./IVault.sol";

/// @title ILiquidationAutomation
/// @notice Chainlink Automation (or anyone) drives liquidations, settlement and risk observations through one
/// `checkUpkeep` / `performUpkeep` pair over a bounded, permissionless watch list of accounts. `checkData` is empty
/// or `abi.encode(uint256 cursor)`; `performData` is `abi.encode(Action[])`, re-validated action by action.
interface ILiquidationAutomation is AutomationCompatibleInterface {
    /// @notice What an action does: start an auction (`account`), settle (`account`, series `id`), poke (`id` is
    /// the underlying) or collect `account`'s settlement debt on series `id` in the quote asset, its own claims
    /// first (`ISettlement.collectDebt`).
    enum ActionKind {
        StartAuction,
        Settle,
        Poke,
        CollectDebt
    }

    /// @notice One unit of work in `performData`.
    struct Action {
        ActionKind kind;
        address account;
        uint256 id;
    }

    /// @notice Watching more would exceed `MAX_WATCHED`.
    error Automation_WatchListFull(uint256 maxWatched);
    /// @notice `performData` holds more than `maxActions` actions.
    error Automation_TooManyActions(uint256 count, uint256 maxActions);
    /// @notice A zero address or a `maxBatch` outside [1, MAX_BATCH].
    error Automation_InvalidConfig();
    /// @notice `evict` while the list still has room: `watch` instead.
    error Automation_WatchListNotFull(uint256 length);
    /// @notice `evict` of an account that is not watched, or for one that already is.
    error Automation_NotEvictable(address evicted, address account);
    /// @notice `account` carries too little risk to take `evicted`'s place: its maintenance margin is below
    /// `MIN_EVICTING_MAINTENANCE_WAD` or not above the evicted account's.
    error Automation_RiskTooSmall(address account, uint256 maintenanceWad, uint256 evictedMaintenanceWad);
    /// @notice `evicted` may be auctioned now: it keeps its place until the upkeep flags it.
    error Automation_EvictedIsStartable(address evicted);
    /// @notice The engine could not value `account` now (for instance a price is Down): nothing is decided.
    error Automation_RiskUnreadable(address account);

    /// @notice `account` joined the watch list.
    event AccountWatched(address indexed account);
    /// @notice `account` left the watch list.
    event AccountUnwatched(address indexed account);
    /// @notice An action was executed.
    event ActionPerformed(ActionKind indexed kind, address indexed account, uint256 indexed id);
    /// @notice An action was stale or failed and was skipped.
    event ActionSkipped(ActionKind indexed kind, address indexed account, uint256 indexed id);
    /// @notice The flag reward for auctioning `account` went on to the vault account of `performer`.
    event RewardForwarded(address indexed account, address indexed performer, uint256 reward);
    /// @notice The flag reward for auctioning `account` could not be forwarded and stays in this contract's account.
    event RewardKept(address indexed account, uint256 reward);
    /// @notice `account` (maintenance `maintenanceWad`) took the place of `evicted` (`evictedMaintenanceWad`).
    event AccountEvicted(
        address indexed evicted,
        address indexed account,
        uint256 evictedMaintenanceWad,
        uint256 maintenanceWad
    );

    /// @notice Largest watch list.
    function MAX_WATCHED() external view returns (uint256);

    /// @notice Largest `maxBatch`.
    function MAX_BATCH() external view returns (uint256);

    /// @notice Smallest maintenance margin (quote WAD) with which a newcomer may evict a watched account: below it an
    /// account is dust to the automation and never displaces anyone.
    function MIN_EVICTING_MAINTENANCE_WAD() external view returns (uint256);

    /// @notice The liquidation engine.
    function engine() external view returns (ILiquidationEngine);

    /// @notice The engine's vault (flag rewards are forwarded through it).
    function vault() external view returns (IVault);

    /// @notice The vault's quote asset (the currency of flag rewards).
    function quoteAsset() external view returns (address);

    /// @notice Settlement.
    function settlement() external view returns (ISettlement);

    /// @notice The position book.
    function book() external view returns (IPositionBook);

    /// @notice The series registry.
    function registry() external view returns (ISeriesRegistry);

    /// @notice The risk controller.
    function riskController() external view returns (IRiskController);

    /// @notice Accounts (and underlyings) scanned per check.
    function maxBatch() external view returns (uint256);

    /// @notice Largest number of actions a check returns and a perform accepts: per account one start, one debt
    /// collection and one settlement per live series (at most the book's `MAX_LIVE_SERIES_LIMIT`), plus one poke
    /// per underlying.
    function maxActions() external view returns (uint256);

    /// @notice Adds the accounts that hold an open position and are not watched yet; skips the others.
    /// Permissionless. Reverts `Automation_WatchListFull` when the list would exceed `MAX_WATCHED` (a larger risk
    /// then enters through `evict`).
    /// @return added How many accounts joined.
    function watch(address[] calldata accounts) external returns (uint256 added);

    /// @notice Removes the watched accounts that hold no open position and owe no settlement debt; skips the
    /// others. Permissionless.
    /// @return removed How many accounts left.
    function prune(address[] calldata accounts) external returns (uint256 removed);

    /// @notice Once the list is full, `account` (holding an open position, not watched) takes the place of the
    /// watched `evicted` when it carries more risk: its maintenance margin is at least
    /// `MIN_EVICTING_MAINTENANCE_WAD` and strictly above `evicted`'s, and `evicted` cannot be auctioned now. Both
    /// are valued by the engine's `liquidationStatus` at current prices; when either cannot be valued nothing
    /// changes. Permissionless: a keeper finds the least risky watched account off-chain.
    function evict(address evicted, address account) external;

    /// @notice The watch list, in no particular order.
    function watchedAccounts() external view returns (address[] memory);

    /// @notice Whether `account` is watched.
    function isWatched(address account) external view returns (bool);
}
