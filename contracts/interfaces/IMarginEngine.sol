// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IMarginHook} from "./IMarginHook.sol";
import {IPositionBook} from "./IPositionBook.sol";
import {IRiskController} from "./IRiskController.sol";
import {ISeriesRegistry} from "./ISeriesRegistry.sol";
import {ISettlement} from "./ISettlement.sol";
import {IVault} from "./IVault.sol";

/// @title IMarginEngine
/// @notice Standard margin. Marks every account to model and computes, per account:
/// - equity = haircut collateral value + Σ position × mark − settlement debt;
/// - per (underlying, expiry) group: requirement = min(Σ naked short requirements, exact maximum loss of the
///   group's payoff at expiry), the latter found at the strikes and from the slopes at 0 and infinity;
/// - naked short initial = (max(a·S − OTM, b·S) + mark) × |size|, maintenance = (c·S + mark) × |size|; longs need
///   nothing beyond their premium;
/// - a, b and c are the governance ratios times the risk controller's shock multiplier m >= 1 of the underlying
///   (a·m, b·m, c·m, each rounded up).
/// `marginOf` is the one calculation that the exchange, the vault's withdrawal hook, the liquidation engine and
/// the SDK all use.
/// @dev WAD throughout, values in the quote asset (settlement debt, kept in quote token units, is converted exactly).
/// Requirements round up, marks of longs round down and marks of shorts round up: every rounding makes the account
/// look poorer. Every dependency is immutable, set and checked non-zero at construction.
interface IMarginEngine is IMarginHook {
    /// @notice Per-underlying ratios, WAD fractions of spot.
    /// @param initialRatioWad a: naked short initial requirement before the OTM deduction (Deribit 0.15).
    /// @param minInitialRatioWad b: floor of the naked short initial requirement (Deribit 0.10).
    /// @param maintenanceRatioWad c: naked short maintenance requirement (Deribit 0.075).
    struct MarginParams {
        uint64 initialRatioWad;
        uint64 minInitialRatioWad;
        uint64 maintenanceRatioWad;
    }

    /// @notice An account's margin.
    /// @param equityWad Collateral value plus position marks minus debt (may be negative).
    /// @param initialWad Initial margin requirement.
    /// @param maintenanceWad Maintenance margin requirement.
    struct AccountMargin {
        int256 equityWad;
        uint256 initialWad;
        uint256 maintenanceWad;
    }

    /// @notice One account's margin check after a trade (see `checkTradeMargin`).
    /// @param account The account.
    /// @param reduces Whether its side of the trade only reduced its risk.
    /// @param surplusBefore Its `equity − maintenance` before the trade (read only when `reduces`).
    struct TradeCheck {
        address account;
        bool reduces;
        int256 surplusBefore;
    }

    /// @notice `account`'s equity is below its initial margin requirement.
    error Margin_InsufficientInitialMargin(address account, int256 equityWad, uint256 initialWad);
    /// @notice `account`'s equity is below its maintenance margin requirement.
    error Margin_InsufficientMaintenanceMargin(address account, int256 equityWad, uint256 maintenanceWad);
    /// @notice `account` owes settlement debt (`debtWad`, quote WAD): nothing may leave it until the debt is repaid
    /// or collected (`ISettlement.collectDebt`).
    error Margin_SettlementDebtOutstanding(address account, uint256 debtWad);
    /// @notice An underlying's spot or volatility is unavailable (health Down), so positions on it cannot be marked.
    error Margin_PriceUnavailable(uint256 underlyingId);
    /// @notice A price of an underlying's expiry group (`priceE18`, or a·P from it) is 2^120 (1.3e18 quote units
    /// per unit) or more: outside the engine's domain.
    error Margin_PriceOutOfRange(uint256 underlyingId, uint256 priceE18);
    /// @notice Margin parameters out of range: 0 < c <= b <= a <= 1e18.
    error Margin_InvalidParams(uint256 underlyingId);
    /// @notice `source` (the position book or the series registry) returned data that does not decode as its
    /// interface declares.
    error Margin_MalformedReturnData(address source);
    /// @notice `positionsMarginOf` got `seriesIds` and `sizes` of different lengths.
    error Margin_LengthMismatch(uint256 seriesIds, uint256 sizes);
    /// @notice No margin parameters are set for the underlying.
    error Margin_UnknownUnderlying(uint256 underlyingId);
    /// @notice A zero address where the admin, vault, position book, registry, settlement or risk controller is
    /// required.
    error Margin_ZeroAddress();

    /// @notice An underlying's margin parameters were set.
    event MarginParamsSet(uint256 indexed underlyingId, uint256 a, uint256 b, uint256 c);

