// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IPriceSource} from "../interfaces/IPriceSource.sol";

/// @title PriceSourceWindow
/// @notice The observation-window rules every price source adapter shares, written once: `priceAt` (the first round
/// at or after a time, within `maxObservationDelay`) and `proveNoObservation` (no usable round inside the window),
/// over the adapter's own round reads.
abstract contract PriceSourceWindow is IPriceSource {
    /// @inheritdoc IPriceSource
    uint256 public immutable maxObservationDelay;

    /// @param source The address the adapter reads; not zero.
    /// @param maxObservationDelay_ Largest delay between a target time and the round proving its price; not zero.
    /// @dev Reverts `Oracle_InvalidConfig(source)` on a zero argument.
    constructor(address source, uint256 maxObservationDelay_) {
        if (source == address(0) || maxObservationDelay_ == 0) revert Oracle_InvalidConfig(source);
        maxObservationDelay = maxObservationDelay_;
    }

    /// @inheritdoc IPriceSource
    function priceAt(
        uint256 timestamp,
        uint256 roundHint
    ) external view returns (uint256 priceE18, uint256 observedAt) {
        (, priceE18, observedAt) = _firstRoundAtOrAfter(timestamp, roundHint, true);
        if (observedAt - timestamp > maxObservationDelay) {
            revert Oracle_ObservationTooLate(_source(), observedAt, timestamp, maxObservationDelay);
        }
    }

    /// @inheritdoc IPriceSource
    function proveNoObservation(uint256 timestamp, uint256 roundHint) external view {
        uint256 closesAt = timestamp + maxObservationDelay;
        if (roundHint == 0) {
            if (block.timestamp <= closesAt) revert Oracle_WindowStillOpen(_source(), closesAt);
            (bool exists, uint256 latestId, uint256 latestAt) = _latestRound();
            if (exists && latestAt >= timestamp) revert Oracle_ObservationExists(_source(), latestId, latestAt);
            return;
        }
        (uint256 roundId, uint256 priceE18, uint256 observedAt) = _firstRoundAtOrAfter(timestamp, roundHint, false);
        if (priceE18 != 0 && observedAt <= closesAt) revert Oracle_ObservationExists(_source(), roundId, observedAt);
    }

    /// @inheritdoc IPriceSource
    function feed() external view returns (address) {
        return _source();
    }

    /// @dev The address the adapter reads, named in every error.
    function _source() internal view virtual returns (address);

    /// @dev The latest round's id and observation time, and whether there is one.
    function _latestRound() internal view virtual returns (bool exists, uint256 roundId, uint256 observedAt);

    /// @dev Round `roundHint`, checked to be the first observation at or after `timestamp` (at or after it, its
    /// predecessor strictly before it): its id, its value in WAD (0 when it holds no positive value) and its time.
    /// With `requireValid`, the round's value and time are validated first (reverting `Oracle_*`).
    function _firstRoundAtOrAfter(
        uint256 timestamp,
        uint256 roundHint,
        bool requireValid
    ) internal view virtual returns (uint256 roundId, uint256 priceE18, uint256 observedAt);
}
