// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

/// @title IQuorumFeed
/// @notice A k-of-n signed feed for spot prices and implied volatilities. Each registered signer signs, with
/// EIP-712, a report `(feedId, value, timestamp)`; a submission carrying at least `threshold` signatures from
/// distinct registered signers over the same `(feedId, timestamp)` stores the median of their values as a new
/// round. With n = 3f + 1 signers and a threshold of 2f + 1 the feed tolerates f faulty signers: the median of
/// 2f + 1 values lies between two honest values.
/// @dev Rounds are numbered from 1 per feed and never change once stored, so a round hint proves "the first
/// observation at or after a time" exactly as with Chainlink rounds.
interface IQuorumFeed {
    /// @notice One signer's signed observation.
    /// @param value The signer's value, in WAD.
    /// @param signature The 65-byte ECDSA signature over the EIP-712 `Report(feedId, value, timestamp)`.
    struct SignedObservation {
        uint256 value;
        bytes signature;
    }

    /// @notice A stored round.
    struct Round {
        uint192 value;
        uint64 timestamp;
    }

    /// @notice Per-feed configuration.
    /// @param enabled Whether reports for the feed are accepted.
    /// @param maxDeviationWad Largest relative change of one round against the previous one, in WAD, while the
    /// report is at most `widenSeconds` newer than the previous round.
    /// @param widenSeconds After this much silence the bound widens in proportion to the time since the previous
    /// round: `maxDeviationWad × elapsed / widenSeconds` (twice the bound after twice the time, and so on).
    struct FeedConfig {
        bool enabled;
        uint64 maxDeviationWad;
        uint32 widenSeconds;
    }

    /// @notice The feed is not configured or is disabled.
    error Quorum_UnknownFeed(bytes32 feedId);
    /// @notice Fewer signatures than the threshold were supplied.
    error Quorum_NotEnoughSignatures(bytes32 feedId, uint256 count, uint256 threshold);
    /// @notice A signature does not parse or does not recover to an address.
    error Quorum_InvalidSignature(uint256 index);
    /// @notice A signature recovered to an address that is not a registered signer.
    error Quorum_UnknownSigner(address signer);
    /// @notice Signatures must be ordered by strictly ascending signer address; `signer` repeats or is out of order.
    error Quorum_DuplicateOrUnorderedSigner(address signer);
    /// @notice The report is not newer than the feed's latest round.
    error Quorum_StaleReport(bytes32 feedId, uint256 timestamp, uint256 latestTimestamp);
    /// @notice The report is stamped after the current block.
    error Quorum_FutureReport(bytes32 feedId, uint256 timestamp, uint256 blockTimestamp);
    /// @notice The new median moves more than the feed's bound (`boundWad`, widened for the time since the previous
    /// round) from the previous round.
    error Quorum_DeviationTooLarge(bytes32 feedId, uint256 previous, uint256 value, uint256 boundWad);
    /// @notice A value is zero or does not fit 192 bits.
    error Quorum_ValueOutOfRange(uint256 index, uint256 value);
    /// @notice The threshold is not a strict majority of the signer set, or exceeds it.
    error Quorum_InvalidThreshold(uint256 threshold, uint256 signerCount);
    /// @notice A signer in a new signer set is the zero address or appears twice.
    error Quorum_InvalidSigner(address signer);
    /// @notice The signer set is empty or larger than `MAX_SIGNERS`.
    error Quorum_InvalidSignerCount(uint256 count);
    /// @notice The feed configuration is out of range.
    error Quorum_InvalidFeedConfig(bytes32 feedId, uint256 maxDeviationWad, uint256 widenSeconds);
    /// @notice A zero admin address.
    error Quorum_ZeroAddress();
    /// @notice The round does not exist.
    error Quorum_UnknownRound(bytes32 feedId, uint256 roundId);