    /// @notice `account`'s equity and initial and maintenance requirements. Reverts with `Margin_PriceUnavailable`
    /// when an underlying it holds positions on has no spot (Down); with the volatility out, marks use the last
    /// signed volatility (the feed cannot freeze for good), so liquidation goes on while spot is Ok.
    function marginOf(address account) external view returns (AccountMargin memory);

    /// @notice `marginOf` of several accounts, in order, in one pass that reads each underlying's prices once.
    function marginsOf(address[] calldata accounts) external view returns (AccountMargin[] memory margins);

    /// @notice `account`'s margin valued for its own exits: as `marginOf` while prices are available; where an
    /// underlying's spot or volatility is out (Down), on the router's outage range instead of reverting
    /// (`IOracleRouter.spotBounds`, `volatilityBounds`: the last observation widened by a shock growing with its
    /// age), each position at the end of the range that goes against the account (longs at the low end of their
    /// value, shorts at the high end, naked requirements from the high spot). The withdrawal hook and the trade
    /// checks use this valuation; `marginOf` (liquidation, the insurance fund, automation) never does.
    /// @dev Reverts with `Margin_PriceUnavailable` only when a router has never had an observation.
    function exitMarginOf(address account) external view returns (AccountMargin memory);

    /// @notice `exitMarginOf` of several accounts, in order, in one pass.
    function exitMarginsOf(address[] calldata accounts) external view returns (AccountMargin[] memory margins);

    /// @notice The margin of a set of positions alone, no collateral and no debt: equity = Σ marks, and the initial
    /// and maintenance requirements of their expiry groups, on the `marginOf` valuation (`exit` false) or the
    /// `exitMarginOf` one (`exit` true: a price that is out is replaced by its outage range, each position at the end
    /// that goes against its holder). Margin is additive across underlyings (a group is one underlying and expiry),
    /// so the positions of an account in some of its underlyings, valued here, plus those in the others plus its
    /// collateral less its debt make its margin. The liquidation engine values an account's positions in an
    /// underlying whose price it may not act on this way (`exit` true), conservatively.
    /// @dev `seriesIds` and `sizes` are parallel (else `Margin_LengthMismatch`); each series at most once; sizes
    /// within int128, as the book's (else `StandardMarginLib.StandardMargin_LegOutOfRange`). Reverts as `marginOf`
    /// (strict) or `exitMarginOf` (exit) would.
    function positionsMarginOf(
        uint256[] calldata seriesIds,
        int256[] calldata sizes,
        bool exit
    ) external view returns (AccountMargin memory);

    /// @notice Reverts with `Margin_InsufficientInitialMargin` unless equity >= initial margin (`exitMarginOf`
    /// valuation); with `Margin_PriceUnavailable` when a price it needs is out (taking on risk is never allowed on
    /// an outage range).
    function checkInitialMargin(address account) external view;

    /// @notice The margin check of both accounts of a trade, `first` then `second`, in one pass that reads each
    /// underlying's prices once, on the `exitMarginOf` valuation. An account whose side added risk must pass
    /// `checkInitialMargin` (so never on a price that is out); one whose side only reduced risk must hold
    /// maintenance margin or end with `equity − maintenance` no lower than `surplusBefore` (read with
    /// `exitMarginsOf`), else `Margin_InsufficientMaintenanceMargin`: a risk-reducing close goes through an outage.
    function checkTradeMargin(TradeCheck calldata first, TradeCheck calldata second) external view;

    /// @notice The model mark of one option of `seriesId` (quote WAD): Black–Scholes with the router's spot and
    /// volatility before expiry; intrinsic value at the expiry price (or spot while unset) after it.
    function markOf(uint256 seriesId) external view returns (uint256 markE18);

    /// @notice Settlement, whose debts count against equity and block withdrawals. The liquidation engine reads it
    /// here to add the debt back into an account's gross value and to resolve a liquidated account's debts.
    function settlement() external view returns (ISettlement);

    /// @notice The risk controller, whose shock multiplier m scales each underlying's ratios.
    function riskController() external view returns (IRiskController);

    /// @notice The vault, whose collateral values make the accounts' equity (and whose margin hook this is).
    function vault() external view returns (IVault);

    /// @notice The position book, whose positions are margined.
    function book() external view returns (IPositionBook);

    /// @notice The series registry: series terms and each underlying's oracle router.
    function registry() external view returns (ISeriesRegistry);

    /// @notice Sets an underlying's margin ratios. Governance (timelock) only.
    function setMarginParams(uint256 underlyingId, MarginParams calldata params) external;

    /// @notice An underlying's margin ratios (before the shock multiplier).
    function marginParams(uint256 underlyingId) external view returns (MarginParams memory);
}
