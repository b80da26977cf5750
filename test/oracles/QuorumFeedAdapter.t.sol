// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {QuorumFeedBase} from "./QuorumFeedBase.sol";
import {QuorumFeed} from "../../contracts/oracles/QuorumFeed.sol";
import {QuorumFeedAdapter} from "../../contracts/oracles/QuorumFeedAdapter.sol";
import {IQuorumFeed} from "../../contracts/interfaces/IQuorumFeed.sol";
import {IPriceSource} from "../../contracts/interfaces/IPriceSource.sol";
import {Deploy} from "../utils/Deploy.sol";

contract QuorumFeedAdapterTest is QuorumFeedBase {
    uint256 internal constant MAX_AGE = 1 hours;
    uint256 internal constant MAX_DELAY = 60;

    QuorumFeed internal quorum;
    QuorumFeedAdapter internal adapter;

    function setUp() public {
        vm.warp(T0);
        _makeKeys(4, 3);
        quorum = _deploy(4, 3);
        adapter = Deploy.quorumFeedAdapter(quorum, FEED, MAX_AGE, MAX_DELAY);
    }

    function _submit(uint256 timestamp, uint256 value) internal {
        vm.warp(timestamp);
        quorum.submit(FEED, uint64(timestamp), _uniform(quorum, FEED, uint64(timestamp), 3, value));
    }

    /// @dev Rounds 1, 2, 3 at T0, T0 + 100, T0 + 200 with values 1000, 1010, 1020 (WAD).
    function _threeRounds() internal {
        _submit(T0, 1_000e18);
        _submit(T0 + 100, 1_010e18);
        _submit(T0 + 200, 1_020e18);
    }

    // ---------------------------------------------------------------- lastObservation (outage ranges)

    function test_lastObservation_returnsTheLatestRoundHoweverOld() public {
        vm.expectRevert(abi.encodeWithSelector(IPriceSource.Oracle_ZeroUpdatedAt.selector, address(quorum)));
        adapter.lastObservation();
        _threeRounds();
        vm.warp(T0 + 200 + MAX_AGE + 30 days);
        vm.expectRevert(
            abi.encodeWithSelector(IPriceSource.Oracle_StalePrice.selector, address(quorum), T0 + 200, MAX_AGE)
        );
        adapter.latestPrice();
        (uint256 price, uint256 updatedAt) = adapter.lastObservation();
        assertEq(price, 1_020e18, "latest round's value");
        assertEq(updatedAt, T0 + 200, "its time");
    }

    // ---------------------------------------------------------------- constructor

    function test_constructor_setsImmutables() public view {
        assertEq(address(adapter.quorumFeed()), address(quorum), "quorum feed");
        assertEq(adapter.feed(), address(quorum), "feed");
        assertEq(adapter.feedId(), FEED, "feed id");
        assertEq(adapter.maxAge(), MAX_AGE, "max age");
        assertEq(adapter.maxObservationDelay(), MAX_DELAY, "max delay");
    }

    function test_constructor_revertsOnZeroFeed() public {
        vm.expectRevert(abi.encodeWithSelector(IPriceSource.Oracle_InvalidConfig.selector, address(0)));
        Deploy.quorumFeedAdapter(IQuorumFeed(address(0)), FEED, MAX_AGE, MAX_DELAY);
    }

    function test_constructor_revertsOnZeroMaxAge() public {
        vm.expectRevert(abi.encodeWithSelector(IPriceSource.Oracle_InvalidConfig.selector, address(quorum)));
        Deploy.quorumFeedAdapter(quorum, FEED, 0, MAX_DELAY);
    }

    function test_constructor_revertsOnZeroMaxObservationDelay() public {
        vm.expectRevert(abi.encodeWithSelector(IPriceSource.Oracle_InvalidConfig.selector, address(quorum)));
        Deploy.quorumFeedAdapter(quorum, FEED, MAX_AGE, 0);
    }

    // ---------------------------------------------------------------- latestPrice

    function test_latestPrice_returnsLatestRound() public {
        _threeRounds();
        (uint256 price, uint256 updatedAt) = adapter.latestPrice();
        assertEq(price, 1_020e18, "price");
        assertEq(updatedAt, T0 + 200, "updatedAt");
    }

    function test_latestPrice_acceptsExactlyMaxAge() public {
        _submit(T0, 1_000e18);
        vm.warp(T0 + MAX_AGE);
        (uint256 price, uint256 updatedAt) = adapter.latestPrice();
        assertEq(price, 1_000e18, "price");
        assertEq(updatedAt, T0, "updatedAt");
    }

    function test_latestPrice_revertsWithoutRound() public {
        vm.expectRevert(abi.encodeWithSelector(IPriceSource.Oracle_ZeroUpdatedAt.selector, address(quorum)));
        adapter.latestPrice();
    }

    function test_latestPrice_revertsWhenStale() public {
        _submit(T0, 1_000e18);
        vm.warp(T0 + MAX_AGE + 1);
        vm.expectRevert(abi.encodeWithSelector(IPriceSource.Oracle_StalePrice.selector, address(quorum), T0, MAX_AGE));
        adapter.latestPrice();
    }

    function test_latestPrice_revertsOnFutureTimestamp() public {
        _submit(T0, 1_000e18);
        // The quorum feed never stores a future round; a reorg or a clock going backwards can make one appear.
        vm.warp(T0 - 1);
        vm.expectRevert(
            abi.encodeWithSelector(IPriceSource.Oracle_FutureTimestamp.selector, address(quorum), T0, T0 - 1)
        );
        adapter.latestPrice();
    }

    function test_latestPrice_readsOnlyItsFeed() public {
        bytes32 other = keccak256("BTC/USD");
        vm.prank(ADMIN);
        quorum.configureFeed(other, true, MAX_DEVIATION, WIDEN);
        quorum.submit(other, uint64(T0), _uniform(quorum, other, uint64(T0), 3, 60_000e18));
        vm.expectRevert(abi.encodeWithSelector(IPriceSource.Oracle_ZeroUpdatedAt.selector, address(quorum)));
        adapter.latestPrice();
    }

    // ---------------------------------------------------------------- priceAt

    function test_priceAt_provesFirstRoundAtOrAfter() public {
        _threeRounds();
        (uint256 price, uint256 observedAt) = adapter.priceAt(T0 + 50, 2);
        assertEq(price, 1_010e18, "price");
        assertEq(observedAt, T0 + 100, "observedAt");
    }

    function test_priceAt_acceptsRoundAtExactTimestamp() public {
        _threeRounds();
        (uint256 price, uint256 observedAt) = adapter.priceAt(T0 + 100, 2);
        assertEq(price, 1_010e18, "price");
        assertEq(observedAt, T0 + 100, "observedAt");
    }

    function test_priceAt_firstRoundHasNoPredecessor() public {
        _threeRounds();
        (uint256 price, uint256 observedAt) = adapter.priceAt(T0 - MAX_DELAY, 1);
        assertEq(price, 1_000e18, "price");
        assertEq(observedAt, T0, "observedAt");
    }

    function test_priceAt_acceptsExactlyMaxDelay() public {
        _threeRounds();
        (, uint256 observedAt) = adapter.priceAt(T0 + 100 - MAX_DELAY, 2);
        assertEq(observedAt, T0 + 100, "observedAt");
    }

    function test_priceAt_ignoresStaleness() public {
        _threeRounds();
        vm.warp(T0 + 365 days);
        (uint256 price, ) = adapter.priceAt(T0 + 150, 3);
        assertEq(price, 1_020e18, "price");
    }

    function test_priceAt_revertsOnUnknownRound() public {
        _threeRounds();
        vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_UnknownRound.selector, FEED, 0));
        adapter.priceAt(T0, 0);
        vm.expectRevert(abi.encodeWithSelector(IQuorumFeed.Quorum_UnknownRound.selector, FEED, 4));
        adapter.priceAt(T0 + 250, 4);
    }

    function test_priceAt_revertsOnRoundBeforeTimestamp() public {
        _threeRounds();
        vm.expectRevert(
            abi.encodeWithSelector(
                IPriceSource.Oracle_RoundBeforeTimestamp.selector,
                address(quorum),
                2,
                T0 + 100,
                T0 + 101
            )
        );
        adapter.priceAt(T0 + 101, 2);
    }

    function test_priceAt_revertsOnPreviousRoundNotBefore() public {
        _threeRounds();
        // Round 2 (T0 + 100) is already at or after T0 + 50: hint 3 is not the first.
        vm.expectRevert(
            abi.encodeWithSelector(
                IPriceSource.Oracle_PreviousRoundNotBefore.selector,
                address(quorum),
                2,
                T0 + 100,
                T0 + 50
            )
        );
        adapter.priceAt(T0 + 50, 3);
        // Equality counts as "not before".
        vm.expectRevert(
            abi.encodeWithSelector(
                IPriceSource.Oracle_PreviousRoundNotBefore.selector,
                address(quorum),
                2,
                T0 + 100,
                T0 + 100
            )
        );
        adapter.priceAt(T0 + 100, 3);
    }

    function test_priceAt_revertsOnObservationTooLate() public {
        _threeRounds();
        uint256 target = T0 + 100 - MAX_DELAY - 1;
        vm.expectRevert(
            abi.encodeWithSelector(
                IPriceSource.Oracle_ObservationTooLate.selector,
                address(quorum),
                T0 + 100,
                target,
                MAX_DELAY
            )
        );
        adapter.priceAt(target, 2);
    }

    // ---------------------------------------------------------------- proveNoObservation

    function test_proveNoObservation_noRoundAtAllAfterWindow() public {
        vm.warp(T0 + MAX_DELAY + 1);
        adapter.proveNoObservation(T0, 0);
    }

    function test_proveNoObservation_latestBeforeTimestampAfterWindow() public {
        _threeRounds();
        vm.warp(T0 + 300 + MAX_DELAY + 1);
        adapter.proveNoObservation(T0 + 300, 0);
    }

    function test_proveNoObservation_revertsWhileWindowOpen() public {
        _threeRounds();
        vm.warp(T0 + 300 + MAX_DELAY);
        vm.expectRevert(
            abi.encodeWithSelector(IPriceSource.Oracle_WindowStillOpen.selector, address(quorum), T0 + 300 + MAX_DELAY)
        );
        adapter.proveNoObservation(T0 + 300, 0);
    }

    function test_proveNoObservation_revertsWhenLatestIsAfterTimestamp() public {
        _threeRounds();
        vm.warp(T0 + 1000);
        vm.expectRevert(
            abi.encodeWithSelector(IPriceSource.Oracle_ObservationExists.selector, address(quorum), 3, T0 + 200)
        );
        adapter.proveNoObservation(T0 + 150, 0);
    }

    function test_proveNoObservation_firstRoundAfterWindow() public {
        _threeRounds();
        // Rounds at T0 + 100 and T0 + 200: for target T0 + 101 the first round comes 99 s later, past MAX_DELAY.
        vm.warp(T0 + 1000);
        adapter.proveNoObservation(T0 + 101, 3);
    }

    function test_proveNoObservation_revertsWhenFirstRoundIsUsable() public {
        _threeRounds();
        vm.warp(T0 + 1000);
        vm.expectRevert(
            abi.encodeWithSelector(IPriceSource.Oracle_ObservationExists.selector, address(quorum), 3, T0 + 200)
        );
        adapter.proveNoObservation(T0 + 150, 3);
    }
}