    /// @notice A report was accepted and stored as round `roundId`.
    event ReportAccepted(
        bytes32 indexed feedId,
        uint256 indexed roundId,
        uint256 value,
        uint256 timestamp,
        uint256 signerCount
    );
    /// @notice The signer set and threshold were replaced.
    event SignersUpdated(address[] signers, uint256 threshold);
    /// @notice A feed was configured.
    event FeedConfigured(bytes32 indexed feedId, bool enabled, uint256 maxDeviationWad, uint256 widenSeconds);

    /// @notice Largest number of registered signers.
    function MAX_SIGNERS() external view returns (uint256);

    /// @notice Largest `widenSeconds` of a feed (7 days): a gap is always accepted within a bounded time.
    function MAX_WIDEN_SECONDS() external view returns (uint256);

    /// @notice Verifies `observations` for `(feedId, timestamp)` and stores their median as the next round.
    /// @dev Permissionless: the signatures authenticate the report. Observations must be ordered by strictly
    /// ascending signer address, which rejects duplicates in one pass. Signatures beyond the threshold are verified
    /// and enter the median too. For an even count the median is the mean of the two middle values, rounded down.
    /// @return roundId The id of the stored round.
    function submit(
        bytes32 feedId,
        uint64 timestamp,
        SignedObservation[] calldata observations
    ) external returns (uint256 roundId);

    /// @notice Replaces the signer set and threshold. Governance (timelock) only.
    /// @dev Requires 1 <= signers.length <= MAX_SIGNERS, no zero or repeated signer, and
    /// signers.length / 2 < threshold <= signers.length.
    function setSigners(address[] calldata signers, uint256 threshold) external;

    /// @notice Enables or disables a feed and sets its per-round deviation bound and how fast the bound widens while
    /// no round is accepted. Governance (timelock) only.
    /// @dev 0 < maxDeviationWad <= 1e18 and 0 < widenSeconds <= MAX_WIDEN_SECONDS.
    /// Why the bound widens: a fixed bound freezes a feed for good after any genuine move larger than it (every
    /// honest report is refused until governance acts). Widening with the silence lets honest signers keep signing
    /// the true value: a move of r × maxDeviationWad is accepted once r × widenSeconds have passed since the last
    /// round, with no invented intermediate prices. What it still prevents: a live feed (one reporting at least
    /// every `widenSeconds`) cannot be moved further than `maxDeviationWad` by one report (a fat finger, a scaling
    /// error, one corrupted source shared by the signers); a larger jump needs the feed to have been silent, hence
    /// stale for its readers, for a time proportional to the jump. It does not stop a quorum of k colluding signers,
    /// who could always walk the value in steps: that is the threshold's job.
    function configureFeed(bytes32 feedId, bool enabled, uint256 maxDeviationWad, uint256 widenSeconds) external;

    /// @notice The deviation bound (WAD) a report `elapsed` seconds newer than the feed's latest round must meet:
    /// `maxDeviationWad × max(1, elapsed / widenSeconds)`, rounded down.
    function deviationBound(bytes32 feedId, uint256 elapsed) external view returns (uint256 boundWad);

    /// @notice The EIP-712 digest a signer signs for `(feedId, value, timestamp)`.
    function reportDigest(bytes32 feedId, uint256 value, uint64 timestamp) external view returns (bytes32);

    /// @notice The latest round of a feed: id 0 and zero values when none exists.
    function latestRound(bytes32 feedId) external view returns (uint256 roundId, uint256 value, uint256 timestamp);

    /// @notice A stored round; reverts with `Quorum_UnknownRound` when it does not exist.
    function getRound(bytes32 feedId, uint256 roundId) external view returns (uint256 value, uint256 timestamp);

    /// @notice The current signer set.
    function signers() external view returns (address[] memory);

    /// @notice The current threshold k.
    function threshold() external view returns (uint256);

    /// @notice Whether `account` is a registered signer.
    function isSigner(address account) external view returns (bool);

    /// @notice A feed's configuration.
    function feedConfig(bytes32 feedId) external view returns (FeedConfig memory);
}
