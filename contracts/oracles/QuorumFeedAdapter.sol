// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IPriceSource} from "../interfaces/IPriceSource.sol";
import {IQuorumFeed} from "../interfaces/IQuorumFeed.sol";

/// @title QuorumFeedAdapter
/// @notice Reads one feed of a `QuorumFeed` as an `IPriceSource`. Quorum feed values are already in WAD, so no
/// scaling is applied.
contract QuorumFeedAdapter is IPriceSource {
    /// @notice The quorum feed contract read.
    IQuorumFeed public immutable quorumFeed;
    /// @notice The feed id within `quorumFeed`.
    bytes32 public immutable feedId;
    /// @notice The largest age, in seconds, of the latest round accepted by `latestPrice`.
    uint256 public immutable maxAge;
    /// @inheritdoc IPriceSource
    uint256 public immutable maxObservationDelay;

    /// @param quorumFeed_ The quorum feed contract; not zero.
    /// @param feedId_ The feed id within it.
    /// @param maxAge_ The staleness bound of `latestPrice`, in seconds; not zero.
    /// @param maxObservationDelay_ The largest delay between a target timestamp and its proving round; not zero.
    constructor(IQuorumFeed quorumFeed_, bytes32 feedId_, uint256 maxAge_, uint256 maxObservationDelay_) {
        if (address(quorumFeed_) == address(0) || maxAge_ == 0 || maxObservationDelay_ == 0) {
            revert Oracle_InvalidConfig(address(quorumFeed_));
        }
        quorumFeed = quorumFeed_;
        feedId = feedId_;
        maxAge = maxAge_;
        maxObservationDelay = maxObservationDelay_;
    }

    /// @inheritdoc IPriceSource
    function latestPrice() external view returns (uint256 priceE18, uint256 updatedAt) {
        (priceE18, updatedAt) = _lastObservation();
        if (block.timestamp - updatedAt > maxAge) revert Oracle_StalePrice(address(quorumFeed), updatedAt, maxAge);
    }

    /// @inheritdoc IPriceSource
    function lastObservation() external view returns (uint256 priceE18, uint256 updatedAt) {
        return _lastObservation();
    }

    /// @inheritdoc IPriceSource
    function priceAt(
        uint256 timestamp,
        uint256 roundHint
    ) external view returns (uint256 priceE18, uint256 observedAt) {
        (priceE18, observedAt) = _firstRoundAtOrAfter(timestamp, roundHint);
        if (observedAt - timestamp > maxObservationDelay) {
            revert Oracle_ObservationTooLate(address(quorumFeed), observedAt, timestamp, maxObservationDelay);
        }
    }

    /// @inheritdoc IPriceSource
    /// @dev Quorum rounds always hold a positive value, so only lateness (or absence) proves a missing observation.
    function proveNoObservation(uint256 timestamp, uint256 roundHint) external view {
        uint256 closesAt = timestamp + maxObservationDelay;
        if (roundHint == 0) {
            if (block.timestamp <= closesAt) revert Oracle_WindowStillOpen(address(quorumFeed), closesAt);
            (uint256 latestId, , uint256 latestAt) = quorumFeed.latestRound(feedId);
            if (latestId != 0 && latestAt >= timestamp) {
                revert Oracle_ObservationExists(address(quorumFeed), latestId, latestAt);
            }
            return;
        }
        (, uint256 observedAt) = _firstRoundAtOrAfter(timestamp, roundHint);
        if (observedAt <= closesAt) revert Oracle_ObservationExists(address(quorumFeed), roundHint, observedAt);
    }

    /// @dev The latest round: reverts when there is none or it is stamped in the future.
    function _lastObservation() internal view returns (uint256 priceE18, uint256 updatedAt) {
        uint256 roundId;
        (roundId, priceE18, updatedAt) = quorumFeed.latestRound(feedId);
        if (roundId == 0) revert Oracle_ZeroUpdatedAt(address(quorumFeed));
        if (updatedAt > block.timestamp) revert Oracle_FutureTimestamp(address(quorumFeed), updatedAt, block.timestamp);
    }

    /// @dev Reads round `roundHint` (reverting with `Quorum_UnknownRound` when it does not exist) and checks it is
    /// the first at or after `timestamp`: at or after it, with a predecessor (when there is one) strictly before it.
    function _firstRoundAtOrAfter(
        uint256 timestamp,
        uint256 roundHint
    ) internal view returns (uint256 value, uint256 observedAt) {
        (value, observedAt) = quorumFeed.getRound(feedId, roundHint);
        if (observedAt < timestamp) {
            revert Oracle_RoundBeforeTimestamp(address(quorumFeed), roundHint, observedAt, timestamp);
        }
        if (roundHint > 1) {
            uint256 previousRoundId = roundHint - 1;
            (, uint256 previousObservedAt) = quorumFeed.getRound(feedId, previousRoundId);
            if (previousObservedAt >= timestamp) {
                revert Oracle_PreviousRoundNotBefore(
                    address(quorumFeed),
                    previousRoundId,
                    previousObservedAt,
                    timestamp
                );
            }
        }
    }

    /// @inheritdoc IPriceSource
    function feed() external view returns (address) {
        return address(quorumFeed);
    }
}
