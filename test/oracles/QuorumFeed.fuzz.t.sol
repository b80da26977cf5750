// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {QuorumFeedBase} from "./QuorumFeedBase.sol";
import {QuorumFeed} from "../../contracts/oracles/QuorumFeed.sol";
import {IQuorumFeed} from "../../contracts/interfaces/IQuorumFeed.sol";

/// @notice Property tests of the quorum feed: the stored value is the median of the submitted values (checked
/// against a reference computed here), a submission is accepted exactly when it carries at least k signatures, and
/// the deviation bound holds.
contract QuorumFeedFuzzTest is QuorumFeedBase {
    function setUp() public {
        vm.warp(T0);
        _makeKeys(31, 7);
    }

    function testFuzz_median(uint256 seed, uint256 nRaw, uint256 kRaw, uint256 countRaw) public {
        uint256 n = bound(nRaw, 1, 31);
        uint256 k = bound(kRaw, n / 2 + 1, n);
        uint256 count = bound(countRaw, k, n);
        QuorumFeed quorum = _deploy(n, k);

        uint256[] memory idx = _randomSubset(seed, n, count);
        uint256[] memory values = _randomValues(seed, count);
        uint256 roundId = quorum.submit(FEED, uint64(T0), _observations(quorum, FEED, uint64(T0), idx, values));

        (uint256 value, uint256 timestamp) = quorum.getRound(FEED, roundId);
        assertEq(roundId, 1, "round id");
        assertEq(value, _referenceMedian(values), "median");
        assertEq(timestamp, T0, "timestamp");
    }

    function testFuzz_threshold(uint256 seed, uint256 nRaw, uint256 kRaw, uint256 countRaw) public {
        uint256 n = bound(nRaw, 1, 31);
        uint256 k = bound(kRaw, n / 2 + 1, n);
        uint256 count = bound(countRaw, 0, n);
        QuorumFeed quorum = _deploy(n, k);

        uint256[] memory idx = _randomSubset(seed, n, count);
        uint256[] memory values = new uint256[](count);
        for (uint256 i; i < count; ++i) {
            values[i] = 1e18 + i;
        }
        IQuorumFeed.SignedObservation[] memory obs = _observations(quorum, FEED, uint64(T0), idx, values);

        if (count < k) {
            vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_NotEnoughSignatures.selector, FEED, count, k));
            quorum.submit(FEED, uint64(T0), obs);
            (uint256 none, , ) = quorum.latestRound(FEED);
            assertEq(none, 0, "nothing stored");
        } else {
            vm.expectEmit(true, true, false, true, address(quorum));
            emit IQuorumFeed.ReportAccepted(FEED, 1, _referenceMedian(values), T0, count);
            assertEq(quorum.submit(FEED, uint64(T0), obs), 1, "accepted");
        }
    }

    function testFuzz_outsiderNeverCounts(uint256 seed, uint256 nRaw, uint256 outsiderRaw) public {
        uint256 n = bound(nRaw, 1, 30);
        uint256 k = n / 2 + 1;
        QuorumFeed quorum = _deploy(n, k);
        // k - 1 registered signers plus one unregistered pool entry, in ascending address order.
        uint256 outsider = bound(outsiderRaw, n, 30);
        uint256[] memory subset = _randomSubset(seed, n, k - 1);
        uint256[] memory idx = new uint256[](k);
        uint256[] memory values = new uint256[](k);
        for (uint256 i; i < k - 1; ++i) {
            idx[i] = subset[i];
            values[i] = 1e18;
        }
        idx[k - 1] = outsider;
        values[k - 1] = 1e18;
        IQuorumFeed.SignedObservation[] memory obs = _observations(quorum, FEED, uint64(T0), idx, values);
        vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_UnknownSigner.selector, addrs[outsider]));
        quorum.submit(FEED, uint64(T0), obs);
    }

    function testFuzz_deviationBound(
        uint256 previousRaw,
        uint256 nextRaw,
        uint256 boundRaw,
        uint256 elapsedRaw
    ) public {
        uint256 previous = bound(previousRaw, 1, type(uint128).max);
        uint256 maxDeviation = bound(boundRaw, 1, 1e18);
        // Mostly a live feed (within WIDEN), sometimes a long silence.
        uint256 elapsed = elapsedRaw % 3 == 0 ? bound(elapsedRaw, WIDEN + 1, 400 days) : bound(elapsedRaw, 1, WIDEN);
        // Next values around the previous one, and sometimes anywhere.
        uint256 next = nextRaw % 2 == 0
            ? bound(nextRaw, 1, type(uint192).max)
            : bound(nextRaw, previous / 2 + 1, previous + previous / 2);
        QuorumFeed quorum = _deploy(3, 2);
        vm.prank(ADMIN);
        quorum.configureFeed(FEED, true, maxDeviation, WIDEN);
        quorum.submit(FEED, uint64(T0), _uniform(quorum, FEED, uint64(T0), 2, previous));

        uint64 t = uint64(T0 + elapsed);
        vm.warp(t);
        IQuorumFeed.SignedObservation[] memory obs = _uniform(quorum, FEED, t, 2, next);
        // Allowed band [previous - d, previous + d] with d = bound * previous / 1e18 rounded down, bound =
        // maxDeviation, widened by elapsed / WIDEN past WIDEN (rounded down): the protocol rounds against the report.
        uint256 boundWad = elapsed <= WIDEN ? maxDeviation : (maxDeviation * elapsed) / WIDEN;
        uint256 d = (boundWad * previous) / 1e18;
        bool allowed = next + d >= previous && next <= previous + d;
        if (!allowed) {
            vm.expectRevert(
                abi.encodeWithSelector(IQuorumFeed.Quorum_DeviationTooLarge.selector, FEED, previous, next, boundWad)
            );
        }
        quorum.submit(FEED, t, obs);
        if (allowed) {
            (uint256 roundId, uint256 value, ) = quorum.latestRound(FEED);
            assertEq(roundId, 2, "round id");
            assertEq(value, next, "value");
        }
    }

    /// @dev `count` distinct indices of [0, n), ascending (so their pool addresses ascend), chosen by a partial
    /// Fisher-Yates shuffle.
    function _randomSubset(uint256 seed, uint256 n, uint256 count) internal pure returns (uint256[] memory subset) {
        uint256[] memory perm = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            perm[i] = i;
        }
        for (uint256 i; i < count; ++i) {
            uint256 j = i + (uint256(keccak256(abi.encode(seed, "subset", i))) % (n - i));
            (perm[i], perm[j]) = (perm[j], perm[i]);
        }
        subset = new uint256[](count);
        for (uint256 i; i < count; ++i) {
            subset[i] = perm[i];
        }
        _bubbleSort(subset);
    }

    /// @dev Random values in (0, 2^192): a third of the seeds draw from [1, 10] so that ties are common.
    function _randomValues(uint256 seed, uint256 count) internal pure returns (uint256[] memory values) {
        values = new uint256[](count);
        uint256 max = seed % 3 == 0 ? 10 : type(uint192).max;
        for (uint256 i; i < count; ++i) {
            values[i] = (uint256(keccak256(abi.encode(seed, "value", i))) % max) + 1;
        }
    }

    function _referenceMedian(uint256[] memory values) internal pure returns (uint256) {
        uint256[] memory sorted = new uint256[](values.length);
        for (uint256 i; i < values.length; ++i) {
            sorted[i] = values[i];
        }
        _bubbleSort(sorted);
        uint256 m = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }

    function _bubbleSort(uint256[] memory a) internal pure {
        for (uint256 i; i < a.length; ++i) {
            for (uint256 j; j + 1 < a.length - i; ++j) {
                if (a[j] > a[j + 1]) (a[j], a[j + 1]) = (a[j + 1], a[j]);
            }
        }
    }
}
