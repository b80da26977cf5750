// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

// solhint-disable-next-line max-line-length
import {AutomationCompatibleInterface} from "@chainlink/contracts/src/v0.8/automation/interfaces/AutomationCompatibleInterface.sol";
import {ILiquidationAutomation} from "../interfaces/ILiquidationAutomation.sol";
import {ILiquidationEngine} from "../interfaces/ILiquidationEngine.sol";
import {Health, IOracleRouter} from "../interfaces/IOracleRouter.sol";
import {IPositionBook} from "../interfaces/IPositionBook.sol";
import {IRiskController} from "../interfaces/IRiskController.sol";
import {ISeriesRegistry} from "../interfaces/ISeriesRegistry.sol";
import {ISettlement} from "../interfaces/ISettlement.sol";
import {IVault} from "../interfaces/IVault.sol";

/// @title LiquidationAutomation
/// @notice Chainlink Automation (or anyone) drives liquidations, settlement and risk observations through one
/// `checkUpkeep` / `performUpkeep` pair:
/// - auction starts for watched accounts whose `liquidationStatus(account).canStart` is true;
/// - settlement of watched accounts' positions in expired series whose expiry price is proven;
/// - collection of watched accounts' settlement debt from what they hold in the quote asset, their own claims
///   first (`ISettlement.collectDebt` with the quote asset as `token`: the automation pays nothing and takes
///   nothing; buying a debtor's other collateral needs a collector's capital and is left to keepers);
/// - `riskController.poke` of underlyings whose observation is due (parameters set, `minUpdateInterval` passed,
///   spot Ok).
///
/// Watch list: permissionless and bounded. Anyone may `watch` accounts that hold at least one open position (up to
/// `MAX_WATCHED` in total) and `prune` watched accounts that hold none and owe no settlement debt. Once the list is
/// full, a newcomer enters by `evict`ing a watched account that carries less risk: the newcomer's maintenance margin
/// must be at least `MIN_EVICTING_MAINTENANCE_WAD` and above the evicted account's, and an account startable now is
/// never evicted. Dust positions (or long-only accounts, whose maintenance is 0) therefore hold a place only until
/// a real risk needs it, and keeping an account of maintenance M out takes `MAX_WATCHED` accounts each carrying at
/// least M of maintenance (and posting initial margin for it). Keepers that index every account off-chain remain
/// the primary liquidators and this contract their on-chain backstop.
///
/// Scanning: `checkData` is empty or `abi.encode(uint256 cursor)`. A check scans at most `maxBatch` watched
/// accounts, from (cursor + (block.number mod rounds) × maxBatch) mod length, with rounds = ceil(length / maxBatch):
/// one upkeep with empty checkData covers the whole list every `rounds` blocks, and upkeeps registered with cursors
/// 0, maxBatch, 2 maxBatch, … scan disjoint windows in the same block. Underlyings 1..min(count, maxBatch) are
/// checked for a due poke.
///
/// `performUpkeep` trusts nothing in its input: every action is re-validated and executed under try/catch; a stale
/// or failing action is skipped (`ActionSkipped`), never reverting the batch.
/// @dev Flag rewards of auctions started here are paid by the engine to this contract's vault account and
/// forwarded at once to the vault account of whoever called `performUpkeep` (this contract owns its account, so a
/// plain vault transfer moves it; it holds no positions, so the margin hook lets it go). Nothing accumulates here.
contract LiquidationAutomation is ILiquidationAutomation {
    /// @inheritdoc ILiquidationAutomation
    uint256 public constant MAX_WATCHED = 1_000;
    /// @inheritdoc ILiquidationAutomation
    uint256 public constant MAX_BATCH = 50;
    /// @inheritdoc ILiquidationAutomation
    uint256 public constant MIN_EVICTING_MAINTENANCE_WAD = 10e18;

    /// @inheritdoc ILiquidationAutomation
    ILiquidationEngine public immutable engine;
    /// @inheritdoc ILiquidationAutomation
    IVault public immutable vault;
    /// @inheritdoc ILiquidationAutomation
    address public immutable quoteAsset;
    /// @inheritdoc ILiquidationAutomation
    ISettlement public immutable settlement;
    /// @inheritdoc ILiquidationAutomation
    IPositionBook public immutable book;
    /// @inheritdoc ILiquidationAutomation
    ISeriesRegistry public immutable registry;
    /// @inheritdoc ILiquidationAutomation
    IRiskController public immutable riskController;
    /// @inheritdoc ILiquidationAutomation
    uint256 public immutable maxBatch;
    /// @inheritdoc ILiquidationAutomation
    uint256 public immutable maxActions;

    address[] internal _watched;
    /// @dev 1-based index into `_watched`; 0 when not watched.
    mapping(address account => uint256) internal _indexOf;

    constructor(
        ILiquidationEngine engine_,
        ISettlement settlement_,
        IPositionBook book_,
        ISeriesRegistry registry_,
        IRiskController riskController_,
        uint256 maxBatch_
    ) {
        if (
            address(engine_) == address(0) ||
            address(settlement_) == address(0) ||
            address(book_) == address(0) ||
            address(registry_) == address(0) ||
            address(riskController_) == address(0) ||
            maxBatch_ == 0 ||
            maxBatch_ > MAX_BATCH
        ) revert Automation_InvalidConfig();
        engine = engine_;
        vault = engine_.vault();
        quoteAsset = engine_.vault().quoteAsset();
        settlement = settlement_;
        book = book_;
        registry = registry_;
        riskController = riskController_;
        maxBatch = maxBatch_;
        maxActions = maxBatch_ * (3 + book_.MAX_LIVE_SERIES_LIMIT());
    }

    // ------------------------------------------------------------------------------------------------------------
    // Watch list
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc ILiquidationAutomation
    function watch(address[] calldata accounts) external returns (uint256 added) {
        for (uint256 i; i < accounts.length; ++i) {
            address account = accounts[i];
            if (_indexOf[account] != 0 || book.openPositionCount(account) == 0) continue;
            if (_watched.length == MAX_WATCHED) revert Automation_WatchListFull(MAX_WATCHED);
            _watched.push(account);
            _indexOf[account] = _watched.length;
            ++added;
            emit AccountWatched(account);
        }
    }

    /// @inheritdoc ILiquidationAutomation
    function prune(address[] calldata accounts) external returns (uint256 removed) {
        for (uint256 i; i < accounts.length; ++i) {
            address account = accounts[i];
            uint256 index = _indexOf[account];
            if (index == 0 || book.openPositionCount(account) != 0 || settlement.debtOf(account) != 0) continue;
            address last = _watched[_watched.length - 1];
            _watched[index - 1] = last;
            _indexOf[last] = index;
            _watched.pop();
            delete _indexOf[account];
            ++removed;
            emit AccountUnwatched(account);
        }
    }

    /// @inheritdoc ILiquidationAutomation
    function evict(address evicted, address account) external {
        if (_watched.length != MAX_WATCHED) revert Automation_WatchListNotFull(_watched.length);
        if (_indexOf[evicted] == 0 || _indexOf[account] != 0 || book.openPositionCount(account) == 0) {
            revert Automation_NotEvictable(evicted, account);
        }
        (uint256 evictedMaintenance, bool evictedStartable) = _riskOf(evicted);
        if (evictedStartable) revert Automation_EvictedIsStartable(evicted);
        (uint256 maintenance, ) = _riskOf(account);
        if (maintenance < MIN_EVICTING_MAINTENANCE_WAD || maintenance <= evictedMaintenance) {
            revert Automation_RiskTooSmall(account, maintenance, evictedMaintenance);
        }
        // The newcomer takes the evicted account's index: the list keeps its length and order otherwise.
        uint256 index = _indexOf[evicted];
        _watched[index - 1] = account;
        _indexOf[account] = index;
        delete _indexOf[evicted];
        emit AccountUnwatched(evicted);
        emit AccountWatched(account);
        emit AccountEvicted(evicted, account, evictedMaintenance, maintenance);
    }

    /// @inheritdoc ILiquidationAutomation
    function watchedAccounts() external view returns (address[] memory) {
        return _watched;
    }

    /// @inheritdoc ILiquidationAutomation
    function isWatched(address account) external view returns (bool) {
        return _indexOf[account] != 0;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Automation
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc AutomationCompatibleInterface
    /// @dev A view that never reverts: every external read is wrapped, a failing read contributes no action.
    /// `performData` is `abi.encode(Action[])`.
    function checkUpkeep(bytes calldata checkData) external view returns (bool upkeepNeeded, bytes memory performData) {
        Action[] memory actions = new Action[](maxActions);
        uint256 count;
        uint256 length = _watched.length;
        if (length != 0) {
            uint256 batch = length < maxBatch ? length : maxBatch;
            uint256 start = _windowStart(checkData, length);
            for (uint256 k; k < batch; ++k) {
                count = _scanAccount(_watched[(start + k) % length], actions, count);
            }
        }
        count = _scanUnderlyings(actions, count);
        // Trim the array to the actions found: count <= maxActions, the allocated length. Its own assembly: an
        // array of structs (`MemoryArrays` trims arrays of words).
        assembly ("memory-safe") {
            mstore(actions, count)
        }
        return (count != 0, abi.encode(actions));
    }

    /// @inheritdoc AutomationCompatibleInterface
    /// @dev Permissionless: every action is something anyone may do directly. Re-validates each action and skips
    /// (emitting `ActionSkipped`) those no longer due or failing; reverts only on malformed data or more than
    /// `maxActions` actions.
    function performUpkeep(bytes calldata performData) external {
        Action[] memory actions = abi.decode(performData, (Action[]));
        if (actions.length > maxActions) revert Automation_TooManyActions(actions.length, maxActions);
        for (uint256 i; i < actions.length; ++i) {
            Action memory a = actions[i];
            bool done;
            if (a.kind == ActionKind.StartAuction) done = _startAuction(a.account);
            else if (a.kind == ActionKind.Settle) done = _settle(a.account, a.id);
            else if (a.kind == ActionKind.CollectDebt) done = _collect(a.account, a.id);
            else done = _poke(a.id);
            if (done) emit ActionPerformed(a.kind, a.account, a.id);
            else emit ActionSkipped(a.kind, a.account, a.id);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Internals: scanning
    // ------------------------------------------------------------------------------------------------------------

    /// @dev (cursor + (block.number mod rounds) × maxBatch) mod length; the cursor is the first word of
    /// `checkData` (0 when shorter).
    function _windowStart(bytes calldata checkData, uint256 length) internal view returns (uint256) {
        uint256 cursor = checkData.length >= 32 ? uint256(bytes32(checkData[:32])) : 0;
        uint256 rounds = (length + maxBatch - 1) / maxBatch;
        // Reduced modulo length first so the sum cannot overflow whatever the cursor.
        return ((cursor % length) + ((block.number % rounds) * maxBatch)) % length;
    }

    /// @dev Appends the actions due for `account`: an auction start, a collection of one series' debt, then
    /// settlements of expired series with a proven expiry price. The book caps live series at
    /// MAX_LIVE_SERIES_LIMIT, the room reserved per account in maxActions; the bound on count only guards against a
    /// book breaking that promise.
    function _scanAccount(address account, Action[] memory actions, uint256 count) internal view returns (uint256) {
        if (_canStart(account) && count < actions.length) {
            actions[count++] = Action(ActionKind.StartAuction, account, 0);
        }
        uint256 debtSeries = _collectibleSeries(account);
        if (debtSeries != 0 && count < actions.length) {
            actions[count++] = Action(ActionKind.CollectDebt, account, debtSeries);
        }
        uint256[] memory seriesIds = _liveSeries(account);
        for (uint256 j; j < seriesIds.length && count < actions.length; ++j) {
            if (_settleable(seriesIds[j])) actions[count++] = Action(ActionKind.Settle, account, seriesIds[j]);
        }
        return count;
    }

    /// @dev Appends a poke for each of underlyings 1..min(count, maxBatch) whose observation is due.
    function _scanUnderlyings(Action[] memory actions, uint256 count) internal view returns (uint256) {
        uint256 n = _underlyingCount();
        if (n > maxBatch) n = maxBatch;
        for (uint256 id = 1; id <= n && count < actions.length; ++id) {
            if (_pokeDue(id)) actions[count++] = Action(ActionKind.Poke, address(0), id);
        }
        return count;
    }

    /// @dev Whether the engine would start an auction of `account` now. False on a failing read.
    function _canStart(address account) internal view returns (bool) {
        try engine.liquidationStatus(account) returns (ILiquidationEngine.LiquidationStatus memory status) {
            return status.canStart;
        } catch {
            return false;
        }
    }

    /// @dev The account's maintenance margin and whether it can be auctioned now; reverts
    /// `Automation_RiskUnreadable` when the engine cannot value it.
    function _riskOf(address account) internal view returns (uint256 maintenanceWad, bool canStart) {
        // One calculation: the engine's own decision on the prices the account depends on (`pricesOk`). A valuation
        // the engine may not act on is unreadable here too, so nothing is decided on it.
        try engine.liquidationStatus(account) returns (ILiquidationEngine.LiquidationStatus memory status) {
            if (!status.pricesOk) revert Automation_RiskUnreadable(account);
            return (status.maintenanceWad, status.canStart);
        } catch {
            revert Automation_RiskUnreadable(account);
        }
    }

    /// @dev The first series on which `account` owes settlement debt that a collection in the quote asset would
    /// reduce now (its quote balance, or its own claims due, pay something); 0 when none or on a failing read.
    /// Only the first debt series is looked at, so the work per account is bounded.
    function _collectibleSeries(address account) internal view returns (uint256) {
        try settlement.debtSeriesOf(account) returns (uint256[] memory ids) {
            if (ids.length == 0) return 0;
            try settlement.previewCollection(account, ids[0], quoteAsset, type(uint256).max) returns (
                ISettlement.Collection memory c
            ) {
                return c.fromBalance != 0 ? ids[0] : 0;
            } catch {
                return 0;
            }
        } catch {
            return 0;
        }
    }

    /// @dev The account's live series; empty on a failing read.
    function _liveSeries(address account) internal view returns (uint256[] memory seriesIds) {
        try book.positionsOf(account) returns (uint256[] memory ids, int256[] memory) {
            return ids;
        } catch {
            return new uint256[](0);
        }
    }

    /// @dev The registry's underlying count; 0 on a failing read.
    function _underlyingCount() internal view returns (uint256) {
        try registry.underlyingCount() returns (uint256 n) {
            return n;
        } catch {
            return 0;
        }
    }

    /// @dev Whether the series has expired and its expiry price is proven. False on any failing read.
    function _settleable(uint256 seriesId) internal view returns (bool) {
        try registry.getSeries(seriesId) returns (ISeriesRegistry.Series memory series) {
            if (block.timestamp < series.expiry) return false;
            IOracleRouter router = _router(series.underlyingId);
            if (address(router) == address(0)) return false;
            try router.expiryPrice(series.expiry) returns (uint256, bool isSet) {
                return isSet;
            } catch {
                return false;
            }
        } catch {
            return false;
        }
    }

    /// @dev Whether `riskController.poke(id)` would observe now: parameters set, the interval passed, spot Ok.
    function _pokeDue(uint256 underlyingId) internal view returns (bool) {
        try riskController.riskParams(underlyingId) returns (IRiskController.RiskParams memory params) {
            if (params.halfLifeSeconds == 0) return false;
            try riskController.riskState(underlyingId) returns (IRiskController.RiskState memory state) {
                // As `poke`: a clock behind the last observation reads as too early.
                if (
                    state.lastUpdate != 0 &&
                    (block.timestamp <= state.lastUpdate ||
                        block.timestamp - state.lastUpdate < params.minUpdateInterval)
                ) {
                    return false;
                }
            } catch {
                return false;
            }
        } catch {
            return false;
        }
        IOracleRouter router = _router(underlyingId);
        if (address(router) == address(0)) return false;
        try router.spot() returns (uint256, Health health) {
            return health == Health.Ok;
        } catch {
            return false;
        }
    }

    /// @dev The underlying's router, zero when the read fails.
    function _router(uint256 underlyingId) internal view returns (IOracleRouter) {
        try registry.routerOf(underlyingId) returns (IOracleRouter router) {
            return router;
        } catch {
            return IOracleRouter(address(0));
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Internals: execution (each returns whether it acted)
    // ------------------------------------------------------------------------------------------------------------

    function _startAuction(address account) internal returns (bool) {
        if (!_canStart(account)) return false;
        try engine.startAuction(account) returns (uint256 reward) {
            if (reward != 0) {
                // The reward reached this contract's vault account; the performer earned it.
                try vault.transfer(address(this), msg.sender, quoteAsset, reward) {
                    emit RewardForwarded(account, msg.sender, reward);
                } catch {
                    emit RewardKept(account, reward);
                }
            }
            return true;
        } catch {
            return false;
        }
    }

    function _settle(address account, uint256 seriesId) internal returns (bool) {
        if (!_settleable(seriesId)) return false;
        try book.positionOf(account, seriesId) returns (int256 position) {
            if (position == 0) return false;
        } catch {
            return false;
        }
        try settlement.settle(account, seriesId) returns (uint256, uint256) {
            return true;
        } catch {
            return false;
        }
    }

    /// @dev Collects `account`'s debt on `seriesId` in the quote asset (its claims first), when still collectible.
    function _collect(address account, uint256 seriesId) internal returns (bool) {
        if (_collectibleSeries(account) != seriesId || seriesId == 0) return false;
        try settlement.collectDebt(account, seriesId, quoteAsset, type(uint256).max, 0) returns (
            ISettlement.Collection memory
        ) {
            return true;
        } catch {
            return false;
        }
    }

    function _poke(uint256 underlyingId) internal returns (bool) {
        try riskController.poke(underlyingId) returns (bool observed) {
            return observed;
        } catch {
            return false;
        }
    }
}
