// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IQuorumFeed} from "../interfaces/IQuorumFeed.sol";
import {WAD} from "../libraries/Constants.sol";

/// @title QuorumFeed
/// @notice A k-of-n EIP-712 signed feed storing the median of each accepted report as a new round.
/// @dev Properties kept:
/// - a round is stored only with at least `threshold` valid signatures of distinct registered signers;
/// - round ids per feed are 1, 2, 3, ... and stored rounds never change;
/// - round timestamps per feed strictly increase and are never after the block that stored them;
/// - every stored value is in (0, 2^192) and, from the second round on, within the deviation bound of the previous
///   one: `maxDeviationWad` while the report is at most `widenSeconds` newer than it, then
///   `maxDeviationWad × elapsed / widenSeconds` (see `IQuorumFeed.deviationBound`).
contract QuorumFeed is IQuorumFeed, AccessControl, EIP712 {
    /// @inheritdoc IQuorumFeed
    uint256 public constant MAX_SIGNERS = 31;

    /// @dev The EIP-712 type hash of a signed report.
    bytes32 internal constant REPORT_TYPEHASH = keccak256("Report(bytes32 feedId,uint256 value,uint64 timestamp)");

    /// @inheritdoc IQuorumFeed
    uint256 public constant MAX_WIDEN_SECONDS = 7 days;

    /// @dev The largest deviation bound after widening (a 10^18-fold move).
    uint256 internal constant MAX_BOUND_WAD = 1e36;

    /// @dev A feed's configuration packed with its latest round id, so `submit` reads and writes one slot for both.
    struct FeedState {
        bool enabled;
        uint64 maxDeviationWad;
        uint64 latestRoundId;
        uint32 widenSeconds;
    }

    /// @inheritdoc IQuorumFeed
    uint256 public threshold;

    /// @inheritdoc IQuorumFeed
    mapping(address account => bool) public isSigner;

    address[] internal _signers;
    mapping(bytes32 feedId => FeedState) internal _feeds;
    mapping(bytes32 feedId => mapping(uint256 roundId => Round)) internal _rounds;

    /// @param admin The governance account (timelock) holding `DEFAULT_ADMIN_ROLE`.
    /// @param initialSigners The initial signer set.
    /// @param initialThreshold The initial threshold k.
    constructor(
        address admin,
        address[] memory initialSigners,
        uint256 initialThreshold
    ) EIP712("Optio QuorumFeed", "1") {
        if (admin == address(0)) revert Quorum_ZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _setSigners(initialSigners, initialThreshold);
    }

    /// @inheritdoc IQuorumFeed
    function submit(
        bytes32 feedId,
        uint64 timestamp,
        SignedObservation[] calldata observations
    ) external returns (uint256 roundId) {
        FeedState memory state = _feeds[feedId];
        if (!state.enabled) revert Quorum_UnknownFeed(feedId);

        uint256 count = observations.length;
        uint256 k = threshold;
        if (count < k) revert Quorum_NotEnoughSignatures(feedId, count, k);

        Round memory previous = _rounds[feedId][state.latestRoundId];
        if (timestamp <= previous.timestamp) revert Quorum_StaleReport(feedId, timestamp, previous.timestamp);
        if (timestamp > block.timestamp) revert Quorum_FutureReport(feedId, timestamp, block.timestamp);

        uint256 median = _verifiedMedian(feedId, timestamp, observations);

        if (state.latestRoundId != 0) {
            uint256 prev = previous.value;
            // unchecked: `timestamp > previous.timestamp` was checked above.
            uint256 elapsed;
            unchecked {
                elapsed = timestamp - previous.timestamp;
            }
            uint256 boundWad = _deviationBound(state, elapsed);
            // Rounded down: a report on the edge of the bound is refused, never one beyond it accepted.
            if (_absDiff(median, prev) > Math.mulDiv(boundWad, prev, WAD)) {
                revert Quorum_DeviationTooLarge(feedId, prev, median, boundWad);
            }
        }

        // unchecked: a uint64 plus one cannot overflow 256 bits.
        unchecked {
            roundId = uint256(state.latestRoundId) + 1;
        }
        // The casts are exact: `_verifiedMedian` bounds the median by `type(uint192).max`, and round timestamps are
        // non-zero, strictly increasing uint64 values, so there are at most 2^64 - 1 rounds.
        _rounds[feedId][roundId] = Round({value: uint192(median), timestamp: timestamp});
        _feeds[feedId].latestRoundId = uint64(roundId);

        emit ReportAccepted(feedId, roundId, median, timestamp, count);
    }

    /// @inheritdoc IQuorumFeed
    function setSigners(address[] calldata newSigners, uint256 newThreshold) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setSigners(newSigners, newThreshold);
    }

    /// @inheritdoc IQuorumFeed
    function configureFeed(
        bytes32 feedId,
        bool enabled,
        uint256 maxDeviationWad,
        uint256 widenSeconds
    ) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (maxDeviationWad == 0 || maxDeviationWad > WAD || widenSeconds == 0 || widenSeconds > MAX_WIDEN_SECONDS) {
            revert Quorum_InvalidFeedConfig(feedId, maxDeviationWad, widenSeconds);
        }
        FeedState storage state = _feeds[feedId];
        state.enabled = enabled;
        // The casts are exact: maxDeviationWad <= 1e18 < 2^64 and widenSeconds <= MAX_WIDEN_SECONDS < 2^32.
        state.maxDeviationWad = uint64(maxDeviationWad);
        state.widenSeconds = uint32(widenSeconds);
        emit FeedConfigured(feedId, enabled, maxDeviationWad, widenSeconds);
    }

    /// @inheritdoc IQuorumFeed
    function reportDigest(bytes32 feedId, uint256 value, uint64 timestamp) external view returns (bytes32) {
        return MessageHashUtils.toTypedDataHash(_domainSeparatorV4(), _reportHash(feedId, value, timestamp));
    }

    /// @inheritdoc IQuorumFeed
    function latestRound(bytes32 feedId) external view returns (uint256 roundId, uint256 value, uint256 timestamp) {
        roundId = _feeds[feedId].latestRoundId;
        Round memory round = _rounds[feedId][roundId];
        return (roundId, round.value, round.timestamp);
    }

    /// @inheritdoc IQuorumFeed
    function getRound(bytes32 feedId, uint256 roundId) external view returns (uint256 value, uint256 timestamp) {
        if (roundId == 0 || roundId > _feeds[feedId].latestRoundId) revert Quorum_UnknownRound(feedId, roundId);
        Round memory round = _rounds[feedId][roundId];
        return (round.value, round.timestamp);
    }

    /// @inheritdoc IQuorumFeed
    function signers() external view returns (address[] memory) {
        return _signers;
    }

    /// @inheritdoc IQuorumFeed
    function feedConfig(bytes32 feedId) external view returns (FeedConfig memory) {
        FeedState memory state = _feeds[feedId];
        return
            FeedConfig({
                enabled: state.enabled,
                maxDeviationWad: state.maxDeviationWad,
                widenSeconds: state.widenSeconds
            });
    }

    /// @inheritdoc IQuorumFeed
    function deviationBound(bytes32 feedId, uint256 elapsed) external view returns (uint256 boundWad) {
        return _deviationBound(_feeds[feedId], elapsed);
    }

    /// @dev `min(maxDeviationWad × max(1, elapsed / widenSeconds), MAX_BOUND_WAD)`, rounded down (against the
    /// report). The product cannot overflow: maxDeviationWad < 2^64 and `elapsed` (of uint64 timestamps) < 2^64. The
    /// cap keeps `bound × previous` within 256 bits in `submit`; a bound of 1e36 already admits any change a 192-bit
    /// value can make from a previous value of at least 1e-18 of it.
    function _deviationBound(FeedState memory state, uint256 elapsed) internal pure returns (uint256) {
        uint256 widen = state.widenSeconds;
        if (elapsed <= widen) return state.maxDeviationWad;
        return Math.min((uint256(state.maxDeviationWad) * elapsed) / widen, MAX_BOUND_WAD);
    }

    /// @dev Verifies every observation and returns the median of their values (even count: mean of the two middle
    /// values, rounded down). Values are insertion-sorted into memory as they are verified; n <= MAX_SIGNERS keeps
    /// the quadratic sort cheaper than anything cleverer.
    function _verifiedMedian(
        bytes32 feedId,
        uint64 timestamp,
        SignedObservation[] calldata observations
    ) internal view returns (uint256) {
        uint256 count = observations.length;
        uint256[] memory sorted = new uint256[](count);
        bytes32 domainSeparator = _domainSeparatorV4();
        address lastSigner;

        for (uint256 i; i < count; ++i) {
            (uint256 value, address signer) = _verify(domainSeparator, feedId, timestamp, observations[i], i);
            if (signer <= lastSigner) revert Quorum_DuplicateOrUnorderedSigner(signer);
            if (!isSigner[signer]) revert Quorum_UnknownSigner(signer);
            lastSigner = signer;
            _insertSorted(sorted, i, value);
        }

        // `submit` guarantees count >= threshold >= 1, so the middle indices exist.
        uint256 mid = count / 2;
        if (count % 2 == 1) return sorted[mid];
        // Rounded down, as documented: the feed never reports more than its signers' middle values support.
        return Math.average(sorted[mid - 1], sorted[mid]);
    }

    /// @dev Checks the range of one observation's value and recovers its signer from a 65-byte `(r, s, v)`
    /// signature, rejecting any other length, high-s (malleable) signatures, invalid `v` and signatures that recover
    /// to nobody.
    function _verify(
        bytes32 domainSeparator,
        bytes32 feedId,
        uint64 timestamp,
        SignedObservation calldata observation,
        uint256 index
    ) internal pure returns (uint256 value, address signer) {
        value = observation.value;
        if (value == 0 || value > type(uint192).max) revert Quorum_ValueOutOfRange(index, value);
        bytes calldata signature = observation.signature;
        if (signature.length != 65) revert Quorum_InvalidSignature(index);
        bytes32 digest = MessageHashUtils.toTypedDataHash(domainSeparator, _reportHash(feedId, value, timestamp));
        ECDSA.RecoverError err;
        (signer, err, ) = ECDSA.tryRecover(
            digest,
            uint8(signature[64]),
            bytes32(signature[0:32]),
            bytes32(signature[32:64])
        );
        if (err != ECDSA.RecoverError.NoError) revert Quorum_InvalidSignature(index);
    }

    /// @dev Inserts `value` into `sorted[0:length + 1]`, whose first `length` entries are sorted ascending, by
    /// shifting the larger ones one place up.
    function _insertSorted(uint256[] memory sorted, uint256 length, uint256 value) internal pure {
        uint256 j = length;
        // unchecked: j >= 1 inside the loop, so j - 1 cannot underflow; j <= length < sorted.length bounds the indices.
        unchecked {
            while (j != 0 && sorted[j - 1] > value) {
                sorted[j] = sorted[j - 1];
                --j;
            }
        }
        sorted[j] = value;
    }

    /// @dev Equivalent to `keccak256(abi.encode(REPORT_TYPEHASH, feedId, value, observedAt))`, hashed in scratch
    /// memory past the free memory pointer so that no memory is allocated per observation.
    function _reportHash(bytes32 feedId, uint256 value, uint64 observedAt) internal pure returns (bytes32 hash) {
        bytes32 typeHash = REPORT_TYPEHASH;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, typeHash)
            mstore(add(ptr, 0x20), feedId)
            mstore(add(ptr, 0x40), value)
            mstore(add(ptr, 0x60), and(observedAt, 0xffffffffffffffff))
            hash := keccak256(ptr, 0x80)
        }
    }

    /// @dev Replaces the signer set: clears the old membership, then registers and validates the new one.
    function _setSigners(address[] memory newSigners, uint256 newThreshold) internal {
        uint256 count = newSigners.length;
        if (count == 0 || count > MAX_SIGNERS) revert Quorum_InvalidSignerCount(count);
        // A strict majority: two quorums always share a signer.
        if (newThreshold <= count / 2 || newThreshold > count) revert Quorum_InvalidThreshold(newThreshold, count);

        address[] storage current = _signers;
        for (uint256 i = current.length; i != 0; ) {
            // unchecked: the loop condition guarantees i >= 1.
            unchecked {
                --i;
            }
            isSigner[current[i]] = false;
            current.pop();
        }

        for (uint256 i; i < count; ++i) {
            address signer = newSigners[i];
            if (signer == address(0) || isSigner[signer]) revert Quorum_InvalidSigner(signer);
            isSigner[signer] = true;
            current.push(signer);
        }
        threshold = newThreshold;

        emit SignersUpdated(newSigners, newThreshold);
    }

    /// @dev |a - b|.
    function _absDiff(uint256 a, uint256 b) internal pure returns (uint256) {
        return a > b ? a - b : b - a;
    }
}
