// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {SeriesTerms} from "../libraries/SeriesTerms.sol";
import {IOracleRouter} from "./IOracleRouter.sol";
import {IPauseGuard} from "./IPauseGuard.sol";
import {IRiskController} from "./IRiskController.sol";

/// @title ISeriesRegistry
/// @notice Underlyings with their oracle router and risk parameters, and option series
/// `(underlying, strike, expiry, call/put)` listed under a lister role. Expiries sit on a daily 08:00 UTC grid;
/// strikes are positive and within a band around spot at listing; open interest is capped per series.
/// @dev Amounts of options (open interest) are WAD: 1e18 is one option on one unit of the underlying.
interface ISeriesRegistry {
    /// @notice Risk and listing parameters of an underlying.
    /// @param router The underlying's oracle router (spot, volatility, expiry prices).
    /// @param minStrikeRatioWad Lowest strike at listing, as a fraction of spot (e.g. 0.5e18).
    /// @param maxStrikeRatioWad Highest strike at listing, as a multiple of spot (e.g. 2e18).
    /// @param maxExpiryHorizon Largest time from listing to expiry, in seconds.
    /// @param defaultOpenInterestCap Open-interest cap given to new series (WAD options).
    struct UnderlyingConfig {
        IOracleRouter router;
        uint64 minStrikeRatioWad;
        uint64 maxStrikeRatioWad;
        uint32 maxExpiryHorizon;
        uint128 defaultOpenInterestCap;
    }

    /// @notice A listed series.
    struct Series {
        uint32 underlyingId;
        uint64 expiry;
        bool isCall;
        uint128 strikeE18;
        uint128 openInterestCap;
        uint128 openInterest;
    }

    /// @notice The underlying does not exist.
    error Series_UnknownUnderlying(uint256 underlyingId);
    /// @notice The series does not exist.
    error Series_UnknownSeries(uint256 seriesId);
    /// @notice An underlying's parameters are out of range.
    error Series_InvalidUnderlyingConfig(uint256 underlyingId);
    /// @notice The symbol is already used by an underlying.
    error Series_DuplicateUnderlying(bytes32 symbol, uint256 underlyingId);
    /// @notice The strike is zero or outside `[minStrike, maxStrike]` around spot at listing.
    error Series_StrikeOutOfBand(uint256 strikeE18, uint256 minStrikeE18, uint256 maxStrikeE18);
    /// @notice The expiry is not at 08:00 UTC.
    error Series_ExpiryNotOnGrid(uint256 expiry);
    /// @notice The expiry is not in `(now + MIN_TIME_TO_EXPIRY, now + maxExpiryHorizon]`.
    error Series_ExpiryOutOfRange(uint256 expiry, uint256 earliest, uint256 latest);
    /// @notice The same series is already listed as `seriesId`.
    error Series_Duplicate(uint256 seriesId);
    /// @notice The underlying is reduce-only (`NewRiskGate.allowsNewRisk` is false: paused by the guardian, or new
    /// risk disallowed by the risk controller), so no series may be listed on it now.
    error Series_ReduceOnly(uint256 underlyingId);
    /// @notice Opening `amount` more would exceed the series' open-interest cap.
    error Series_OpenInterestCapExceeded(uint256 seriesId, uint256 openInterest, uint256 amount, uint256 cap);
    /// @notice Reducing open interest below zero.
    error Series_OpenInterestUnderflow(uint256 seriesId, uint256 openInterest, uint256 amount);
    /// @notice A zero address where the admin, the pause guard or the risk controller is required.
    error Series_ZeroAddress();
    /// @notice The risk controller is already set (it is set once).
    error Series_RiskControllerAlreadySet(address riskController);
    /// @notice The open-interest cap is zero.
    error Series_InvalidOpenInterestCap(uint256 seriesId);
    /// @notice The series ids and the deltas of a batched open-interest change differ in length.
    error Series_LengthMismatch(uint256 seriesIds, uint256 deltas);

    /// @notice An underlying was added.
    event UnderlyingAdded(uint256 indexed underlyingId, bytes32 indexed symbol, address router);
    /// @notice An underlying's configuration was replaced.
    event UnderlyingConfigUpdated(uint256 indexed underlyingId, address router);
    /// @notice A series was listed.
    event SeriesListed(
        uint256 indexed seriesId,
        uint256 indexed underlyingId,
        uint256 strikeE18,
        uint256 expiry,
        bool isCall,
        uint256 openInterestCap
    );
    /// @notice The risk controller consulted before listing was set.
    event RiskControllerSet(address indexed riskController);
    /// @notice A series' open-interest cap changed.
    event OpenInterestCapSet(uint256 indexed seriesId, uint256 cap);
    /// @notice A series' open interest changed to `openInterest`.
    event OpenInterestChanged(uint256 indexed seriesId, uint256 openInterest);

    /// @notice Role allowed to list series.
    function LISTER_ROLE() external view returns (bytes32);
    /// @notice Role allowed to change open interest (the position book).
    function POSITION_MANAGER_ROLE() external view returns (bytes32);
    /// @notice Seconds after midnight UTC at which every expiry falls (08:00).
    function EXPIRY_TIME_OF_DAY() external view returns (uint256);
    /// @notice Shortest time from listing to expiry.
    function MIN_TIME_TO_EXPIRY() external view returns (uint256);
    /// @notice The largest `maxExpiryHorizon` an underlying may have (two years).
    function MAX_EXPIRY_HORIZON() external view returns (uint256);
    /// @notice The largest `maxStrikeRatioWad` an underlying may have (10e18).
    function MAX_STRIKE_RATIO_WAD() external view returns (uint256);

