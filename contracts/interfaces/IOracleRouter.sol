// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IPriceSource} from "./IPriceSource.sol";

/// @notice How much a router trusts the price it returns.
/// @dev Ok: every configured source is valid and they agree. Degraded: one source failed or the sources disagree
/// beyond the bound; the price comes from the primary when valid, else the secondary. Down: no source is valid and
/// the price is 0.
enum Health {
    Ok,
    Degraded,
    Down
}

/// @title IOracleRouter
/// @notice One router per underlying: spot price and implied volatility with their health, and the expiry prices
/// of the underlying's series. Sources are immutable; replacing one means deploying a new router through
/// governance.
interface IOracleRouter {
    /// @notice No source yields a valid price.
    error Router_PriceUnavailable(address router);
    /// @notice The price is valid but its health is not Ok.
    error Router_PriceUnhealthy(address router, Health health);
    /// @notice The expiry price for `expiry` is already set and never changes.
    error Router_ExpiryPriceAlreadySet(uint256 expiry, uint256 priceE18);
    /// @notice `expiry` has not been reached yet.
    error Router_ExpiryNotReached(uint256 expiry, uint256 blockTimestamp);
    /// @notice The secondary source may prove an expiry price only from `availableAt` on.
    error Router_FallbackNotYetAllowed(uint256 expiry, uint256 availableAt);
    /// @notice No secondary source is configured.
    error Router_NoSecondarySource();
    /// @notice A constructor argument is out of range.
    error Router_InvalidConfig();

    /// @notice The expiry price of `expiry` was proven and stored.
    event ExpiryPriceSet(uint256 indexed expiry, uint256 priceE18, uint256 observedAt, address indexed source);

    /// @notice Spot price and health. Never reverts.
    function spot() external view returns (uint256 priceE18, Health health);

    /// @notice Spot price; reverts unless health is Ok (`Router_PriceUnavailable` / `Router_PriceUnhealthy`).
    function spotOrRevert() external view returns (uint256 priceE18);

    /// @notice Implied volatility (annualised, WAD: 0.8e18 = 80%) and health. Never reverts; Down when no volatility
    /// source is configured or it is invalid.
    function volatility() external view returns (uint256 volE18, Health health);

    /// @notice A range that holds the spot with high confidence, for valuing an account against itself while prices
    /// are out. Ok or Degraded: `low == high == spot()`. Down: the newest last observation of either source
    /// (`IPriceSource.lastObservation`), widened by a shock s growing with its age,
    /// s = OUTAGE_SPOT_SHOCK_WAD + OUTAGE_SPOT_SHOCK_PER_HOUR_WAD × age / 1 hour (at most MAX_OUTAGE_SHOCK_WAD):
    /// low = last × (1 − s) rounded down (0 once s >= 1), high = last × (1 + s) rounded up. Down with no observation
    /// at all: (0, 0, Down). Never reverts.
    /// @dev For users' own exits only (withdrawing free collateral, risk-reducing closes): liquidation, fund payments
    /// and loss socialisation never act on a price that is not Ok, so they do not read it.
    function spotBounds() external view returns (uint256 lowE18, uint256 highE18, Health health);

    /// @notice As `spotBounds`, for implied volatility: Ok gives `low == high == volatility()`; Down widens the
    /// volatility source's last observation by OUTAGE_VOL_SHOCK_WAD + OUTAGE_VOL_SHOCK_PER_HOUR_WAD per hour of age.
    function volatilityBounds() external view returns (uint256 lowE18, uint256 highE18, Health health);

    /// @notice The volatility source's last observation however old (`IPriceSource.lastObservation`); (0, 0) when
    /// there is none or no source. Never reverts.
    function lastVolatility() external view returns (uint256 volE18, uint256 observedAt);

    /// @notice Shock applied to a last observation of spot at age 0 during an outage (WAD, 0.1e18 = 10%).
    function OUTAGE_SPOT_SHOCK_WAD() external view returns (uint256);

    /// @notice Growth of the spot outage shock per hour of the observation's age (WAD).
    function OUTAGE_SPOT_SHOCK_PER_HOUR_WAD() external view returns (uint256);

    /// @notice Shock applied to a last observation of implied volatility at age 0 during an outage (WAD).
    function OUTAGE_VOL_SHOCK_WAD() external view returns (uint256);

    /// @notice Growth of the volatility outage shock per hour of the observation's age (WAD).
    function OUTAGE_VOL_SHOCK_PER_HOUR_WAD() external view returns (uint256);

    /// @notice Largest outage shock (WAD): `high` is at most (1 + this) times the last observation.
    function MAX_OUTAGE_SHOCK_WAD() external view returns (uint256);

    /// @notice Proves and stores the expiry price from the primary source: the first observation at or after
    /// `expiry`, identified by `roundHint`. Permissionless; once set it never changes.
    function setExpiryPrice(uint256 expiry, uint256 roundHint) external returns (uint256 priceE18);

    /// @notice As `setExpiryPrice`, from the secondary source: allowed from `expiry + fallbackDelay()` on, while the
    /// price is unset, and only with a proof (`primaryRoundHint`, see `IPriceSource.proveNoObservation`) that the
    /// primary has no usable observation for `expiry`. The caller therefore never chooses between two valid prices.
    function setExpiryPriceFromSecondary(
        uint256 expiry,
        uint256 roundHint,
        uint256 primaryRoundHint
    ) external returns (uint256 priceE18);

    /// @notice The stored expiry price; `isSet` is false (and the price 0) until it is proven.
    function expiryPrice(uint256 expiry) external view returns (uint256 priceE18, bool isSet);

    /// @notice The primary price source.
    function primary() external view returns (IPriceSource);

    /// @notice The secondary price source (zero when none).
    function secondary() external view returns (IPriceSource);

    /// @notice The implied volatility source (zero when none).
    function volSource() external view returns (IPriceSource);

    /// @notice The largest relative disagreement between the two sources still reported as Ok, in WAD.
    function maxDivergenceWad() external view returns (uint256);

    /// @notice Seconds after expiry from which the secondary may prove the expiry price.
    function fallbackDelay() external view returns (uint256);
}
