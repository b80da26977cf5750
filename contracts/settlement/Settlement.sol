// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IPositionBook} from "../interfaces/IPositionBook.sol";
import {ISeriesRegistry} from "../interfaces/ISeriesRegistry.sol";
import {ISettlement} from "../interfaces/ISettlement.sol";
import {IVault} from "../interfaces/IVault.sol";

/// @title Settlement
/// @notice Cash settlement of expired series against per-series pools held in this contract's vault account.
/// @dev Permissionless and parameter-free. Needs the vault's CLEARING_ROLE and the book's SETTLER_ROLE. Governance
/// (`DEFAULT_ADMIN_ROLE`) only grants `DEBT_RESOLVER_ROLE` to the liquidation engine.
contract Settlement is ISettlement, AccessControl, ReentrancyGuardTransient {
    uint256 internal constant WAD = 1e18;

    /// @inheritdoc ISettlement
    bytes32 public constant DEBT_RESOLVER_ROLE = keccak256("DEBT_RESOLVER_ROLE");

    /// @notice The vault holding margin accounts (and this contract's pool account).
    IVault public immutable vault;
    /// @notice The position book whose expired positions this contract closes.
    IPositionBook public immutable book;
    /// @notice The series registry (terms and routers for expiry prices).
    ISeriesRegistry public immutable registry;
    /// @notice The quote asset in which settlement pays.
    address public immutable quoteAsset;
    /// @dev WAD × 10^(18 − quote decimals): divides a WAD·WAD product into quote token units.
    uint256 internal immutable WAD_TIMES_QUOTE_SCALE;

    /// @inheritdoc ISettlement
    mapping(uint256 seriesId => uint256) public poolOf;
    /// @notice The sum of all series pools (nominal), what this contract's vault balance backs.
    uint256 public totalPooled;
    /// @inheritdoc ISettlement
    mapping(uint256 seriesId => uint256) public shortfallOf;
    /// @inheritdoc ISettlement
    mapping(address account => uint256) public debtOf;
    /// @inheritdoc ISettlement
    mapping(address account => mapping(uint256 seriesId => uint256)) public debtOn;
    /// @inheritdoc ISettlement
    mapping(address account => mapping(uint256 seriesId => uint256)) public claimOf;

    /// @dev A series' expiry price and per-option intrinsic value, cached on first use (both fit 128 bits: prices
    /// and strikes are far below 2^128 WAD). A zero expiry price means "not cached yet".
    struct SeriesOutcome {
        uint128 expiryPriceE18;
        uint128 intrinsicE18;
    }

    mapping(uint256 seriesId => SeriesOutcome) internal _outcomes;

    /// @dev The series each account owes on, and their 1-based index in that list (0: not listed). Written only when
    /// a debt appears or is cleared, never on the paths that settle without debt.
    mapping(address account => uint256[]) internal _debtSeries;
    mapping(address account => mapping(uint256 seriesId => uint256)) internal _debtSeriesIndex;

    /// @param admin Governance (the timelock): grants `DEBT_RESOLVER_ROLE`.
    constructor(address admin, IVault vault_, IPositionBook book_, ISeriesRegistry registry_) {
        if (
            admin == address(0) ||
            address(vault_) == address(0) ||
            address(book_) == address(0) ||
            address(registry_) == address(0)
        ) {
            revert Settlement_ZeroAddress();
        }
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        vault = vault_;
        book = book_;
        registry = registry_;
        quoteAsset = vault_.quoteAsset();
        // The vault only lists tokens with at most 18 decimals, the quote asset included.
        WAD_TIMES_QUOTE_SCALE = WAD * 10 ** (18 - IERC20Metadata(quoteAsset).decimals());
    }

    /// @inheritdoc ISettlement
    function settle(
        address account,
        uint256 seriesId
    ) external nonReentrant returns (uint256 paid, uint256 outstanding) {
        SeriesOutcome memory outcome = _outcomes[seriesId];
        if (outcome.expiryPriceE18 == 0) {
            outcome = _outcome(seriesId);
            _outcomes[seriesId] = outcome;
        }
        int256 position = book.closePosition(account, seriesId);
        if (position == 0) revert Settlement_NoPosition(account, seriesId);
        int256 amount = _amountOf(position, outcome.intrinsicE18);

        if (amount < 0) {
            // A short pays what it owes from its quote balance; the rest becomes its debt and the series' shortfall.
            uint256 owed = uint256(-amount);
            uint256 balance = vault.balanceOf(account, quoteAsset);
            paid = owed < balance ? owed : balance;
            outstanding = owed - paid;
            if (paid != 0) {
                vault.clearingTransfer(account, address(this), quoteAsset, paid);
                poolOf[seriesId] += paid;
                totalPooled += paid;
            }
            if (outstanding != 0) {
                if (debtOn[account][seriesId] == 0) _listDebtSeries(account, seriesId);
                debtOn[account][seriesId] += outstanding;
                debtOf[account] += outstanding;
                shortfallOf[seriesId] += outstanding;
            }
        } else if (amount > 0) {
            // A long is paid from the pool at once, as far as it goes; the rest stays claimable.
            uint256 owed = uint256(amount);
            uint256 pool = poolOf[seriesId];
            uint256 taken = owed < pool ? owed : pool;
            outstanding = owed - taken;
            if (taken != 0) {
                // unchecked: taken <= pool.
                unchecked {
                    poolOf[seriesId] = pool - taken;
                }
                paid = _payOut(account, taken);
            }
            if (outstanding != 0) claimOf[account][seriesId] += outstanding;
        }
        emit PositionSettled(account, seriesId, position, outcome.expiryPriceE18, paid, outstanding);
    }

    /// @inheritdoc ISettlement
    function claim(address account, uint256 seriesId) external nonReentrant returns (uint256 paid) {
        uint256 owed = claimOf[account][seriesId];
        if (owed == 0) revert Settlement_NothingToClaim(account, seriesId);
        uint256 pool = poolOf[seriesId];
        uint256 taken = owed < pool ? owed : pool;
        if (taken == 0) return 0;
        // unchecked: taken <= owed and taken <= pool.
        unchecked {
            claimOf[account][seriesId] = owed - taken;
            poolOf[seriesId] = pool - taken;
        }
        paid = _payOut(account, taken);
        emit ClaimPaid(account, seriesId, paid);
    }

    /// @inheritdoc ISettlement
    function repayDebt(
        address account,
        uint256 seriesId,
        address payer,
        uint256 amount
    ) external nonReentrant returns (uint256 repaid) {
        if (!vault.isAuthorized(payer, msg.sender)) revert Settlement_Unauthorized(payer, msg.sender);
        if (amount == 0) revert Settlement_ZeroAmount();
        uint256 debt = debtOn[account][seriesId];
        if (debt == 0) revert Settlement_NoDebt(account, seriesId);
        repaid = _reduceDebt(account, seriesId, debt, amount);
        vault.clearingTransfer(payer, address(this), quoteAsset, repaid);
        // The account's equity is unchanged (debt and balance fall together); a third-party payer's falls.
        if (payer != account) vault.marginHook().checkWithdrawal(payer);
        emit DebtRepaid(account, seriesId, payer, repaid);
    }

    /// @inheritdoc ISettlement
    function resolveDebt(
        address account,
        uint256 seriesId,
        address payer,
        uint256 amount
    ) external nonReentrant onlyRole(DEBT_RESOLVER_ROLE) returns (uint256 resolved) {
        if (amount == 0) revert Settlement_ZeroAmount();
        uint256 debt = debtOn[account][seriesId];
        if (debt == 0) revert Settlement_NoDebt(account, seriesId);
        resolved = _reduceDebt(account, seriesId, debt, amount);
        if (payer != address(this)) vault.clearingTransfer(payer, address(this), quoteAsset, resolved);
        emit DebtRepaid(account, seriesId, payer, resolved);
    }

    /// @inheritdoc ISettlement
    function debtSeriesOf(address account) external view returns (uint256[] memory) {
        return _debtSeries[account];
    }

    /// @inheritdoc ISettlement
    function settlementAmount(uint256 seriesId, int256 position) external view returns (int256 amount) {
        SeriesOutcome memory outcome = _outcomes[seriesId];
        if (outcome.expiryPriceE18 == 0) outcome = _outcome(seriesId);
        return _amountOf(position, outcome.intrinsicE18);
    }

    /// @dev Pays a long `taken` out of the pools (already deducted from its series pool). A socialised loss (see
    /// IVault.socializeLoss) haircuts this contract's vault balance like every quote balance while the pools stay
    /// nominal, so each payout is scaled by balance / pooled when the balance fell short: the pools' holders bear the
    /// haircut pro rata and the last long can always be paid. Rounds down.
    function _payOut(address account, uint256 taken) internal returns (uint256 paid) {
        uint256 pooled = totalPooled;
        uint256 balance = vault.balanceOf(address(this), quoteAsset);
        paid = balance >= pooled ? taken : Math.mulDiv(taken, balance, pooled);
        // unchecked: every pool's amount is counted in totalPooled, so taken <= pooled.
        unchecked {
            totalPooled = pooled - taken;
        }
        if (paid != 0) vault.clearingTransfer(address(this), account, quoteAsset, paid);
    }

    /// @dev Takes min(amount, debt) off `account`'s debt on `seriesId` (its current `debt` > 0) into the pool.
    function _reduceDebt(
        address account,
        uint256 seriesId,
        uint256 debt,
        uint256 amount
    ) internal returns (uint256 reduced) {
        reduced = amount < debt ? amount : debt;
        // unchecked: reduced <= debt, and each per-series debt is counted in both totals.
        unchecked {
            debtOn[account][seriesId] = debt - reduced;
            debtOf[account] -= reduced;
            shortfallOf[seriesId] -= reduced;
        }
        poolOf[seriesId] += reduced;
        totalPooled += reduced;
        if (reduced == debt) _unlistDebtSeries(account, seriesId);
    }

    function _listDebtSeries(address account, uint256 seriesId) internal {
        _debtSeries[account].push(seriesId);
        _debtSeriesIndex[account][seriesId] = _debtSeries[account].length;
    }

    /// @dev Removes a series from `account`'s debt list by moving the last entry into its place.
    function _unlistDebtSeries(address account, uint256 seriesId) internal {
        uint256[] storage list = _debtSeries[account];
        uint256 index = _debtSeriesIndex[account][seriesId];
        uint256 last = list.length;
        if (index != last) {
            uint256 moved = list[last - 1];
            list[index - 1] = moved;
            _debtSeriesIndex[account][moved] = index;
        }
        list.pop();
        delete _debtSeriesIndex[account][seriesId];
    }

    /// @dev Reads a series' expiry price (reverting with `Settlement_PriceNotSet` while it is not proven) and its
    /// per-option intrinsic value at that price.
    function _outcome(uint256 seriesId) internal view returns (SeriesOutcome memory outcome) {
        ISeriesRegistry.Series memory series = registry.getSeries(seriesId);
        (uint256 priceE18, bool isSet) = registry.routerOf(series.underlyingId).expiryPrice(series.expiry);
        if (!isSet) revert Settlement_PriceNotSet(seriesId, series.expiry);
        uint256 strike = series.strikeE18;
        uint256 intrinsicE18;
        if (series.isCall) intrinsicE18 = priceE18 > strike ? priceE18 - strike : 0;
        else intrinsicE18 = strike > priceE18 ? strike - priceE18 : 0;
        // Both fit: the strike is a uint128 and a call's intrinsic value is below the price.
        outcome = SeriesOutcome(SafeCast.toUint128(priceE18), uint128(intrinsicE18));
    }

    /// @dev Intrinsic value of `position` in quote units: what a short owes rounded up, what a long is owed rounded
    /// down, so the pool can never pay out more than the shorts owe.
    function _amountOf(int256 position, uint256 intrinsicE18) internal view returns (int256) {
        if (intrinsicE18 == 0 || position == 0) return 0;
        if (position > 0) {
            return int256(Math.mulDiv(uint256(position), intrinsicE18, WAD_TIMES_QUOTE_SCALE, Math.Rounding.Floor));
        }
        return -int256(Math.mulDiv(uint256(-position), intrinsicE18, WAD_TIMES_QUOTE_SCALE, Math.Rounding.Ceil));
    }
}
