// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {QuorumFeedBase} from "./QuorumFeedBase.sol";
import {QuorumFeed} from "../../contracts/oracles/QuorumFeed.sol";
import {IQuorumFeed} from "../../contracts/interfaces/IQuorumFeed.sol";
import {Deploy} from "../utils/Deploy.sol";

contract QuorumFeedTest is QuorumFeedBase {
    QuorumFeed internal quorum;
    uint64 internal ts;

    function setUp() public {
        vm.warp(T0);
        ts = uint64(T0);
        // Pool of 6 keys; the 4 lowest addresses are registered (n = 4, k = 3), entries 4 and 5 are outsiders.
        _makeKeys(6, 1);
        quorum = _deploy(4, 3);
    }

    function _submitFirst(uint256 value) internal {
        quorum.submit(FEED, ts, _uniform(quorum, FEED, ts, 3, value));
    }

    // ---------------------------------------------------------------- constructor and views

    function test_constructor_setsState() public {
        address[] memory set = _prefix(4);
        vm.expectEmit(false, false, false, true);
        emit IQuorumFeed.SignersUpdated(set, 3);
        QuorumFeed fresh = Deploy.quorumFeed(ADMIN, set, 3);

        assertTrue(fresh.hasRole(fresh.DEFAULT_ADMIN_ROLE(), ADMIN), "admin role");
        assertFalse(fresh.hasRole(fresh.DEFAULT_ADMIN_ROLE(), address(this)), "deployer has no role");
        assertEq(fresh.threshold(), 3, "threshold");
        assertEq(fresh.MAX_SIGNERS(), 31, "max signers");
        address[] memory stored = fresh.signers();
        assertEq(stored.length, 4, "signer count");
        for (uint256 i; i < 4; ++i) {
            assertEq(stored[i], addrs[i], "signer");
            assertTrue(fresh.isSigner(addrs[i]), "isSigner");
        }
        assertFalse(fresh.isSigner(addrs[4]), "outsider");
        assertFalse(fresh.isSigner(address(0)), "zero");
        IQuorumFeed.FeedConfig memory config = fresh.feedConfig(FEED);
        assertFalse(config.enabled, "not configured");
        assertEq(config.maxDeviationWad, 0, "no deviation bound");
    }

    function test_constructor_revertsOnZeroAdmin() public {
        vm.expectRevert(IQuorumFeed.Quorum_ZeroAddress.selector);
        Deploy.quorumFeed(address(0), _prefix(4), 3);
    }

    function test_constructor_revertsOnEmptySet() public {
        vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_InvalidSignerCount.selector, 0));
        Deploy.quorumFeed(ADMIN, new address[](0), 0);
    }

    function test_constructor_revertsOnInvalidThreshold() public {
        address[] memory set = _prefix(4);
        // 4 / 2 = 2 is not a strict majority.
        vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_InvalidThreshold.selector, 2, 4));
        Deploy.quorumFeed(ADMIN, set, 2);
        vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_InvalidThreshold.selector, 5, 4));
        Deploy.quorumFeed(ADMIN, set, 5);
    }

    function test_constructor_acceptsSingleSigner() public {
        QuorumFeed single = Deploy.quorumFeed(ADMIN, _prefix(1), 1);
        assertEq(single.threshold(), 1, "threshold");
    }

    function test_reportDigest_matchesEip712() public view {
        bytes32 expected = _digest(address(quorum), block.chainid, FEED, 2_000e18, ts);
        assertEq(quorum.reportDigest(FEED, 2_000e18, ts), expected, "digest");
    }

    function test_latestRound_emptyFeed() public view {
        (uint256 roundId, uint256 value, uint256 timestamp) = quorum.latestRound(FEED);
        assertEq(roundId, 0, "round id");
        assertEq(value, 0, "value");
        assertEq(timestamp, 0, "timestamp");
    }

    // ---------------------------------------------------------------- setSigners

    function test_setSigners_replacesSet() public {
        address[] memory next = new address[](3);
        (next[0], next[1], next[2]) = (addrs[3], addrs[4], addrs[5]);
        vm.expectEmit(false, false, false, true, address(quorum));
        emit IQuorumFeed.SignersUpdated(next, 2);
        vm.prank(ADMIN);
        quorum.setSigners(next, 2);

        assertEq(quorum.threshold(), 2, "threshold");
        address[] memory stored = quorum.signers();
        assertEq(stored.length, 3, "count");
        for (uint256 i; i < 3; ++i) {
            assertEq(stored[i], next[i], "signer");
        }
        for (uint256 i; i < 3; ++i) {
            assertFalse(quorum.isSigner(addrs[i]), "old signer cleared");
        }
        for (uint256 i = 3; i < 6; ++i) {
            assertTrue(quorum.isSigner(addrs[i]), "new signer");
        }
    }

    function test_setSigners_rotationInvalidatesOldSigners() public {
        address[] memory next = new address[](3);
        (next[0], next[1], next[2]) = (addrs[3], addrs[4], addrs[5]);
        vm.prank(ADMIN);
        quorum.setSigners(next, 2);

        // Old signers 0 and 1 alone now fail on the first one.
        vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_UnknownSigner.selector, addrs[0]));
        quorum.submit(FEED, ts, _uniform(quorum, FEED, ts, 2, 1_000e18));

        // The new set is accepted with its own threshold.
        uint256[] memory idx = new uint256[](2);
        uint256[] memory values = new uint256[](2);
        (idx[0], idx[1], values[0], values[1]) = (4, 5, 1_000e18, 1_001e18);
        uint256 roundId = quorum.submit(FEED, ts, _observations(quorum, FEED, ts, idx, values));
        assertEq(roundId, 1, "round id");
        (uint256 value, ) = quorum.getRound(FEED, 1);
        assertEq(value, 1_000_5e17, "even median");
    }

    function test_setSigners_revertsForNonAdmin() public {
        address[] memory set = _prefix(3);
        address attacker = address(0xBAD);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                attacker,
                quorum.DEFAULT_ADMIN_ROLE()
            )
        );
        vm.prank(attacker);
        quorum.setSigners(set, 2);
    }

    function test_setSigners_revertsOnTooManySigners() public {
        _makeKeys(32, 2);
        address[] memory set = _prefix(32);
        vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_InvalidSignerCount.selector, 32));
        vm.prank(ADMIN);
        quorum.setSigners(set, 17);
    }

    function test_setSigners_acceptsMaxSigners() public {
        _makeKeys(31, 2);
        vm.prank(ADMIN);
        quorum.setSigners(_prefix(31), 16);
        assertEq(quorum.signers().length, 31, "count");
        assertEq(quorum.threshold(), 16, "threshold");
    }

    function test_setSigners_revertsOnEmptySet() public {
        vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_InvalidSignerCount.selector, 0));
        vm.prank(ADMIN);
        quorum.setSigners(new address[](0), 1);
    }

    function test_setSigners_revertsOnInvalidThreshold() public {
        address[] memory set = _prefix(3);
        vm.startPrank(ADMIN);
        vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_InvalidThreshold.selector, 1, 3));
        quorum.setSigners(set, 1);
        vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_InvalidThreshold.selector, 4, 3));
        quorum.setSigners(set, 4);
        vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_InvalidThreshold.selector, 0, 3));
        quorum.setSigners(set, 0);
        vm.stopPrank();
    }

    function test_setSigners_revertsOnZeroSigner() public {
        address[] memory set = _prefix(3);
        set[1] = address(0);
        vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_InvalidSigner.selector, address(0)));
        vm.prank(ADMIN);
        quorum.setSigners(set, 2);
    }

    function test_setSigners_revertsOnRepeatedSigner() public {
        address[] memory set = _prefix(3);
        set[2] = set[0];
        vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_InvalidSigner.selector, set[0]));
        vm.prank(ADMIN);
        quorum.setSigners(set, 2);
    }

    function test_setSigners_keepsSignersInBothSets() public {
        vm.prank(ADMIN);
        quorum.setSigners(_prefix(3), 2);
        assertTrue(quorum.isSigner(addrs[0]), "kept");
        assertFalse(quorum.isSigner(addrs[3]), "dropped");
    }

    // ---------------------------------------------------------------- configureFeed

    function test_configureFeed_setsConfig() public {
        bytes32 other = keccak256("ETH/USD:IV30");
        vm.expectEmit(true, false, false, true, address(quorum));
        emit IQuorumFeed.FeedConfigured(other, true, 1e18, WIDEN);
        vm.prank(ADMIN);
        quorum.configureFeed(other, true, 1e18, WIDEN);
        IQuorumFeed.FeedConfig memory config = quorum.feedConfig(other);
        assertTrue(config.enabled, "enabled");
        assertEq(config.maxDeviationWad, 1e18, "bound");
        assertEq(config.widenSeconds, WIDEN, "widen");

        vm.prank(ADMIN);
        quorum.configureFeed(other, false, 1, WIDEN);
        config = quorum.feedConfig(other);
        assertFalse(config.enabled, "disabled");
        assertEq(config.maxDeviationWad, 1, "bound");
    }

    function test_configureFeed_revertsOnInvalidBound() public {
        vm.startPrank(ADMIN);
        vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_InvalidFeedConfig.selector, FEED, 0, WIDEN));
        quorum.configureFeed(FEED, true, 0, WIDEN);
        vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_InvalidFeedConfig.selector, FEED, 1e18 + 1, WIDEN));
        quorum.configureFeed(FEED, true, 1e18 + 1, WIDEN);
        // A bound that never widens (0) would freeze the feed after a gap; one that widens too slowly is refused too.
        vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_InvalidFeedConfig.selector, FEED, 1e17, 0));
        quorum.configureFeed(FEED, true, 1e17, 0);
        uint256 tooSlow = quorum.MAX_WIDEN_SECONDS() + 1;
        vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_InvalidFeedConfig.selector, FEED, 1e17, tooSlow));
        quorum.configureFeed(FEED, true, 1e17, tooSlow);
        vm.stopPrank();
    }

    function test_configureFeed_revertsForNonAdmin() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                addrs[0],
                quorum.DEFAULT_ADMIN_ROLE()
            )
        );
        vm.prank(addrs[0]);
        quorum.configureFeed(FEED, false, MAX_DEVIATION, WIDEN);
    }

    // ---------------------------------------------------------------- submit: success paths

    function test_submit_storesMedianOfOddCount() public {
        uint256[] memory values = _list(2_010e18, 1_990e18, 2_000e18);
        IQuorumFeed.SignedObservation[] memory obs = _observations(quorum, FEED, ts, _list(0, 1, 2), values);

        vm.expectEmit(true, true, false, true, address(quorum));
        emit IQuorumFeed.ReportAccepted(FEED, 1, 2_000e18, ts, 3);
        // Permissionless: any account may relay signed reports.
        vm.prank(address(0xCAFE));
        uint256 roundId = quorum.submit(FEED, ts, obs);

        assertEq(roundId, 1, "round id");
        (uint256 latestId, uint256 value, uint256 timestamp) = quorum.latestRound(FEED);
        assertEq(latestId, 1, "latest id");
        assertEq(value, 2_000e18, "median");
        assertEq(timestamp, ts, "timestamp");
        (value, timestamp) = quorum.getRound(FEED, 1);
        assertEq(value, 2_000e18, "round value");
        assertEq(timestamp, ts, "round timestamp");
    }

    function test_submit_evenCountAveragesMiddleRoundingDown() public {
        // Sorted: 5, 10, 13, 1000 -> (10 + 13) / 2 = 11.5 -> 11.
        uint256[] memory values = _list(1000, 13, 5, 10);
        uint256 roundId = quorum.submit(FEED, ts, _observations(quorum, FEED, ts, _list(0, 1, 2, 3), values));
        (uint256 value, ) = quorum.getRound(FEED, roundId);
        assertEq(value, 11, "even median rounded down");
    }

    function test_submit_acceptsExtremeValues() public {
        uint256 max = type(uint192).max;
        uint256[] memory values = _list(max, 1, max);
        quorum.submit(FEED, ts, _observations(quorum, FEED, ts, _list(0, 1, 2), values));
        (, uint256 value, ) = quorum.latestRound(FEED);
        assertEq(value, max, "max value");
    }

    function test_submit_secondRoundWithinDeviation() public {
        _submitFirst(1_000e18);
        vm.warp(T0 + 60);
        uint64 ts2 = ts + 60;
        // Exactly +10 % is allowed.
        uint256 roundId = quorum.submit(FEED, ts2, _uniform(quorum, FEED, ts2, 4, 1_100e18));
        assertEq(roundId, 2, "round id");
        (uint256 latestId, uint256 value, uint256 timestamp) = quorum.latestRound(FEED);
        assertEq(latestId, 2, "latest id");
        assertEq(value, 1_100e18, "value");
        assertEq(timestamp, ts2, "timestamp");
        // Round 1 is unchanged.
        (value, timestamp) = quorum.getRound(FEED, 1);
        assertEq(value, 1_000e18, "round 1 value");
        assertEq(timestamp, ts, "round 1 timestamp");

        // Exactly -10 % from 1100 is allowed too.
        uint64 ts3 = ts2 + 1;
        vm.warp(ts3);
        quorum.submit(FEED, ts3, _uniform(quorum, FEED, ts3, 3, 990e18));
        (latestId, value, ) = quorum.latestRound(FEED);
        assertEq(latestId, 3, "latest id");
        assertEq(value, 990e18, "value");
    }

    function test_submit_acceptsTimestampEqualToBlock() public {
        vm.warp(T0 + 1000);
        uint64 now_ = uint64(T0 + 1000);
        quorum.submit(FEED, now_, _uniform(quorum, FEED, now_, 3, 1e18));
        (, , uint256 timestamp) = quorum.latestRound(FEED);
        assertEq(timestamp, now_, "timestamp");
    }

    function test_submit_feedsAreIndependent() public {
        bytes32 iv = keccak256("ETH/USD:IV30");
        vm.prank(ADMIN);
        quorum.configureFeed(iv, true, 0.5e18, WIDEN);
        _submitFirst(2_000e18);
        uint256 roundId = quorum.submit(iv, ts, _uniform(quorum, iv, ts, 3, 0.65e18));
        assertEq(roundId, 1, "own numbering");
        (, uint256 value, ) = quorum.latestRound(iv);
        assertEq(value, 0.65e18, "iv value");
        (, value, ) = quorum.latestRound(FEED);
        assertEq(value, 2_000e18, "spot value");
    }

    // ---------------------------------------------------------------- submit: errors

    function test_submit_revertsOnUnknownFeed() public {
        bytes32 unknown = keccak256("BTC/USD");
        IQuorumFeed.SignedObservation[] memory obs = _uniform(quorum, unknown, ts, 3, 1e18);
        vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_UnknownFeed.selector, unknown));
        quorum.submit(unknown, ts, obs);
    }

    function test_submit_revertsOnDisabledFeedButKeepsRounds() public {
        _submitFirst(1e18);
        vm.prank(ADMIN);
        quorum.configureFeed(FEED, false, MAX_DEVIATION, WIDEN);
        vm.warp(T0 + 1);
        uint64 ts2 = ts + 1;
        IQuorumFeed.SignedObservation[] memory obs = _uniform(quorum, FEED, ts2, 3, 1e18);
        vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_UnknownFeed.selector, FEED));
        quorum.submit(FEED, ts2, obs);
        (uint256 roundId, uint256 value, ) = quorum.latestRound(FEED);
        assertEq(roundId, 1, "round kept");
        assertEq(value, 1e18, "value kept");

        // Re-enabling continues the numbering.
        vm.prank(ADMIN);
        quorum.configureFeed(FEED, true, MAX_DEVIATION, WIDEN);
        assertEq(quorum.submit(FEED, ts2, obs), 2, "next round id");
    }

    function test_submit_revertsOnNotEnoughSignatures() public {
        IQuorumFeed.SignedObservation[] memory obs = _uniform(quorum, FEED, ts, 2, 1e18);
        vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_NotEnoughSignatures.selector, FEED, 2, 3));
        quorum.submit(FEED, ts, obs);
        vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_NotEnoughSignatures.selector, FEED, 0, 3));
        quorum.submit(FEED, ts, new IQuorumFeed.SignedObservation[](0));
    }

    function test_submit_revertsOnWrongSignatureLength() public {
        IQuorumFeed.SignedObservation[] memory obs = _uniform(quorum, FEED, ts, 3, 1e18);
        bytes memory sig = obs[1].signature;
        // The 64-byte EIP-2098 form of a valid signature is not accepted.
        (bytes32 r, bytes32 s) = abi.decode(sig, (bytes32, bytes32));
        obs[1].signature = abi.encodePacked(r, s);
        vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_InvalidSignature.selector, 1));
        quorum.submit(FEED, ts, obs);

        obs[1].signature = abi.encodePacked(sig, uint8(0));
        vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_InvalidSignature.selector, 1));
        quorum.submit(FEED, ts, obs);

        obs[1].signature = "";
        vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_InvalidSignature.selector, 1));
        quorum.submit(FEED, ts, obs);
    }

    function test_submit_revertsOnMalleableSignature() public {
        IQuorumFeed.SignedObservation[] memory obs = _uniform(quorum, FEED, ts, 3, 1e18);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(keys[2], _digest(address(quorum), block.chainid, FEED, 1e18, ts));
        // (r, n - s, flipped v) recovers the same signer through ecrecover, but is high-s.
        bytes memory malleable = abi.encodePacked(r, bytes32(SECP256K1_N - uint256(s)), v == 27 ? uint8(28) : 27);
        (bytes32 mr, bytes32 ms) = abi.decode(malleable, (bytes32, bytes32));
        uint8 mv = uint8(malleable[64]);
        assertEq(
            ecrecover(_digest(address(quorum), block.chainid, FEED, 1e18, ts), mv, mr, ms),
            addrs[2],
            "malleable twin recovers the signer"
        );
        obs[2].signature = malleable;
        vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_InvalidSignature.selector, 2));
        quorum.submit(FEED, ts, obs);
    }

    function test_submit_revertsOnInvalidV() public {
        IQuorumFeed.SignedObservation[] memory obs = _uniform(quorum, FEED, ts, 3, 1e18);
        bytes memory sig = obs[0].signature;
        sig[64] = bytes1(uint8(29));
        obs[0].signature = sig;
        vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_InvalidSignature.selector, 0));
        quorum.submit(FEED, ts, obs);
    }

    function test_submit_revertsOnUnrecoverableSignature() public {
        IQuorumFeed.SignedObservation[] memory obs = _uniform(quorum, FEED, ts, 3, 1e18);
        // r = 0 is not a curve point: ecrecover returns the zero address.
        obs[0].signature = abi.encodePacked(bytes32(0), bytes32(uint256(1)), uint8(27));
        vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_InvalidSignature.selector, 0));
        quorum.submit(FEED, ts, obs);
    }

    function test_submit_revertsOnUnknownSigner() public {
        // Registered 0 and 1, outsider 4 (highest addresses are outsiders, so the order is ascending).
        IQuorumFeed.SignedObservation[] memory obs = _observations(
            quorum,
            FEED,
            ts,
            _list(0, 1, 4),
            _list(1e18, 1e18, 1e18)
        );
        vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_UnknownSigner.selector, addrs[4]));
        quorum.submit(FEED, ts, obs);
    }

    function test_submit_revertsOnValueNotSigned() public {
        IQuorumFeed.SignedObservation[] memory obs = _uniform(quorum, FEED, ts, 3, 1e18);
        // The relayer changes signer 1's value: the signature now recovers some unrelated address.
        obs[1].value = 2e18;
        address recovered = _recoverTest(_digest(address(quorum), block.chainid, FEED, 2e18, ts), obs[1].signature);
        assertTrue(recovered != addrs[1], "recovers someone else");
        // The unrelated address is either below the previous signer or unknown.
        if (recovered <= addrs[0]) {
            vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_DuplicateOrUnorderedSigner.selector, recovered));
        } else {
            vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_UnknownSigner.selector, recovered));
        }
        quorum.submit(FEED, ts, obs);
    }

    function test_submit_revertsOnReplayFromOtherDeployment() public {
        QuorumFeed other = _deploy(4, 3);
        // Valid signatures for `other`, relayed to `quorum`.
        IQuorumFeed.SignedObservation[] memory obs = _uniform(other, FEED, ts, 3, 1e18);
        other.submit(FEED, ts, obs);

        address recovered = _recoverTest(_digest(address(quorum), block.chainid, FEED, 1e18, ts), obs[0].signature);
        assertTrue(recovered != addrs[0] && !quorum.isSigner(recovered), "foreign signature recovers an outsider");
        vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_UnknownSigner.selector, recovered));
        quorum.submit(FEED, ts, obs);
    }

    function test_submit_revertsOnReplayFromOtherChain() public {
        IQuorumFeed.SignedObservation[] memory obs = new IQuorumFeed.SignedObservation[](3);
        for (uint256 i; i < 3; ++i) {
            bytes32 foreign = _digest(address(quorum), block.chainid + 1, FEED, 1e18, ts);
            obs[i] = IQuorumFeed.SignedObservation({value: 1e18, signature: _sign(keys[i], foreign)});
        }
        address recovered = _recoverTest(_digest(address(quorum), block.chainid, FEED, 1e18, ts), obs[0].signature);
        assertFalse(quorum.isSigner(recovered), "recovers an outsider");
        vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_UnknownSigner.selector, recovered));
        quorum.submit(FEED, ts, obs);
    }

    function test_submit_revertsOnDuplicateSigner() public {
        IQuorumFeed.SignedObservation[] memory obs = _observations(
            quorum,
            FEED,
            ts,
            _list(0, 1, 1),
            _list(1e18, 1e18, 1e18)
        );
        vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_DuplicateOrUnorderedSigner.selector, addrs[1]));
        quorum.submit(FEED, ts, obs);
    }

    function test_submit_revertsOnUnorderedSigners() public {
        IQuorumFeed.SignedObservation[] memory obs = _observations(
            quorum,
            FEED,
            ts,
            _list(0, 2, 1),
            _list(1e18, 1e18, 1e18)
        );
        vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_DuplicateOrUnorderedSigner.selector, addrs[1]));
        quorum.submit(FEED, ts, obs);
    }

    function test_submit_revertsOnStaleReport() public {
        _submitFirst(1e18);
        IQuorumFeed.SignedObservation[] memory obs = _uniform(quorum, FEED, ts, 3, 1e18);
        vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_StaleReport.selector, FEED, ts, ts));
        quorum.submit(FEED, ts, obs);

        uint64 older = ts - 1;
        obs = _uniform(quorum, FEED, older, 3, 1e18);
        vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_StaleReport.selector, FEED, older, ts));
        quorum.submit(FEED, older, obs);
    }

    function test_submit_revertsOnZeroTimestamp() public {
        IQuorumFeed.SignedObservation[] memory obs = _uniform(quorum, FEED, 0, 3, 1e18);
        vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_StaleReport.selector, FEED, 0, 0));
        quorum.submit(FEED, 0, obs);
    }

    function test_submit_revertsOnFutureReport() public {
        uint64 future = ts + 1;
        IQuorumFeed.SignedObservation[] memory obs = _uniform(quorum, FEED, future, 3, 1e18);
        vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_FutureReport.selector, FEED, future, T0));
        quorum.submit(FEED, future, obs);
    }

    function test_submit_revertsOnDeviationTooLarge() public {
        _submitFirst(1_000e18);
        vm.warp(T0 + 60);
        uint64 ts2 = ts + 60;
        // 1100e18 + 1 wei is just above +10 %.
        uint256 up = 1_100e18 + 1;
        IQuorumFeed.SignedObservation[] memory obs = _uniform(quorum, FEED, ts2, 3, up);
        vm.expectRevert(
            abi.encodeWithSelector(IQuorumFeed.Quorum_DeviationTooLarge.selector, FEED, 1_000e18, up, MAX_DEVIATION)
        );
        quorum.submit(FEED, ts2, obs);

        uint256 down = 900e18 - 1;
        obs = _uniform(quorum, FEED, ts2, 3, down);
        vm.expectRevert(
            abi.encodeWithSelector(IQuorumFeed.Quorum_DeviationTooLarge.selector, FEED, 1_000e18, down, MAX_DEVIATION)
        );
        quorum.submit(FEED, ts2, obs);
    }

    /// @dev Finding 3 of issue 8: after a genuine move of five times the bound, honest signers keep signing the true
    /// value; it is refused while the feed is live, and accepted, with no intermediate price and no governance call,
    /// exactly when the silence reaches five times `WIDEN`.
    function test_submit_genuineGapIsAcceptedWithinBoundedTimeWithoutIntermediatePrices() public {
        _submitFirst(1_000e18);
        uint256 gapped = 1_500e18; // +50 %: five times the 10 % bound
        for (uint256 minutesLater = 1; minutesLater < 300; minutesLater += 7) {
            uint64 t = ts + uint64(minutesLater * 60);
            vm.warp(t);
            uint256 boundWad = quorum.deviationBound(FEED, t - ts);
            IQuorumFeed.SignedObservation[] memory obs = _uniform(quorum, FEED, t, 3, gapped);
            vm.expectRevert(
                abi.encodeWithSelector(IQuorumFeed.Quorum_DeviationTooLarge.selector, FEED, 1_000e18, gapped, boundWad)
            );
            quorum.submit(FEED, t, obs);
        }
        uint64 acceptedAt = ts + uint64(5 * WIDEN);
        vm.warp(acceptedAt);
        assertEq(quorum.deviationBound(FEED, 5 * WIDEN), 5 * MAX_DEVIATION, "bound after 5 x WIDEN");
        uint256 roundId = quorum.submit(FEED, acceptedAt, _uniform(quorum, FEED, acceptedAt, 3, gapped));
        (uint256 value, ) = quorum.getRound(FEED, roundId);
        assertEq(roundId, 2, "no intermediate round");
        assertEq(value, gapped, "the true value");

        // A crash of 90 % is accepted after nine times WIDEN; the bound is back to 10 % for a live feed.
        uint64 crashAt = acceptedAt + uint64(9 * WIDEN);
        vm.warp(crashAt);
        quorum.submit(FEED, crashAt, _uniform(quorum, FEED, crashAt, 3, 150e18));
        uint64 next = crashAt + 60;
        vm.warp(next);
        IQuorumFeed.SignedObservation[] memory up = _uniform(quorum, FEED, next, 3, 165e18 + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IQuorumFeed.Quorum_DeviationTooLarge.selector,
                FEED,
                150e18,
                165e18 + 1,
                MAX_DEVIATION
            )
        );
        quorum.submit(FEED, next, up);
    }

    function test_deviationBound_widensLinearlyAfterWidenSecondsAndIsCapped() public {
        assertEq(quorum.deviationBound(FEED, 0), MAX_DEVIATION, "at once");
        assertEq(quorum.deviationBound(FEED, WIDEN), MAX_DEVIATION, "until WIDEN");
        assertEq(quorum.deviationBound(FEED, WIDEN + 1), (MAX_DEVIATION * (WIDEN + 1)) / WIDEN, "just after");
        assertEq(quorum.deviationBound(FEED, 3 * WIDEN), 3 * MAX_DEVIATION, "three times");
        assertEq(quorum.deviationBound(FEED, type(uint64).max), (MAX_DEVIATION * type(uint64).max) / WIDEN, "long");
        bytes32 fast = keccak256("fast");
        vm.prank(ADMIN);
        quorum.configureFeed(fast, true, 1e18, 1);
        assertEq(quorum.deviationBound(fast, type(uint64).max), 1e36, "capped");
    }

    function test_submit_revertsOnZeroValue() public {
        IQuorumFeed.SignedObservation[] memory obs = _observations(
            quorum,
            FEED,
            ts,
            _list(0, 1, 2),
            _list(1e18, 0, 1e18)
        );
        vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_ValueOutOfRange.selector, 1, 0));
        quorum.submit(FEED, ts, obs);
    }

    function test_submit_revertsOnValueAbove192Bits() public {
        uint256 tooLarge = uint256(type(uint192).max) + 1;
        IQuorumFeed.SignedObservation[] memory obs = _observations(
            quorum,
            FEED,
            ts,
            _list(0, 1, 2),
            _list(1e18, 1e18, tooLarge)
        );
        vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_ValueOutOfRange.selector, 2, tooLarge));
        quorum.submit(FEED, ts, obs);
    }

    // ---------------------------------------------------------------- getRound

    function test_getRound_revertsOnUnknownRound() public {
        vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_UnknownRound.selector, FEED, 0));
        quorum.getRound(FEED, 0);
        vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_UnknownRound.selector, FEED, 1));
        quorum.getRound(FEED, 1);
        _submitFirst(1e18);
        vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_UnknownRound.selector, FEED, 2));
        quorum.getRound(FEED, 2);
    }

    // ---------------------------------------------------------------- helpers

    function _recoverTest(bytes32 digest, bytes memory signature) internal pure returns (address) {
        (bytes32 r, bytes32 s) = abi.decode(signature, (bytes32, bytes32));
        return ecrecover(digest, uint8(signature[64]), r, s);
    }
}
