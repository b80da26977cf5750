// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

/// @title IPriceSource
/// @notice One adapter per price source (a Chainlink aggregator, one feed of the quorum feed). Every adapter returns
/// values in WAD (1e18) and validates what it returns: a read either yields a usable observation or reverts with one
/// of the `Oracle_*` errors below. Adapters hold no mutable state; their parameters are immutable and validated in
/// the constructor.
interface IPriceSource {
    /// @notice The source's answer is zero or negative.
    error Oracle_NonPositivePrice(address feed, int256 answer);
    /// @notice The source reported `updatedAt == 0` (an incomplete or missing round).
    error Oracle_ZeroUpdatedAt(address feed);
    /// @notice The source's observation is stamped after the current block.
    error Oracle_FutureTimestamp(address feed, uint256 updatedAt, uint256 blockTimestamp);
    /// @notice The latest observation is older than `maxAge` seconds (heartbeat plus slack).
    error Oracle_StalePrice(address feed, uint256 updatedAt, uint256 maxAge);
    /// @notice The L2 sequencer uptime feed reports the sequencer down.
    error Oracle_SequencerDown(address sequencerFeed);
    /// @notice The sequencer came back up at `upSince`, less than `gracePeriod` seconds ago.
    error Oracle_SequencerGracePeriod(address sequencerFeed, uint256 upSince, uint256 gracePeriod);
    /// @notice The hinted round was observed before `timestamp`, so it cannot be the first observation at or after it.
    error Oracle_RoundBeforeTimestamp(address feed, uint256 roundId, uint256 observedAt, uint256 timestamp);
    /// @notice The round before the hinted one was observed at or after `timestamp`: the hint is not the first.
    error Oracle_PreviousRoundNotBefore(address feed, uint256 previousRoundId, uint256 observedAt, uint256 timestamp);
    /// @notice The hinted round has no predecessor this adapter can read (first round of a Chainlink phase).
    error Oracle_RoundWithoutPredecessor(address feed, uint256 roundId);
    /// @notice The first observation at or after `timestamp` came more than `maxDelay` seconds after it.
    error Oracle_ObservationTooLate(address feed, uint256 observedAt, uint256 timestamp, uint256 maxDelay);
    /// @notice The source has a usable observation (round `roundId`, observed at `observedAt`) for the target time.
    error Oracle_ObservationExists(address feed, uint256 roundId, uint256 observedAt);
    /// @notice The observation window of the target time is still open until `closesAt`: a round may yet arrive.
    error Oracle_WindowStillOpen(address feed, uint256 closesAt);
    /// @notice A constructor argument is out of its allowed range.
    error Oracle_InvalidConfig(address feed);
    /// @notice The feed's decimals exceed 18.
    error Oracle_UnsupportedDecimals(address feed, uint8 decimals);

    /// @notice The latest valid observation.
    /// @return priceE18 The value, scaled to 18 decimals.
    /// @return updatedAt When the source observed it (unix seconds).
    function latestPrice() external view returns (uint256 priceE18, uint256 updatedAt);

    /// @notice The latest observation however old: `latestPrice` without its staleness and sequencer checks (the
    /// value is still positive, `updatedAt` non-zero and not in the future, else the same errors).
    /// @dev For outage valuation only: a router widens it by a shock growing with its age (`IOracleRouter.spotBounds`).
    function lastObservation() external view returns (uint256 priceE18, uint256 updatedAt);

    /// @notice Proves the first observation at or after `timestamp`: round `roundHint` is at or after it, the round
    /// before it is strictly before it, and it came at most `maxObservationDelay()` seconds after `timestamp`.
    /// @dev Used for expiry prices. Does not apply the staleness or sequencer checks of `latestPrice`: the proof
    /// itself bounds when the observation was made.
    /// @return priceE18 The proven value, scaled to 18 decimals.
    /// @return observedAt When the proven round was observed.
    function priceAt(uint256 timestamp, uint256 roundHint) external view returns (uint256 priceE18, uint256 observedAt);

    /// @notice Reverts unless the source provably has no usable observation for `timestamp` and never will: no
    /// valid round in `[timestamp, timestamp + maxObservationDelay()]`.
    /// @dev Two proofs. `roundHint == 0`: the window has closed and the latest round is still before `timestamp`
    /// (the feed stopped). `roundHint > 0`: that round is the first at or after `timestamp` (its predecessor is
    /// before it) and it came after the window or carries an invalid answer. Lets a router fall back to its
    /// secondary source for an expiry price only when the primary truly failed, so nobody can pick the source.
    function proveNoObservation(uint256 timestamp, uint256 roundHint) external view;

    /// @notice The feed this adapter reads (an aggregator, or the quorum feed contract).
    function feed() external view returns (address);

    /// @notice The largest allowed delay between a target timestamp and the observation proving it.
    function maxObservationDelay() external view returns (uint256);
}
