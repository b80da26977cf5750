// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {ISeriesRegistry} from "./ISeriesRegistry.sol";

/// @title IRiskController
/// @notice Autonomous risk controls per underlying, within bounds governance sets:
/// - an on-chain EWMA of squared oracle log-returns (annualised) raises the margin engine's spot-shock multiplier
///   when realised volatility rises, and lowers it again, never below 1e18 (the base) nor above the cap;
/// - reduce-only mode when the price is stale or unavailable, the sources disagree (router health Degraded), or the
///   sequencer is down or in its grace period: no new risk, no auction starts; closing, withdrawing free collateral
///   and settling keep working.
/// @dev `poke` is permissionless and rate-limited by `minUpdateInterval`; keepers call it on each oracle update.
interface IRiskController {
    /// @notice Governance bounds of one underlying.
    /// @param halfLifeSeconds EWMA half-life of squared returns.
    /// @param targetVolWad Annualised realised volatility at which the multiplier starts rising above 1.
    /// @param maxMultiplierWad Cap of the shock multiplier (>= 1e18).
    /// @param minUpdateInterval Minimum seconds between two observations.
    struct RiskParams {
        uint32 halfLifeSeconds;
        uint64 targetVolWad;
        uint64 maxMultiplierWad;
        uint32 minUpdateInterval;
    }

    /// @notice Running state of one underlying.
    struct RiskState {
        uint128 lastPriceE18;
        uint64 lastUpdate;
        uint128 ewmaVarianceWad;
    }

    /// @notice Parameters out of range.
    error Risk_InvalidParams(uint256 underlyingId);
    /// @notice The underlying has no parameters.
    error Risk_UnknownUnderlying(uint256 underlyingId);

    /// @notice A new observation updated the EWMA.
    event RiskObserved(uint256 indexed underlyingId, uint256 priceE18, uint256 realisedVolWad, uint256 multiplierWad);
    /// @notice An underlying's parameters were set.
    event RiskParamsSet(uint256 indexed underlyingId, RiskParams params);

    /// @notice Reads the underlying's spot and, if at least `minUpdateInterval` passed and the price is Ok, folds
    /// the log-return into the EWMA. Permissionless; returns whether it observed.
    function poke(uint256 underlyingId) external returns (bool observed);

    /// @notice The spot-shock multiplier (WAD, >= 1e18) the margin engine applies to a, b and c.
    function shockMultiplier(uint256 underlyingId) external view returns (uint256 multiplierWad);

    /// @notice Annualised realised volatility from the EWMA (WAD).
    function realisedVolatility(uint256 underlyingId) external view returns (uint256 volWad);

    /// @notice Whether new risk (opening fills, listing) is allowed on the underlying now.
    function allowsNewRisk(uint256 underlyingId) external view returns (bool);

    /// @notice Whether auctions may start and bids execute on the underlying now (healthy prices).
    function allowsLiquidation(uint256 underlyingId) external view returns (bool);

    /// @notice Sets an underlying's bounds. Governance (timelock) only.
    function setRiskParams(uint256 underlyingId, RiskParams calldata params) external;

    /// @notice An underlying's bounds.
    function riskParams(uint256 underlyingId) external view returns (RiskParams memory);

    /// @notice An underlying's running state.
    function riskState(uint256 underlyingId) external view returns (RiskState memory);

    /// @notice The series registry: each underlying's oracle router.
    function registry() external view returns (ISeriesRegistry);

    /// @notice The year of annualisation (as the volatility feed quotes it): 365 days.
    function SECONDS_PER_YEAR() external view returns (uint256);

    /// @notice Smallest `RiskParams.halfLifeSeconds`: one hour.
    function MIN_HALF_LIFE() external view returns (uint256);

    /// @notice Largest `RiskParams.halfLifeSeconds`: 30 days.
    function MAX_HALF_LIFE() external view returns (uint256);

    /// @notice Smallest `RiskParams.targetVolWad`: 5 % annualised.
    function MIN_TARGET_VOL_WAD() external view returns (uint256);

    /// @notice Largest `RiskParams.targetVolWad`: 500 % annualised.
    function MAX_TARGET_VOL_WAD() external view returns (uint256);

    /// @notice Largest `RiskParams.maxMultiplierWad`: margin shocks at most quadrupled.
    function MAX_MULTIPLIER_WAD() external view returns (uint256);

    /// @notice Smallest `RiskParams.minUpdateInterval` (one minute); the largest is the half-life.
    function MIN_UPDATE_INTERVAL() external view returns (uint256);
}