    /// @notice The pause guard consulted, with the risk controller, before listing (`NewRiskGate`).
    function pauseGuard() external view returns (IPauseGuard);

    /// @notice Adds an underlying. Governance (timelock) only.
    /// @dev 0 < minStrikeRatioWad <= 1e18 <= maxStrikeRatioWad <= 10e18; MIN_TIME_TO_EXPIRY < maxExpiryHorizon
    /// <= 2 years; defaultOpenInterestCap > 0; router non-zero.
    function addUnderlying(bytes32 symbol, UnderlyingConfig calldata config) external returns (uint256 underlyingId);

    /// @notice Replaces an underlying's configuration (same bounds). Governance (timelock) only.
    function setUnderlyingConfig(uint256 underlyingId, UnderlyingConfig calldata config) external;

    /// @notice Lists a series. Lister only; rejected while the underlying is reduce-only (`Series_ReduceOnly`:
    /// paused, or the risk controller disallows new risk on it, decided by `NewRiskGate` as for fills), when spot
    /// is not healthy, for a strike outside the band around spot, an expiry off the grid or out of range, or a
    /// duplicate.
    function listSeries(
        uint256 underlyingId,
        uint256 strikeE18,
        uint256 expiry,
        bool isCall
    ) external returns (uint256 seriesId);

    /// @notice Sets the risk controller consulted before listing, once (zero until then: the pause guard alone
    /// decides). Governance (timelock) only. Set once rather than at construction because the risk controller is
    /// built on the registry.
    function setRiskController(IRiskController riskController) external;

    /// @notice The risk controller (zero when none is set).
    function riskController() external view returns (IRiskController);

    /// @notice Sets a series' open-interest cap (may be below current open interest: that blocks increases only).
    /// Governance (timelock) only.
    function setOpenInterestCap(uint256 seriesId, uint256 cap) external;

    /// @notice Adds `amount` to a series' open interest, within its cap. Position manager only.
    function increaseOpenInterest(uint256 seriesId, uint256 amount) external;

    /// @notice Removes `amount` from a series' open interest. Position manager only.
    function decreaseOpenInterest(uint256 seriesId, uint256 amount) external;

    /// @notice Changes the open interest of several series at once: `deltas[i]` is added to the open interest of
    /// `seriesIds[i]`, in order. Position manager only.
    /// @dev Each entry is exactly `increaseOpenInterest(seriesIds[i], deltas[i])` for a positive delta and
    /// `decreaseOpenInterest(seriesIds[i], -deltas[i])` for a negative one, with the same errors
    /// (`Series_OpenInterestCapExceeded`, `Series_OpenInterestUnderflow`, `Series_UnknownSeries`) and one
    /// `OpenInterestChanged` event each. A zero delta changes nothing and emits nothing, but the series must exist.
    /// An id may repeat; an empty batch does nothing.
    /// @param seriesIds The series, in the order changed.
    /// @param deltas Signed changes of open interest (WAD options), one per series id.
    function changeOpenInterest(uint256[] calldata seriesIds, int256[] calldata deltas) external;

    /// @notice A series; reverts with `Series_UnknownSeries` when it does not exist.
    function getSeries(uint256 seriesId) external view returns (Series memory);

    /// @notice The terms of several series at once, one word each, in the order given; reverts with
    /// `Series_UnknownSeries` for an id that does not exist. The word's layout is `SeriesTerms` (tag zero):
    /// sorting the words orders series by underlying, expiry, strike, put before call.
    /// @dev For hot paths that read a whole account (the margin engine): one call, one storage slot per series
    /// (the terms share a slot; open interest and its cap sit in another) and one word of returndata each.
    function seriesTerms(uint256[] calldata seriesIds) external view returns (SeriesTerms[] memory terms);

    /// @notice The id of the series with these terms, 0 when none is listed.
    function seriesIdOf(
        uint256 underlyingId,
        uint256 strikeE18,
        uint256 expiry,
        bool isCall
    ) external view returns (uint256);

    /// @notice An underlying's configuration; reverts with `Series_UnknownUnderlying` when it does not exist.
    function underlyingConfig(uint256 underlyingId) external view returns (UnderlyingConfig memory);

    /// @notice An underlying's oracle router (`underlyingConfig(underlyingId).router`); reverts with
    /// `Series_UnknownUnderlying` when it does not exist.
    /// @dev For hot paths (margin, fees, settlement): one storage slot, where `underlyingConfig` reads two.
    function routerOf(uint256 underlyingId) external view returns (IOracleRouter);

    /// @notice The symbol of an underlying.
    function underlyingSymbol(uint256 underlyingId) external view returns (bytes32);

    /// @notice Number of underlyings (ids are 1..count).
    function underlyingCount() external view returns (uint256);

    /// @notice Number of series (ids are 1..count).
    function seriesCount() external view returns (uint256);

    /// @notice Whether the series has reached expiry.
    function isExpired(uint256 seriesId) external view returns (bool);
}
