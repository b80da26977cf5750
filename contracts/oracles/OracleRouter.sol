// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IOracleRouter, Health} from "../interfaces/IOracleRouter.sol";
import {IPriceSource} from "../interfaces/IPriceSource.sol";
import {WAD} from "../libraries/Constants.sol";

/// @title OracleRouter
/// @notice One per underlying: combines a primary and an optional secondary price source into a price with a
/// health, reads implied volatility, and stores expiry prices proven by round hints.
/// @dev Sources and bounds are immutable: changing them means deploying a new router through governance.
contract OracleRouter is IOracleRouter {
    /// @inheritdoc IOracleRouter
    uint256 public constant OUTAGE_SPOT_SHOCK_WAD = 0.1e18;
    /// @inheritdoc IOracleRouter
    uint256 public constant OUTAGE_SPOT_SHOCK_PER_HOUR_WAD = 0.1e18;
    /// @inheritdoc IOracleRouter
    uint256 public constant OUTAGE_VOL_SHOCK_WAD = 0.25e18;
    /// @inheritdoc IOracleRouter
    uint256 public constant OUTAGE_VOL_SHOCK_PER_HOUR_WAD = 0.25e18;
    /// @inheritdoc IOracleRouter
    uint256 public constant MAX_OUTAGE_SHOCK_WAD = 9e18;

    /// @inheritdoc IOracleRouter
    IPriceSource public immutable primary;
    /// @inheritdoc IOracleRouter
    IPriceSource public immutable secondary;
    /// @inheritdoc IOracleRouter
    IPriceSource public immutable volSource;
    /// @inheritdoc IOracleRouter
    uint256 public immutable maxDivergenceWad;
    /// @inheritdoc IOracleRouter
    uint256 public immutable fallbackDelay;

    mapping(uint256 expiry => uint256 priceE18) internal _expiryPrices;

    /// @param primary_ The primary spot source (required).
    /// @param secondary_ The cross-check source, or zero.
    /// @param volSource_ The implied-volatility source, or zero.
    /// @param maxDivergenceWad_ With a secondary: largest relative disagreement still Ok, in (0, 1e18].
    /// @param fallbackDelay_ With a secondary: seconds after expiry before it may prove an expiry price (> 0).
    constructor(
        IPriceSource primary_,
        IPriceSource secondary_,
        IPriceSource volSource_,
        uint256 maxDivergenceWad_,
        uint256 fallbackDelay_
    ) {
        if (address(primary_) == address(0) || address(primary_) == address(secondary_)) revert Router_InvalidConfig();
        if (address(secondary_) != address(0)) {
            if (maxDivergenceWad_ == 0 || maxDivergenceWad_ > WAD || fallbackDelay_ == 0) {
                revert Router_InvalidConfig();
            }
        }
        primary = primary_;
        secondary = secondary_;
        volSource = volSource_;
        maxDivergenceWad = maxDivergenceWad_;
        fallbackDelay = fallbackDelay_;
    }

    /// @inheritdoc IOracleRouter
    function spot() public view returns (uint256 priceE18, Health health) {
        (bool primaryOk, uint256 primaryPrice) = _tryLatest(primary);
        if (address(secondary) == address(0)) {
            return primaryOk ? (primaryPrice, Health.Ok) : (0, Health.Down);
        }
        (bool secondaryOk, uint256 secondaryPrice) = _tryLatest(secondary);
        if (primaryOk && secondaryOk) {
            return (primaryPrice, _agree(primaryPrice, secondaryPrice) ? Health.Ok : Health.Degraded);
        }
        if (primaryOk) return (primaryPrice, Health.Degraded);
        if (secondaryOk) return (secondaryPrice, Health.Degraded);
        return (0, Health.Down);
    }

    /// @inheritdoc IOracleRouter
    function spotOrRevert() external view returns (uint256 priceE18) {
        Health health;
        (priceE18, health) = spot();
        if (health == Health.Down) revert Router_PriceUnavailable(address(this));
        if (health != Health.Ok) revert Router_PriceUnhealthy(address(this), health);
    }

    /// @inheritdoc IOracleRouter
    function volatility() public view returns (uint256 volE18, Health health) {
        if (address(volSource) == address(0)) return (0, Health.Down);
        (bool ok, uint256 vol) = _tryLatest(volSource);
        return ok ? (vol, Health.Ok) : (0, Health.Down);
    }

    /// @inheritdoc IOracleRouter
    function spotBounds() external view returns (uint256 lowE18, uint256 highE18, Health health) {
        uint256 priceE18;
        (priceE18, health) = spot();
        if (health != Health.Down) return (priceE18, priceE18, health);
        (bool primaryOk, uint256 primaryPrice, uint256 primaryAt) = _tryLast(primary);
        (bool secondaryOk, uint256 secondaryPrice, uint256 secondaryAt) = _tryLast(secondary);
        // The newer observation is the better estimate; ties go to the primary.
        if (secondaryOk && (!primaryOk || secondaryAt > primaryAt)) {
            (primaryOk, primaryPrice, primaryAt) = (true, secondaryPrice, secondaryAt);
        }
        if (!primaryOk) return (0, 0, Health.Down);
        (lowE18, highE18) = _widen(primaryPrice, primaryAt, OUTAGE_SPOT_SHOCK_WAD, OUTAGE_SPOT_SHOCK_PER_HOUR_WAD);
    }

    /// @inheritdoc IOracleRouter
    function volatilityBounds() external view returns (uint256 lowE18, uint256 highE18, Health health) {
        uint256 volE18;
        (volE18, health) = volatility();
        if (health != Health.Down) return (volE18, volE18, health);
        (bool ok, uint256 lastE18, uint256 observedAt) = _tryLast(volSource);
        if (!ok) return (0, 0, Health.Down);
        volE18 = lastE18;
        (lowE18, highE18) = _widen(volE18, observedAt, OUTAGE_VOL_SHOCK_WAD, OUTAGE_VOL_SHOCK_PER_HOUR_WAD);
    }

    /// @inheritdoc IOracleRouter
    function lastVolatility() external view returns (uint256 volE18, uint256 observedAt) {
        (, volE18, observedAt) = _tryLast(volSource);
    }

    /// @inheritdoc IOracleRouter
    function setExpiryPrice(uint256 expiry, uint256 roundHint) external returns (uint256 priceE18) {
        return _setExpiryPrice(primary, expiry, roundHint);
    }

    /// @inheritdoc IOracleRouter
    function setExpiryPriceFromSecondary(
        uint256 expiry,
        uint256 roundHint,
        uint256 primaryRoundHint
    ) external returns (uint256 priceE18) {
        if (address(secondary) == address(0)) revert Router_NoSecondarySource();
        uint256 availableAt = expiry + fallbackDelay;
        if (block.timestamp < availableAt) revert Router_FallbackNotYetAllowed(expiry, availableAt);
        _requireUnset(expiry);
        primary.proveNoObservation(expiry, primaryRoundHint);
        return _setExpiryPrice(secondary, expiry, roundHint);
    }

    /// @inheritdoc IOracleRouter
    function expiryPrice(uint256 expiry) external view returns (uint256 priceE18, bool isSet) {
        priceE18 = _expiryPrices[expiry];
        isSet = priceE18 != 0;
    }

    /// @dev Proves the first observation of `source` at or after `expiry` and stores it, once.
    function _setExpiryPrice(
        IPriceSource source,
        uint256 expiry,
        uint256 roundHint
    ) internal returns (uint256 priceE18) {
        if (block.timestamp < expiry) revert Router_ExpiryNotReached(expiry, block.timestamp);
        _requireUnset(expiry);
        uint256 observedAt;
        (priceE18, observedAt) = source.priceAt(expiry, roundHint);
        // Adapters only return positive prices, so a stored 0 always means "unset".
        _expiryPrices[expiry] = priceE18;
        emit ExpiryPriceSet(expiry, priceE18, observedAt, address(source));
    }

    /// @dev Reverts when the expiry price of `expiry` is already stored.
    function _requireUnset(uint256 expiry) internal view {
        uint256 existing = _expiryPrices[expiry];
        if (existing != 0) revert Router_ExpiryPriceAlreadySet(expiry, existing);
    }

    /// @dev Whether two valid prices differ by at most `maxDivergenceWad` of the smaller one.
    function _agree(uint256 a, uint256 b) internal view returns (bool) {
        (uint256 low, uint256 high) = a < b ? (a, b) : (b, a);
        // Rounds the tolerance down: borderline disagreement is reported as Degraded, the safe side.
        return high - low <= Math.mulDiv(low, maxDivergenceWad, WAD);
    }

    /// @dev [last × (1 − s), last × (1 + s)] with s = shock + perHour × age / 1 hour, capped at MAX_OUTAGE_SHOCK_WAD;
    /// low rounded down and high rounded up (wider: against the account valued with it); low is 0 once s >= 1.
    function _widen(
        uint256 lastE18,
        uint256 observedAt,
        uint256 shockWad,
        uint256 perHourWad
    ) internal view returns (uint256 lowE18, uint256 highE18) {
        // Sources never return a future observation, so the age cannot underflow.
        uint256 s = Math.min(
            shockWad + Math.mulDiv(perHourWad, block.timestamp - observedAt, 1 hours),
            MAX_OUTAGE_SHOCK_WAD
        );
        lowE18 = s >= WAD ? 0 : Math.mulDiv(lastE18, WAD - s, WAD);
        highE18 = Math.mulDiv(lastE18, WAD + s, WAD, Math.Rounding.Ceil);
    }

    /// @dev A source's last observation (`IPriceSource.lastObservation`) without letting its revert escape:
    /// (false, 0, 0) on failure or when no source is configured.
    function _tryLast(IPriceSource source) internal view returns (bool ok, uint256 priceE18, uint256 observedAt) {
        if (address(source) == address(0)) return (false, 0, 0);
        try source.lastObservation() returns (uint256 price, uint256 at) {
            return (true, price, at);
        } catch {
            return (false, 0, 0);
        }
    }

    /// @dev Reads a source without letting its revert escape: (false, 0) on any validation failure.
    function _tryLatest(IPriceSource source) internal view returns (bool ok, uint256 priceE18) {
        try source.latestPrice() returns (uint256 price, uint256) {
            return (true, price);
        } catch {
            return (false, 0);
        }
    }
}
