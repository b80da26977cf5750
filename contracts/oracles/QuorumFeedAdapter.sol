// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IPriceSource} from "../interfaces/IPriceSource.sol";
import {IQuorumFeed} from "../interfaces/IQuorumFeed.sol";
import {IQuorumFeedAdapter} from "../interfaces/IQuorumFeedAdapter.sol";
import {PriceSourceWindow} from "./PriceSourceWindow.sol";

/// @title QuorumFeedAdapter
/// @notice Reads one feed of a `QuorumFeed` as an `IPriceSource`. Quorum feed values are already in WAD, so no
/// scaling is applied.
contract QuorumFeedAdapter is IQuorumFeedAdapter, PriceSourceWindow {
    /// @inheritdoc IQuorumFeedAdapter
    IQuorumFeed public immutable quorumFeed;
    /// @inheritdoc IQuorumFeedAdapter
    bytes32 public immutable feedId;
    /// @inheritdoc IQuorumFeedAdapter
    uint256 public immutable maxAge;

    /// @param quorumFeed_ The quorum feed contract; not zero.
    /// @param feedId_ The feed id within it.
    /// @param maxAge_ The staleness bound of `latestPrice`, in seconds; not zero.
    /// @param maxObservationDelay_ The largest delay between a target timestamp and its proving round; not zero.
    constructor(
        IQuorumFeed quorumFeed_,
        bytes32 feedId_,
        uint256 maxAge_,
        uint256 maxObservationDelay_
    ) PriceSourceWindow(address(quorumFeed_), maxObservationDelay_) {
        if (maxAge_ == 0) revert Oracle_InvalidConfig(address(quorumFeed_));
        quorumFeed = quorumFeed_;
        feedId = feedId_;
        maxAge = maxAge_;
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

    /// @dev The latest round: reverts when there is none or it is stamped in the future.
    function _lastObservation() internal view returns (uint256 priceE18, uint256 updatedAt) {
        uint256 roundId;
        (roundId, priceE18, updatedAt) = quorumFeed.latestRound(feedId);
        if (roundId == 0) revert Oracle_ZeroUpdatedAt(address(quorumFeed));
        if (updatedAt > block.timestamp) revert Oracle_FutureTimestamp(address(quorumFeed), updatedAt, block.timestamp);
    }

    /// @inheritdoc PriceSourceWindow
    function _source() internal view override returns (address) {
        return address(quorumFeed);
    }

    /// @inheritdoc PriceSourceWindow
    function _latestRound() internal view override returns (bool exists, uint256 roundId, uint256 observedAt) {
        (roundId, , observedAt) = quorumFeed.latestRound(feedId);
        exists = roundId != 0;
    }

    /// @inheritdoc PriceSourceWindow
    /// @dev Reverts with `Quorum_UnknownRound` when the round does not exist. Quorum rounds always hold a positive
    /// value (so `requireValid` adds nothing): only lateness (or absence) proves a missing observation. The first
    /// round has no predecessor to check.
    function _firstRoundAtOrAfter(
        uint256 timestamp,
        uint256 roundHint,
        bool
    ) internal view override returns (uint256 roundId, uint256 priceE18, uint256 observedAt) {
        roundId = roundHint;
        (priceE18, observedAt) = quorumFeed.getRound(feedId, roundHint);
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
}
