// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Health} from "../interfaces/IOracleRouter.sol";
import {IRiskController} from "../interfaces/IRiskController.sol";
import {ISeriesRegistry} from "../interfaces/ISeriesRegistry.sol";
import {LogMath} from "../libraries/LogMath.sol";
import {WAD} from "../libraries/Constants.sol";

/// @title RiskController
/// @notice Realised-volatility margin scaling and reduce-only mode per underlying. Governance (the timelock) holds
/// `DEFAULT_ADMIN_ROLE` and sets each underlying's bounds; keepers `poke` on oracle updates.
/// @dev The EWMA, per observation (spot P with health Ok, Δt = now − last observation >= minUpdateInterval):
///   r      = ln(P / P_last)                                    (`LogMath.lnRatioWad`, |r| rounded up, < 1 wei)
///   sample = r² × SECONDS_PER_YEAR / Δt                        (annualised variance rate, rounded up)
///   λ      = 2^(−Δt / halfLife)                                (`LogMath.exp2NegWad`, rounded down, < 1 wei)
///   var    = λ × var + (1 − λ) × sample                        (rounded up)
/// A continuous-time EWMA of the quadratic variation: for small Δt the weight of a return is about
/// Δt ln2 / halfLife, so the estimate does not depend on how often it is poked, and a gap of one half-life halves
/// the weight of everything before it. The first Ok observation only records the price (variance starts at 0).
///   realisedVol = ceil(√var)       (WAD)
///   multiplier  = max(1e18, min(cap, ceil(realisedVol × 1e18 / targetVol)))
/// It is 1e18 exactly whenever realisedVol <= targetVol, rises linearly above, and is capped. `shockMultiplier`
/// reads stored state only: the estimate moves with observations, never by the mere passage of time (a frozen feed
/// must not relax margins). Without parameters an underlying's multiplier is 1e18.
/// Reduce-only: `allowsNewRisk` and `allowsLiquidation` are true exactly when the underlying's router reports its
/// spot as Ok. Stale or invalid primary → Degraded or Down; disagreeing sources → Degraded; sequencer down or in its
/// grace period → the Chainlink adapters revert → Degraded or Down. Neither view needs parameters.
contract RiskController is IRiskController, AccessControl {
    /// @inheritdoc IRiskController
    uint256 public constant SECONDS_PER_YEAR = 365 days;
    /// @inheritdoc IRiskController
    uint256 public constant MIN_HALF_LIFE = 1 hours;
    /// @inheritdoc IRiskController
    uint256 public constant MAX_HALF_LIFE = 30 days;
    /// @inheritdoc IRiskController
    uint256 public constant MIN_TARGET_VOL_WAD = 0.05e18;
    /// @inheritdoc IRiskController
    uint256 public constant MAX_TARGET_VOL_WAD = 5e18;
    /// @inheritdoc IRiskController
    uint256 public constant MAX_MULTIPLIER_WAD = 4e18;
    /// @inheritdoc IRiskController
    uint256 public constant MIN_UPDATE_INTERVAL = 1 minutes;

    /// @inheritdoc IRiskController
    ISeriesRegistry public immutable registry;

    mapping(uint256 underlyingId => RiskParams) internal _params;
    mapping(uint256 underlyingId => RiskState) internal _state;

    /// @param admin Governance (the timelock).
    /// @param registry_ The series registry.
    /// @dev Reverts `Risk_InvalidParams(0)` on a zero address.
    constructor(address admin, ISeriesRegistry registry_) {
        if (admin == address(0) || address(registry_) == address(0)) revert Risk_InvalidParams(0);
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        registry = registry_;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Governance
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IRiskController
    /// @dev Bounds: halfLife in [MIN_HALF_LIFE, MAX_HALF_LIFE]; targetVol in [MIN_TARGET_VOL_WAD,
    /// MAX_TARGET_VOL_WAD]; maxMultiplier in [1e18, MAX_MULTIPLIER_WAD]; minUpdateInterval in
    /// [MIN_UPDATE_INTERVAL, halfLife]. The underlying must exist in the registry (`Risk_UnknownUnderlying`). The
    /// running state is kept: new bounds apply from the next observation (and the cap and target at once).
    function setRiskParams(uint256 underlyingId, RiskParams calldata params) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (underlyingId == 0 || underlyingId > registry.underlyingCount()) {
            revert Risk_UnknownUnderlying(underlyingId);
        }
        if (
            params.halfLifeSeconds < MIN_HALF_LIFE ||
            params.halfLifeSeconds > MAX_HALF_LIFE ||
            params.targetVolWad < MIN_TARGET_VOL_WAD ||
            params.targetVolWad > MAX_TARGET_VOL_WAD ||
            params.maxMultiplierWad < WAD ||
            params.maxMultiplierWad > MAX_MULTIPLIER_WAD ||
            params.minUpdateInterval < MIN_UPDATE_INTERVAL ||
            params.minUpdateInterval > params.halfLifeSeconds
        ) revert Risk_InvalidParams(underlyingId);
        _params[underlyingId] = params;
        emit RiskParamsSet(underlyingId, params);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Observation
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IRiskController
    /// @dev Reverts `Risk_UnknownUnderlying` without parameters; otherwise never reverts on the oracle's account:
    /// a spot that is not Ok, or at or above 2^128 (outside `RiskState`), is simply not observed.
    function poke(uint256 underlyingId) external returns (bool observed) {
        RiskParams memory params = _params[underlyingId];
        if (params.halfLifeSeconds == 0) revert Risk_UnknownUnderlying(underlyingId);
        RiskState memory state = _state[underlyingId];
        // A clock behind the last observation (never on chain; a node may simulate a call with a clock that lags its
        // latest block) reads as no time passed: too early, not a Panic(0x11).
        uint256 elapsed = block.timestamp > state.lastUpdate ? block.timestamp - state.lastUpdate : 0;
        if (state.lastUpdate != 0 && elapsed < params.minUpdateInterval) return false;

        (uint256 priceE18, Health health) = registry.routerOf(underlyingId).spot();
        if (health != Health.Ok || priceE18 == 0 || priceE18 > type(uint128).max) return false;

        if (state.lastUpdate != 0) {
            state.ewmaVarianceWad = SafeCast.toUint128(
                _nextVariance(state.ewmaVarianceWad, state.lastPriceE18, priceE18, elapsed, params.halfLifeSeconds)
            );
        }
        // Safe casts: the price was checked above; timestamps fit 64 bits.
        state.lastPriceE18 = uint128(priceE18);
        state.lastUpdate = uint64(block.timestamp);
        _state[underlyingId] = state;

        uint256 volWad = _vol(state.ewmaVarianceWad);
        emit RiskObserved(underlyingId, priceE18, volWad, _multiplier(params, volWad));
        return true;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------------------

    /// @inheritdoc IRiskController
    function shockMultiplier(uint256 underlyingId) external view returns (uint256 multiplierWad) {
        RiskParams memory params = _params[underlyingId];
        if (params.halfLifeSeconds == 0) return WAD;
        return _multiplier(params, _vol(_state[underlyingId].ewmaVarianceWad));
    }

    /// @inheritdoc IRiskController
    function realisedVolatility(uint256 underlyingId) external view returns (uint256 volWad) {
        return _vol(_state[underlyingId].ewmaVarianceWad);
    }

    /// @inheritdoc IRiskController
    function allowsNewRisk(uint256 underlyingId) external view returns (bool) {
        return _healthy(underlyingId);
    }

    /// @inheritdoc IRiskController
    function allowsLiquidation(uint256 underlyingId) external view returns (bool) {
        return _healthy(underlyingId);
    }

    /// @inheritdoc IRiskController
    function riskParams(uint256 underlyingId) external view returns (RiskParams memory) {
        return _params[underlyingId];
    }

    /// @inheritdoc IRiskController
    function riskState(uint256 underlyingId) external view returns (RiskState memory) {
        return _state[underlyingId];
    }

    // ------------------------------------------------------------------------------------------------------------
    // Internals
    // ------------------------------------------------------------------------------------------------------------

    /// @dev var' = λ var + (1 − λ) sample (see the contract's @dev), rounded up. Inputs: prices below 2^128, so
    /// |r| < 88.8 and sample < 88.8² × 3.2e7 / 60 < 4.2e9 WAD: var' stays below 2^128 (a convex combination).
    function _nextVariance(
        uint256 varianceWad,
        uint256 lastPriceE18,
        uint256 priceE18,
        uint256 elapsed,
        uint256 halfLife
    ) internal pure returns (uint256) {
        int256 r = LogMath.lnRatioWad(priceE18, lastPriceE18);
        uint256 r2 = uint256(r * r); // WAD², below 7.9e39
        // Rounded up (in the protocol's favour): a larger variance, a larger multiplier.
        uint256 sampleWad = Math.mulDiv(r2, SECONDS_PER_YEAR, elapsed * WAD, Math.Rounding.Ceil);
        uint256 lambdaWad = LogMath.exp2NegWad(Math.mulDiv(elapsed, WAD, halfLife));
        return Math.ceilDiv(lambdaWad * varianceWad + (WAD - lambdaWad) * sampleWad, WAD);
    }

    /// @dev ceil(√var) in WAD (rounded up: in the protocol's favour).
    function _vol(uint256 varianceWad) internal pure returns (uint256) {
        return Math.sqrt(varianceWad * WAD, Math.Rounding.Ceil);
    }

    /// @dev max(1e18, min(cap, ceil(vol × 1e18 / target))).
    function _multiplier(RiskParams memory params, uint256 volWad) internal pure returns (uint256) {
        uint256 m = Math.mulDiv(volWad, WAD, params.targetVolWad, Math.Rounding.Ceil);
        if (m < WAD) return WAD;
        return Math.min(m, params.maxMultiplierWad);
    }

    /// @dev Whether the underlying's router reports its spot as Ok.
    function _healthy(uint256 underlyingId) internal view returns (bool) {
        (, Health health) = registry.routerOf(underlyingId).spot();
        return health == Health.Ok;
    }
}
